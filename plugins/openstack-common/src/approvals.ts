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
  /**
   * The form values the run is started with once approved (the template `templateRef`, with
   * `approvalId` added); never secrets. Absent: the request starts no run.
   */
  runParameters?: Record<string, unknown>;
  /**
   * Where starting the run stands: `to-start` (approved, not started yet), `starting` (a replica
   * is starting it), `started` (`runTaskId` is the run's task). Absent: no run to start.
   */
  runState?: ApprovalRunState;
  /** The scaffolder task that runs what was approved (the only one the approval lets act). */
  runTaskId?: string;
  /** Why the last attempt to start the run failed (it is tried again). */
  runError?: string;
}

/** See {@link ApprovalRequest.runState}. @public */
export type ApprovalRunState = 'to-start' | 'starting' | 'started';

/** One entry of a request's append-only audit trail. @public */
export interface ApprovalAuditEntry {
  at: string;
  actor: string;
  event: 'created' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'run-started';
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
  /** The form values of the run to start once approved (no secrets); see {@link ApprovalRequest.runParameters}. */
  runParameters: z
    .record(z.string(), z.unknown())
    .refine(p => !('approvalId' in p), { message: 'must not hold approvalId: a run does not file requests' })
    .refine(p => JSON.stringify(p).length <= MAX_APPROVAL_PLAN_LENGTH, {
      message: `is longer than ${MAX_APPROVAL_PLAN_LENGTH} characters as JSON`,
    })
    .optional(),
});

/** A request to open, as stored: see {@link newApprovalRequestSchema}. @public */
export type NewApprovalRequest = z.infer<typeof newApprovalRequestSchema>;

/**
 * What an action sends before it acts (the body of `POST /approvals/verify`): the approval it
 * was started with, its task, the operation, the cloud and the plan it recomputed now. The
 * backend digests the plan itself and binds the approval to the task.
 *
 * @public
 */
export const approvalVerificationSchema = z.object({
  /** The approval the run was started with (its `approvalId` parameter). */
  approvalId: z.string().min(1).max(MAX_APPROVAL_REF_LENGTH),
  /** The run's task: the approval binds to the first task that presents it, and only to it. */
  taskId: z.string().min(1).max(MAX_APPROVAL_REF_LENGTH),
  operation: z.enum(APPROVAL_OPERATIONS),
  cloud: z.string().min(1),
  plan: z.unknown(),
});

/** See {@link approvalVerificationSchema}. @public */
export type ApprovalVerification = z.infer<typeof approvalVerificationSchema>;
