import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CLOUD_DELIVERIES,
  cloudRefOfEntity,
  createApprovalPlan,
  stringifyCloudRef,
  CloudDelivery,
  cloudDriverKind,
  componentIssues,
  DEPLOYABLE_RELEASES,
  isDeployableRelease,
  openstackCloudCreatePermission,
  OWNER_REF,
  quoteValue,
  SAFE_NAME,
} from '@backstage-openstack/plugin-openstack-common';
import { pollUntil } from '@backstage-openstack/plugin-openstack-node';
import { SuiteApi } from '../drivers/suiteApi';
import { buildCloudEntity, DNS_LABEL } from './cloudEntity';
import { examples } from './cloudCreate.examples';
import { timeoutMinutesField } from './inputFields';
import { createLiveCloud, LiveCreateDeps } from './cloudCreateLive';
import { claimCloudKey, CloudKeyHolders } from './claimCloudKey';
import { authorizeAction } from './authorize';
import { holdCloudLease } from './cloudLease';
import { ApprovalGate, enforceApproval, outputApprovalPlan } from './approvalGate';

export interface CloudCreateDeps {
  /** Asked for openstack.cloud.create with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  api: SuiteApi;
  /** Who already holds a cloud key (live config, catalog): create never takes one over. */
  cloudKeyHolders: CloudKeyHolders;
  /** Which lifecycles need an approval to create a cloud, and the backend that checks the task's. */
  approvals: ApprovalGate;
  /** Live clouds: the configured clusters and the chart source check. */
  live?: Omit<LiveCreateDeps, 'pollMs' | 'cloudKeyHolders' | 'holdLease' | 'approvals'>;
  pollMs?: number;
}

/**
 * `openstack:cloud:create` — creates a cloud and outputs its catalog entity for `catalog:write` /
 * `catalog:register`.
 * The driver is picked by `cloudDriverKind(delivery)`, the one demo/live rule:
 * - `delivery: direct | flux | argocd` with a full cloud `spec` (openstack-common's
 *   cloudSpecSchema, whose `delivery.mode` it must equal): validates the spec, the cluster, the
 *   namespace and the chart source before anything changes, creates the credential Secrets once,
 *   writes the GitOps manifests to the workspace (flux, argocd) or server-side applies them
 *   (direct), optionally waits until every chart is Ready.
 * - `delivery: demo` (default without a spec): the simulated cloud in the backend's demo store;
 *   its entity carries `openstack.backstage.io/delivery: demo`.
 *
 * @public
 */
export function createCloudCreateAction(deps: CloudCreateDeps) {
  const pollMs = deps.pollMs ?? 3000;
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
                'Live clouds: the full cloud spec (openstack-common cloudSpecSchema: name, release, components, publicDomain, delivery {mode flux|argocd|direct}, chartSource …). name/release/components/region are then taken from it',
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
        waitForReady: z => z.boolean({ description: 'Wait until every service is Healthy' }).default(true),
        timeoutMinutes: timeoutMinutesField('How long to wait until every service is Healthy (waitForReady)', 240, 30),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('The cloud catalog entity'),
        manifests: z => z.array(z.string()).describe('Live flux/argocd clouds: the manifest files written to the workspace').optional(),
        plan: z => z.record(z.string(), z.unknown()).describe('planOnly: the plan to approve (openstack:approval:request input.plan); the run refuses any other').optional(),
        digest: z => z.string().describe('planOnly: the digest of that plan').optional(),
        approvalRequired: z =>
          z.boolean().describe("planOnly: whether the cloud's lifecycle needs an approval for it (openstack.approvals.required)").optional(),
      },
    },
    async handler(ctx) {
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:cloud:create', openstackCloudCreatePermission);
      // one operation per cloud: the create's changes hold the new cloud's lease
      const holdLease = (cloudRef: string, fn: () => Promise<void>) => holdCloudLease(ctx, deps.api, credentials, cloudRef, 'create', fn);
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
      if (cloudDriverKind(delivery) === 'live') {
        if (!ctx.input.spec) {
          throw new InputError(`input.spec is required with delivery ${delivery}: give the full cloud spec (openstack-common cloudSpecSchema)`);
        }
        const mode = readMode(ctx.input.spec);
        if (mode !== delivery) {
          throw new InputError(`input.delivery ${delivery} differs from input.spec.delivery.mode ${mode ?? '(unset)'}; make them equal or drop input.delivery`);
        }
        if (!deps.live) {
          throw new InputError(`input.delivery ${delivery}: live clouds are not configured in this backend (no kubernetes.clusterLocatorMethods)`);
        }
        await createLiveCloud(
          ctx,
          { ...deps.live, cloudKeyHolders: deps.cloudKeyHolders, holdLease, approvals: deps.approvals, pollMs: deps.pollMs },
          { spec: ctx.input.spec, cluster: ctx.input.cluster, owner, lifecycle, planOnly, waitForReady, timeoutMinutes },
        );
        return;
      }
      if (ctx.input.spec) {
        throw new InputError('input.spec is for live clouds; with delivery demo give name, release and components instead (or set delivery to direct, flux or argocd)');
      }
      const { name = '', release = '', components = [], region = 'RegionOne', cluster = 'demo-cluster' } = ctx.input;
      const namespace = ctx.input.namespace ?? name;
      const issues: string[] = [];
      if (!DNS_LABEL.test(name) || name.length > 40) {
        issues.push(`input.name ${quoteValue(name)}: not a DNS-1123 label of at most 40 characters; use lower-case letters, digits and "-"`);
      }
      if (!isDeployableRelease(release)) {
        issues.push(`input.release ${quoteValue(release)}: the pinned openstack-helm charts deploy ${DEPLOYABLE_RELEASES.join(', ')}; pick one of them`);
      }
      issues.push(...componentIssues(components).map(i => `input.${i}`));
      // the default namespace is the name, which is reported above when it is bad
      if (ctx.input.namespace !== undefined && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
        issues.push(`input.namespace ${quoteValue(namespace)}: not a DNS-1123 label of at most 63 characters`);
      }
      if (!SAFE_NAME.test(region)) {
        issues.push(`input.region ${quoteValue(region)}: use 1-64 letters, digits, ".", "_" or "-" (no spaces, line breaks or quotes), e.g. RegionOne`);
      }
      if (issues.length) throw new InputError(issues.join('\n'));

      const entity = buildCloudEntity({ name, cluster, namespace, release, owner, system: 'openstack', delivery: 'demo', lifecycle });
      // what the approver approves: the demo store creates nothing but this cloud
      const approvalPlan = createApprovalPlan({
        cloud: stringifyCloudRef(cloudRefOfEntity(entity)),
        lifecycle,
        spec: { name, release, components, region, cluster, namespace, owner, delivery: 'demo' },
        objects: [],
      });
      ctx.logger.info(`Cloud ${name}: ${release} in ${cluster}/${namespace}, region ${region}, components ${components.join(', ')}`);
      // a demo cloud of this name in the demo store is taken too
      await claimCloudKey(ctx, deps.cloudKeyHolders, name, 'input.name', async () =>
        deps.api.demoStatus(name).then(
          () => [`the demo cloud "${name}" in the demo store`],
          e => (isNotFound(e) ? [] : Promise.reject(e)),
        ),
      );
      if (planOnly) {
        outputApprovalPlan(ctx, deps.approvals, approvalPlan, lifecycle);
        ctx.output('entity', entity);
        return;
      }
      await enforceApproval(ctx, deps.approvals, approvalPlan, lifecycle);
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: nothing created');
        ctx.output('entity', entity);
        return;
      }
      await holdLease(stringifyCloudRef(cloudRefOfEntity(entity)), async () => {
        await ctx.checkpoint({
          key: `create.${name}.cloud`,
          fn: async () => {
            await deps.api.createDemoCloud({ name, release, region, cluster, namespace, components });
            ctx.logger.info(`Created ${name}; its charts now roll out`);
            return true;
          },
        });
        if (waitForReady) {
          const ready = new Set<string>();
          await pollUntil(
            `every service of ${name} to be Healthy`,
            async () => {
              const s = await deps.api.demoStatus(name);
              for (const svc of s.services) {
                if (svc.verdict === 'Healthy' && !ready.has(svc.name)) {
                  ready.add(svc.name);
                  ctx.logger.info(`${svc.name} is ready`);
                }
              }
              return s.verdict === 'Healthy' ? s : undefined;
            },
            { timeoutMs: timeoutMinutes * 60_000, intervalMs: pollMs, signal: ctx.signal },
          );
          ctx.logger.info(`Cloud ${name} is Healthy`);
        }
      });
      ctx.output('entity', entity);
    },
  });
}

/** A not-found answer of the suite's backend (a `ResponseError` of 404, or a `NotFoundError`). */
function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; response?: { status?: number } };
  return err?.response?.status === 404 || err?.name === 'NotFoundError';
}

/** The `delivery.mode` of a raw spec input, when it has one. */
function readMode(spec: Record<string, unknown> | undefined): string | undefined {
  const d = spec?.delivery;
  return d && typeof d === 'object' && typeof (d as { mode?: unknown }).mode === 'string' ? (d as { mode: string }).mode : undefined;
}
