import { cloudStatus, recoverableContext, scriptedBackend } from '../__testUtils__/testing';
import { createCloudCreateAction } from './cloudCreate';

describe('openstack:cloud:create', () => {
  const input = {
    name: 'edge-1',
    release: '2026.1',
    components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
    region: 'EdgeOne',
    target: 'demo',
    cluster: 'demo-cluster',
    owner: 'group:default/platform-team',
    waitForReady: true,
    timeoutMinutes: 5,
  };

  function newCloud() {
    let reads = 0;
    return scriptedBackend({
      status: () => {
        reads++;
        return reads < 3 ? cloudStatus('2026.1', { verdict: 'Down', reasons: ['keystone is Down'] }) : cloudStatus('2026.1');
      },
    });
  }

  it('creates the cloud, waits until Healthy and outputs its entity', async () => {
    const { backend, calls } = newCloud();
    const action = createCloudCreateAction({ backend, pollMs: 1 });
    const ctx = recoverableContext(input, new Map());
    await action.handler(ctx as any);
    expect(calls).toEqual(['create edge-1']);
    expect(backend.status).toHaveBeenCalledTimes(3);
    expect(ctx.output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'edge-1', annotations: expect.objectContaining({ 'openstack.backstage.io/namespace': 'edge-1' }) }),
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
    const { backend, calls } = newCloud();
    const action = createCloudCreateAction({ backend, pollMs: 1 });
    const ctx = recoverableContext({ ...input, ...bad }, new Map());
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const { backend, calls } = newCloud();
    const action = createCloudCreateAction({ backend, pollMs: 1 });
    const ctx = recoverableContext(input, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(calls).toEqual([]);
    expect(backend.status).not.toHaveBeenCalled();
  });

  it('resumes after a crash without creating the cloud twice', async () => {
    const { backend, calls } = newCloud();
    const store = new Map<string, unknown>();
    const action = createCloudCreateAction({ backend, pollMs: 1 });
    backend.status.mockImplementationOnce(async () => {
      throw new Error('backend restarted');
    });
    await expect(action.handler(recoverableContext(input, store) as any)).rejects.toThrow('backend restarted');
    await action.handler(recoverableContext(input, store) as any);
    expect(calls).toEqual(['create edge-1']);
  });
});
