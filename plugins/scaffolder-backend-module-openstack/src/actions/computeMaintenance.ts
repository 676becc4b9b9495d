import { PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  MAINTENANCE_PARALLEL_DEFAULT,
  MAINTENANCE_PARALLEL_MAX,
  openstackComputeMaintenancePermission,
  validateMaintenanceInput,
} from '@backstage-openstack/plugin-openstack-common';
import { resolveCloud } from '@backstage-openstack/plugin-openstack-node';
import { SuiteApi } from '../drivers/suiteApi';
import { authorizeAction } from './authorize';
import { holdCloudLease } from './cloudLease';
import { examples } from './computeMaintenance.examples';
import { hostIssues, initiatorOf, OpenHost } from './hostAction';
import { disableForMaintenance, exitMaintenance, hostRun, HostStepDeps, moveInstancesAway, movesFailedMessage } from './hostSteps';
import { cloudRefField, hostNameField, parallelField, timeoutMinutesField } from './inputFields';

/** What openstack:compute:maintenance needs. */
export interface ComputeMaintenanceDeps extends HostStepDeps {
  /** Asked for openstack.compute.maintenance with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  catalog: CatalogService;
  api: SuiteApi;
  openHost: OpenHost;
}

/**
 * `openstack:compute:maintenance` — `enter`: disables the host's nova-compute with a reason
 * naming the initiator and the time, then live-migrates every instance away (the scheduler picks
 * the targets), at most `parallel` at a time, until the host is empty; each instance that cannot
 * move is reported with Nova's reason, and the host stays disabled. `exit`: checks nova-compute
 * is up and the host's OVN agent alive, then enables it. Every step checkpointed.
 *
 * @public
 */
export function createComputeMaintenanceAction(deps: ComputeMaintenanceDeps) {
  return createTemplateAction({
    id: 'openstack:compute:maintenance',
    description: "Puts a compute host into maintenance (disable, live-migrate its instances away) or takes it out (checks, enable)",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cloud: cloudRefField(),
        host: hostNameField(),
        mode: z => z.enum(['enter', 'exit']).describe('enter: disable and empty the host; exit: check and enable it'),
        reason: z => z.string({ description: 'enter: why (shown on the host with your name and the time)' }).optional(),
        parallel: parallelField('enter: instances live-migrated at a time', MAINTENANCE_PARALLEL_MAX, MAINTENANCE_PARALLEL_DEFAULT),
        timeoutMinutes: timeoutMinutesField('How long to wait for the instances to move', 720, 60),
      },
      output: {
        moved: z => z.array(z.string()).describe('enter: ids of the instances that left the host').optional(),
        failed: z =>
          z
            .array(z.object({ id: z.string(), name: z.string(), reason: z.string() }))
            .describe("enter: the instances that could not move, with Nova's reason")
            .optional(),
      },
    },
    async handler(ctx) {
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:compute:maintenance', openstackComputeMaintenancePermission);
      const { host, mode, parallel = MAINTENANCE_PARALLEL_DEFAULT, timeoutMinutes = 60 } = ctx.input;
      const by = initiatorOf(ctx);
      const issues = [
        ...hostIssues(host),
        ...validateMaintenanceInput({ mode, reason: ctx.input.reason, parallel, by }).map(i => `input.${i.field} ${i.message}`),
      ];
      if (issues.length) throw new InputError(issues.join('\n'));
      const cloud = await resolveCloud(deps.catalog, ctx.input.cloud, credentials, 'input.cloud');
      const target = deps.openHost(cloud, host);
      if (ctx.isDryRun) {
        ctx.logger.info(
          mode === 'enter'
            ? `Would disable ${host} in ${cloud.entityRef} and live-migrate its ${(await target.servers()).length} instance(s) away, ${parallel} at a time`
            : `Would check that ${host} in ${cloud.entityRef} is up with its OVN agent alive, then enable it`,
        );
        return;
      }
      const run = hostRun(ctx, target, `maintenance.${cloud.cloudKey}.${host}.${mode}`, deps, timeoutMinutes);
      await holdCloudLease(ctx, deps.api, credentials, cloud.entityRef, 'maintenance', async () => {
        if (mode === 'exit') {
          await exitMaintenance(run);
          return;
        }
        // the time of the first run: a resumed task keeps it (the checkpoint of the disable)
        const since = await ctx.checkpoint({ key: `${run.prefix}.since`, fn: async () => new Date().toISOString() });
        const m = await disableForMaintenance(run, { reason: ctx.input.reason!.trim(), by, since });
        ctx.logger.info(`${host} is in maintenance: ${m.reason} (by ${m.by}, since ${m.since})`);
        const outcome = await moveInstancesAway(run, parallel, 'live-migrate');
        ctx.output('moved', outcome.moved);
        ctx.output('failed', outcome.failed);
        if (outcome.failed.length) throw new ConflictError(movesFailedMessage(host, outcome.failed));
        ctx.logger.info(`${host} is empty (${outcome.moved.length} instance(s) moved) and stays disabled until its maintenance ends (mode: exit)`);
      });
    },
  });
}
