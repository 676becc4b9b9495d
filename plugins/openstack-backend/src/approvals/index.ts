export { ApprovalStore } from './ApprovalStore';
export type { ApprovalRequest, ApprovalState, AuditEntry } from './ApprovalStore';
export { createApprovalsRouter } from './router';
export { catalogGroupsOf } from './membership';
export { RunStarter, RUN_START_LEASE_MS } from './runStarter';
