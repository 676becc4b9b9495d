import { PermissionsService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { ComputeHostRelease, DNS_LABEL, findRelease, openstackCloudUpgradePermission, quoteValue } from '@backstage-openstack/plugin-openstack-common';
import { resolveCloud, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { CloudDrivers } from '../drivers/types';
import { SuiteApi } from '../drivers/suiteApi';
import { examples } from './cloudUpgrade.examples';
import { cloudRefField, timeoutMinutesField, approvalPlanOutputs, approvalIdField } from './inputFields';
import { upgradeCloud } from './upgradeSteps';
import { authorizeAction } from './authorize';
import { holdCloudLease } from './cloudLease';
import { ApprovalGate } from './approvalGate';

export interface CloudUpgradeDeps {
  /** Asked for openstack.cloud.upgrade with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  catalog: CatalogService;
  api: SuiteApi;
  drivers: CloudDrivers;
  /** nova-compute hosts and their releases; default the status backend's. */
  computeHosts?: (cloud: ResolvedCloud) => Promise<ComputeHostRelease[]>;
  /** Which lifecycles need an approval to upgrade, and the backend that checks the task's. */
  approvals: ApprovalGate;
  /** Poll interval while following the rollout. */
  pollMs?: number;
}

/**
 * `openstack:cloud:upgrade` — upgrades a cloud by ONE hop towards the target release: reads the
 * cloud, plans the hop with the upgrade planner and its preflight checks (blocking ones stop the
 * task with their reasons), then rolls the plan step by step, each step in its own checkpoint so
 * a task resumed after a restart neither repeats nor loses work. The same steps for every cloud:
 * the cloud's driver (`cloudDriverKind` of its delivery annotation) only decides where the
 * effects land (the demo store; a live cluster; a GitOps repository in the workspace).
 *
 * @public
 */
export function createCloudUpgradeAction(deps: CloudUpgradeDeps) {
  const computeHosts =
    deps.computeHosts ??
    (async (cloud: ResolvedCloud) =>
      // every host: one whose release is unknown blocks the compute-lag check, naming it
      (await deps.api.hosts(cloud)).map(h => ({ host: h.host, release: h.release })));
  return createTemplateAction({
    id: 'openstack:cloud:upgrade',
    description: 'Upgrades an OpenStack cloud by one hop (N → N+1, or SLURP → next SLURP) towards a target release',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cloud: cloudRefField(),
        targetRelease: z => z.string({ description: 'The release to reach, e.g. 2025.2; one hop is done per task' }),
        timeoutMinutes: timeoutMinutesField('How long to follow the rollout', 720, 30),
        planOnly: z =>
          z.boolean({ description: 'Only plan: run the preflight checks and output the plan, change nothing (for an approval step)' }).default(false),
        approvalId: approvalIdField,
        waitForRollout: z =>
          z
            .boolean({
              description:
                'Live GitOps clouds (flux, argocd): after updating the manifests in the workspace, follow the reconciliation in the cluster step by step (once the pull request is merged). Demo and direct clouds always follow it',
            })
            .default(false),
        argocdNamespace: z => z.string({ description: 'Live argocd clouds: namespace of the Applications (default argocd)' }).optional(),
      },
      output: {
        from: z => z.string().describe('Release before the hop'),
        to: z => z.string().describe('Release after the hop'),
        remainingHops: z => z.array(z.string()).describe('Hops still needed to reach the target'),
        report: z => z.record(z.string(), z.unknown()).describe('Upgrade report: preflight, steps, compute follow-up'),
        ...approvalPlanOutputs,
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply the schema's defaults to the input
      const { targetRelease, timeoutMinutes = 30, planOnly = false, waitForRollout = false } = ctx.input;
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:cloud:upgrade', openstackCloudUpgradePermission);
      const issues: string[] = [];
      if (typeof targetRelease !== 'string' || targetRelease.length > 20 || !findRelease(targetRelease)) {
        issues.push(`input.targetRelease ${quoteValue(targetRelease)} is not an OpenStack release; use one like 2025.2`);
      }
      const { argocdNamespace } = ctx.input;
      if (argocdNamespace !== undefined && (!DNS_LABEL.test(argocdNamespace) || argocdNamespace.length > 63)) {
        issues.push(`input.argocdNamespace ${quoteValue(argocdNamespace)}: not a DNS-1123 label; use e.g. argocd`);
      }
      if (issues.length) throw new InputError(issues.join('\n'));
      const cloud = await resolveCloud(deps.catalog, ctx.input.cloud, credentials, 'input.cloud');
      const upgrade = async () => {
        const target = await deps.drivers[cloud.driver].openUpgrade(ctx, cloud, { argocdNamespace });
        await upgradeCloud(ctx, target, cloud, { computeHosts, pollMs: deps.pollMs, approvals: deps.approvals }, { targetRelease, timeoutMinutes, planOnly, approvalId: ctx.input.approvalId, waitForRollout });
      };
      // one operation per cloud: a plan changes nothing and takes no lease; the upgrade holds it
      if (planOnly) await upgrade();
      else await holdCloudLease(ctx, deps.api, credentials, cloud.entityRef, 'upgrade', upgrade);
    },
  });
}
