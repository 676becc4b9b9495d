import fc from 'fast-check';
import { cloudVerdict, serviceVerdict, worstVerdict } from './verdict';
import { Verdict, WorkloadStatus } from './types';

const deploy = (over: Partial<WorkloadStatus> = {}): WorkloadStatus => ({
  kind: 'Deployment',
  name: 'nova-api-osapi',
  component: 'os-api',
  ready: 2,
  desired: 2,
  restarts: 0,
  ...over,
});

describe('serviceVerdict', () => {
  it('is Healthy when every source is fine', () => {
    expect(
      serviceVerdict({
        name: 'nova',
        workloads: [deploy()],
        workloadsKnown: true,
        api: { serviceType: 'compute', ok: true, latencyMs: 12 },
        services: [
          { binary: 'nova-conductor', host: 'c1', status: 'enabled', state: 'up' },
          { binary: 'nova-compute', host: 'h1', status: 'enabled', state: 'down' },
        ],
      }),
    ).toEqual({ verdict: 'Healthy', reasons: [] });
  });

  it('never shows green pods over a broken API', () => {
    const r = serviceVerdict({
      name: 'nova',
      workloads: [deploy()],
      workloadsKnown: true,
      api: { serviceType: 'compute', ok: false, error: 'HTTP 503' },
    });
    expect(r.verdict).toBe('Degraded');
    expect(r.reasons).toEqual(['compute API does not answer: HTTP 503']);
  });

  it('is Degraded when some control services are down, Down when all are', () => {
    const svc = (host: string, state: 'up' | 'down') => ({
      binary: 'nova-scheduler',
      host,
      status: 'enabled' as const,
      state,
    });
    expect(
      serviceVerdict({ name: 'nova', workloads: [deploy()], workloadsKnown: true, services: [svc('a', 'up'), svc('b', 'down')] }),
    ).toEqual({ verdict: 'Degraded', reasons: ['nova-scheduler: 1/2 up (down: b)'] });
    expect(
      serviceVerdict({ name: 'nova', workloads: [deploy()], workloadsKnown: true, services: [svc('a', 'down')] }).verdict,
    ).toBe('Down');
  });

  it('reads workloads: none, none ready, some ready, restarting', () => {
    expect(serviceVerdict({ name: 'glance', workloads: [], workloadsKnown: true })).toEqual({
      verdict: 'Down',
      reasons: ['no workloads with label application=glance'],
    });
    expect(serviceVerdict({ name: 'glance', workloads: [deploy({ ready: 0 })], workloadsKnown: true }).verdict).toBe('Down');
    expect(serviceVerdict({ name: 'glance', workloads: [deploy({ ready: 1 })], workloadsKnown: true }).verdict).toBe('Degraded');
    expect(serviceVerdict({ name: 'glance', workloads: [deploy({ restarts: 7 })], workloadsKnown: true }).reasons).toEqual([
      'Deployment nova-api-osapi: 7 restarts',
    ]);
    expect(serviceVerdict({ name: 'glance', workloads: [], workloadsKnown: false }).verdict).toBe('Unknown');
  });

  it('ignores compute-host agents but not control-plane agents', () => {
    const agent = (agentType: string, alive: boolean) => ({ agentType, binary: 'x', host: 'h', alive, adminStateUp: true });
    expect(
      serviceVerdict({ name: 'neutron', workloads: [deploy()], workloadsKnown: true, agents: [agent('OVN Controller agent', false), agent('OVN Metadata agent', false)] }).verdict,
    ).toBe('Healthy');
    expect(
      serviceVerdict({ name: 'neutron', workloads: [deploy()], workloadsKnown: true, agents: [agent('DHCP agent', false), agent('L3 agent', true)] }),
    ).toEqual({ verdict: 'Degraded', reasons: ['agents dead: DHCP agent@h'] });
  });
});

describe('cloudVerdict', () => {
  it('is Down when a critical service is down, Degraded for others', () => {
    expect(cloudVerdict([{ name: 'keystone', verdict: 'Down' }], 0).verdict).toBe('Down');
    expect(cloudVerdict([{ name: 'horizon', verdict: 'Down' }], 0)).toEqual({ verdict: 'Degraded', reasons: ['horizon is Down'] });
    expect(cloudVerdict([{ name: 'nova', verdict: 'Healthy' }], 1).verdict).toBe('Unknown');
  });

  it('is never better than its worst non-critical service (property)', () => {
    const verdict = fc.constantFrom<Verdict>('Healthy', 'Degraded', 'Down', 'Unknown');
    fc.assert(
      fc.property(fc.array(verdict, { minLength: 1, maxLength: 8 }), vs => {
        const r = cloudVerdict(vs.map(v => ({ name: 'nova' as const, verdict: v })), 0);
        const worst = worstVerdict(vs);
        if (worst === 'Healthy') return r.verdict === 'Healthy';
        return r.verdict !== 'Healthy' && r.reasons.length === vs.filter(v => v !== 'Healthy').length;
      }),
    );
  });
});
