// Where the live driver's create effects land: a full cloud spec delivered to a real cluster, by
// GitOps manifests in the workspace (flux, argocd) or server-side apply (direct). The steps are
// createSteps.ts's, the same as the demo driver's.
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import {
  ARGOCD_SKIP_RECONCILE,
  argocdCredentialParameters,
  argocdRepositoryDir,
  ChartName,
  chartsFor,
  CloudSpec,
  KubernetesObject,
  parkedApplication,
  cloudNamespace,
  LABEL_OPENSTACK_CLOUD,
  renderCloud,
  toYaml,
  validateCloudSpec,
} from '@backstage-openstack/plugin-openstack-common';
import {
  checkChartSource,
  ChartSource,
  ChartSourceCheckOptions,
  ChartSources,
  ClusterAccess,
  KubeRight,
  LiveCloudRef,
  pollUntil,
  readLiveCharts,
  readLiveWorkloads,
} from '@backstage-openstack/plugin-openstack-node';
import { requireClusterRights } from './clusterRights';
import { CreateEffect, CreateInput, CreateTarget, DriverContext } from '../drivers/types';

/** The child Applications of an Argo CD cloud (one per chart), and its parent (app-of-apps). */
const isChild = (o: KubernetesObject) => o.kind === 'Application' && !!o.metadata.labels?.['openstack.backstage.io/chart'];
const isParent = (o: KubernetesObject) => o.kind === 'Application' && !o.metadata.labels?.['openstack.backstage.io/chart'];

/** What the live create needs: the clusters and the chart source check. */
export interface LiveCreateDeps {
  /** The configured cluster of this name (kubernetes.clusterLocatorMethods); throws when unknown. */
  cluster: (name: string) => ClusterAccess;
  /**
   * `openstack.chartSources`: the spec names one (`chartSource.name`); its configured URL and CA
   * are what the check fetches and the manifests reference. A user never gives a URL.
   */
  chartSources: ChartSources;
  /** The source check's timeout (and, in tests, its fetch). */
  chartSourceCheck?: ChartSourceCheckOptions;
}

type Ctx = Pick<DriverContext, 'logger' | 'workspacePath' | 'signal'>;

/**
 * Where the GitOps manifests go in the workspace: `<repositoryPath>/<cluster>/<namespace>`; Argo CD:
 * `<repositoryPath>/<namespace>` (`argocdRepositoryDir`, the path its parent Application names).
 */
export function manifestsDir(spec: CloudSpec, cluster: string): string {
  if (spec.delivery.mode === 'argocd') return argocdRepositoryDir(spec);
  const repo = spec.delivery.mode === 'direct' ? 'direct' : spec.delivery.repositoryPath;
  return path.posix.join(repo, cluster, cloudNamespace(spec));
}

/** Validates the spec and names each bad field as `input.spec.<path>`. */
export function parseSpecInput(raw: unknown): CloudSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('input.spec: must be a cloud spec object (see cloudSpecJsonSchema in openstack-common)');
  }
  const { spec, issues } = validateCloudSpec(raw);
  if (!spec) {
    throw new InputError(`Invalid cloud spec:\n${issues.map(i => `input.${i.path}: ${i.message}`).join('\n')}`);
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

/** The rights the create uses in the cluster, verb by verb (what deploy/rbac grants it). */
export function rightsForCreate(
  spec: CloudSpec,
  rendered: ReturnType<typeof renderCloud>,
  waitForReady: boolean,
): KubeRight[] {
  const namespace = cloudNamespace(spec);
  const rights: KubeRight[] = [
    { verb: 'get', apiVersion: 'v1', kind: 'Namespace', name: namespace },
    ...['get', 'create', 'patch'].map(verb => ({ verb, apiVersion: 'v1', kind: 'Secret', namespace })),
  ];
  const kinds = new Map<string, KubeRight>();
  if (spec.delivery.mode === 'direct') {
    for (const o of rendered.objects) {
      if (o.kind === 'Namespace') continue;
      const ns = o.metadata.namespace;
      for (const verb of ['get', 'create', 'patch']) {
        kinds.set(`${verb} ${o.apiVersion} ${o.kind} ${ns}`, { verb, apiVersion: o.apiVersion, kind: o.kind, namespace: ns });
      }
    }
  }
  if (spec.delivery.mode === 'argocd') {
    // the parked child Applications and the parent (argocdEffects)
    const argocdNamespace = spec.delivery.argocdNamespace;
    for (const verb of ['get', 'create', 'patch']) {
      kinds.set(`${verb} argoproj.io/v1alpha1 Application ${argocdNamespace}`, {
        verb,
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: argocdNamespace,
      });
    }
  }
  if (waitForReady) {
    // the charts' state and their workloads (readLiveCharts, readLiveWorkloads)
    const chartKind =
      spec.delivery.mode === 'argocd'
        ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: spec.delivery.argocdNamespace ?? 'argocd' }
        : { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace };
    kinds.set(`get ${chartKind.apiVersion} ${chartKind.kind} ${chartKind.namespace}`, { verb: 'get', ...chartKind });
    for (const [apiVersion, kind] of [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['batch/v1', 'Job'],
    ]) {
      kinds.set(`list ${apiVersion} ${kind} ${namespace}`, { verb: 'list', apiVersion, kind, namespace });
    }
  }
  return [...rights, ...kinds.values()];
}

/**
 * Opens a new live cloud. Validates, before anything changes: the spec, the chart source (one of
 * openstack.chartSources by name), the cluster (reachable),
 * the namespace (free or this cloud's). After the claim: the chart source serves the charts. Its
 * effects in order: namespace → (direct: server dry run of every object) → credential Secrets
 * (create once) → every object by server-side apply (direct) or the manifests in the workspace
 * (flux, argocd).
 */
export async function openLiveCreate(ctx: Ctx, deps: LiveCreateDeps, input: CreateInput): Promise<CreateTarget> {
  const spec = parseSpecInput(input.spec);
  // the named source of the platform team's configuration: its URL is the only one fetched or rendered
  const chartSource = deps.chartSources.resolve(spec.chartSource.name, 'input.spec.chartSource.name');
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
  // least privilege, checked before anything changes (dry run included)
  // least privilege, before anything changes: every right the create will use
  await requireClusterRights(client, {
    cluster: clusterName,
    field: 'input.spec.delivery.namespace',
    cloudKey: spec.name,
    wanted: rightsForCreate(spec, renderCloud(spec, chartSource), input.waitForReady ?? true),
  });
  const charts = chartsFor(spec.components);
  return {
    cloud: { cloudKey: spec.name, cluster: clusterName, namespace, release: spec.release, delivery: spec.delivery.mode },
    keyField: 'input.spec.name',
    // a namespace labelled with this name is onboarded for it (deploy/rbac/cloud-namespace.yaml);
    // one that holds its Secrets or charts already runs a cloud: only this task's own first run may have made them
    heldBy: async () =>
      owner.state === 'owned' && (await holdsCloudObjects(client, spec, renderCloud(spec, chartSource)))
        ? [`namespace ${namespace} on ${clusterName} (labelled ${LABEL_OPENSTACK_CLOUD}=${spec.name}, holding the cloud's Secrets or charts)`]
        : [],
    async preflight() {
      const source = await checkChartSource(
        { ...chartSource, version: spec.chartSource.version },
        charts,
        'input.spec.chartSource.name',
        deps.chartSourceCheck,
      );
      return [
        owner.state === 'free'
          ? `Namespace ${namespace} is free`
          : `Namespace ${namespace} is onboarded for ${spec.name} (or this task's own from its first run); continuing`,
        `Chart source ${chartSource.name} (${source.url}): ${source.detail}`,
      ];
    },
    render: () => renderLive(ctx, client, spec, chartSource, clusterName),
    waitReady: ({ timeoutMs, intervalMs = 5000 }) =>
      waitForCloudReady(
        ctx,
        client,
        {
          cloudKey: spec.name,
          namespace,
          delivery: spec.delivery.mode,
          argocdNamespace: spec.delivery.mode === 'argocd' ? spec.delivery.argocdNamespace : undefined,
        },
        charts,
        { timeoutMs, intervalMs },
      ),
  };
}

/** The live cloud's objects and files, and the effects that make them on `clusterName` and in the workspace. */
function renderLive(
  ctx: Ctx,
  client: ClusterAccess,
  spec: CloudSpec,
  chartSource: ChartSource,
  clusterName: string,
): ReturnType<CreateTarget['render']> {
  const namespace = cloudNamespace(spec);
  const rendered = renderCloud(spec, chartSource);
  const dir = manifestsDir(spec, clusterName);
  // the renderer's `<mode>/…` paths under the cloud's directory (Argo CD keeps its apps/ folder)
  const files = rendered.files.map(f => ({ path: path.posix.join(dir, f.path.split('/').slice(1).join('/')), content: f.content }));
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
  const direct = spec.delivery.mode === 'direct';
  const nsObject = rendered.objects.find(o => o.kind === 'Namespace')!;
  const labels = nsObject.metadata.labels ?? {};
  const toApply = rendered.objects.filter(o => o.kind !== 'Namespace');

  const effects: CreateEffect[] = [
    {
      id: `Namespace.${namespace}`,
      run: async () => ((await client.ensureNamespace(namespace, labels)) === 'created' ? `Created namespace ${namespace}` : `Namespace ${namespace} exists`),
    },
  ];
  if (direct) {
    // The API server validates every object (CRD schemas included) before any Secret or object
    // is created, so a rejected object changes nothing but the namespace.
    effects.push({
      id: 'server-dry-run',
      everyRun: true,
      run: async () => {
        for (const obj of toApply) await client.apply(obj, { dryRun: true });
        return `The API server accepts all ${toApply.length} objects (server-side dry run)`;
      },
    });
  }
  for (const s of rendered.requiredSecrets) {
    effects.push({
      id: `Secret.${s.name}`,
      run: async () => {
        const got = await client.ensureSecret({ name: s.name, namespace: s.namespace, randomKeys: s.keys, labels, existing: 'add-missing-keys' });
        return got.created
          ? `Secret ${s.namespace}/${s.name} created (${s.keys.join(', ')})`
          : `Secret ${s.namespace}/${s.name} exists, kept${got.addedKeys.length ? `; added missing ${got.addedKeys.join(', ')}` : ''}`;
      },
    });
  }
  if (spec.delivery.mode === 'argocd') effects.push(...argocdEffects(client, spec, rendered.objects));
  if (direct) {
    for (const obj of toApply) {
      effects.push({
        id: `${obj.kind}.${obj.metadata.name}`,
        run: async () => {
          await client.apply(obj);
          return `Applied ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
        },
      });
    }
  } else {
    effects.push({
      id: 'manifests',
      everyRun: true,
      run: async () => {
        for (const f of files) {
          const target = resolveSafeChildPath(ctx.workspacePath, f.path);
          await fs.mkdir(path.dirname(target), { recursive: true });
          await fs.writeFile(target, f.content, 'utf8');
        }
        return `Wrote ${files.length} manifests to ${dir}/ for the publish step`;
      },
    });
  }

  return {
    plan: [
      `create namespace ${namespace} on ${clusterName} (labelled ${LABEL_OPENSTACK_CLOUD}=${spec.name}) unless it exists`,
      `create ${rendered.requiredSecrets.length} credential Secrets once (random values, existing ones kept)`,
      ...(spec.delivery.mode === 'argocd'
        ? [
            `park ${rendered.objects.filter(isChild).length} child Applications in ${spec.delivery.argocdNamespace} (not reconciled until the parent syncs them from Git) with their credentials as Helm parameters, and apply the parent Application ${rendered.objects.find(isParent)?.metadata.name}`,
          ]
        : []),
      direct
        ? `server-side apply ${toApply.length} objects (field manager backstage-openstack)`
        : `write ${files.length} manifests to ${dir}/ in the workspace for the publish step`,
    ],
    preview: [
      `Secrets (names and keys only):\n${rendered.requiredSecrets.map(s => `  ${s.namespace}/${s.name}: ${s.keys.join(', ')}`).join('\n')}`,
      ...files.map(f => `${f.path}\n${f.content}`),
    ],
    effects,
    // the validated spec, where it goes and every rendered object
    approval: { spec: { spec, cluster: clusterName }, objects: rendered.objects },
    // Workspace files are rewritten on every run (byte-identical: the renderer is deterministic)
    manifests: direct ? [] : files.map(f => f.path),
  };
}

/**
 * Argo CD: how credentials reach the charts without a plugin and never through Git. Each child
 * Application is applied parked (`argocd.argoproj.io/skip-reconcile: "true"`) with its credentials
 * as Helm parameters read from the cloud's Secrets; the parent Application (app-of-apps) is
 * applied too. When the pull request merges, the parent syncs each child from Git in its wave:
 * Git's `skip-reconcile: "false"` wakes it up, and the parent keeps the live parameters
 * (`ignoreDifferences` + `RespectIgnoreDifferences=true`). A child that is already awake keeps
 * its state; only its parameters are (re)applied. The lines returned name no value.
 */
function argocdEffects(client: ClusterAccess, spec: CloudSpec, objects: KubernetesObject[]): CreateEffect[] {
  const namespace = cloudNamespace(spec);
  const argocdNamespace = objects.find(isParent)!.metadata.namespace!;
  /** The chart's credential parameters, the values read from the cloud's Secrets. */
  const parametersOf = async (chart: ChartName) => {
    const wanted = new Set<string>();
    argocdCredentialParameters(spec, chart, secret => {
      wanted.add(secret);
      return '';
    });
    const data = new Map<string, Record<string, string>>();
    for (const name of wanted) {
      const secret = await client.read<KubernetesObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', name, namespace });
      data.set(name, Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])));
    }
    return argocdCredentialParameters(spec, chart, (name, key) => {
      const value = data.get(name)?.[key];
      if (value === undefined) throw new Error(`Secret ${namespace}/${name} has no key ${key}; run the create again so it adds the missing key`);
      return value;
    });
  };
  const effects: CreateEffect[] = objects.filter(isChild).map(child => ({
    id: `Application.${child.metadata.name}`,
    run: async () => {
      const chart = child.metadata.labels!['openstack.backstage.io/chart'] as ChartName;
      const live = await client.read({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: child.metadata.name, namespace: argocdNamespace });
      const parked = parkedApplication(child, await parametersOf(chart));
      const awake = live && live.metadata?.annotations?.[ARGOCD_SKIP_RECONCILE] !== 'true';
      // a child the parent already woke up stays awake; it only gets its parameters
      if (awake) parked.metadata.annotations = { ...parked.metadata.annotations, [ARGOCD_SKIP_RECONCILE]: 'false' };
      await client.apply(parked);
      return awake
        ? `Application ${argocdNamespace}/${child.metadata.name} runs already; its credentials (Helm parameters) applied`
        : `Application ${argocdNamespace}/${child.metadata.name} parked with its credentials (Helm parameters, not in Git) until the parent syncs it`;
    },
  }));
  const parent = objects.find(isParent)!;
  effects.push({
    id: `Application.${parent.metadata.name}`,
    run: async () => {
      await client.apply(parent);
      return `Applied the parent Application ${argocdNamespace}/${parent.metadata.name} (app-of-apps on ${(parent.spec as any).source.repoURL} ${(parent.spec as any).source.path})`;
    },
  });
  return effects;
}

/** Whether the namespace holds any of the cloud's credential Secrets or chart objects (HelmRelease/Application). */
async function holdsCloudObjects(client: ClusterAccess, spec: CloudSpec, rendered: ReturnType<typeof renderCloud>): Promise<boolean> {
  const ref: LiveCloudRef = {
    cloudKey: spec.name,
    namespace: cloudNamespace(spec),
    delivery: spec.delivery.mode,
    argocdNamespace: spec.delivery.mode === 'argocd' ? spec.delivery.argocdNamespace : undefined,
  };
  const [charts, secrets] = await Promise.all([
    readLiveCharts(client, ref),
    Promise.all(rendered.requiredSecrets.map(s => client.read({ apiVersion: 'v1', kind: 'Secret', name: s.name, namespace: s.namespace }))),
  ]);
  return charts.length > 0 || secrets.some(Boolean);
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
    `every chart of ${ref.cloudKey} to be Ready and rolled out`,
    async () => {
      let live: Awaited<ReturnType<typeof readLiveCharts>>;
      let workloads: Awaited<ReturnType<typeof readLiveWorkloads>>['workloads'];
      try {
        live = await readLiveCharts(client, ref);
        ({ workloads } = await readLiveWorkloads(client, ref.namespace, live.map(c => c.chart)));
      } catch (e) {
        // a read the cluster did not answer (time limit, 5xx): only reads, so the wait reads again
        // at its next poll, until its own deadline
        if (!isError(e) || e.name !== 'ServiceUnavailableError') throw e;
        ctx.logger.warn(`reading the cluster failed, reading again: ${e.message}`);
        return undefined;
      }
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
  ctx.logger.info(`Every chart of ${ref.cloudKey} is Ready`);
}
