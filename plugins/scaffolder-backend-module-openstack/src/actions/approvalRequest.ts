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
}

/**
 * `openstack:approval:request` — the request phase of a two-phase template: files a request for
 * the approver group to approve `plan`, with the form values of the run (`runParameters`, never
 * secrets), and ENDS. The task holds no scaffolder slot while the request waits. When a member of
 * the group (never the requester) approves, the backend starts the run: a new task of the same
 * template, on behalf of the approver, with these values and `approvalId`, which the run's
 * action verifies (approved, unexpired, the same plan, one run). Made once per task step (a
 * resumed task finds it again).
 *
 * @public
 */
export function createApprovalRequestAction(deps: ApprovalRequestDeps) {
  return createTemplateAction({
    id: 'openstack:approval:request',
    description: 'Files a request for a platform-team member (never the requester) to approve the plan; the run starts, as a new task, once approved',
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
        runParameters: z =>
          z
            .record(z.string(), z.unknown())
            .describe('The form values to run this template with once approved (`${{ parameters }}`; never secrets)'),
      },
      output: {
        requestId: z => z.string().describe('The approval request'),
        url: z => z.string().describe('Where the approver group decides (and everyone follows the request and its run)'),
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
      const runParameters = input.runParameters;
      if (!runParameters || typeof runParameters !== 'object' || Array.isArray(runParameters)) {
        issues.push('input.runParameters: give the form values to run with once approved, e.g. runParameters: ${{ parameters }}');
      } else if ('approvalId' in runParameters && runParameters.approvalId) {
        issues.push('input.runParameters.approvalId: this run was started by an approval; a run does not file requests (add `if: ${{ not parameters.approvalId }}` to the step)');
      } else if (JSON.stringify(runParameters).length > MAX_APPROVAL_PLAN_LENGTH) {
        issues.push(`input.runParameters: longer than ${MAX_APPROVAL_PLAN_LENGTH} characters as JSON`);
      }
      if (!ctx.templateInfo?.entityRef) {
        issues.push('the task has no template (templateInfo.entityRef): the run is started from the template that filed the request');
      }
      if ((JSON.stringify(input.plan ?? null) ?? '').length > MAX_APPROVAL_PLAN_LENGTH) {
        issues.push(`input.plan: longer than ${MAX_APPROVAL_PLAN_LENGTH} characters as JSON. Show the approver a shorter plan`);
      }
      if (issues.length) throw new InputError(issues.join('\n'));
      // approvals are keyed by the full cloud ref
      const cloud = input.cloud === undefined ? undefined : stringifyCloudRef(parseCloudRef(input.cloud, 'input.cloud'));
      if (ctx.isDryRun) {
        ctx.logger.info(`Would ask ${input.approverGroup} to approve "${input.title}"; the run would start once approved`);
        ctx.output('requestId', 'dry-run');
        ctx.output('url', `${deps.appBaseUrl}/openstack/approvals`);
        return;
      }
      const taskId = ctx.task.id;
      const stepId = ctx.step?.id ?? 'approval';
      // the form values without the empty approvalId of the request phase (the backend adds it to the run)
      const { approvalId: _none, ...values } = runParameters as Record<string, unknown>;
      const id = await ctx.checkpoint({
        key: `approval.request.${stepId}`,
        fn: async () =>
          (
            await deps.backend.createApproval({
              taskId,
              stepId,
              templateRef: ctx.templateInfo!.entityRef!,
              requester,
              approverGroup: input.approverGroup,
              cloud,
              title: input.title,
              summary: input.summary,
              plan: input.plan ?? null,
              timeoutMinutes: input.timeoutMinutes,
              runParameters: values,
            })
          ).id,
      });
      const url = `${deps.appBaseUrl}/openstack/approvals/${id}`;
      ctx.logger.info(
        `Filed approval request ${id} for ${input.approverGroup}: ${url}. This task ends here and holds no task slot; when a member of ${input.approverGroup} approves, ${ctx.templateInfo!.entityRef} runs as a new task on their behalf`,
      );
      ctx.output('requestId', id);
      ctx.output('url', url);
    },
  });
}
