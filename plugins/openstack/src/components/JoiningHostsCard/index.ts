export { JoiningHostsCard, joinStateText, JOIN_POLL_SECONDS } from './JoiningHostsCard';
