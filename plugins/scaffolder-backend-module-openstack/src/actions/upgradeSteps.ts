// The steps of openstack:cloud:upgrade, the same for every cloud: read the cloud, plan one hop
// with the planner (its preflight included), then each step of the plan in its own checkpoint:
// the checks before, the effect, the checks after. A driver decides where the effects land.
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  ComputeHostRelease,
  planUpgrade,
  upgradeApprovalPlan,
  StepCheck,
  UpgradePlan,
  UpgradeStep,
} from '@backstage-openstack/plugin-openstack-common';
import { liveCloudSnapshot, pollUntil, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { CheckOutcome, DriverContext, UpgradeTarget } from '../drivers/types';
import { ApprovalGate, enforceApproval, outputApprovalPlan } from './approvalGate';

/** The upgrade action's input, defaults applied. */
export interface UpgradeInput {
  targetRelease: string;
  timeoutMinutes: number;
  planOnly: boolean;
  /** The approval the backend started this run with (the run phase). */
  approvalId?: string;
  waitForRollout: boolean;
}

/** What the steps need besides the driver's target. */
export interface UpgradeStepDeps {
  /** nova-compute hosts and their releases, for the compute-lag preflight check. */
  computeHosts: (cloud: ResolvedCloud) => Promise<ComputeHostRelease[]>;
  pollMs?: number;
  /** Refuses the run without the task's approval of exactly this hop's plan (by lifecycle). */
  approvals: ApprovalGate;
}

/** The name of a step, e.g. `nova:conductor`. */
export const stepName = (s: Pick<UpgradeStep, 'chart' | 'phase'>) => (s.phase ? `${s.chart}:${s.phase}` : s.chart);

/** A planner check no driver can observe with the suite's access: reported for the operator. */
export function manualCheck(check: StepCheck): CheckOutcome {
  return {
    id: check.id,
    ok: true,
    evaluated: false,
    detail: `not verified by the suite (needs pod exec or the cloud's API): ${check.description}; check it by hand`,
  };
}

function checkLabel(c: { ok: boolean; severity: string }) {
  if (c.ok) return 'ok  ';
  return c.severity === 'blocking' ? 'FAIL' : 'warn';
}

function blockedError(p: UpgradePlan) {
  return new Error(
    `Preflight failed, nothing was changed: ${p.preflight
      .filter(c => !c.ok && c.severity === 'blocking')
      .map(c => `${c.id}: ${c.reasons.join('; ')}`)
      .join(' | ')}`,
  );
}

/** What planning a hop needs: the task, the driver's target, the cloud and the release asked for. */
interface HopRequest {
  ctx: DriverContext;
  target: UpgradeTarget;
  cloud: ResolvedCloud;
  deps: UpgradeStepDeps;
  targetRelease: string;
}

/** Step 1: reads the cloud and plans the hop with the planner and its preflight; logs both. */
export async function planHop({ ctx, target, cloud, deps, targetRelease }: HopRequest): Promise<UpgradePlan> {
  const { charts, workloads } = await target.readState();
  let hosts: ComputeHostRelease[];
  try {
    hosts = await deps.computeHosts(cloud);
  } catch (e) {
    throw new Error(
      `Cannot read the compute hosts of ${cloud.entityRef} (${isError(e) ? e.message : String(e)}); the compute-lag preflight check needs their releases. Nothing was changed`,
    );
  }
  const snapshot = liveCloudSnapshot(charts, workloads, hosts);
  const p = planUpgrade(snapshot, targetRelease);
  ctx.logger.info(`State of ${cloud.entityRef}: ${charts.length} charts, ${workloads.length} workloads, ${hosts.length} compute hosts; release ${snapshot.release}`);
  ctx.logger.info(`Hop ${p.from} → ${p.to}${p.remainingHops.length ? ` (then ${p.remainingHops.join(' → ')})` : ''}`);
  for (const c of p.preflight) ctx.logger.info(`preflight ${checkLabel(c)} ${c.id}: ${c.reasons.join('; ')}`);
  ctx.logger.info(
    `Plan (${target.delivery}):\n${p.steps
      .map((s, i) => `  ${i + 1}. ${stepName(s)}: ${s.changes.length} value(s); after: ${s.after.map(a => a.id).join(', ')}`)
      .join('\n')}`,
  );
  return p;
}

/** Step 2: the plan, made once: a resumed task follows the plan it made first, though the cloud moved. */
export async function checkpointPlan(hop: HopRequest): Promise<UpgradePlan> {
  return (await hop.ctx.checkpoint({
    key: `upgrade.${hop.cloud.cloudKey}.plan.${hop.targetRelease}`,
    fn: async () => {
      const p = await planHop(hop);
      if (p.blocked) throw blockedError(p);
      return JSON.parse(JSON.stringify(p));
    },
  })) as UpgradePlan;
}

/** The checks before a step: each evaluated check must pass now; returns those left to the operator. */
async function checkBefore(target: UpgradeTarget, plan: UpgradePlan, step: UpgradeStep): Promise<string[]> {
  const manual: string[] = [];
  for (const c of step.before) {
    const o = await target.evaluate(c, step, plan);
    if (!o.evaluated) manual.push(`${stepName(step)} before: ${o.detail}`);
    else if (!o.ok) throw new Error(`check ${c.id} before the step failed: ${o.detail}`);
  }
  return manual;
}

/** Waits until every evaluated check after a step passes; a fatal one stops at once. */
async function waitAfter(
  ctx: DriverContext,
  target: UpgradeTarget,
  plan: UpgradePlan,
  step: UpgradeStep,
  opts: { deadline: number; pollMs: number },
): Promise<CheckOutcome[]> {
  const name = stepName(step);
  let last = '';
  return pollUntil(
    `step ${name} to roll out and pass ${step.after.map(a => a.id).join(', ')}`,
    async () => {
      const res: CheckOutcome[] = [];
      for (const c of step.after) res.push(await target.evaluate(c, step, plan));
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
    { timeoutMs: Math.max(opts.deadline - Date.now(), 0), intervalMs: opts.pollMs, signal: ctx.signal },
  );
}

/** Step 3 (per step of the plan, one checkpoint each): checks before, the effect, checks after. */
export async function runStep(
  ctx: DriverContext,
  target: UpgradeTarget,
  cloud: ResolvedCloud,
  plan: UpgradePlan,
  i: number,
  opts: { deadline: number; pollMs: number },
): Promise<{ step: string; manual: string[] }> {
  const step = plan.steps[i];
  const name = stepName(step);
  return ctx.checkpoint({
    key: `upgrade.${cloud.cloudKey}.${plan.from}-${plan.to}.step.${i + 1}.${name}`,
    fn: async () => {
      const manual = await checkBefore(target, plan, step);
      if (target.gitops) ctx.logger.info(`${name}: waiting for the merged manifests to reach the cluster`);
      else ctx.logger.info(`${name}: ${await target.applyStep(plan, step)}`);
      const outcomes = await waitAfter(ctx, target, plan, step, opts);
      for (const o of outcomes) {
        if (!o.evaluated) manual.push(`${name} after: ${o.detail}`);
        ctx.logger.info(`${name}: ${o.evaluated ? 'ok  ' : 'todo'} ${o.id}: ${o.detail}`);
      }
      ctx.logger.info(`Step ${i + 1}/${plan.steps.length} ${name} done`);
      return { step: name, manual };
    },
  });
}

/** What a started step has changed, by where its effects land. */
function changed(target: UpgradeTarget): string {
  if (target.gitops) return 'has its manifest changed';
  return target.delivery === 'demo' ? 'was started in the demo store' : 'was patched';
}

/** The error of a failed step: what failed, what changed, how to go on, and what not to roll back. */
export function stepFailure(plan: UpgradePlan, i: number, done: string[], target: UpgradeTarget, e: unknown): Error {
  const name = stepName(plan.steps[i]);
  const msg = isError(e) ? e.message : String(e);
  const dbSynced = plan.steps.slice(0, i + 1).filter(s => s.after.some(a => a.id === 'db-sync-succeeded')).map(stepName);
  return new Error(
    `Step ${i + 1}/${plan.steps.length} ${name} of the hop ${plan.from} → ${plan.to} failed: ${msg}. ` +
      `Done so far: ${done.length ? done.join(', ') : 'no step'}; ${name} ${changed(target)} and may be partly rolled out. ` +
      `To go on: fix the cause and retry this task (it resumes at ${name}; finished steps are not repeated). ` +
      `Do not roll back${dbSynced.length ? ` ${dbSynced.join(', ')}: their database schema may already be migrated and OpenStack does not support downgrades` : ''}.`,
  );
}

/**
 * GitOps: the manifests the hop edits in the workspace, for the publish step. Edited once, from
 * the repository the template fetched, and kept in a checkpoint (paths and contents; Git files
 * hold no credentials): the scaffolder keeps no workspace across a restart unless a workspace
 * provider is configured, and a resumed task does not run its finished fetch step again, so every
 * run writes the edited files into its workspace again. The publish step then finds them, whether
 * the task resumed on the same workspace or on an empty one.
 */
async function editedManifests(ctx: DriverContext, target: UpgradeTarget, cloud: ResolvedCloud, plan: UpgradePlan): Promise<string[]> {
  const files = (await ctx.checkpoint({
    key: `upgrade.${cloud.cloudKey}.${plan.from}-${plan.to}.manifests`,
    fn: async () => {
      const edited = await target.editManifests(plan);
      return Promise.all(edited.map(async f => ({ path: f, content: await fs.readFile(resolveSafeChildPath(ctx.workspacePath, f), 'utf8') })));
    },
  })) as Array<{ path: string; content: string }>;
  for (const f of files) {
    const to = resolveSafeChildPath(ctx.workspacePath, f.path);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.writeFile(to, f.content, 'utf8');
  }
  return files.map(f => f.path);
}

/**
 * Upgrades a cloud by one hop. Nothing changes before the plan is made and the blocking
 * preflight checks pass; each step is one checkpoint; the first failing step stops the task with
 * what failed, what changed and how to go on. No rollback: a db sync may have run.
 */
export async function upgradeCloud(
  ctx: DriverContext,
  target: UpgradeTarget,
  cloud: ResolvedCloud,
  deps: UpgradeStepDeps,
  input: UpgradeInput,
): Promise<void> {
  const hopOutputs = (p: UpgradePlan) => {
    ctx.output('from', p.from);
    ctx.output('to', p.to);
    ctx.output('remainingHops', p.remainingHops);
  };
  if (ctx.isDryRun || input.planOnly) {
    const p = await planHop({ ctx, target, cloud, deps, targetRelease: input.targetRelease });
    hopOutputs(p);
    ctx.output('report', {
      dryRun: true,
      delivery: target.delivery,
      hop: `${p.from} → ${p.to}`,
      plan: p.steps.map(stepName),
      steps: p.steps,
      preflight: p.preflight,
      blocked: p.blocked,
    });
    if (p.blocked && input.planOnly) throw blockedError(p);
    // what the approver approves, and the run compares with its own
    outputApprovalPlan(ctx, deps.approvals, upgradeApprovalPlan(cloud.entityRef, p), cloud.lifecycle);
    return;
  }
  const plan = await checkpointPlan({ ctx, target, cloud, deps, targetRelease: input.targetRelease });
  await enforceApproval(ctx, deps.approvals, upgradeApprovalPlan(cloud.entityRef, plan), cloud.lifecycle, input.approvalId);
  const manifests = target.gitops ? await editedManifests(ctx, target, cloud, plan) : [];
  if (manifests.length) ctx.logger.info(`Updated ${manifests.length} manifest(s) in the workspace for the pull request: ${manifests.join(', ')}`);
  const follow = !target.gitops || input.waitForRollout;
  const done: string[] = [];
  const manual: string[] = [];
  const report = (status: string, extra: Record<string, unknown> = {}) => ({
    delivery: target.delivery,
    hop: `${plan.from} → ${plan.to}`,
    status,
    preflight: plan.preflight,
    steps: plan.steps.map(s => ({ step: stepName(s), changes: s.changes, done: done.includes(stepName(s)) })),
    manifests,
    manualChecks: manual,
    computeFollowUp: plan.computeFollowUp,
    ...extra,
  });
  if (follow) {
    const opts = { deadline: Date.now() + input.timeoutMinutes * 60_000, pollMs: deps.pollMs ?? 5000 };
    for (let i = 0; i < plan.steps.length; i++) {
      try {
        const r = await runStep(ctx, target, cloud, plan, i, opts);
        done.push(r.step);
        manual.push(...r.manual);
      } catch (e) {
        ctx.output('report', report('failed', { failedStep: stepName(plan.steps[i]), error: isError(e) ? e.message : String(e) }));
        throw stepFailure(plan, i, done, target, e);
      }
    }
  } else {
    ctx.logger.info('Not following the rollout (waitForRollout false): merge the pull request; the planner order is in the report');
  }
  hopOutputs(plan);
  ctx.output('report', report(follow ? 'done' : 'manifests-updated'));
}
