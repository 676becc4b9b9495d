import { PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  decommissionApprovalPlan,
  hostEntityName,
  MAINTENANCE_PARALLEL_DEFAULT,
  MAINTENANCE_PARALLEL_MAX,
  openstackComputeDecommissionPermission,
} from '@backstage-openstack/plugin-openstack-common';
import { resolveCloud } from '@backstage-openstack/plugin-openstack-node';
import { SuiteApi } from '../drivers/suiteApi';
import { ApprovalGate, enforceApproval, outputApprovalPlan } from './approvalGate';
import { authorizeAction } from './authorize';
import { holdCloudLease } from './cloudLease';
import { examples } from './computeDecommission.examples';
import { hostIssues, initiatorOf, OpenHost } from './hostAction';
import { disableForMaintenance, hostRun, HostStepDeps, moveInstancesAway, movesFailedMessage, removeHost } from './hostSteps';
import { approvalIdField, approvalPlanOutputs, cloudRefField, hostNameField, parallelField, timeoutMinutesField } from './inputFields';

/** What openstack:compute:decommission needs. */
export interface ComputeDecommissionDeps extends HostStepDeps {
  /** Asked for openstack.compute.decommission with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  catalog: CatalogService;
  api: SuiteApi;
  openHost: OpenHost;
  /** Which lifecycles need an approval to decommission, and the backend that checks the task's. */
  approvals: ApprovalGate;
}

/**
 * `openstack:compute:decommission` — removes a compute host from its cloud, approved by the
 * cloud's lifecycle rule: puts it into maintenance (disabled, instances live-migrated away);
 * refuses while instances remain, unless the host is down and `evacuate` is set (they are then
 * evacuated); once nova-compute is down, deletes its service (compute node and Placement
 * resource provider with it), its Neutron agents (the OVN chassis with them), its aggregate
 * memberships, its bundle Secret and any unused join token; checks nothing of it is left in Nova, Placement and Neutron;
 * removes its catalog entity through the suite's entity provider.
 *
 * @public
 */
export function createComputeDecommissionAction(deps: ComputeDecommissionDeps) {
  return createTemplateAction({
    id: 'openstack:compute:decommission',
    description: 'Decommissions a compute host: maintenance, then it is removed from Nova, Placement, Neutron, its aggregates and the catalog',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        approvalId: approvalIdField,
        cloud: cloudRefField(),
        host: hostNameField(),
        reason: z => z.string({ description: 'Why (recorded on the host while it is removed)' }).default('decommission'),
        evacuate: z =>
          z.boolean({ description: 'When the host is down: rebuild its instances on other hosts (evacuate); otherwise instances on it stop the decommission' }).default(false),
        parallel: parallelField('Instances moved at a time', MAINTENANCE_PARALLEL_MAX, MAINTENANCE_PARALLEL_DEFAULT),
        timeoutMinutes: timeoutMinutesField('How long to wait for the instances to move and the host to stop', 720, 60),
        planOnly: z =>
          z.boolean({ description: 'Only validate and plan: output the plan to approve (openstack:approval:request), change nothing' }).default(false),
      },
      output: {
        entityRef: z => z.string().describe('The catalog entity of the host that was removed').optional(),
        ...approvalPlanOutputs,
      },
    },
    async handler(ctx) {
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:compute:decommission', openstackComputeDecommissionPermission);
      const { host, evacuate = false, parallel = MAINTENANCE_PARALLEL_DEFAULT, timeoutMinutes = 60 } = ctx.input;
      const reason = (ctx.input.reason ?? 'decommission').trim() || 'decommission';
      const by = initiatorOf(ctx);
      const issues = hostIssues(host);
      if (typeof evacuate !== 'boolean') issues.push('input.evacuate: true or false');
      if (!Number.isInteger(parallel) || parallel < 1 || parallel > MAINTENANCE_PARALLEL_MAX) issues.push(`input.parallel: a whole number from 1 to ${MAINTENANCE_PARALLEL_MAX}`);
      if (/[\r\n]/.test(reason) || reason.length > 120) issues.push('input.reason: one line of at most 120 characters');
      if (issues.length) throw new InputError(issues.join('\n'));
      const cloud = await resolveCloud(deps.catalog, ctx.input.cloud, credentials, 'input.cloud');
      const target = deps.openHost(cloud, host);
      const approvalPlan = decommissionApprovalPlan(cloud.entityRef, host, evacuate);
      if (ctx.input.planOnly) {
        outputApprovalPlan(ctx, deps.approvals, approvalPlan, cloud.lifecycle);
        return;
      }
      if (ctx.isDryRun) {
        ctx.logger.info(`Would decommission ${host} of ${cloud.entityRef}: ${approvalPlan.operation === 'decommission' ? approvalPlan.removes.join('; ') : ''}`);
        return;
      }
      await enforceApproval(ctx, deps.approvals, approvalPlan, cloud.lifecycle, ctx.input.approvalId);
      const entityName = hostEntityName(cloud.cloudKey, host);
      const run = hostRun(ctx, target, `decommission.${cloud.cloudKey}.${host}`, deps, timeoutMinutes);
      await holdCloudLease(ctx, deps.api, credentials, cloud.entityRef, 'decommission', async () => {
        const service = await target.computeService();
        if (service) {
          const since = await ctx.checkpoint({ key: `${run.prefix}.since`, fn: async () => new Date().toISOString() });
          await disableForMaintenance(run, { reason, by, since });
          if ((await target.servers()).length) {
            const down = service.state === 'down';
            if (down && !evacuate) {
              const names = (await target.servers()).map(s => `${s.name} (${s.id})`);
              throw new ConflictError(
                `${host} is down with ${names.length} instance(s) on it (${names.join(', ')}); they cannot be live-migrated. Set input.evacuate to rebuild them on other hosts, or bring the host back. ${host} stays disabled; nothing was deleted.`,
              );
            }
            const outcome = await moveInstancesAway(run, parallel, down ? 'evacuate' : 'live-migrate');
            if (outcome.failed.length) throw new ConflictError(`${movesFailedMessage(host, outcome.failed)}\nNothing was deleted.`);
          }
        } else {
          ctx.logger.info(`${host} has no nova-compute service (already deleted); removing what is left of it`);
        }
        await removeHost(run);
        ctx.logger.info(`Nothing of ${host} is left in Nova (os-services, os-hypervisors), Placement or Neutron, nor in any aggregate`);
        // an unused join token of the host would let a machine join under its name later
        await ctx.checkpoint({
          key: `${run.prefix}.delete.joinTokens`,
          fn: async () => {
            const deleted = await deps.api.deleteJoinTokens(credentials, cloud.entityRef, host);
            ctx.logger.info(deleted ? `Deleted ${deleted} unused join token(s) of ${host}` : `${host} has no unused join token`);
            return deleted;
          },
        });
        await ctx.checkpoint({
          key: `${run.prefix}.delete.entity`,
          fn: async () => {
            const removed = await deps.api.deleteEntity(credentials, { kind: 'resource', namespace: cloud.ref.namespace, name: entityName });
            ctx.logger.info(removed ? `Removed the catalog entity ${entityName} (the suite's entity provider drops it)` : `The suite keeps no catalog entity ${entityName}`);
            return removed;
          },
        });
      });
      ctx.output('entityRef', `resource:${cloud.ref.namespace}/${entityName}`);
    },
  });
}
