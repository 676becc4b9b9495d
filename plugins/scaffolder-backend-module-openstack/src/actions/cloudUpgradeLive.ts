// The live half of openstack:cloud:upgrade: reads the cloud from its cluster, plans one hop with
// the planner, and performs it step by step in the planner's order.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError, isError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { Document, isMap, parseAllDocuments } from 'yaml';
import {
  chartWorkloads,
  ComputeHostRelease,
  planUpgrade,
  releaseFromImage,
  StepCheck,
  UpgradePlan,
  UpgradeStep,
  ValueChange,
} from '@backstage-openstack/plugin-openstack-common';
import {
  applicationValues,
  chartObjectName,
  ClusterAccess,
  LiveChart,
  LiveCloudRef,
  LiveDelivery,
  LiveWorkload,
  liveCloudSnapshot,
  pollUntil,
  readLiveChart,
  readLiveCharts,
  readLiveWorkloads,
  withApplicationValues,
} from '@backstage-openstack/plugin-openstack-node';

export interface LiveUpgradeDeps {
  cluster: (name: string) => ClusterAccess;
  /** nova-compute hosts and their releases (from the status backend). */
  computeHosts: (cloud: string) => Promise<ComputeHostRelease[]>;
  pollMs?: number;
}

export interface LiveCloud {
  key: string;
  entityRef: string;
  cluster?: string;
  namespace?: string;
  delivery?: string;
}

type Ctx = Pick<
  ActionContext<any, any>,
  'logger' | 'checkpoint' | 'output' | 'isDryRun' | 'workspacePath' | 'signal'
>;

/** The name of a step, e.g. `nova:conductor`. */
export const stepName = (s: Pick<UpgradeStep, 'chart' | 'phase'>) => (s.phase ? `${s.chart}:${s.phase}` : s.chart);

function checkLabel(c: { ok: boolean; severity: string }) {
  if (c.ok) return 'ok  ';
  return c.severity === 'blocking' ? 'FAIL' : 'warn';
}

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
      doc.setIn(['spec', 'source', 'plugin', 'env'], doc.createNode(desired.spec.source.plugin.env));
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

/** Outcome of one check against the live cluster. */
interface CheckOutcome {
  id: string;
  ok: boolean;
  /** False for checks the suite cannot evaluate with its role (reported for the operator). */
  evaluated: boolean;
  detail: string;
  /** The check can no longer pass by waiting (e.g. the db-sync Job failed). */
  fatal?: boolean;
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
      if (!live.chart) return { id: check.id, ok: false, evaluated: true, detail: `${chartObjectName('', step.chart).slice(1)} not found` };
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
      return { id: check.id, ok: true, evaluated: false, detail: `not verified by the suite (needs pod exec or the cloud's API): ${check.description}; check it by hand` };
  }
}

/** The delivery of a live cloud, from its entity's annotation. */
function deliveryOf(cloud: LiveCloud): LiveDelivery {
  const d = cloud.delivery;
  if (d === 'flux' || d === 'argocd' || d === 'direct') return d;
  throw new InputError(`input.cloud: ${cloud.entityRef} has openstack.backstage.io/delivery "${d}"; use flux, argocd or direct`);
}

/**
 * Upgrades a live cloud by one hop. Nothing changes before the plan is made and the blocking
 * preflight checks pass; each step is one checkpoint; the first failing step stops the task with
 * what failed, what changed and how to go on. No rollback: a db sync may have run.
 */
export async function upgradeLiveCloud(
  ctx: Ctx,
  deps: LiveUpgradeDeps,
  cloud: LiveCloud,
  input: { targetRelease: string; timeoutMinutes: number; planOnly: boolean; waitForRollout: boolean; argocdNamespace?: string },
) {
  const delivery = deliveryOf(cloud);
  if (!cloud.cluster || !cloud.namespace) {
    throw new InputError(
      `input.cloud: ${cloud.entityRef} lacks openstack.backstage.io/cluster or openstack.backstage.io/namespace; add them (the create action's entity has both)`,
    );
  }
  const namespace = cloud.namespace;
  let client: ClusterAccess;
  try {
    client = deps.cluster(cloud.cluster);
  } catch (e) {
    throw new InputError(`input.cloud: ${cloud.entityRef} names cluster "${cloud.cluster}": ${isError(e) ? e.message : String(e)}`);
  }
  const ref: LiveCloudRef = { cloud: cloud.key, namespace: cloud.namespace, delivery, argocdNamespace: input.argocdNamespace };
  const charts = await readLiveCharts(client, ref);
  if (!charts.length) {
    throw new InputError(
      `input.cloud: no ${delivery === 'argocd' ? 'Application' : 'HelmRelease'} ${cloud.key}-<chart> of ${cloud.entityRef} in ${
        delivery === 'argocd' ? ref.argocdNamespace ?? 'argocd' : cloud.namespace
      } on ${cloud.cluster}; check the entity's annotations`,
    );
  }
  const workloads = await readLiveWorkloads(client, cloud.namespace, charts.map(c => c.chart));
  let hosts: ComputeHostRelease[];
  try {
    hosts = await deps.computeHosts(cloud.key);
  } catch (e) {
    throw new Error(
      `Cannot read the compute hosts of ${cloud.key} (${isError(e) ? e.message : String(e)}); the compute-lag preflight check needs their releases. Nothing was changed`,
    );
  }
  const snapshot = liveCloudSnapshot(charts, workloads, hosts);

  const makePlan = () => {
    const p = planUpgrade(snapshot, input.targetRelease);
    ctx.logger.info(`Live state: ${charts.length} charts, ${workloads.length} workloads, ${hosts.length} compute hosts; release ${snapshot.release}`);
    ctx.logger.info(`Hop ${p.from} → ${p.to}${p.remainingHops.length ? ` (then ${p.remainingHops.join(' → ')})` : ''}`);
    for (const c of p.preflight) ctx.logger.info(`preflight ${checkLabel(c)} ${c.id}: ${c.reasons.join('; ')}`);
    ctx.logger.info(
      `Plan (${delivery}):\n${p.steps
        .map((s, i) => `  ${i + 1}. ${stepName(s)}: ${s.changes.length} value(s); after: ${s.after.map(a => a.id).join(', ')}`)
        .join('\n')}`,
    );
    return p;
  };
  const blockedError = (p: UpgradePlan) =>
    new Error(
      `Preflight failed, nothing was changed: ${p.preflight
        .filter(c => !c.ok && c.severity === 'blocking')
        .map(c => `${c.id}: ${c.reasons.join('; ')}`)
        .join(' | ')}`,
    );

  if (ctx.isDryRun || input.planOnly) {
    const p = makePlan();
    ctx.output('from', p.from);
    ctx.output('to', p.to);
    ctx.output('remainingHops', p.remainingHops);
    ctx.output('report', { dryRun: true, delivery, hop: `${p.from} → ${p.to}`, plan: p.steps.map(stepName), steps: p.steps, preflight: p.preflight, blocked: p.blocked });
    if (p.blocked && input.planOnly) throw blockedError(p);
    return;
  }

  // The plan is made once; a resumed task follows the same plan even though the cloud moved.
  const plan = await ctx.checkpoint({
    key: `upgrade.${cloud.key}.plan.${input.targetRelease}`,
    fn: async () => {
      const p = makePlan();
      if (p.blocked) throw blockedError(p);
      return JSON.parse(JSON.stringify(p));
    },
  }) as UpgradePlan;

  const gitops = delivery !== 'direct';
  const changedFiles = new Set<string>();
  if (gitops) {
    // Workspace edits are idempotent (values set to the plan's targets) and redone on every run.
    for (const step of plan.steps) changedFiles.add(await updateManifest(ctx.workspacePath, cloud.key, step, delivery));
    ctx.logger.info(`Updated ${changedFiles.size} manifest(s) in the workspace for the pull request: ${[...changedFiles].join(', ')}`);
  }
  const follow = !gitops || input.waitForRollout;
  const done: string[] = [];
  const manual: string[] = [];
  const report = (status: string, extra: Record<string, unknown> = {}) => ({
    delivery,
    hop: `${plan.from} → ${plan.to}`,
    status,
    preflight: plan.preflight,
    steps: plan.steps.map(s => ({ step: stepName(s), changes: s.changes, done: done.includes(stepName(s)) })),
    manifests: [...changedFiles],
    manualChecks: manual,
    computeFollowUp: plan.computeFollowUp,
    ...extra,
  });

  if (follow) {
    const deadline = Date.now() + input.timeoutMinutes * 60_000;
    for (const [i, step] of plan.steps.entries()) {
      const name = stepName(step);
      try {
        const r = await ctx.checkpoint({
          key: `upgrade.${cloud.key}.${plan.from}-${plan.to}.step.${i + 1}.${name}`,
          fn: async () => {
            const stepManual: string[] = [];
            const current = await readLiveChart(client, ref, step.chart);
            if (!current) throw new Error(`${ref.delivery === 'argocd' ? 'Application' : 'HelmRelease'} ${chartObjectName(cloud.key, step.chart)} disappeared`);
            for (const c of step.before) {
              const o = await evaluateCheck(c, step, plan, { chart: current, workloads: await readLiveWorkloads(client, namespace), client, namespace });
              if (!o.evaluated) stepManual.push(`${name} before: ${o.detail}`);
              else if (!o.ok) throw new Error(`check ${c.id} before the step failed: ${o.detail}`);
            }
            if (!gitops) {
              await client.apply(desiredObject(current, step.changes, delivery) as any);
              ctx.logger.info(`${name}: patched ${current.object.kind} ${chartObjectName(cloud.key, step.chart)} (${step.changes.length} value(s))`);
            } else {
              ctx.logger.info(`${name}: waiting for the merged manifests to reach the cluster`);
            }
            let last = '';
            const outcomes = await pollUntil(
              `step ${name} to roll out and pass ${step.after.map(a => a.id).join(', ')}`,
              async () => {
                const chart = await readLiveChart(client, ref, step.chart);
                const wl = await readLiveWorkloads(client, namespace);
                const res = [];
                for (const c of step.after) res.push(await evaluateCheck(c, step, plan, { chart, workloads: wl, client, namespace }));
                const failing = res.filter(o => o.evaluated && !o.ok);
                const fatal = failing.find(o => o.fatal);
                if (fatal) throw new Error(`check ${fatal.id} failed: ${fatal.detail}`);
                const line = failing.map(o => `${o.id}: ${o.detail}`).join(' | ');
                if (line && line !== last) {
                  ctx.logger.info(`${name}: waiting — ${line}`);
                  last = line;
                }
                return failing.length ? undefined : res;
              },
              { timeoutMs: Math.max(deadline - Date.now(), 0), intervalMs: deps.pollMs ?? 5000, signal: ctx.signal },
            );
            for (const o of outcomes) {
              if (!o.evaluated) stepManual.push(`${name} after: ${o.detail}`);
              ctx.logger.info(`${name}: ${o.evaluated ? 'ok  ' : 'todo'} ${o.id}: ${o.detail}`);
            }
            ctx.logger.info(`Step ${i + 1}/${plan.steps.length} ${name} done`);
            return { step: name, manual: stepManual };
          },
        });
        done.push(r.step);
        manual.push(...r.manual);
      } catch (e) {
        const msg = isError(e) ? e.message : String(e);
        const dbSynced = plan.steps.slice(0, i + 1).filter(s => s.after.some(a => a.id === 'db-sync-succeeded')).map(stepName);
        ctx.output('report', report('failed', { failedStep: name, error: msg }));
        throw new Error(
          `Step ${i + 1}/${plan.steps.length} ${name} of the hop ${plan.from} → ${plan.to} failed: ${msg}. ` +
            `Done so far: ${done.length ? done.join(', ') : 'no step'}; ${name} ${gitops ? 'has its manifest changed' : 'was patched'} and may be partly rolled out. ` +
            `To go on: fix the cause and retry this task (it resumes at ${name}; finished steps are not repeated). ` +
            `Do not roll back${dbSynced.length ? ` ${dbSynced.join(', ')}: their database schema may already be migrated and OpenStack does not support downgrades` : ''}.`,
        );
      }
    }
  } else {
    ctx.logger.info('Not following the rollout (waitForRollout false): merge the pull request; the planner order is in the report');
  }
  ctx.output('from', plan.from);
  ctx.output('to', plan.to);
  ctx.output('remainingHops', plan.remainingHops);
  ctx.output('report', report(follow ? 'done' : 'manifests-updated'));
}
