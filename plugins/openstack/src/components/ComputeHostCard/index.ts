export { ComputeHostCard } from './ComputeHostCard';
