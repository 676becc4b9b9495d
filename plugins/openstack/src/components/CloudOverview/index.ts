export { CloudOverview } from './CloudOverview';
