/** The states of an approval request. @public */
export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

/**
 * An approval request: what a platform-team member (never the requester) approves or rejects
 * before a risky template step runs.
 *
 * @public
 */
export interface ApprovalRequest {
  id: string;
  taskId: string;
  stepId: string;
  templateRef?: string;
  requester: string;
  approverGroup: string;
  cloud?: string;
  title: string;
  summary: string;
  /** The structured plan shown to the approver (never secrets). */
  plan: unknown;
  state: ApprovalState;
  createdAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

/** One entry of a request's append-only audit trail. @public */
export interface ApprovalAuditEntry {
  at: string;
  actor: string;
  event: 'created' | 'approved' | 'rejected' | 'expired' | 'cancelled';
  fromState?: ApprovalState;
  toState?: ApprovalState;
  comment?: string;
}
