// The steps of a compute host's maintenance and decommission, the same for every cloud: disable
// with a reason → live-migrate every instance away, N at a time → host empty (or each instance
// that cannot move named with Nova's reason); exit: checks → enable; decommission: maintenance →
// evacuate (down host, asked for) → delete the service, the agents, the aggregate memberships,
// the bundle → nothing left. Every side effect sits in its own checkpoint with a stable key.
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { formatMaintenanceReason, HostMaintenance, parseMaintenanceReason } from '@backstage-openstack/plugin-openstack-common';
import { pollUntil, ServerOnHost } from '@backstage-openstack/plugin-openstack-node';
import { DriverContext } from '../drivers/types';

/** nova-compute of a host, as the steps read it. */
export interface HostService {
  id: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
}

/** One cloud and one compute host, opened for maintenance or decommission: each effect is one method. */
export interface HostTarget {
  host: string;
  computeService(): Promise<HostService | undefined>;
  disable(serviceId: string, reason: string): Promise<void>;
  enable(serviceId: string): Promise<void>;
  /** The instances on the host (every project). */
  servers(): Promise<ServerOnHost[]>;
  server(id: string): Promise<ServerOnHost | undefined>;
  /** Live migration, the scheduler picks the target. */
  liveMigrate(id: string): Promise<void>;
  /** Rebuilds the instance of a down host elsewhere. */
  evacuate(id: string): Promise<void>;
  /** Why the instance's latest migration or evacuation failed, in Nova's words. */
  moveFailure(id: string): Promise<string | undefined>;
  /** The host's OVN agent. */
  ovnAgent(): Promise<{ alive: boolean; found: boolean }>;
  deleteComputeService(id: string): Promise<void>;
  /** The host's Neutron agents (the OVN chassis and the metadata agent). */
  agents(): Promise<Array<{ id: string; agentType: string }>>;
  deleteAgent(id: string): Promise<void>;
  /** The aggregates that have the host. */
  aggregates(): Promise<Array<{ id: number; name: string }>>;
  removeFromAggregate(id: number): Promise<void>;
  /** Deletes the host's configuration bundle (only if it is the suite's for this host). */
  deleteBundle(): Promise<string>;
  /** What of the host is still in Nova, Placement and Neutron (one line each); empty when gone. */
  leftovers(): Promise<string[]>;
}

/** Timing of the waits. */
export interface HostStepDeps {
  /** Poll interval, default 5 s. */
  pollMs?: number;
  /** Overrides input.timeoutMinutes (tests). */
  waitTimeoutMs?: number;
}

/** One run on a host: the context, the target and the names every step uses. */
export interface HostRun {
  ctx: DriverContext;
  target: HostTarget;
  /** Prefix of every checkpoint key, e.g. `maintenance.<cloud key>.<host>`. */
  prefix: string;
  pollMs: number;
  timeoutMs: number;
}

export function hostRun(ctx: DriverContext, target: HostTarget, prefix: string, deps: HostStepDeps, timeoutMinutes: number): HostRun {
  return { ctx, target, prefix, pollMs: deps.pollMs ?? 5000, timeoutMs: deps.waitTimeoutMs ?? timeoutMinutes * 60_000 };
}

async function waitFor<T>(run: HostRun, what: string, check: () => Promise<T | undefined>, fix: string): Promise<T> {
  try {
    return await pollUntil(what, check, { timeoutMs: run.timeoutMs, intervalMs: run.pollMs, signal: run.ctx.signal });
  } catch (e) {
    if (/^Timed out/.test((e as Error).message)) {
      throw new ServiceUnavailableError(`Timed out after ${Math.round(run.timeoutMs / 1000)} s waiting for ${what}; ${fix}`);
    }
    throw e;
  }
}

async function requireService(run: HostRun): Promise<HostService> {
  const s = await run.target.computeService();
  if (!s) throw new NotFoundError(`${run.target.host} has no nova-compute service in this cloud (os-services); check the host name`);
  return s;
}

/** What moving the instances off a host gave. */
export interface MoveOutcome {
  moved: string[];
  /** Each instance that could not move, with Nova's reason. */
  failed: Array<{ id: string; name: string; reason: string }>;
}

const label = (s: { id: string; name: string }) => `${s.name} (${s.id})`;

/**
 * Disables the host's nova-compute with the maintenance reason (once: a resumed task keeps the
 * first time and initiator); returns the maintenance Nova records.
 */
export async function disableForMaintenance(run: HostRun, m: HostMaintenance): Promise<HostMaintenance> {
  const { host } = run.target;
  return run.ctx.checkpoint({
    key: `${run.prefix}.disable`,
    fn: async () => {
      const s = await requireService(run);
      const current = parseMaintenanceReason(s.disabledReason);
      if (s.status === 'disabled' && current) {
        run.ctx.logger.info(`${host} is already in maintenance: ${current.reason} (by ${current.by}, since ${current.since}); kept as it is`);
        return current;
      }
      if (s.status === 'disabled') run.ctx.logger.info(`${host} was disabled (${s.disabledReason ?? 'no reason'}); its reason becomes the maintenance's`);
      await run.target.disable(s.id, formatMaintenanceReason(m));
      run.ctx.logger.info(`Disabled nova-compute on ${host}: no new instance is scheduled to it (${formatMaintenanceReason(m)})`);
      return m;
    },
  });
}

/**
 * Moves every instance off the host, `parallel` at a time (`move` starts one: a live migration,
 * or an evacuation), until the host is empty or every instance left has failed to move. Each
 * start is checkpointed: a resumed task does not start a move twice, and reads where each went.
 */
export async function moveInstancesAway(run: HostRun, parallel: number, how: 'live-migrate' | 'evacuate'): Promise<MoveOutcome> {
  const { target, ctx } = run;
  const { host } = target;
  const started = new Map<string, ServerOnHost>();
  const failed = new Map<string, { id: string; name: string; reason: string }>();
  // every instance seen on the host in this run: those not failed have left it (moved, or deleted by their owner)
  const seen = new Set<string>();
  const start = async (s: ServerOnHost) => {
    const r = await ctx.checkpoint({
      key: `${run.prefix}.${how}.${s.id}`,
      fn: async () => {
        try {
          await (how === 'evacuate' ? target.evacuate(s.id) : target.liveMigrate(s.id));
          return { error: '' };
        } catch (e) {
          // Nova refused at once (e.g. a stopped instance cannot be live-migrated): its reason
          return { error: (e as Error).message };
        }
      },
    });
    if (r.error) {
      failed.set(s.id, { id: s.id, name: s.name, reason: r.error });
      ctx.logger.warn(`Cannot ${how} ${label(s)}: ${r.error}`);
    } else {
      started.set(s.id, s);
      ctx.logger.info(`Started to ${how} ${label(s)} off ${host} (the scheduler picks the target)`);
    }
  };
  await waitFor(
    run,
    `every instance to leave ${host}`,
    async () => {
      // the instances started earlier (also by a task before a restart): arrived, failed, or still moving
      for (const [id, s] of started) {
        const now = await target.server(id);
        if (!now || now.host !== host) {
          started.delete(id);
          ctx.logger.info(`${label(s)} left ${host}${now?.host ? ` for ${now.host}` : ''}`);
        } else if (!now.taskState && now.status !== 'MIGRATING' && now.status !== 'REBUILD') {
          started.delete(id);
          const reason = (await target.moveFailure(id)) ?? now.fault ?? `Nova left it on ${host} (status ${now.status}) without a reason`;
          failed.set(id, { id, name: s.name, reason });
          ctx.logger.warn(`${label(s)} could not move: ${reason}`);
        }
      }
      const left = (await target.servers()).filter(s => !failed.has(s.id));
      for (const s of left) seen.add(s.id);
      const waiting = left.filter(s => !started.has(s.id));
      for (const s of waiting.slice(0, Math.max(0, parallel - started.size))) {
        // a move started before a restart: its checkpoint answers, and it is watched again
        await start(s);
      }
      return left.length === 0 ? true : undefined;
    },
    `look at the instances still on ${host} (openstack server list --all-projects --host ${host}) and the migrations (openstack server migration list --host ${host}); run the task again to go on`,
  );
  return { moved: [...seen].filter(id => !failed.has(id)), failed: [...failed.values()] };
}

/** The report of instances that could not move, one line each. */
export function movesFailedMessage(host: string, failed: MoveOutcome['failed']): string {
  return `${failed.length} instance(s) could not leave ${host}, which stays disabled:\n${failed.map(f => `- ${label(f)}: ${f.reason}`).join('\n')}`;
}

/** Exit: the service is up and its OVN agent alive, then it is enabled (once). */
export async function exitMaintenance(run: HostRun): Promise<void> {
  const { host } = run.target;
  const s = await requireService(run);
  if (s.state !== 'up') {
    throw new ServiceUnavailableError(`nova-compute on ${host} is down; start it (or bring the host back) before ending its maintenance. It stays disabled.`);
  }
  const ovn = await run.target.ovnAgent();
  if (!ovn.alive) {
    throw new ServiceUnavailableError(
      `the OVN agent of ${host} is ${ovn.found ? 'not alive' : 'not registered'} in Neutron; start ovn-controller on the host before ending its maintenance. It stays disabled.`,
    );
  }
  await run.ctx.checkpoint({
    key: `${run.prefix}.enable`,
    fn: async () => {
      if (s.status === 'enabled') {
        run.ctx.logger.info(`nova-compute on ${host} is already enabled`);
        return true;
      }
      await run.target.enable(s.id);
      const was = parseMaintenanceReason(s.disabledReason);
      run.ctx.logger.info(`Enabled nova-compute on ${host}: it takes new instances again${was ? ` (in maintenance since ${was.since}: ${was.reason})` : ''}`);
      return true;
    },
  });
}

/**
 * Decommission after maintenance: waits until nova-compute is down (the host is stopped: a
 * running nova-compute would register again), deletes the service (its compute node and resource
 * provider go with it), the host's Neutron agents (an OVN Controller agent takes its chassis
 * with it), its aggregate memberships and its bundle; then checks nothing is left.
 */
export async function removeHost(run: HostRun): Promise<string[]> {
  const { target, ctx } = run;
  const { host } = target;
  const service = await target.computeService();
  if (service) {
    await waitFor(
      run,
      `nova-compute on ${host} to report down`,
      async () => ((await target.computeService())?.state === 'up' ? undefined : true),
      `stop nova-compute and ovn-controller on ${host} (or power it off): a running nova-compute registers the host again. Run the task again when it is stopped`,
    );
    if ((await target.servers()).length) {
      throw new ConflictError(`instances are on ${host} again; nothing was deleted`);
    }
    await ctx.checkpoint({
      key: `${run.prefix}.delete.service`,
      fn: async () => {
        await target.deleteComputeService(service.id);
        ctx.logger.info(`Deleted the nova-compute service of ${host} (with its compute node and Placement resource provider)`);
        return true;
      },
    });
  }
  await ctx.checkpoint({
    key: `${run.prefix}.delete.agents`,
    fn: async () => {
      const agents = await target.agents();
      for (const a of agents) {
        await target.deleteAgent(a.id);
        ctx.logger.info(`Deleted the ${a.agentType} of ${host} from Neutron${a.agentType === 'OVN Controller agent' ? ' (Neutron deletes its OVN chassis)' : ''}`);
      }
      return agents.length;
    },
  });
  await ctx.checkpoint({
    key: `${run.prefix}.delete.aggregates`,
    fn: async () => {
      const aggregates = await target.aggregates();
      for (const a of aggregates) {
        await target.removeFromAggregate(a.id);
        ctx.logger.info(`Removed ${host} from aggregate ${a.name}`);
      }
      return aggregates.map(a => a.name);
    },
  });
  await ctx.checkpoint({
    key: `${run.prefix}.delete.bundle`,
    fn: async () => {
      const detail = await target.deleteBundle();
      ctx.logger.info(detail);
      return detail;
    },
  });
  // what Nova, Placement and Neutron still have of the host (Neutron removes a chassis's agents at once)
  let left: string[] = [];
  await waitFor(
    run,
    `${host} to be gone from Nova, Placement and Neutron`,
    async () => {
      left = await target.leftovers();
      return left.length === 0 ? true : undefined;
    },
    `a nova-compute or ovn-controller still running on ${host} registers it again: stop them and run the task again`,
  ).catch(e => {
    throw new ServiceUnavailableError(`${(e as Error).message}; still there: ${left.join('; ')}`);
  });
  return left;
}
