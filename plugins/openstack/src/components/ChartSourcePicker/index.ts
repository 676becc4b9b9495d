export { ChartSourcePicker } from './ChartSourcePicker';
