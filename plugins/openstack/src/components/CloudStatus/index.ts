export { CloudStatusContent, CloudStatusView } from './CloudStatusContent';
