// One path for openstack:cloud:create: the demo driver and the live driver run the same steps
// (claim → apply → wait, each with its checkpoint) under the same keys; only where the effects
// land differs (the demo store; the cluster).
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { chartRepository } from '../__testUtils__/actionRig';
import { FakeCluster } from '../__testUtils__/fakeCluster';
import { allowAll, capturingLogger, cloudStatus, noHolders, recoverableContext, scriptedApi, testDrivers, noApprovalsRequired } from '../__testUtils__/testing';
import { createCloudCreateAction } from './cloudCreate';
import yaml from 'yaml';
import { examples } from './cloudCreate.examples';

const chartRequests: string[] = [];
registerMswTestHooks(setupServer(chartRepository(chartRequests)));

const liveExample = examples.map(e => yaml.parse(e.example).steps[0].input).find(i => i.spec);

const demoInput = { name: 'edge-1', release: '2025.1', components: ['keystone', 'glance', 'placement', 'nova', 'neutron'], delivery: 'demo', timeoutMinutes: 1 };
const liveInput = () => ({
  spec: { ...liveExample.spec, name: 'edge-1', delivery: { mode: 'direct', cluster: 'fake', namespace: 'edge-1' } },
  timeoutMinutes: 1,
});

/** The create action over both drivers: the demo store (scripted) and one in-memory cluster. */
function setup() {
  const { api, calls } = scriptedApi({ status: () => cloudStatus('2025.1') });
  const cluster = new FakeCluster();
  const action = createCloudCreateAction({
    approvals: noApprovalsRequired,
    permissions: allowAll(),
    cloudKeyHolders: noHolders,
    api,
    drivers: testDrivers(api, { cluster: (): any => cluster }),
    pollMs: 1,
  });
  const run = async (input: Record<string, unknown>, store = new Map<string, unknown>(), extra: Record<string, unknown> = {}) => {
    const { logger, lines } = capturingLogger();
    const ctx = recoverableContext(input, store, { logger, ...extra });
    await action.handler(ctx as any);
    return { store, lines, ctx };
  };
  return { run, calls, cluster, api };
}

/** A checkpoint key's step: `create.<cloud key>.<step>[.<what>]`. */
const stepOf = (key: string) => key.split('.')[2];

describe('openstack:cloud:create: one path for both drivers', () => {
  it('runs the same steps under the same checkpoint keys; only the effects differ', async () => {
    const { run, calls, cluster, api } = setup();
    const demo = await run(demoInput);
    const live = await run(liveInput());
    const demoKeys = [...demo.store.keys()];
    const liveKeys = [...live.store.keys()];
    expect(demoKeys).toEqual(['create.edge-1.claim', 'create.edge-1.apply.DemoCloud.edge-1', 'create.edge-1.ready']);
    expect(liveKeys[0]).toBe('create.edge-1.claim');
    expect(liveKeys).toContain('create.edge-1.apply.Namespace.edge-1');
    expect(liveKeys).toContain('create.edge-1.apply.Secret.edge-1-keystone-admin');
    expect(liveKeys).toContain('create.edge-1.apply.HelmRelease.edge-1-keystone');
    expect(liveKeys[liveKeys.length - 1]).toBe('create.edge-1.ready');
    // the same steps in the same order
    const steps = (keys: string[]) => [...new Set(keys.map(stepOf))];
    expect(steps(demoKeys)).toEqual(['claim', 'apply', 'ready']);
    expect(steps(liveKeys)).toEqual(steps(demoKeys));
    // both hold the new cloud's lease while they change it, and release it
    expect(api.acquireLease.mock.calls.map(c => [c[1], c[2].kind])).toEqual([
      ['resource:default/edge-1', 'create'],
      ['resource:default/edge-1', 'create'],
    ]);
    expect(api.releaseLease).toHaveBeenCalledTimes(2);
    // the effects landed where each driver puts them
    expect(calls).toEqual(['create edge-1']);
    expect(cluster.writes[0]).toBe('namespace edge-1');
    // the same plan and register step: both log the plan and output an entity and the manifests
    for (const r of [demo, live]) {
      expect(r.lines.join('\n')).toMatch(/Plan for cloud edge-1 \(\d{4}\.\d, delivery (demo|direct), .*\):\n {2}1\. .*\n[\s\S]* wait up to 1 min until every service is ready/);
      expect(r.lines.join('\n')).toMatch(/Cloud edge-1 is ready/);
      expect(r.ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
      expect(r.ctx.output).toHaveBeenCalledWith('manifests', []);
    }
  });

  it('resumed with every checkpoint kept, neither driver repeats an effect or waits again', async () => {
    const { run, calls, cluster, api } = setup();
    const demo = await run(demoInput);
    const live = await run(liveInput());
    const writes = cluster.writes.length;
    const demoReads = api.demoStatus.mock.calls.length;
    await run(demoInput, demo.store);
    await run(liveInput(), live.store);
    expect(calls).toEqual(['create edge-1']);
    expect(api.demoStatus.mock.calls.length).toBe(demoReads); // neither claimed nor waited again
    expect(cluster.writes.slice(writes)).toEqual([]);
  });

  it('a dry run of either driver changes nothing, keeps no checkpoint and still shows the plan and the entity', async () => {
    const { run, calls, cluster, api } = setup();
    for (const input of [demoInput, liveInput()]) {
      const { store, lines, ctx } = await run(input, new Map(), { isDryRun: true });
      expect([...store.keys()]).toEqual([]);
      expect(lines.join('\n')).toMatch(/Plan for cloud edge-1[\s\S]*Dry run: nothing was changed/);
      expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
    }
    expect(calls).toEqual([]);
    expect(cluster.writes).toEqual([]);
    expect(api.acquireLease).not.toHaveBeenCalled();
  });
});
