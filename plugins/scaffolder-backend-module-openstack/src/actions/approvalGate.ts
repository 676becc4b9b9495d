import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  APPROVAL_OPERATIONS,
  ApprovalOperation,
  ApprovalPlan,
  approvalPlanDigest,
  OpenStackPluginApi,
} from '@backstage-openstack/plugin-openstack-common';

/**
 * Which operations need an approval, by the cloud's lifecycle, and the backend that says whether
 * the task has one for exactly this plan.
 *
 * @public
 */
export interface ApprovalGate {
  /** The operations that need an approval on a cloud of this `spec.lifecycle`. */
  required(lifecycle: string | undefined): readonly ApprovalOperation[];
  verify: OpenStackPluginApi['verifyApproval'];
}

/**
 * The gate of `openstack.approvals.required.<lifecycle>: [create, upgrade, enroll, decommission]`.
 * A lifecycle without an entry (or a cloud without one) needs all four: the safe default. A bad entry stops
 * the backend at start.
 *
 * @public
 */
export function approvalGateFromConfig(config: RootConfigService, backend: Pick<OpenStackPluginApi, 'verifyApproval'>): ApprovalGate {
  const section = config.getOptionalConfig('openstack.approvals.required');
  const byLifecycle = new Map<string, ApprovalOperation[]>();
  for (const lifecycle of section?.keys() ?? []) {
    const ops = section!.getStringArray(lifecycle);
    const bad = ops.filter(o => !APPROVAL_OPERATIONS.includes(o as ApprovalOperation));
    if (bad.length) {
      throw new InputError(
        `openstack.approvals.required.${lifecycle}: ${bad.map(b => JSON.stringify(b)).join(', ')} is not an operation; use any of ${APPROVAL_OPERATIONS.join(', ')}`,
      );
    }
    byLifecycle.set(lifecycle, ops as ApprovalOperation[]);
  }
  return {
    required: lifecycle => (lifecycle !== undefined && byLifecycle.get(lifecycle)) || APPROVAL_OPERATIONS,
    verify: body => backend.verifyApproval(body),
  };
}

/** What the gate needs of the task. */
interface GateContext {
  task: { id: string };
  isDryRun?: boolean;
  logger: { info(message: string): void };
  output(name: string, value: unknown): void;
  checkpoint<T extends object | string | number | boolean | null>(opts: { key: string; fn: () => Promise<T> }): Promise<T>;
}

/**
 * Refuses to go on unless the cloud's lifecycle needs no approval for this operation, or the
 * run was started with an approval (the action's `input.approvalId`, which the backend adds when it starts
 * the run on approval) that is approved, unexpired, for exactly this plan (the backend compares
 * the digests and names what changed) and bound to this task alone (a second run of the same
 * approval is refused). Whatever the template says: the action asks, not a step. A dry run
 * changes nothing and needs none. Checked once per task and plan (a resumed task does not ask
 * again). The log names the requester and the approver.
 */
export async function enforceApproval(
  ctx: GateContext,
  gate: ApprovalGate,
  plan: ApprovalPlan,
  lifecycle: string | undefined,
  /** The action's `input.approvalId`: the approval the backend started this run with. */
  approvalIdInput: string | undefined,
): Promise<void> {
  const op = plan.operation;
  const digest = approvalPlanDigest(plan);
  // a form field left empty arrives as ""
  const approvalId = approvalIdInput || undefined;
  if (ctx.isDryRun) return;
  if (!approvalId) {
    if (!gate.required(lifecycle).includes(op)) {
      ctx.logger.info(`No approval needed to ${op} on a cloud of lifecycle ${lifecycle ?? '(none)'} (openstack.approvals.required)`);
      return;
    }
    throw new NotAllowedError(
      `Refused to ${op} ${plan.cloud}: a cloud of lifecycle ${lifecycle ?? '(none)'} needs an approval to ${op} (openstack.approvals.required), and this run has none (input.approvalId). Run the template without it: it files the request, and the run starts when a member of the approver group approves`,
    );
  }
  const approval = await ctx.checkpoint({
    key: `approval.verify.${op}.${digest}`,
    fn: async () => {
      try {
        const a = await gate.verify({ approvalId, taskId: ctx.task.id, operation: op, cloud: plan.cloud, plan });
        return { id: a.id, requester: a.requester, requestTaskId: a.taskId, decidedBy: a.decidedBy ?? '', comment: a.comment ?? '' };
      } catch (e) {
        // the backend's reason (no approval, what changed, another run), not the HTTP wrapping
        const reason = (e as { body?: { error?: { message?: string } } }).body?.error?.message ?? (e as Error).message;
        throw new NotAllowedError(`Refused to ${op} ${plan.cloud}: ${reason}`);
      }
    },
  });
  ctx.logger.info(
    `Requested by ${approval.requester} (task ${approval.requestTaskId}), approved by ${approval.decidedBy}${approval.comment ? ` ("${approval.comment}")` : ''}: request ${approval.id}, for exactly this plan (${digest}); this task is its one run`,
  );
}

/**
 * A planOnly run's outputs: the plan to approve (`openstack:approval:request` input.plan), its
 * digest, and whether the cloud's lifecycle needs an approval for it (a template's `if:` on the
 * approval step).
 */
export function outputApprovalPlan(ctx: Pick<GateContext, 'output' | 'logger'>, gate: ApprovalGate, plan: ApprovalPlan, lifecycle: string | undefined): void {
  const digest = approvalPlanDigest(plan);
  const approvalRequired = gate.required(lifecycle).includes(plan.operation);
  ctx.logger.info(`Plan ${digest}: ${approvalRequired ? 'needs an approval' : 'needs no approval'} (lifecycle ${lifecycle ?? '(none)'})`);
  ctx.output('plan', plan);
  ctx.output('digest', digest);
  ctx.output('approvalRequired', approvalRequired);
}
