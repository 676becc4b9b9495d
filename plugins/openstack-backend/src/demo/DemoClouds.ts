import { ConflictError, InputError } from '@backstage/errors';
import { ComputeHostStatus, CloudStatus, isValidHop, NewDemoCloud, validNextHops } from '@backstage-openstack/plugin-openstack-common';
import { DemoCloudStore } from './DemoCloudStore';
import { DemoCloudState } from './model';
import { demoHost, prng } from './seed';
import { simulate, upgradeFinished } from './simulate';

/**
 * The simulated openstack-helm clouds behind the same interface as a real one. Their state is
 * in the database; scaffolder actions change it (a new cloud rolls out over a minute, an upgrade
 * rolls service by service, an enrolled host comes up).
 */
export class DemoClouds {
  constructor(
    private readonly store: DemoCloudStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  has(name: string) {
    return this.store.has(name);
  }

  async names(): Promise<string[]> {
    return (await this.store.list()).map(c => c.name);
  }

  async read(name: string): Promise<{ status: CloudStatus; hosts: ComputeHostStatus[] }> {
    const now = this.clock();
    let state = await this.store.get(name);
    if (state.upgrade && upgradeFinished(state, now)) {
      // settle a finished upgrade so the record says what the cloud runs
      state = await this.store.update(name, now, s =>
        s.upgrade && upgradeFinished(s, now) ? { ...s, release: s.upgrade.to, upgrade: undefined } : s,
      );
    }
    return simulate(state, now);
  }

  async createCloud(input: NewDemoCloud): Promise<DemoCloudState> {
    const now = this.clock();
    const state: DemoCloudState = {
      name: input.name,
      region: input.region ?? 'RegionOne',
      release: input.release,
      chartVersion: '2026.1.0',
      cluster: input.cluster ?? 'demo-cluster',
      namespace: input.namespace ?? input.name,
      components: input.components,
      createdAt: now.toISOString(),
      rolloutSeconds: input.rolloutSeconds ?? 60,
      controlPlaneNodes: ['ctl-0', 'ctl-1', 'ctl-2'],
      hosts: [],
    };
    await this.store.create(state, now);
    return state;
  }

  /**
   * Rolls the cloud to `to`, one chart after the other in `order`: the charts of the upgrade
   * planner's steps, which the upgrade action sends. Asking again for the same hop is a no-op.
   */
  async startUpgrade(name: string, to: string, order: string[], stepSeconds = 8): Promise<DemoCloudState> {
    const now = this.clock();
    // refused before the store is written; checked again in its transaction
    const current = await this.store.get(name);
    const at = current.upgrade && !upgradeFinished(current, now) ? undefined : current.upgrade?.to ?? current.release;
    if (at && at !== to) assertOneHop(at, to);
    return this.store.update(name, now, s => {
      if (s.upgrade && !upgradeFinished(s, now)) {
        if (s.upgrade.to === to) return s; // idempotent: the same upgrade is already rolling
        throw new ConflictError(`Cloud ${name} is already upgrading to ${s.upgrade.to}`);
      }
      const from = s.upgrade ? s.upgrade.to : s.release;
      if (from === to) return { ...s, release: to, upgrade: undefined };
      assertOneHop(from, to);
      return {
        ...s,
        release: from,
        upgrade: { from, to, startedAt: now.toISOString(), stepSeconds, order },
      };
    });
  }

  async enrollHost(name: string, host: { host: string; zone: string; aggregate?: string }): Promise<DemoCloudState> {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(host.host)) {
      throw new InputError(`host "${host.host}" is not a valid host name`);
    }
    const now = this.clock();
    return this.store.update(name, now, s => {
      if (s.hosts.some(h => h.host === host.host)) return s; // idempotent
      const rnd = prng(host.host.length * 31 + s.hosts.length);
      const h = demoHost(host.host, host.zone, s.upgrade?.to ?? s.release, rnd, host.aggregate ? [host.aggregate] : []);
      return { ...s, hosts: [...s.hosts, { ...h, vms: 0, vcpuUsed: 0, memoryMbUsed: 0, diskGbUsed: 0, enrolledAt: now.toISOString() }] };
    });
  }
}

/** The live rule for a demo hop: one valid hop (N → N+1, SLURP → next SLURP), never a downgrade or a skip. */
function assertOneHop(from: string, to: string) {
  if (isValidHop(from, to)) return;
  const next = validNextHops(from);
  throw new InputError(
    `body.to: ${from} → ${to} is not one upgrade hop (no downgrades, no skipped releases). ${
      next.length ? `From ${from} go to ${next.join(' or ')}` : `${from} is the newest release`
    }`,
  );
}
