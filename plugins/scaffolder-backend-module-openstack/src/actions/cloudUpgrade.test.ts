import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { cloudStatus, catalog, computeHost, recoverableContext, scriptedApi, testDrivers, allowAll, noApprovalsRequired } from '../__testUtils__/testing';
import { createCloudUpgradeAction } from './cloudUpgrade';

// the upgrade planner's steps for 2025.1 → 2025.2 of the demo cloud (ovn and memcached pin no
// release images, so the hop leaves them alone)
const STEPS = ['mariadb', 'rabbitmq', 'keystone', 'glance', 'placement', 'nova:conductor', 'nova:api', 'neutron', 'cinder', 'horizon'];
const CHARTS = [...new Set(STEPS.map(s => s.split(':')[0]))];

/** The demo store: once asked to roll, one more chart of the order it was given reaches `to` at each status read. */
function rollingCloud(from: string, to: string, hosts = [computeHost('cmp-1', from)]) {
  let order: string[] | undefined;
  let reads = 0;
  const s = scriptedApi({
    status: () => {
      if (!order) return cloudStatus(from);
      reads++;
      const done = order.slice(0, reads);
      return cloudStatus(reads >= order.length ? to : from, {}, n => (done.includes(n) ? to : from));
    },
    hosts: () => hosts,
  });
  s.api.upgradeDemoCloud.mockImplementation(async (c, b) => {
    order ??= b.order;
    s.calls.push(`upgrade ${c.cloudKey} ${b.to}`);
    return { name: c.cloudKey, release: b.to, upgrade: {} };
  });
  const action = (pollMs = 1) => createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api: s.api, drivers: testDrivers(s.api), pollMs });
  return { ...s, action };
}

const report = (ctx: { output: unknown }) => (ctx.output as jest.Mock).mock.calls.filter(c => c[0] === 'report').pop()?.[1];

describe('openstack:cloud:upgrade on the demo cloud', () => {
  const input = { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 5 };

  it("rolls the planner's steps in its order, each followed until its checks pass, and reports the compute follow-up", async () => {
    const { api, calls, action } = rollingCloud('2025.1', '2025.2');
    const ctx = recoverableContext(input, new Map());
    await action().handler(ctx as any);
    // each step's effect lands in the demo store: the hop, in the planner's chart order
    expect(calls).toEqual(STEPS.map(() => 'upgrade demo 2025.2'));
    expect(api.upgradeDemoCloud.mock.calls.every(([, b]) => JSON.stringify(b.order) === JSON.stringify(CHARTS))).toBe(true);
    expect(ctx.output).toHaveBeenCalledWith('from', '2025.1');
    expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
    expect(ctx.output).toHaveBeenCalledWith('remainingHops', []);
    const r = report(ctx);
    expect(r).toEqual(expect.objectContaining({ delivery: 'demo', status: 'done', computeFollowUp: [expect.objectContaining({ host: 'cmp-1', to: '2025.2' })] }));
    expect(r.steps.map((s: any) => [s.step, s.done])).toEqual(STEPS.map(s => [s, true]));
    expect(r.manualChecks).toEqual(expect.arrayContaining([expect.stringMatching(/^keystone after: not verified by the suite/)]));
  });

  it('does one hop of a longer path and names the hops left', async () => {
    const { action } = rollingCloud('2024.2', '2025.1');
    const ctx = recoverableContext({ ...input, targetRelease: '2025.2' }, new Map());
    await action().handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('to', '2025.1');
    expect(ctx.output).toHaveBeenCalledWith('remainingHops', ['2025.2']);
  });

  it("changes nothing in a dry run and outputs the planner's plan with its preflight checks", async () => {
    const { calls, action } = rollingCloud('2025.1', '2025.2');
    const ctx = recoverableContext(input, new Map(), { isDryRun: true });
    await action().handler(ctx as any);
    expect(calls).toEqual([]);
    expect(report(ctx)).toEqual(
      expect.objectContaining({ dryRun: true, plan: STEPS, preflight: expect.arrayContaining([expect.objectContaining({ id: 'compute-lag', ok: true })]) }),
    );
  });

  it('plans without changing anything when planOnly is set (the approval step shows this plan)', async () => {
    const { calls, action } = rollingCloud('2025.1', '2025.2');
    const ctx = recoverableContext({ ...input, planOnly: true }, new Map());
    await action().handler(ctx as any);
    expect(calls).toEqual([]);
    expect(report(ctx)).toEqual(expect.objectContaining({ hop: '2025.1 → 2025.2', plan: STEPS }));
  });

  it.each([
    [{ targetRelease: '2025.1' }, /already on 2025\.1/],
    [{ targetRelease: '2024.2' }, /does not support downgrades/],
    [{ targetRelease: '2031.1' }, /is not an OpenStack release/],
    [{ cloud: 'resource:default/db' }, /input\.cloud: resource:default\/db is not an OpenStack cloud/],
    [{ cloud: 'resource:default/nope' }, /input\.cloud: no catalog entity/],
    [{ cloud: 'group:default/platform-team' }, /input\.cloud: .* is a group, not a cloud/],
  ])('refuses bad input %j before anything changes', async (bad, message) => {
    const { calls, action } = rollingCloud('2025.1', '2025.2');
    const ctx = recoverableContext({ ...input, ...bad }, new Map());
    await expect(action().handler(ctx as any)).rejects.toThrow(message);
    expect(calls).toEqual([]);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('stops on a blocking preflight check: hosts further behind than Nova supports', async () => {
    const { calls, action } = rollingCloud('2025.1', '2025.2', [computeHost('cmp-1', '2025.1'), computeHost('cmp-9', '2024.2')]);
    const ctx = recoverableContext(input, new Map());
    await expect(action().handler(ctx as any)).rejects.toThrow(/Preflight failed, nothing was changed: compute-lag: .*cmp-9 \(2024\.2\)\. Upgrade them to 2025\.1 first/);
    expect(calls).toEqual([]);
  });

  it('refuses a live cloud without the delivery annotation: the suite only reads it', async () => {
    const { api, calls } = scriptedApi({ status: () => cloudStatus('2025.1') });
    const readOnly = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'prod', namespace: 'ops', annotations: { 'openstack.backstage.io/cloud': 'prod' } },
      spec: { type: 'openstack-cloud', owner: 'platform-team' },
    };
    const clusters: string[] = [];
    const drivers = testDrivers(api, {
      cluster: (n: string) => {
        clusters.push(n);
        throw new Error('not reached');
      },
    });
    const action = createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalogServiceMock({ entities: [readOnly] }), api, drivers, pollMs: 1 });
    const ctx = recoverableContext({ ...input, cloud: 'resource:ops/prod' }, new Map());
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /input\.cloud: resource:ops\/prod is a live cloud without the openstack\.backstage\.io\/delivery annotation, so the suite only reads it/,
    );
    expect(calls).toEqual([]);
    expect(clusters).toEqual([]);
    expect(api.status).not.toHaveBeenCalled();
  });

  it('stops on a workload that is not ready, naming it', async () => {
    const { api, calls } = scriptedApi({
      status: () => {
        const s = cloudStatus('2025.1');
        s.services[3].workloads[0] = { ...s.services[3].workloads[0], ready: 1 };
        return s;
      },
    });
    const action = createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers: testDrivers(api), pollMs: 1 });
    await expect(action.handler(recoverableContext(input, new Map()) as any)).rejects.toThrow(/workloads-ready: Deployment nova-api \(nova\): 1\/3 ready/);
    expect(calls).toEqual([]);
  });

  it('resumes after a crash: the first plan is kept and finished steps are not repeated', async () => {
    const { api, calls, action } = rollingCloud('2025.1', '2025.2');
    const store = new Map<string, unknown>();
    // the first run dies while following a step (e.g. the backend restarts)
    let n = 0;
    const realStatus = api.status.getMockImplementation()!;
    api.status.mockImplementation(async c => {
      n++;
      if (n === 12) throw new Error('backend restarted');
      return realStatus(c);
    });
    await expect(action().handler(recoverableContext(input, store) as any)).rejects.toThrow(/Step [2-9]\/10 \S+ of the hop 2025\.1 → 2025\.2 failed: backend restarted/);
    expect([...store.keys()]).toContain('upgrade.demo.plan.2025.2');
    const second = recoverableContext(input, store);
    await action().handler(second as any);
    // the step that was cut short runs again; the finished ones do not
    expect(calls).toHaveLength(STEPS.length + 1);
    expect(second.output).toHaveBeenCalledWith('to', '2025.2');
  });

  it('times out with what it was waiting for', async () => {
    const { api } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [] });
    const action = createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers: testDrivers(api), pollMs: 5 });
    const ctx = recoverableContext({ ...input, timeoutMinutes: 1 }, new Map());
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const failure = action.handler(ctx as any).then(
      () => undefined,
      (e: Error) => e,
    );
    await jest.advanceTimersByTimeAsync(61_000);
    jest.useRealTimers();
    expect((await failure)?.message).toMatch(/Step 1\/10 mariadb .* failed: Timed out after 60 s waiting for step mariadb to roll out and pass rollout-complete/);
  });
});
