import { cloudStatus, catalog, computeHost, recoverableContext, scriptedBackend } from '../__testUtils__/testing';
import { createCloudUpgradeAction } from './cloudUpgrade';

// the upgrade planner's chart order (CHART_ORDER): OVN central before neutron
const ORDER = ['keystone', 'glance', 'placement', 'nova', 'ovn', 'neutron', 'cinder', 'horizon'];

/** A cloud that rolls one more service to `to` each time its status is read, once started. */
function rollingCloud(from: string, to: string, hosts = [computeHost('cmp-1', from)]) {
  let started = false;
  let reads = 0;
  const s = scriptedBackend({
    status: () => {
      if (!started) return cloudStatus(from);
      reads++;
      const done = ORDER.slice(0, reads);
      return cloudStatus(reads >= ORDER.length ? to : from, {}, n => (done.includes(n) ? to : from));
    },
    hosts: () => hosts,
  });
  s.backend.startDemoUpgrade.mockImplementation(async (c: string, t: string) => {
    started = true;
    s.calls.push(`upgrade ${c} ${t}`);
    return { name: c, release: t, upgrade: {} };
  });
  return s;
}

describe('openstack:cloud:upgrade', () => {
  const input = { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 5 };

  it('upgrades one hop, following each service, and reports the compute follow-up', async () => {
    const { backend, calls } = rollingCloud('2025.1', '2025.2');
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    const ctx = recoverableContext(input, new Map());
    await action.handler(ctx as any);
    expect(calls).toEqual(['upgrade demo 2025.2']);
    expect(ctx.output).toHaveBeenCalledWith('from', '2025.1');
    expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
    expect(ctx.output).toHaveBeenCalledWith('remainingHops', []);
    expect(ctx.output).toHaveBeenCalledWith('report', expect.objectContaining({ computeFollowUp: ['cmp-1'] }));
  });

  it('does one hop of a longer path and names the hops left', async () => {
    const { backend } = rollingCloud('2024.2', '2025.1');
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    const ctx = recoverableContext({ ...input, targetRelease: '2025.2' }, new Map());
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('to', '2025.1');
    expect(ctx.output).toHaveBeenCalledWith('remainingHops', ['2025.2']);
  });

  it('changes nothing in a dry run and outputs the plan with the preflight checks', async () => {
    const { backend, calls } = rollingCloud('2025.1', '2025.2');
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    const ctx = recoverableContext(input, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(calls).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'report',
      expect.objectContaining({ dryRun: true, plan: ORDER, preflight: expect.arrayContaining([expect.objectContaining({ id: 'compute-lag', ok: true })]) }),
    );
  });

  it('plans without changing anything when planOnly is set (the approval step shows this plan)', async () => {
    const { backend, calls } = rollingCloud('2025.1', '2025.2');
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    const ctx = recoverableContext({ ...input, planOnly: true }, new Map());
    await action.handler(ctx as any);
    expect(calls).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('report', expect.objectContaining({ hop: '2025.1 → 2025.2', plan: ORDER }));
  });

  it.each([
    [{ targetRelease: '2025.1' }, /already on 2025\.1/],
    [{ targetRelease: '2024.2' }, /does not support downgrades/],
    [{ targetRelease: '2031.1' }, /is not an OpenStack release/],
    [{ cloud: 'resource:default/db' }, /input\.cloud: resource:default\/db is not an OpenStack cloud/],
    [{ cloud: 'resource:default/nope' }, /input\.cloud: no catalog entity/],
  ])('refuses bad input %j before anything changes', async (bad, message) => {
    const { backend, calls } = rollingCloud('2025.1', '2025.2');
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    const ctx = recoverableContext({ ...input, ...bad }, new Map());
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(calls).toEqual([]);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('stops on a blocking preflight check: hosts further behind than Nova supports', async () => {
    const { backend, calls } = rollingCloud('2025.1', '2025.2', [computeHost('cmp-1', '2025.1'), computeHost('cmp-9', '2024.2')]);
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    const ctx = recoverableContext(input, new Map());
    await expect(action.handler(ctx as any)).rejects.toThrow(/compute-lag: .*cmp-9 \(2024\.2\)\. Upgrade them to 2025\.1 first/);
    expect(calls).toEqual([]);
  });

  it('stops on an unhealthy control plane, naming the service', async () => {
    const { backend, calls } = scriptedBackend({
      status: () => {
        const s = cloudStatus('2025.1');
        s.services[3] = { ...s.services[3], verdict: 'Degraded', reasons: ['nova-scheduler: 1/3 up'] };
        return s;
      },
    });
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    await expect(action.handler(recoverableContext(input, new Map()) as any)).rejects.toThrow(/nova is Degraded: nova-scheduler: 1\/3 up/);
    expect(calls).toEqual([]);
  });

  it('resumes after a crash without starting the hop twice', async () => {
    const { backend, calls } = rollingCloud('2025.1', '2025.2');
    const store = new Map<string, unknown>();
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 1 });
    // the first run dies while following the rollout (e.g. the backend restarts)
    backend.status.mockImplementationOnce(async () => cloudStatus('2025.1'));
    const first = recoverableContext(input, store);
    let n = 0;
    const realStatus = backend.status.getMockImplementation()!;
    backend.status.mockImplementation(async (c: string) => {
      n++;
      if (n === 3) throw new Error('backend restarted');
      return realStatus(c);
    });
    await expect(action.handler(first as any)).rejects.toThrow('backend restarted');
    expect(calls).toEqual(['upgrade demo 2025.2']);
    const second = recoverableContext(input, store);
    await action.handler(second as any);
    expect(calls).toEqual(['upgrade demo 2025.2']);
    expect(second.output).toHaveBeenCalledWith('to', '2025.2');
  });

  it('times out with what it was waiting for', async () => {
    const { backend } = scriptedBackend({ status: () => cloudStatus('2025.1'), hosts: () => [] });
    const action = createCloudUpgradeAction({ catalog: catalog(), backend, pollMs: 5 });
    const ctx = recoverableContext({ ...input, timeoutMinutes: 1 }, new Map());
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const failure = action.handler(ctx as any).then(() => undefined, (e: Error) => e);
    await jest.advanceTimersByTimeAsync(61_000);
    jest.useRealTimers();
    expect((await failure)?.message).toMatch(/Timed out after 60 s waiting for every service of demo on 2025\.2/);
  });
});
