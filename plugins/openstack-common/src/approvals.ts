import { z } from 'zod';
import { APPROVAL_OPERATIONS, ApprovalOperation } from './approvalPlan';

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
  /** The structured plan shown to the approver (never secrets): an `ApprovalPlan` for a bound request. */
  plan: unknown;
  /** `approvalPlanDigest(plan)`, computed by the backend when the request is made. */
  digest: string;
  /** The operation the plan is for, when the plan is an `ApprovalPlan`: only such a request lets that action run. */
  operation?: ApprovalOperation;
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

/** Longest time an approval request may wait for a decision: 14 days, in minutes. @public */
export const MAX_APPROVAL_TIMEOUT_MINUTES = 60 * 24 * 14;

/**
 * The longest id or entity ref an approval stores (task, step, template, requester, approver
 * group, cloud): the columns are `varchar(255)` on PostgreSQL. @public
 */
export const MAX_APPROVAL_REF_LENGTH = 255;

/** The longest plan an approval stores, as JSON. @public */
export const MAX_APPROVAL_PLAN_LENGTH = 65_536;

/**
 * What the scaffolder action sends to open a request (the body of `POST /approvals`), checked
 * by the backend before anything is stored.
 *
 * @public
 */
export const newApprovalRequestSchema = z.object({
  taskId: z.string().min(1).max(MAX_APPROVAL_REF_LENGTH),
  stepId: z.string().min(1).max(MAX_APPROVAL_REF_LENGTH),
  templateRef: z.string().min(1).max(MAX_APPROVAL_REF_LENGTH).optional(),
  requester: z
    .string()
    .max(MAX_APPROVAL_REF_LENGTH)
    .regex(/^user:[^/]+\/.+$/, 'must be a user entity ref'),
  approverGroup: z
    .string()
    .max(MAX_APPROVAL_REF_LENGTH)
    .regex(/^group:[^/]+\/.+$/, 'must be a group entity ref'),
  cloud: z.string().max(MAX_APPROVAL_REF_LENGTH).optional(),
  title: z.string().min(1).max(200),
  summary: z.string().max(4000).default(''),
  plan: z.unknown().refine(p => (JSON.stringify(p ?? null) ?? '').length <= MAX_APPROVAL_PLAN_LENGTH, {
    message: `is longer than ${MAX_APPROVAL_PLAN_LENGTH} characters as JSON. Show the approver a shorter plan`,
  }),
  timeoutMinutes: z.number().int().min(1).max(MAX_APPROVAL_TIMEOUT_MINUTES),
});

/** A request to open, as stored: see {@link newApprovalRequestSchema}. @public */
export type NewApprovalRequest = z.infer<typeof newApprovalRequestSchema>;

/**
 * What an action sends before it acts (the body of `POST /approvals/verify`): its task, the
 * operation, the cloud and the plan it recomputed now. The backend digests the plan itself.
 *
 * @public
 */
export const approvalVerificationSchema = z.object({
  taskId: z.string().min(1),
  operation: z.enum(APPROVAL_OPERATIONS),
  cloud: z.string().min(1),
  plan: z.unknown(),
});

/** See {@link approvalVerificationSchema}. @public */
export type ApprovalVerification = z.infer<typeof approvalVerificationSchema>;
