export { ZonePicker } from './ZonePicker';
