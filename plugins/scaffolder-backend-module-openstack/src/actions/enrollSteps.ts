// The steps of openstack:compute:enroll, the same for every cloud: read-only checks → the host's
// configuration bundle → nova-compute up → discovery until mapped → enabled → in its aggregate →
// OVN agent alive. A host that joins (live clouds) enrolls in two tasks: the first ends once its
// one-time join command is out; the second (the continuation, with `joinId`) starts from the
// host's report and goes on from nova-compute up. Every side effect sits in its own checkpoint with a stable key; a driver only
// decides where the effects land (the demo store, or Kubernetes and OpenStack).
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { enrollAggregateName, IssuedJoinToken, JoinTokenStatus } from '@backstage-openstack/plugin-openstack-common';
import { pollUntil, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { DriverContext, EnrollChecked, EnrollInput, EnrollTarget } from '../drivers/types';

/** Timing of the waits. */
export interface EnrollStepDeps {
  /** Poll interval, default 5 s. */
  pollMs?: number;
  /** Progress lines while waiting, at most one per this many ms; default 30 s. */
  progressMs?: number;
  /** Overrides input.timeoutMinutes (tests). */
  waitTimeoutMs?: number;
}

/** The host's one-time join token, through the suite's backend (as the task's initiator). */
export interface JoinChannel {
  /** Issues a token carrying the host's bundle; replaces an unused one. Secret answer. */
  issue(files: Record<string, string>): Promise<IssuedJoinToken>;
  /** The state of the host's latest token. */
  state(): Promise<JoinTokenStatus | undefined>;
  /**
   * The continuation: binds the join record `joinId` to this task (its host must have reported,
   * the task's form values be the record's; a second task is refused) and returns its state.
   */
  bind(joinId: string): Promise<JoinTokenStatus>;
}

/** How an enrollment ended: the host is enrolled, or (hosts that join) its join command is out and a continuation finishes it. */
export type EnrollOutcome =
  | { phase: 'enrolled'; bundleSecret?: string; novaComputeVersion?: string }
  | { phase: 'joining'; bundleSecret?: string; expiresAt?: string };

/** One enrollment: the context, the driver's target and the names every step uses. */
interface Run {
  ctx: DriverContext;
  target: EnrollTarget;
  cloud: ResolvedCloud;
  input: EnrollInput;
  aggregate: string;
  /** Prefix of every checkpoint key: `enroll.<cloud key>.<host>`. */
  prefix: string;
  pollMs: number;
  progressMs: number;
  timeoutMs: number;
}

/**
 * Polls `check` until it returns a value without `progress`; logs the latest progress at most
 * every `progressMs`; on timeout fails with what it waited for, the last state and the fix.
 */
async function wait<T extends object>(run: Run, what: string, check: () => Promise<T | { progress: string }>, fix: string): Promise<T> {
  const started = Date.now();
  let lastLog = started;
  let last = '';
  try {
    return await pollUntil(
      what,
      async () => {
        const v = await check();
        if ('progress' in v && typeof v.progress === 'string') {
          last = v.progress;
          if (Date.now() - lastLog >= run.progressMs) {
            lastLog = Date.now();
            run.ctx.logger.info(`Waiting for ${what}: ${last} (${Math.round((Date.now() - started) / 1000)} s)`);
          }
          return undefined;
        }
        return v as T;
      },
      { timeoutMs: run.timeoutMs, intervalMs: run.pollMs, signal: run.ctx.signal },
    );
  } catch (e) {
    if (/^Timed out/.test((e as Error).message)) {
      throw new ServiceUnavailableError(`Timed out after ${Math.round(run.timeoutMs / 1000)} s waiting for ${what}${last ? ` (last: ${last})` : ''}; ${fix}`);
    }
    throw e;
  }
}

/** Step 1: every read-only check, before anything changes. */
function checkHost(run: Run): Promise<EnrollChecked> {
  return run.ctx.checkpoint({ key: `${run.prefix}.checked`, fn: () => run.target.preflight() });
}

function logPlan(run: Run, checked: EnrollChecked): void {
  const { host, availabilityZone: zone } = run.input;
  const d = run.target.describe(checked);
  const plan = [
    d.bundle,
    ...(run.target.joinFiles
      ? [
          `issue a one-time join token for ${host} (${run.input.managementIp}); output the command to run on the host (secret output "join") and end this task; once the host's join script reports its nova-compute version, the enrollment continues by itself in a new task (the steps below)`,
        ]
      : []),
    `wait until nova-compute on ${host} reports up (${run.target.joinFiles ? 'the join script starts it' : "the host's provisioning pulls the bundle and starts it"})`,
    d.discovery,
    `enable the nova-compute service of ${host}`,
    checked.aggregateExists
      ? `add ${host} to aggregate ${run.aggregate} (zone ${zone})`
      : `create aggregate ${run.aggregate} in zone ${zone}, add ${host} to it`,
    d.ovnAgent,
  ];
  run.ctx.logger.info(`Plan for ${host} in ${run.cloud.entityRef}:\n${plan.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}`);
}

/** Step 2: the host's configuration bundle, created once. */
async function deliverBundle(run: Run): Promise<void> {
  const r = await run.ctx.checkpoint({ key: `${run.prefix}.bundle`, fn: () => run.target.deliverBundle() });
  run.ctx.logger.info(r.detail);
}

/**
 * Step 2b (hosts that join), the first task's last: the one-time join token. Issued unless the
 * host already fetched its script (a resumed task does not hand out a second one); output once,
 * secret, never logged. The task ends here: the scaffolder shows a task's outputs when it ends, so
 * waiting for the host would hide the command it waits for. The host's report makes the backend
 * start the continuation.
 */
async function issueJoinToken(run: Run, join: JoinChannel): Promise<{ expiresAt?: string }> {
  const { ctx, target } = run;
  const { host } = run.input;
  const before = await join.state();
  if (before && before.state !== 'unused' && before.state !== 'expired') {
    ctx.logger.info(`${host} already fetched its join script (from ${before.usedFrom ?? '?'} at ${before.usedAt ?? '?'}); no new token. Its enrollment continues in a new task once it reports`);
    return {};
  }
  const issued = await join.issue(await target.joinFiles!());
  // secret: the token is in these values only; the task log never shows them
  ctx.output('join', { secret: true, host, expiresAt: issued.expiresAt, command: issued.command, cloudInit: issued.cloudInit });
  ctx.logger.info(
    `Issued a one-time join token for ${host} (management IP ${run.input.managementIp}), valid until ${issued.expiresAt}. Run the command of the task output "join" on ${host} as root (secret: it is not logged), or give its cloud-init user-data to the host's provisioning. ` +
      `Once its join script reports, the enrollment continues by itself in a new task (join ${issued.joinId}): follow it on the cloud's page, where the host's join state shows`,
  );
  return { expiresAt: issued.expiresAt };
}

/** The continuation's first step: the join record bound to this task, and what the host reported. */
async function continueJoin(run: Run, join: JoinChannel, joinId: string): Promise<string> {
  const { host } = run.input;
  const state = await join.bind(joinId);
  if (state.state !== 'reported' || !state.reportedVersion) {
    throw new ServiceUnavailableError(`${host} has not reported its join yet (join ${joinId} is ${state.state}); the continuation starts once it has`);
  }
  run.ctx.logger.info(
    `Continuing the enrollment of ${host} (join ${joinId}, enrolled by ${state.createdBy}): its join script, fetched from ${state.usedFrom ?? '?'} at ${state.usedAt ?? '?'}, reports nova-compute ${state.reportedVersion}`,
  );
  return state.reportedVersion;
}

/** Step 3: nova-compute on the host reports up. */
async function waitComputeUp(run: Run): Promise<void> {
  const { host } = run.input;
  const service = await wait(
    run,
    `nova-compute on ${host} to report up`,
    async () => {
      const s = await run.target.computeService();
      if (s?.state === 'up') return s;
      return { progress: s ? `nova-compute on ${host} is ${s.state}` : `no nova-compute service of ${host} yet` };
    },
    run.target.hints.computeUp,
  );
  run.ctx.logger.info(`nova-compute on ${host} is up (service ${service.id}, ${service.status})`);
}

/**
 * Step 4: discovery until the host is mapped. Discovery is a snapshot: a host whose nova-compute
 * registered after it looked is missed. So: discovery, wait for it, look for the mapping for a
 * while, and again, until mapped.
 */
async function discoverUntilMapped(run: Run): Promise<void> {
  const { ctx, target } = run;
  const { host } = run.input;
  const { attempts, waitSeconds } = target.discovery;
  for (let attempt = 1; ; attempt++) {
    if (await target.isMapped()) {
      ctx.logger.info(`${host} is mapped to its cell (listed in os-hypervisors)`);
      return;
    }
    if (attempt > attempts) break;
    const job = await ctx.checkpoint({ key: `${run.prefix}.discover.${attempt}`, fn: () => target.startDiscovery(attempt) });
    ctx.logger.info(`Discovery ${attempt}/${attempts}: ${job.created ? 'created' : 'found'} ${job.name}`);
    const outcome = await wait(
      run,
      `discovery ${job.name} to finish`,
      async () => {
        const o = await target.discoveryOutcome(job.name);
        return o.state === 'running' ? { progress: `${job.name} is running` } : o;
      },
      target.hints.discovery(job.name),
    );
    if (outcome.state === 'failed') {
      ctx.logger.warn(`Discovery ${job.name} failed (${'reason' in outcome ? outcome.reason : 'failed'}); trying again`);
      continue;
    }
    const mapped = await pollUntil(`${host} to be mapped`, async () => ((await target.isMapped()) ? true : undefined), {
      timeoutMs: waitSeconds * 1000,
      intervalMs: run.pollMs,
      signal: ctx.signal,
    }).catch(() => false);
    if (mapped) {
      ctx.logger.info(`${host} is mapped to its cell (listed in os-hypervisors) after discovery ${attempt}`);
      return;
    }
    ctx.logger.info(
      `${host} is not mapped after discovery ${job.name} completed (discovery is a snapshot: the host registered after it looked, or its compute node record is late); running discovery again`,
    );
  }
  throw new ServiceUnavailableError(
    `${host} is still not mapped to a cell of ${run.cloud.entityRef} after ${attempts} discovery runs; check that nova-compute on ${host} created its compute node (os-hypervisors lists mapped hosts only) and the discovery logs; run the task again to continue`,
  );
}

/** Step 5: the host's nova-compute service enabled. */
async function enableHost(run: Run): Promise<void> {
  const { host } = run.input;
  await run.ctx.checkpoint({
    key: `${run.prefix}.enable`,
    fn: async () => {
      const s = await run.target.computeService();
      if (!s) throw new NotFoundError(`nova-compute of ${host} disappeared from ${run.cloud.entityRef}'s os-services`);
      if (s.status !== 'enabled') await run.target.enableComputeService(s.id);
      run.ctx.logger.info(s.status !== 'enabled' ? `Enabled the nova-compute service of ${host}` : `The nova-compute service of ${host} is enabled`);
    },
  });
}

/** Step 6: the aggregate (with its zone), created when missing. */
function ensureAggregate(run: Run): Promise<{ id: number; created: boolean }> {
  const { aggregate } = run;
  const zone = run.input.availabilityZone;
  const find = async () => (await run.target.aggregates()).find(a => a.name === aggregate);
  return run.ctx.checkpoint({
    key: `${run.prefix}.aggregate`,
    fn: async () => {
      const existing = await find();
      if (existing) return { id: existing.id, created: false };
      try {
        const made = await run.target.createAggregate(aggregate, zone);
        run.ctx.logger.info(`Created aggregate ${aggregate} in zone ${zone}`);
        return { id: made.id, created: true };
      } catch (e) {
        // made by someone else meanwhile
        const again = await find();
        if (again) return { id: again.id, created: false };
        throw e;
      }
    },
  });
}

/** Step 7: the host in its aggregate. */
async function addToAggregate(run: Run, aggregateId: number): Promise<void> {
  const { host, availabilityZone: zone } = run.input;
  const { aggregate } = run;
  await run.ctx.checkpoint({
    key: `${run.prefix}.aggregate.host`,
    fn: async () => {
      const a = (await run.target.aggregates()).find(x => x.id === aggregateId);
      if (a && a.availabilityZone !== zone) {
        throw new ConflictError(
          `input.aggregate: aggregate ${aggregate} is in zone ${a.availabilityZone ?? '(none)'}, not ${zone}; pick zone ${a.availabilityZone} or another aggregate. ${host} is enrolled and enabled but in no aggregate yet`,
        );
      }
      if (a?.hosts.includes(host)) {
        run.ctx.logger.info(`${host} is in aggregate ${aggregate} (zone ${zone})`);
        return;
      }
      await run.target.addHostToAggregate(aggregateId);
      run.ctx.logger.info(`Added ${host} to aggregate ${aggregate} (zone ${zone})`);
    },
  });
}

/** Step 8: the host's OVN chassis alive (its OVN Controller agent in Neutron). */
async function waitOvnAgent(run: Run): Promise<void> {
  const { host } = run.input;
  const binary = run.target.ovnAgentBinary;
  await wait(
    run,
    `the ${binary} agent of ${host} to be alive`,
    async () => {
      const a = await run.target.ovnAgent();
      if (a.alive) return a;
      return {
        progress: a.found
          ? `the ${binary} agent of ${host} is not alive yet`
          : `no ${binary} agent of ${host} yet${a.others.length ? ` (agents there: ${a.others.join(', ')})` : ''}`,
      };
    },
    run.target.hints.ovnAgent,
  );
  run.ctx.logger.info(`The ${binary} agent of ${host} is alive`);
}

/**
 * Enrolls `input.host` into a cloud through its driver's target. A dry run stops after the checks
 * and the plan. A host that joins: without `joinId`, the checks, the bundle and the join token,
 * then `joining`; with `joinId` (the continuation), from the host's report to its OVN agent.
 */
export async function enrollHost(
  ctx: DriverContext,
  target: EnrollTarget,
  cloud: ResolvedCloud,
  input: EnrollInput,
  deps: EnrollStepDeps = {},
  join?: JoinChannel,
  joinId?: string,
): Promise<EnrollOutcome> {
  const run: Run = {
    ctx,
    target,
    cloud,
    input,
    aggregate: enrollAggregateName(input),
    prefix: `enroll.${cloud.cloudKey}.${input.host}`,
    pollMs: deps.pollMs ?? 5000,
    progressMs: deps.progressMs ?? 30_000,
    timeoutMs: deps.waitTimeoutMs ?? input.timeoutMinutes * 60_000,
  };
  const joins = !!(target.joinFiles && join);
  if (joinId && !joins) {
    throw new InputError(`input.joinId: the hosts of ${cloud.entityRef} do not join with a token; enroll without joinId`);
  }
  if (joinId) {
    if (ctx.isDryRun) {
      ctx.logger.info(`Dry run: the continuation of join ${joinId} would go on from nova-compute up on ${input.host}; nothing was changed (the join record stays unbound).`);
      return { phase: 'enrolled', bundleSecret: target.bundleSecret };
    }
    // the continuation: the first task checked (the host was new then; now it is registered)
    const novaComputeVersion = await continueJoin(run, join!, joinId);
    await finish(run);
    return { phase: 'enrolled', bundleSecret: target.bundleSecret, novaComputeVersion };
  }
  const checked = await checkHost(run);
  logPlan(run, checked);
  if (ctx.isDryRun) {
    ctx.logger.info('Dry run: nothing was changed.');
    return { phase: joins ? 'joining' : 'enrolled', bundleSecret: target.bundleSecret };
  }
  await deliverBundle(run);
  if (joins) return { phase: 'joining', bundleSecret: target.bundleSecret, ...(await issueJoinToken(run, join!)) };
  await finish(run);
  return { phase: 'enrolled', bundleSecret: target.bundleSecret };
}

/** Steps 3 to 8: up, mapped, enabled, in its aggregate, OVN agent alive. */
async function finish(run: Run): Promise<void> {
  await waitComputeUp(run);
  await discoverUntilMapped(run);
  await enableHost(run);
  await addToAggregate(run, (await ensureAggregate(run)).id);
  await waitOvnAgent(run);
}
