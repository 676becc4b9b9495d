export { CloudSummaryCard } from './CloudSummaryCard';
