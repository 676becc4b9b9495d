import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CLOUD_DELIVERIES,
  CloudDelivery,
  cloudDriverKind,
  DEPLOYABLE_RELEASES,
  openstackCloudCreatePermission,
  OWNER_REF,
  quoteValue,
  SAFE_NAME,
} from '@backstage-openstack/plugin-openstack-common';
import { CloudDrivers } from '../drivers/types';
import { SuiteApi } from '../drivers/suiteApi';
import { examples } from './cloudCreate.examples';
import { timeoutMinutesField, approvalPlanOutputs, approvalIdField } from './inputFields';
import { CloudKeyHolders } from './claimCloudKey';
import { createCloud } from './createSteps';
import { authorizeAction } from './authorize';
import { holdCloudLease } from './cloudLease';
import { ApprovalGate } from './approvalGate';

export interface CloudCreateDeps {
  /** Asked for openstack.cloud.create with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  /** Who already holds a cloud key (live config, catalog): create never takes one over. */
  cloudKeyHolders: CloudKeyHolders;
  /** Where the effects land: the demo store (demo) or the configured clusters (live). */
  drivers: CloudDrivers;
  /** Which lifecycles need an approval to create a cloud, and the backend that checks the task's. */
  approvals: ApprovalGate;
  /** The suite's API: the new cloud's lease. */
  api: SuiteApi;
  /** Poll interval of the wait; default the driver's. */
  pollMs?: number;
}

/**
 * `openstack:cloud:create` — creates a cloud and outputs its catalog entity for `catalog:write` /
 * `catalog:register`. The same steps for every cloud (createSteps.ts: validate → claim the name →
 * render → apply → wait → register, each effect checkpointed); the driver, picked by
 * `cloudDriverKind(delivery)`, only decides where the effects land:
 * - `delivery: direct | flux | argocd` with a full cloud `spec` (openstack-common's
 *   cloudSpecSchema, whose `delivery.mode` it must equal): the credential Secrets and the
 *   objects go to the cluster (direct: server-side apply), or the GitOps manifests to the
 *   workspace (flux, argocd);
 * - `delivery: demo` (default without a spec): the simulated cloud in the backend's demo store;
 *   its entity carries `openstack.backstage.io/delivery: demo`.
 *
 * @public
 */
export function createCloudCreateAction(deps: CloudCreateDeps) {
  return createTemplateAction({
    id: 'openstack:cloud:create',
    description: 'Creates an OpenStack cloud whose control plane runs on Kubernetes (openstack-helm)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string({ description: 'Cloud name, a DNS-1123 label of at most 40 characters (demo; live clouds: spec.name)' }).optional(),
        release: z => z.string({ description: `OpenStack release; the pinned charts deploy ${DEPLOYABLE_RELEASES.join(', ')} (demo; live: spec.release)` }).optional(),
        components: z =>
          z.array(z.string(), { description: 'Components: keystone, glance, placement, nova, neutron, cinder, horizon (demo; live: spec.components)' }).optional(),
        region: z => z.string({ description: 'Region name' }).default('RegionOne'),
        delivery: z =>
          z
            .enum(CLOUD_DELIVERIES as unknown as [CloudDelivery, ...CloudDelivery[]], {
              description:
                'How the cloud is delivered: demo (the simulated cloud in the backend), direct (server-side apply), flux or argocd (GitOps manifests in the workspace); live ones need spec. Default: spec.delivery.mode when spec is set, else demo',
            })
            .optional(),
        spec: z =>
          z
            .record(z.string(), z.unknown(), {
              description:
                'Live clouds: the full cloud spec (openstack-common cloudSpecSchema: name, release, components, publicDomain, delivery {mode flux|argocd|direct}, chartSource {name: a key of openstack.chartSources} …). name/release/components/region are then taken from it',
            })
            .optional(),
        cluster: z =>
          z
            .string({ description: 'Kubernetes cluster (kubernetes.clusterLocatorMethods); live flux/argocd clouds: where the Secrets go and the charts run' })
            .optional(),
        namespace: z => z.string({ description: 'Namespace of the control plane (default: the cloud name)' }).optional(),
        owner: z => z.string({ description: 'Owner entity ref' }).default('group:default/platform-team'),
        lifecycle: z =>
          z
            .string({ description: "The cloud's spec.lifecycle, e.g. production or development; openstack.approvals.required.<lifecycle> says which operations on it need an approval" })
            .default('production'),
        planOnly: z =>
          z.boolean({ description: 'Only validate and plan: output the plan to approve (openstack:approval:request), change nothing' }).default(false),
        approvalId: approvalIdField,
        waitForReady: z => z.boolean({ description: 'Wait until every service is Healthy' }).default(true),
        timeoutMinutes: timeoutMinutesField('How long to wait until every service is Healthy (waitForReady)', 240, 30),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('The cloud catalog entity'),
        manifests: z => z.array(z.string()).describe('Live flux/argocd clouds: the manifest files written to the workspace').optional(),
        ...approvalPlanOutputs,
      },
    },
    async handler(ctx) {
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:cloud:create', openstackCloudCreatePermission);
      // the scaffolder does not apply the schema's defaults to the input
      const { owner = 'group:default/platform-team', waitForReady = true, timeoutMinutes = 30, lifecycle = 'production', planOnly = false } = ctx.input;
      const delivery = ctx.input.delivery ?? (readMode(ctx.input.spec) as CloudDelivery | undefined) ?? 'demo';
      // fields of both paths that reach the entity (owner) and the manifests' directory (cluster)
      const common: string[] = [];
      if (!OWNER_REF.test(owner)) {
        common.push(`input.owner ${quoteValue(owner)}: not a group or user entity ref; use e.g. group:default/platform-team`);
      }
      if (ctx.input.cluster !== undefined && !SAFE_NAME.test(ctx.input.cluster)) {
        common.push(
          `input.cluster ${quoteValue(ctx.input.cluster)}: not a cluster name; use 1-64 letters, digits, ".", "_" or "-" as kubernetes.clusterLocatorMethods names it, e.g. prod-eu`,
        );
      }
      if (!SAFE_NAME.test(lifecycle)) {
        common.push(`input.lifecycle ${quoteValue(lifecycle)}: use 1-64 letters, digits, ".", "_" or "-", e.g. production`);
      }
      if (common.length) throw new InputError(common.join('\n'));
      const kind = cloudDriverKind(delivery);
      if (kind === 'live') {
        if (!ctx.input.spec) {
          throw new InputError(`input.spec is required with delivery ${delivery}: give the full cloud spec (openstack-common cloudSpecSchema)`);
        }
        const mode = readMode(ctx.input.spec);
        if (mode !== delivery) {
          throw new InputError(`input.delivery ${delivery} differs from input.spec.delivery.mode ${mode ?? '(unset)'}; make them equal or drop input.delivery`);
        }
      } else if (ctx.input.spec) {
        throw new InputError('input.spec is for live clouds; with delivery demo give name, release and components instead (or set delivery to direct, flux or argocd)');
      }
      // validate: the driver refuses what it cannot create, naming the field, before anything changes
      const target = await deps.drivers[kind].openCreate(ctx, ctx.input);
      const holdLease = (cloudRef: string, fn: () => Promise<void>) => holdCloudLease(ctx, deps.api, credentials, cloudRef, 'create', fn);
      await createCloud(ctx, target, { ...deps, holdLease }, { owner, lifecycle, planOnly, approvalId: ctx.input.approvalId, waitForReady, timeoutMinutes });
    },
  });
}

/** The `delivery.mode` of a raw spec input, when it has one. */
function readMode(spec: Record<string, unknown> | undefined): string | undefined {
  const d = spec?.delivery;
  return d && typeof d === 'object' && typeof (d as { mode?: unknown }).mode === 'string' ? (d as { mode: string }).mode : undefined;
}
