import { NotFoundError } from '@backstage/errors';
import { cloudStatus, recoverableContext, scriptedApi, allowAll, noHolders, testDrivers , noApprovalsRequired } from '../__testUtils__/testing';
import { createCloudCreateAction } from './cloudCreate';

describe('openstack:cloud:create', () => {
  const input = {
    name: 'edge-1',
    release: '2026.1',
    components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
    region: 'EdgeOne',
    delivery: 'demo',
    cluster: 'demo-cluster',
    owner: 'group:default/platform-team',
    waitForReady: true,
    timeoutMinutes: 5,
  };

  function newCloud() {
    let reads = 0;
    return scriptedApi({
      status: () => {
        reads++;
        return reads < 3 ? cloudStatus('2026.1', { verdict: 'Down', reasons: ['keystone is Down'] }) : cloudStatus('2026.1');
      },
    });
  }

  it('creates the cloud, waits until Healthy and outputs its entity', async () => {
    const { api, calls } = newCloud();
    const action = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api), pollMs: 1 });
    const ctx = recoverableContext(input, new Map());
    await action.handler(ctx as any);
    expect(calls).toEqual(['create edge-1']);
    expect(api.demoStatus).toHaveBeenCalledTimes(4); // the name's claim (not found: free), then the wait
    expect(ctx.output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({
        metadata: expect.objectContaining({
          name: 'edge-1',
          // the one demo/live rule: a demo cloud carries delivery demo
          annotations: expect.objectContaining({ 'openstack.backstage.io/namespace': 'edge-1', 'openstack.backstage.io/delivery': 'demo' }),
        }),
        spec: expect.objectContaining({ type: 'openstack-cloud', release: '2026.1' }),
      }),
    );
  });

  it.each([
    [{ name: 'Edge_1' }, /input\.name "Edge_1"/],
    [{ name: 'x'.repeat(41) }, /input\.name/],
    [{ release: '2024.1' }, /input\.release "2024\.1": the pinned openstack-helm charts deploy 2025\.1, 2025\.2, 2026\.1/],
    [{ components: ['keystone', 'nova'] }, /input\.components: nova needs glance, placement, neutron/],
    [{ components: ['horizon'] }, /input\.components: horizon needs keystone/],
  ])('refuses %j before anything changes, naming the field', async (bad, message) => {
    const { api, calls } = newCloud();
    const action = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api), pollMs: 1 });
    const ctx = recoverableContext({ ...input, ...bad }, new Map());
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('is the demo without a delivery or a spec', async () => {
    const { api, calls } = newCloud();
    const { delivery: _, ...noDelivery } = input;
    await createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api), pollMs: 1 }).handler(recoverableContext(noDelivery, new Map()) as any);
    expect(calls).toEqual(['create edge-1']);
  });

  it('changes nothing in a dry run', async () => {
    const { api, calls } = newCloud();
    const action = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api), pollMs: 1 });
    const ctx = recoverableContext(input, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(calls).toEqual([]);
    expect(api.demoStatus).toHaveBeenCalledTimes(1); // the check that the name is free, nothing else
  });

  it('resumes after a crash without creating the cloud twice', async () => {
    const { api, calls } = newCloud();
    const store = new Map<string, unknown>();
    const action = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api), pollMs: 1 });
    api.demoStatus
      .mockImplementationOnce(async () => {
        throw new NotFoundError('no such demo cloud'); // the claim: the name is free
      })
      .mockImplementationOnce(async () => {
        throw new Error('backend restarted'); // while waiting
      });
    await expect(action.handler(recoverableContext(input, store) as any)).rejects.toThrow('backend restarted');
    await action.handler(recoverableContext(input, store) as any);
    expect(calls).toEqual(['create edge-1']);
  });
});
