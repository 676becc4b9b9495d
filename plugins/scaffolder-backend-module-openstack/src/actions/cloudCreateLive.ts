// The live half of openstack:cloud:create: a full cloud spec delivered to a real cluster, by
// GitOps manifests in the workspace (flux, argocd) or server-side apply (direct).
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { ApprovalGate, enforceApproval, outputApprovalPlan } from './approvalGate';
import { InputError, isError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  chartsFor,
  cloudRefOfEntity,
  createApprovalPlan,
  stringifyCloudRef,
  CloudSpec,
  cloudNamespace,
  LABEL_OPENSTACK_CLOUD,
  renderCloud,
  toYaml,
  internalUrlReason,
  OPENSTACK_HELM_REPOSITORY,
  validateCloudSpec,
} from '@backstage-openstack/plugin-openstack-common';
import {
  checkChartSource,
  ChartSourceCheckOptions,
  ClusterAccess,
  LiveCloudRef,
  pollUntil,
  readLiveCharts,
  readLiveWorkloads,
} from '@backstage-openstack/plugin-openstack-node';
import { buildCloudEntity } from './cloudEntity';
import { claimCloudKey, CloudKeyHolders } from './claimCloudKey';

/** What the live create needs besides its input. */
export interface LiveCreateDeps {
  /** The configured cluster of this name (kubernetes.clusterLocatorMethods); throws when unknown. */
  cluster: (name: string) => ClusterAccess;
  chartSource?: ChartSourceCheckOptions;
  /**
   * Chart-source URLs the operator trusts although their host is internal (private, loopback…):
   * `openstack.scaffolder.trustedChartSources`. A user-typed URL on an internal host is refused.
   */
  trustedChartSources?: readonly string[];
  /** Who already holds a cloud key (live config, catalog). */
  cloudKeyHolders: CloudKeyHolders;
  /** Runs the changes holding the new cloud's lease (`holdCloudLease`, bound to the task). */
  holdLease: (cloudRef: string, fn: () => Promise<void>) => Promise<void>;
  /** Refuses the run without the task's approval of exactly this plan (by lifecycle). */
  approvals: ApprovalGate;
  pollMs?: number;
}

export interface LiveCreateInput {
  spec: Record<string, unknown>;
  cluster?: string;
  owner: string;
  /** The new cloud's `spec.lifecycle` (its entity's). */
  lifecycle: string;
  /** Only validate, render and output the plan to approve. */
  planOnly: boolean;
  waitForReady: boolean;
  timeoutMinutes: number;
}

type Ctx = Pick<
  ActionContext<any, any>,
  'logger' | 'checkpoint' | 'output' | 'isDryRun' | 'workspacePath' | 'signal' | 'task'
>;

/** Where the GitOps manifests go in the workspace: `<repositoryPath>/<cluster>/<namespace>`. */
export function manifestsDir(spec: CloudSpec, cluster: string): string {
  const repo = spec.delivery.mode === 'direct' ? 'direct' : spec.delivery.repositoryPath;
  return path.posix.join(repo, cluster, cloudNamespace(spec));
}

/**
 * Validates the spec and names each bad field as `input.spec.<path>`. The chart source's host must
 * be one the backend may reach for a user, unless the operator trusts that exact URL.
 */
export function parseSpecInput(raw: unknown, trustedChartSources: readonly string[] = []): CloudSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('input.spec: must be a cloud spec object (see cloudSpecJsonSchema in openstack-common)');
  }
  const { spec, issues } = validateCloudSpec(raw);
  if (!spec) {
    throw new InputError(`Invalid cloud spec:\n${issues.map(i => `input.${i.path}: ${i.message}`).join('\n')}`);
  }
  const internal = internalUrlReason(spec.chartSource.url);
  if (internal && !trustedChartSources.includes(spec.chartSource.url)) {
    throw new InputError(
      `Invalid cloud spec:\ninput.spec.chartSource.url: ${internal}. Use a public repository, e.g. ${OPENSTACK_HELM_REPOSITORY}, or ask the platform team to list this source under openstack.scaffolder.trustedChartSources`,
    );
  }
  return spec;
}

/** The cluster the cloud's Secrets and workloads live in, from the spec (direct) or input.cluster. */
function targetCluster(spec: CloudSpec, cluster: string | undefined): string {
  if (spec.delivery.mode === 'direct') {
    if (cluster && cluster !== spec.delivery.cluster) {
      throw new InputError(
        `input.cluster "${cluster}" differs from input.spec.delivery.cluster "${spec.delivery.cluster}"; drop input.cluster or make them equal`,
      );
    }
    return spec.delivery.cluster;
  }
  if (!cluster) {
    throw new InputError(
      `input.cluster is required with delivery ${spec.delivery.mode}: name the Kubernetes cluster (kubernetes.clusterLocatorMethods) where the control plane runs, so its credential Secrets can be created there`,
    );
  }
  return cluster;
}

/**
 * Creates a live cloud. Order: every check that reads (spec, cluster reachable, namespace free or
 * this cloud's, chart source serves the charts) → namespace → (direct: server dry run of every
 * object) → credential Secrets (create once) → manifests (workspace) or server-side apply →
 * optional wait. Each write is in a checkpoint with a stable key.
 */
export async function createLiveCloud(ctx: Ctx, deps: LiveCreateDeps, input: LiveCreateInput) {
  const spec = parseSpecInput(input.spec, deps.trustedChartSources);
  const clusterName = targetCluster(spec, input.cluster);
  const namespace = cloudNamespace(spec);
  let client: ClusterAccess;
  try {
    client = deps.cluster(clusterName);
  } catch (e) {
    throw new InputError(
      `input.${spec.delivery.mode === 'direct' ? 'spec.delivery.cluster' : 'cluster'} "${clusterName}": ${isError(e) ? e.message : String(e)}`,
    );
  }
  const version = await client.version();
  ctx.logger.info(`Cluster ${clusterName} (${client.url}) answers, Kubernetes ${version}`);
  const owner = await client.namespaceOwnership(namespace, spec.name);
  if (owner.state === 'foreign') {
    throw new InputError(
      `input.spec.delivery.namespace: namespace ${namespace} exists on ${clusterName} and ${
        owner.owner ? `belongs to cloud ${owner.owner}` : `is not labelled ${LABEL_OPENSTACK_CLOUD}=${spec.name}`
      }; pick a free namespace (delivery.namespace) or label it ${LABEL_OPENSTACK_CLOUD}=${spec.name} if it is this cloud's`,
    );
  }
  // a namespace labelled with this name holds a cloud already: only this task's own first run may have made it
  await claimCloudKey(ctx, deps.cloudKeyHolders, spec.name, 'input.spec.name', async () =>
    owner.state === 'owned' ? [`namespace ${namespace} on ${clusterName} (labelled ${LABEL_OPENSTACK_CLOUD}=${spec.name})`] : [],
  );
  ctx.logger.info(owner.state === 'free' ? `Namespace ${namespace} is free` : `Namespace ${namespace} is this task's own from its first run; continuing`);
  const charts = chartsFor(spec.components);
  const source = await checkChartSource(spec.chartSource, charts, 'input.spec.chartSource.url', deps.chartSource);
  ctx.logger.info(`Chart source ${source.url}: ${source.detail}`);

  const rendered = renderCloud(spec);
  const dir = manifestsDir(spec, clusterName);
  const files = rendered.files.map(f => ({ path: path.posix.join(dir, path.posix.basename(f.path)), content: f.content }));
  if (spec.delivery.mode === 'flux') {
    files.push({
      path: path.posix.join(dir, 'kustomization.yaml'),
      content: toYaml({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: files.map(f => path.posix.basename(f.path)).sort(),
      }),
    });
  }
  const entity = buildCloudEntity({
    name: spec.name,
    cluster: clusterName,
    namespace,
    release: spec.release,
    owner: input.owner,
    system: 'openstack',
    delivery: spec.delivery.mode,
    lifecycle: input.lifecycle,
  });
  // what the approver approves: the validated spec, where it goes and every rendered object
  const approvalPlan = createApprovalPlan({
    cloud: stringifyCloudRef(cloudRefOfEntity(entity)),
    lifecycle: input.lifecycle,
    spec: { spec, cluster: clusterName, owner: input.owner },
    objects: rendered.objects,
  });

  const plan = [
    `create namespace ${namespace} on ${clusterName} (labelled ${LABEL_OPENSTACK_CLOUD}=${spec.name}) unless it exists`,
    `create ${rendered.requiredSecrets.length} credential Secrets once (random values, existing ones kept)`,
    spec.delivery.mode === 'direct'
      ? `server-side apply ${rendered.objects.length - 1} objects (field manager backstage-openstack)`
      : `write ${files.length} manifests to ${dir}/ in the workspace for the publish step`,
    input.waitForReady ? `wait up to ${input.timeoutMinutes} min until every chart is Ready and rolled out` : 'do not wait',
  ];
  ctx.logger.info(`Plan for cloud ${spec.name} (${spec.release}, delivery ${spec.delivery.mode}):\n${plan.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}`);

  if (input.planOnly) {
    outputApprovalPlan(ctx, deps.approvals, approvalPlan, input.lifecycle);
    ctx.output('entity', entity);
    return;
  }
  await enforceApproval(ctx, deps.approvals, approvalPlan, input.lifecycle);
  if (ctx.isDryRun) {
    ctx.logger.info(`Dry run: Secrets (names and keys only):\n${rendered.requiredSecrets.map(s => `  ${s.namespace}/${s.name}: ${s.keys.join(', ')}`).join('\n')}`);
    for (const f of files) ctx.logger.info(`Dry run: ${f.path}\n${f.content}`);
    ctx.logger.info('Dry run: nothing was changed');
    ctx.output('entity', entity);
    ctx.output('manifests', files.map(f => f.path));
    return;
  }

  // one operation per cloud: the changes run holding the new cloud's lease
  await deps.holdLease(stringifyCloudRef(cloudRefOfEntity(entity)), async () => {
    const nsObject = rendered.objects.find(o => o.kind === 'Namespace')!;
    await ctx.checkpoint({
      key: `create.${spec.name}.namespace`,
      fn: async () => {
        const r = await client.ensureNamespace(namespace, nsObject.metadata.labels ?? {});
        ctx.logger.info(r === 'created' ? `Created namespace ${namespace}` : `Namespace ${namespace} exists`);
        return r;
      },
    });

    const toApply = rendered.objects.filter(o => o.kind !== 'Namespace');
    if (spec.delivery.mode === 'direct') {
      // The API server validates every object (CRD schemas included) before any Secret or object
      // is created, so a rejected object changes nothing but the namespace.
      for (const obj of toApply) await client.apply(obj, { dryRun: true });
      ctx.logger.info(`The API server accepts all ${toApply.length} objects (server-side dry run)`);
    }

    for (const s of rendered.requiredSecrets) {
      const r = await ctx.checkpoint({
        key: `create.${spec.name}.secret.${s.name}`,
        fn: async () => {
          const got = await client.ensureSecret({ name: s.name, namespace: s.namespace, randomKeys: s.keys, labels: nsObject.metadata.labels, existing: 'add-missing-keys' });
          return { created: got.created, addedKeys: got.addedKeys };
        },
      });
      ctx.logger.info(
        r.created
          ? `Secret ${s.namespace}/${s.name} created (${s.keys.join(', ')})`
          : `Secret ${s.namespace}/${s.name} exists, kept${r.addedKeys.length ? `; added missing ${r.addedKeys.join(', ')}` : ''}`,
      );
    }

    if (spec.delivery.mode === 'direct') {
      for (const obj of toApply) {
        await ctx.checkpoint({
          key: `create.${spec.name}.apply.${obj.kind}.${obj.metadata.name}`,
          fn: async () => {
            const applied = (await client.apply(obj)) as { metadata?: { uid?: string; generation?: number } };
            ctx.logger.info(`Applied ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
            return { uid: applied.metadata?.uid ?? '', generation: applied.metadata?.generation ?? 0 };
          },
        });
      }
    } else {
      // Workspace files are rewritten on every run (byte-identical: the renderer is deterministic),
      // not checkpointed: a task resumed on a fresh workspace must still find them.
      for (const f of files) {
        const target = resolveSafeChildPath(ctx.workspacePath, f.path);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, f.content, 'utf8');
      }
      ctx.logger.info(`Wrote ${files.length} manifests to ${dir}/ for the publish step`);
    }

    if (input.waitForReady) {
      const ref: LiveCloudRef = {
        cloud: spec.name,
        namespace,
        delivery: spec.delivery.mode,
        argocdNamespace: spec.delivery.mode === 'argocd' ? spec.delivery.argocdNamespace : undefined,
      };
      await waitForCloudReady(ctx, client, ref, charts, { timeoutMs: input.timeoutMinutes * 60_000, intervalMs: deps.pollMs ?? 5000 });
    }
  });
  ctx.output('entity', entity);
  ctx.output('manifests', spec.delivery.mode === 'direct' ? [] : files.map(f => f.path));
}

/** Waits until every chart reports Ready and its workloads rolled out, logging each chart once. */
export async function waitForCloudReady(
  ctx: Pick<Ctx, 'logger' | 'signal'>,
  client: ClusterAccess,
  ref: LiveCloudRef,
  charts: readonly string[],
  opts: { timeoutMs: number; intervalMs: number },
) {
  const done = new Set<string>();
  let last = '';
  await pollUntil(
    `every chart of ${ref.cloud} to be Ready and rolled out`,
    async () => {
      const live = await readLiveCharts(client, ref);
      const { workloads } = await readLiveWorkloads(client, ref.namespace, live.map(c => c.chart));
      const waiting: string[] = [];
      for (const chart of charts) {
        const c = live.find(x => x.chart === chart);
        const mine = workloads.filter(w => w.chart === chart);
        const notOut = mine.filter(w => !w.readiness.ready);
        const ok = !!c && c.readiness.ready && notOut.length === 0;
        if (ok && !done.has(chart)) {
          done.add(chart);
          ctx.logger.info(`${chart} is Ready (${mine.length} workloads rolled out)`);
        }
        if (!ok) {
          let why = notOut.map(w => w.readiness.detail).join('; ');
          if (!c) why = 'not found';
          else if (!c.readiness.ready) why = c.readiness.detail;
          waiting.push(`${chart}: ${why}`);
        }
      }
      const line = waiting.join(' | ');
      if (waiting.length && line !== last) {
        ctx.logger.info(`waiting for ${waiting.length} chart(s): ${line}`);
        last = line;
      }
      return waiting.length ? undefined : true;
    },
    { ...opts, signal: ctx.signal },
  );
  ctx.logger.info(`Every chart of ${ref.cloud} is Ready`);
}
