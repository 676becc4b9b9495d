import { seedDemoCloud } from './seed';
import { simulate } from './simulate';
import { DemoCloudState } from './model';

const T0 = new Date('2026-11-25T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('the demo cloud simulation', () => {
  it('is the seeded cloud: 3 control-plane nodes, 24 hosts in two zones, one down, one disabled', () => {
    const { status, hosts } = simulate(seedDemoCloud(T0), T0);
    expect(status.demo).toBe(true);
    expect(status.release).toBe('2025.1');
    expect(status.services.map(s => s.name)).toEqual([
      'keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon', 'mariadb', 'rabbitmq', 'memcached', 'ovn',
    ]);
    expect(status.services.every(s => s.verdict === 'Healthy')).toBe(true);
    expect(status.verdict).toBe('Healthy');
    expect(hosts).toHaveLength(24);
    expect(status.hostSummary).toEqual({ total: 24, up: 23, down: 1, disabled: 1, lagging: 2 });
    expect(hosts.find(h => h.host === 'cmp-az1-04')?.disabledReason).toMatch(/maintenance/);
    expect(hosts.find(h => h.host === 'cmp-az2-07')).toMatchObject({ state: 'down', ovnAgentAlive: false });
    expect(status.capacityByZone.map(z => z.zone)).toEqual(['az1', 'az2']);
    for (const h of hosts) {
      expect(h.vcpu!.used).toBeLessThanOrEqual(h.vcpu!.capacity);
      expect(h.memoryMb!.used).toBeLessThanOrEqual(h.memoryMb!.capacity);
    }
  });

  it('scales to a large seeded cloud, with the same faults', () => {
    const { status, hosts } = simulate(seedDemoCloud(T0, 2000), T0);
    expect(hosts).toHaveLength(2000);
    expect(status.hostSummary).toMatchObject({ total: 2000, down: 1, disabled: 1, lagging: 2 });
    expect(hosts.find(h => h.state === 'down')?.host).toBe('cmp-az2-0007');
  });

  it('is deterministic for one instant', () => {
    const s = seedDemoCloud(T0);
    expect(simulate(s, T0)).toEqual(simulate(s, T0));
  });

  it('brings a new cloud up over its rollout time, infrastructure first', () => {
    const s: DemoCloudState = { ...seedDemoCloud(T0), name: 'edge', createdAt: T0.toISOString(), rolloutSeconds: 60, hosts: [] };
    const early = simulate(s, at(5)).status;
    expect(early.verdict).not.toBe('Healthy');
    expect(early.services.find(x => x.name === 'mariadb')!.workloads[0].ready).toBeGreaterThanOrEqual(0);
    expect(early.services.find(x => x.name === 'horizon')!.verdict).toBe('Down');
    const mid = simulate(s, at(30)).status;
    expect(mid.services.find(x => x.name === 'mariadb')!.verdict).toBe('Healthy');
    expect(mid.services.find(x => x.name === 'horizon')!.verdict).not.toBe('Healthy');
    expect(simulate(s, at(61)).status.verdict).toBe('Healthy');
  });

  it("rolls an upgrade chart by chart in the order it is given (the planner's)", () => {
    const s: DemoCloudState = {
      ...seedDemoCloud(T0),
      upgrade: {
        from: '2025.1',
        to: '2025.2',
        startedAt: T0.toISOString(),
        stepSeconds: 10,
        order: ['mariadb', 'rabbitmq', 'keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon'],
      },
    };
    const r = simulate(s, at(35)).status;
    const rel = (n: string) => r.services.find(x => x.name === n)!.release;
    expect(rel('mariadb')).toBe('2025.2');
    expect(rel('keystone')).toBe('2025.2');
    expect(rel('glance')).toBe('2025.2');
    expect(rel('nova')).toBe('2025.1');
    expect(rel('ovn')).toBe('2025.1'); // not in the order: moves when the hop is done
    expect(r.services.find(x => x.name === 'glance')!.verdict).toBe('Degraded'); // rolling: one pod short
    expect(r.reasons[0]).toBe('upgrade 2025.1 → 2025.2 in progress');
    const done = simulate(s, at(91)).status;
    expect(done.release).toBe('2025.2');
    expect(done.services.every(x => x.release === '2025.2')).toBe(true);
  });

  it('brings an enrolled host up, then maps it, then its OVN agent', () => {
    const s = seedDemoCloud(T0);
    s.hosts.push({ ...s.hosts[0], host: 'cmp-az1-99', enrolledAt: T0.toISOString() });
    const find = (t: number) => simulate(s, at(t)).hosts.find(h => h.host === 'cmp-az1-99')!;
    expect(find(1)).toMatchObject({ state: 'down', vcpu: undefined });
    expect(find(6).state).toBe('up');
    expect(find(9).vcpu).toBeDefined();
    expect(find(11).ovnAgentAlive).toBe(true);
  });
});
