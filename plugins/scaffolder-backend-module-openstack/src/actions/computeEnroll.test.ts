import { cloudStatus, catalog, computeHost, recoverableContext, scriptedApi, testDrivers, allowAll, noApprovalsRequired } from '../__testUtils__/testing';
import { SuiteApi } from '../drivers/suiteApi';
import { createComputeEnrollAction } from './computeEnroll';

/** A cloud where an enrolled host comes up, gets mapped, then its OVN agent, one read at a time. */
function enrollingCloud() {
  let enrolled: { aggregate?: string } | undefined;
  let reads = 0;
  const hosts = [computeHost('cmp-az1-01', '2025.1')];
  const s = scriptedApi({
    status: () => cloudStatus('2025.1'),
    hosts: () => {
      if (!enrolled) return hosts;
      reads++;
      const h = computeHost('cmp-az1-13', '2025.1', {
        state: reads >= 2 ? 'up' : 'down',
        vcpu: reads >= 3 ? { used: 0, total: 64, reserved: 0, allocationRatio: 4, capacity: 256 } : undefined,
        ovnAgentAlive: reads >= 4,
        aggregates: enrolled.aggregate ? [enrolled.aggregate] : [],
      });
      return [...hosts, h];
    },
  });
  s.api.enrollDemoHost.mockImplementation(async (c, b) => {
    enrolled = b;
    s.calls.push(`enroll ${c.cloudKey} ${b.host}`);
    return { host: b.host };
  });
  return s;
}

const enrollAction = (api: SuiteApi) => createComputeEnrollAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers: testDrivers(api), pollMs: 1 });

describe('openstack:compute:enroll', () => {
  const input = {
    cloud: 'resource:default/demo-cloud',
    host: 'cmp-az1-13',
    managementIp: '10.0.12.113',
    overlayIp: '10.1.12.113',
    availabilityZone: 'az1',
    aggregate: 'az1-general',
    timeoutMinutes: 5,
  };

  it('enrolls through the same steps as a live cloud: bundle, up, mapped, enabled, in its aggregate, OVN agent; outputs the host entity', async () => {
    const { api, calls } = enrollingCloud();
    const action = enrollAction(api);
    const store = new Map<string, unknown>();
    const ctx = recoverableContext(input, store);
    await action.handler(ctx as any);
    expect(calls).toEqual(['enroll demo cmp-az1-13']);
    // the live enrollment's checkpoints (the demo store mapped the host before any discovery)
    expect([...store.keys()]).toEqual(['checked', 'bundle', 'enable', 'aggregate', 'aggregate.host'].map(k => `enroll.demo.cmp-az1-13.${k}`));
    expect(ctx.output).toHaveBeenCalledWith('entity', {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'demo.cmp-az1-13',
        namespace: 'default',
        title: 'cmp-az1-13',
        description: 'Compute host cmp-az1-13 of resource:default/demo-cloud in zone az1',
        annotations: { 'openstack.backstage.io/cloud': 'demo', 'openstack.backstage.io/host': 'cmp-az1-13', 'openstack.backstage.io/release': '2025.1' },
        tags: ['openstack', 'compute', 'az1'],
      },
      spec: { type: 'openstack-compute-host', owner: 'group:default/platform-team', system: 'openstack', dependsOn: ['resource:default/demo-cloud'] },
    });
  });

  it.each([
    [{ host: 'CMP_1' }, /input\.host "CMP_1" is not a host name/],
    [{ managementIp: '10.0.12' }, /input\.managementIp "10\.0\.12" is not an IP address/],
    [{ overlayIp: '300.1.1.1' }, /input\.overlayIp/],
    [{ bmcAddress: 'not a host!' }, /input\.bmcAddress/],
    [{ host: 'cmp-az1-01' }, /input\.host: cmp-az1-01 is already a compute host of resource:default\/demo-cloud/],
    [{ cloud: 'resource:default/db' }, /input\.cloud/],
  ])('refuses %j before anything changes', async (bad, message) => {
    const { api, calls } = enrollingCloud();
    const action = enrollAction(api);
    const ctx = recoverableContext({ ...input, ...bad }, new Map());
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('refuses an unhealthy cloud', async () => {
    const { api, calls } = scriptedApi({ status: () => cloudStatus('2025.1', { verdict: 'Degraded', reasons: ['rabbitmq is Degraded'] }) });
    const action = enrollAction(api);
    await expect(action.handler(recoverableContext(input, new Map()) as any)).rejects.toThrow(/is Degraded \(rabbitmq is Degraded\)/);
    expect(calls).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const { api, calls } = enrollingCloud();
    const action = enrollAction(api);
    const ctx = recoverableContext(input, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(calls).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
  });

  it('resumes after a crash: the host it enrolled is not "already a compute host", nor enrolled twice', async () => {
    const { api, calls } = enrollingCloud();
    const store = new Map<string, unknown>();
    const action = enrollAction(api);
    api.host.mockImplementationOnce(async () => undefined); // the pre-check
    api.host.mockImplementationOnce(async () => {
      throw new Error('backend restarted');
    });
    await expect(action.handler(recoverableContext(input, store) as any)).rejects.toThrow('backend restarted');
    const second = recoverableContext(input, store);
    await action.handler(second as any);
    expect(calls).toEqual(['enroll demo cmp-az1-13']);
    expect(second.output).toHaveBeenCalledWith('entity', expect.anything());
  });

  it('never logs the host configuration bundle', async () => {
    const { api } = enrollingCloud();
    const action = enrollAction(api);
    const ctx = recoverableContext(input, new Map());
    const lines: string[] = [];
    ctx.logger.info = ((m: string) => {
      lines.push(m);
      return ctx.logger;
    }) as any;
    await action.handler(ctx as any);
    expect(lines.join('\n')).not.toMatch(/transport_url|password|rabbit:\/\//);
    expect(lines).toContain('The ovn-controller agent of cmp-az1-13 is alive');
  });
});
