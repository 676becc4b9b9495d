import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  MAX_APPROVAL_PLAN_LENGTH,
  MAX_APPROVAL_TIMEOUT_MINUTES,
  openstackApprovalRequestPermission,
  OpenStackPluginApi,
  parseCloudRef,
  quoteValue,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';
import { pollUntil } from '@backstage-openstack/plugin-openstack-node';
import { examples } from './approvalRequest.examples';
import { authorizeAction } from './authorize';
import { timeoutMinutesField } from './inputFields';

/** A group entity ref as the catalog bounds it: `group:<namespace>/<name>`, at most 63 characters each. */
const GROUP_REF = /^group:([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

export interface ApprovalRequestDeps {
  /** Asked for openstack.approval.request with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  backend: OpenStackPluginApi;
  appBaseUrl: string;
  pollMs?: number;
}

/**
 * `openstack:approval:request` — asks the approver group to approve the next steps and waits
 * for the decision. The request is made once per task step (a resumed task finds it again);
 * approved → the task goes on and the output names the approver; rejected, expired or
 * cancelled → the task fails with the decision and its comment. Nobody approves their own
 * request. While it waits, the task holds one of the scaffolder's task slots.
 *
 * @public
 */
export function createApprovalRequestAction(deps: ApprovalRequestDeps) {
  const pollMs = deps.pollMs ?? 5000;
  return createTemplateAction({
    id: 'openstack:approval:request',
    description: 'Asks a platform-team member (never the requester) to approve, and waits for the decision',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        title: z => z.string({ description: 'What is to be approved, e.g. "Upgrade demo 2025.1 → 2025.2"' }).min(1).max(200),
        summary: z => z.string({ description: 'Why, and what it changes' }).max(4000).default(''),
        plan: z => z.unknown().describe('Structured plan shown to the approver (no secrets)'),
        cloud: z => z.string({ description: 'The cloud it concerns (key or entity ref), for the cloud page' }).optional(),
        approverGroup: z => z.string({ description: 'Group whose members may decide' }).default('group:default/platform-team'),
        timeoutMinutes: timeoutMinutesField('The request expires after this long', MAX_APPROVAL_TIMEOUT_MINUTES, 1440),
      },
      output: {
        requestId: z => z.string().describe('The approval request'),
        approvedBy: z => z.string().describe('Who approved'),
        comment: z => z.string().optional().describe('The approver’s comment'),
      },
    },
    async handler(ctx) {
      await authorizeAction(deps.permissions, ctx, 'openstack:approval:request', openstackApprovalRequestPermission);
      // the scaffolder does not apply the schema's defaults to the input
      const input = {
        ...ctx.input,
        summary: ctx.input.summary ?? '',
        approverGroup: ctx.input.approverGroup ?? 'group:default/platform-team',
        timeoutMinutes: ctx.input.timeoutMinutes ?? 1440,
      };
      const requester = ctx.user?.ref;
      if (!requester) {
        throw new InputError('An approval needs a signed-in requester; run the template as a user');
      }
      // each field where it enters, before anything is stored (the backend bounds them again)
      const issues: string[] = [];
      if (typeof input.title !== 'string' || !input.title.trim() || input.title.length > 200 || /[\r\n]/.test(input.title)) {
        issues.push(`input.title ${quoteValue(input.title)}: give one line of 1-200 characters, e.g. "Upgrade demo 2025.1 → 2025.2"`);
      }
      if (typeof input.summary !== 'string' || input.summary.length > 4000) {
        issues.push(`input.summary: give at most 4000 characters`);
      }
      if (typeof input.approverGroup !== 'string' || !GROUP_REF.test(input.approverGroup)) {
        issues.push(`input.approverGroup ${quoteValue(input.approverGroup)}: not a group entity ref; use e.g. group:default/platform-team`);
      }
      if ((JSON.stringify(input.plan ?? null) ?? '').length > MAX_APPROVAL_PLAN_LENGTH) {
        issues.push(`input.plan: longer than ${MAX_APPROVAL_PLAN_LENGTH} characters as JSON. Show the approver a shorter plan`);
      }
      if (issues.length) throw new InputError(issues.join('\n'));
      // approvals are keyed by the full cloud ref
      const cloud = input.cloud === undefined ? undefined : stringifyCloudRef(parseCloudRef(input.cloud, 'input.cloud'));
      if (ctx.isDryRun) {
        ctx.logger.info(`Would ask ${input.approverGroup} to approve "${input.title}"`);
        ctx.output('requestId', 'dry-run');
        ctx.output('approvedBy', 'dry-run');
        return;
      }
      const taskId = ctx.task.id;
      const stepId = ctx.step?.id ?? 'approval';
      const id = await ctx.checkpoint({
        key: `approval.request.${stepId}`,
        fn: async () =>
          (
            await deps.backend.createApproval({
              taskId,
              stepId,
              templateRef: ctx.templateInfo?.entityRef,
              requester,
              approverGroup: input.approverGroup,
              cloud,
              title: input.title,
              summary: input.summary,
              plan: input.plan ?? null,
              timeoutMinutes: input.timeoutMinutes,
            })
          ).id,
      });
      ctx.logger.info(`Waiting for ${input.approverGroup} to approve: ${deps.appBaseUrl}/openstack/approvals/${id}`);
      const decided = await pollUntil(
        `a decision on approval ${id}`,
        async () => {
          const { approval: a } = await deps.backend.getApproval(id);
          return a.state === 'pending' ? undefined : a;
        },
        // the request's own expiry ends the wait; the margin covers clock skew between replicas
        { timeoutMs: (input.timeoutMinutes + 1) * 60_000, intervalMs: pollMs, signal: ctx.signal },
      );
      if (decided.state !== 'approved') {
        throw new Error(
          `Approval ${decided.state}${decided.decidedBy ? ` by ${decided.decidedBy}` : ''}${decided.comment ? `: ${decided.comment}` : ''}`,
        );
      }
      ctx.logger.info(`Approved by ${decided.decidedBy}${decided.comment ? `: ${decided.comment}` : ''}`);
      ctx.output('requestId', id);
      ctx.output('approvedBy', decided.decidedBy!);
      if (decided.comment) ctx.output('comment', decided.comment);
    },
  });
}
