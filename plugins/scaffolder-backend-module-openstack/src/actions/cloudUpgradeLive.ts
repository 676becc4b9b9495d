// The live upgrade driver: where openstack:cloud:upgrade's effects land on a live cloud. Reads
// the charts from the cluster, patches a HelmRelease/Application per step (direct) or edits the
// manifests in the workspace (flux, argocd), and evaluates the planner's checks in the cluster.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError, isError } from '@backstage/errors';
import { Document, isMap, parseAllDocuments } from 'yaml';
import {
  chartObjectName,
  chartWorkloads,
  releaseFromImage,
  StepCheck,
  UpgradePlan,
  UpgradeStep,
  ValueChange,
} from '@backstage-openstack/plugin-openstack-common';
import {
  applicationValues,
  ClusterAccess,
  LiveChart,
  LiveCloudRef,
  KubeRight,
  LiveDelivery,
  LiveWorkload,
  readLiveChart,
  readLiveCharts,
  readLiveWorkloads,
  ResolvedCloud,
  withApplicationValues,
} from '@backstage-openstack/plugin-openstack-node';
import { liveDelivery } from '../drivers/liveDelivery';
import { CheckOutcome, UpgradeTarget } from '../drivers/types';
import { requireClusterRights } from './clusterRights';
import { manualCheck } from './upgradeSteps';

/** Values after a step: chart version and images.tags with the step's changes applied. */
function applyChanges(
  version: string,
  tags: Record<string, string>,
  changes: ValueChange[],
): { version: string; tags: Record<string, string> } {
  const out = { version, tags: { ...tags } };
  for (const c of changes) {
    if (c.path === 'chart.version') out.version = c.to ?? version;
    else if (c.path.startsWith('images.tags.')) {
      const key = c.path.slice('images.tags.'.length);
      if (c.to === null) delete out.tags[key];
      else out.tags[key] = c.to;
    }
  }
  return out;
}

/** True when the live chart carries every change of the step. */
function carries(chart: LiveChart, changes: ValueChange[]): boolean {
  return changes.every(c => {
    if (c.path === 'chart.version') return chart.version === c.to;
    const key = c.path.slice('images.tags.'.length);
    return c.to === null ? !(key in chart.imageTags) : chart.imageTags[key] === c.to;
  });
}

/** The HelmRelease (or Application) with the step's changes, as a full object for server-side apply. */
function desiredObject(chart: LiveChart, changes: ValueChange[], delivery: LiveDelivery) {
  const o = chart.object as any;
  const next = applyChanges(chart.version, chart.imageTags, changes);
  const base = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
      ...(o.metadata.annotations ? { annotations: stripKubectl(o.metadata.annotations) } : {}),
    },
    spec: JSON.parse(JSON.stringify(o.spec)),
  };
  if (delivery === 'argocd') {
    base.spec.source.targetRevision = next.version;
    const values = applicationValues(o);
    values.images = { ...(values.images ?? {}), tags: next.tags };
    return withApplicationValues(base, values);
  }
  if (base.spec.chart?.spec) base.spec.chart.spec.version = next.version;
  base.spec.values = { ...(base.spec.values ?? {}), images: { ...(base.spec.values?.images ?? {}), tags: next.tags } };
  return base;
}

function stripKubectl(a: Record<string, string>) {
  const { 'kubectl.kubernetes.io/last-applied-configuration': _, ...rest } = a;
  return rest;
}

/** Every YAML file under a workspace directory. */
async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') out.push(...(await yamlFiles(p)));
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * GitOps: sets the step's chart version and image tags in the workspace's manifest of the chart
 * (found by kind and name anywhere under the workspace), keeping comments and layout. Returns
 * the file it changed.
 */
async function updateManifest(
  workspace: string,
  cloud: string,
  step: UpgradeStep,
  delivery: LiveDelivery,
): Promise<string> {
  const kind = delivery === 'argocd' ? 'Application' : 'HelmRelease';
  const name = chartObjectName(cloud, step.chart);
  for (const file of await yamlFiles(workspace)) {
    const text = await fs.readFile(file, 'utf8');
    if (!text.includes(name)) continue;
    const docs = parseAllDocuments(text) as Document[];
    const doc = docs.find(d => isMap(d.contents) && d.get('kind') === kind && d.getIn(['metadata', 'name']) === name);
    if (!doc) continue;
    const js = doc.toJS() as any;
    const live: LiveChart =
      delivery === 'argocd'
        ? { chart: step.chart, object: js, version: js.spec?.source?.targetRevision ?? '', imageTags: applicationValues(js).images?.tags ?? {}, readiness: { ready: false, detail: '' } }
        : { chart: step.chart, object: js, version: js.spec?.chart?.spec?.version ?? '', imageTags: js.spec?.values?.images?.tags ?? {}, readiness: { ready: false, detail: '' } };
    const next = applyChanges(live.version, live.imageTags, step.changes);
    if (delivery === 'argocd') {
      const desired = desiredObject(live, step.changes, delivery) as any;
      doc.setIn(['spec', 'source', 'targetRevision'], next.version);
      doc.setIn(['spec', 'source', 'helm', 'valuesObject', 'images', 'tags'], doc.createNode(desired.spec.source.helm.valuesObject.images.tags));
    } else {
      if (doc.hasIn(['spec', 'chart', 'spec', 'version'])) doc.setIn(['spec', 'chart', 'spec', 'version'], next.version);
      doc.setIn(['spec', 'values', 'images', 'tags'], doc.createNode(next.tags));
    }
    await fs.writeFile(file, docs.map(d => d.toString({ lineWidth: 0 })).join(''), 'utf8');
    return path.relative(workspace, file);
  }
  throw new InputError(
    `input.cloud: no ${kind} ${name} in the workspace; fetch the GitOps repository into the workspace first (e.g. fetch:plain) so the upgrade can edit its manifests`,
  );
}

/**
 * Evaluates a planner check live. The suite's role reads objects and may not exec into pods or
 * call the cloud's APIs from here, so checks that need that are reported, not evaluated.
 */
async function evaluateCheck(
  check: StepCheck,
  step: UpgradeStep,
  plan: UpgradePlan,
  live: { chart?: LiveChart; workloads: LiveWorkload[]; client: ClusterAccess; namespace: string },
): Promise<CheckOutcome> {
  const chartWl = live.workloads.filter(w => w.chart === step.chart);
  switch (check.id) {
    case 'previous-step-done':
      return { id: check.id, ok: true, evaluated: true, detail: 'steps run one after the other' };
    case 'rollout-complete':
    case 'conductor-upgraded': {
      if (!live.chart) return { id: check.id, ok: false, evaluated: true, detail: `the ${step.chart} chart object was not found` };
      if (!carries(live.chart, step.changes)) return { id: check.id, ok: false, evaluated: true, detail: 'the new values have not reached the cluster yet' };
      if (!live.chart.readiness.ready) return { id: check.id, ok: false, evaluated: true, detail: live.chart.readiness.detail };
      // a tag the new release's overrides drop (to: null) falls back to the chart's default image,
      // which the suite cannot predict: only tags set to a value are compared
      const keys = new Map(
        step.changes
          .filter(c => c.path.startsWith('images.tags.') && typeof c.to === 'string')
          .map(c => [c.path.slice(12), c.to as string]),
      );
      const expected = chartWorkloads(step.chart).filter(w => keys.has(w.imageKey) && (check.id === 'rollout-complete' || /conductor|scheduler/.test(w.name)));
      const problems: string[] = [];
      for (const e of expected) {
        const w = chartWl.find(x => x.name === e.name);
        if (!w) problems.push(`${e.kind} ${e.name} missing`);
        else if (w.image !== keys.get(e.imageKey)) problems.push(`${e.name} runs ${w.image}, not ${keys.get(e.imageKey)}`);
      }
      for (const w of chartWl) if (!w.readiness.ready) problems.push(w.readiness.detail);
      return problems.length
        ? { id: check.id, ok: false, evaluated: true, detail: problems.join('; ') }
        : { id: check.id, ok: true, evaluated: true, detail: `${chartWl.length} workloads rolled out with the new images` };
    }
    case 'db-sync-succeeded': {
      const job = await live.client.readJob(live.namespace, `${step.chart}-db-sync`);
      const want = live.chart?.imageTags[`${step.chart}_db_sync`] ?? plan.steps.find(s => s === step)?.changes.find(c => c.path === `images.tags.${step.chart}_db_sync`)?.to;
      if (!job) return { id: check.id, ok: false, evaluated: true, detail: `Job ${step.chart}-db-sync not found` };
      const image = job.spec?.template?.spec?.containers?.[0]?.image;
      if (want && image !== want) return { id: check.id, ok: false, evaluated: true, detail: `Job ${step.chart}-db-sync runs ${image}, not ${want} yet` };
      if ((job.status?.failed ?? 0) > (job.spec?.backoffLimit ?? 6)) {
        return { id: check.id, ok: false, evaluated: true, fatal: true, detail: `Job ${step.chart}-db-sync failed (${job.status?.failed} failed pods)` };
      }
      return (job.status?.succeeded ?? 0) >= 1
        ? { id: check.id, ok: true, evaluated: true, detail: `Job ${step.chart}-db-sync completed` }
        : { id: check.id, ok: false, evaluated: true, detail: `Job ${step.chart}-db-sync not completed yet` };
    }
    case 'placement-upgraded': {
      const pl = live.workloads.filter(w => w.chart === 'placement');
      const behind = pl.filter(w => releaseFromImage(w.image ?? '') !== plan.to || !w.readiness.ready);
      return behind.length
        ? { id: check.id, ok: false, evaluated: true, detail: behind.map(w => `${w.name} on ${w.image}`).join('; ') }
        : { id: check.id, ok: true, evaluated: true, detail: `placement serves ${plan.to}` };
    }
    default:
      return manualCheck(check);
  }
}


/**
 * The rights the upgrade uses in the cluster: read its chart objects (HelmReleases, or Argo CD
 * Applications) and, delivered directly, patch them (server-side apply); read the workloads and
 * the db-sync Jobs the checks look at. A GitOps upgrade changes the repository, not the cluster.
 */
export function rightsForUpgrade(delivery: LiveDelivery, namespace: string, argocdNamespace?: string): KubeRight[] {
  const chart =
    delivery === 'argocd'
      ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: argocdNamespace ?? 'argocd' }
      : { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace };
  return [
    { verb: 'get', ...chart },
    ...(delivery === 'direct' ? [{ verb: 'patch', ...chart }] : []),
    ...[
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['batch/v1', 'Job'],
      ['v1', 'Pod'],
    ].map(([apiVersion, kind]) => ({ verb: 'list', apiVersion, kind, namespace })),
    { verb: 'get', apiVersion: 'batch/v1', kind: 'Job', namespace },
  ];
}

/**
 * Opens a live cloud for an upgrade: its delivery, cluster and namespace from the entity, and at
 * least one chart object in the cluster. Throws an InputError naming what is missing.
 */
export async function openLiveUpgrade(
  cluster: (name: string) => ClusterAccess,
  cloud: ResolvedCloud,
  workspacePath: string,
  argocdNamespace?: string,
): Promise<UpgradeTarget> {
  const delivery = liveDelivery(cloud);
  if (!cloud.cluster || !cloud.namespace) {
    throw new InputError(
      `input.cloud: ${cloud.entityRef} lacks openstack.backstage.io/cluster or openstack.backstage.io/namespace; add them (the create action's entity has both)`,
    );
  }
  const namespace = cloud.namespace;
  let client: ClusterAccess;
  try {
    client = cluster(cloud.cluster);
  } catch (e) {
    throw new InputError(`input.cloud: ${cloud.entityRef} names cluster "${cloud.cluster}": ${isError(e) ? e.message : String(e)}`);
  }
  // least privilege, before anything is read or changed: every right the upgrade will use
  await requireClusterRights(client, {
    cluster: cloud.cluster,
    field: 'input.cloud',
    cloudKey: cloud.cloudKey,
    wanted: rightsForUpgrade(delivery, namespace, argocdNamespace),
  });
  const ref: LiveCloudRef = { cloudKey: cloud.cloudKey, namespace, delivery, argocdNamespace };
  const kind = delivery === 'argocd' ? 'Application' : 'HelmRelease';
  const observed = async (step: UpgradeStep) => ({
    chart: await readLiveChart(client, ref, step.chart),
    workloads: (await readLiveWorkloads(client, namespace)).workloads,
    client,
    namespace,
  });
  return {
    delivery,
    gitops: delivery !== 'direct',
    async readState() {
      const charts = await readLiveCharts(client, ref);
      if (!charts.length) {
        throw new InputError(
          `input.cloud: no ${kind} ${chartObjectName(cloud.cloudKey, '<chart>')} of ${cloud.entityRef} in ${
            delivery === 'argocd' ? argocdNamespace ?? 'argocd' : namespace
          } on ${cloud.cluster}; check the entity's annotations`,
        );
      }
      return { charts, workloads: (await readLiveWorkloads(client, namespace, charts.map(c => c.chart))).workloads };
    },
    async editManifests(plan) {
      const files = new Set<string>();
      for (const step of plan.steps) files.add(await updateManifest(workspacePath, cloud.cloudKey, step, delivery));
      return [...files];
    },
    async applyStep(_plan, step) {
      const name = chartObjectName(cloud.cloudKey, step.chart);
      const current = await readLiveChart(client, ref, step.chart);
      if (!current) throw new Error(`${kind} ${name} disappeared`);
      await client.apply(desiredObject(current, step.changes, delivery) as any);
      return `patched ${kind} ${name} (${step.changes.length} value(s))`;
    },
    async evaluate(check, step, plan) {
      return evaluateCheck(check, step, plan, await observed(step));
    },
  };
}
