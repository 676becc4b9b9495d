import fc from 'fast-check';
import { markLaggingHosts, mergeComputeHosts, queryHosts } from './hosts';
import { ComputeHostStatus } from './types';

describe('mergeComputeHosts', () => {
  it('merges hypervisors, services, Placement and agents by host name', () => {
    const [h] = mergeComputeHosts({
      hypervisors: [{ hypervisorHostname: 'compute1.example', serviceHost: 'compute1' }],
      computeServices: [
        { binary: 'nova-compute', host: 'compute1', zone: 'az1', status: 'disabled', state: 'up', disabledReason: 'maintenance', updatedAt: '2026-11-25T01:00:00Z' },
        { binary: 'nova-conductor', host: 'ctl', status: 'enabled', state: 'up' },
      ],
      providers: [
        {
          name: 'compute1.example',
          inventories: { VCPU: { total: 64, reserved: 0, allocation_ratio: 4 }, MEMORY_MB: { total: 262144, reserved: 512, allocation_ratio: 1 } },
          usages: { VCPU: 40, MEMORY_MB: 131072 },
        },
      ],
      agents: [{ agentType: 'OVN Controller agent', binary: 'ovn-controller', host: 'compute1', alive: true, adminStateUp: true }],
      aggregates: { compute1: ['gpu'] },
      serversByHost: { compute1: 9 },
      releases: { compute1: '2025.1' },
    });
    expect(h).toEqual({
      host: 'compute1',
      zone: 'az1',
      aggregates: ['gpu'],
      state: 'up',
      status: 'disabled',
      disabledReason: 'maintenance',
      vcpu: { used: 40, total: 64, reserved: 0, allocationRatio: 4, capacity: 256 },
      memoryMb: { used: 131072, total: 262144, reserved: 512, allocationRatio: 1, capacity: 261632 },
      diskGb: undefined,
      runningVms: 9,
      ovnAgentAlive: true,
      release: '2025.1',
      lastHeartbeat: '2026-11-25T01:00:00Z',
    });
  });

  it('keeps a host that only os-services knows (not yet a hypervisor)', () => {
    const hosts = mergeComputeHosts({
      hypervisors: [],
      computeServices: [{ binary: 'nova-compute', host: 'new1', status: 'enabled', state: 'up' }],
      providers: [],
      agents: [],
      aggregates: {},
    });
    expect(hosts.map(h => [h.host, h.runningVms, h.ovnAgentAlive])).toEqual([['new1', 0, undefined]]);
  });
});

const host = (i: number, over: Partial<ComputeHostStatus> = {}): ComputeHostStatus => ({
  host: `cmp-${String(i).padStart(4, '0')}`,
  zone: i % 2 ? 'az1' : 'az2',
  aggregates: [],
  state: 'up',
  status: 'enabled',
  runningVms: i % 7,
  ...over,
});

describe('queryHosts', () => {
  const hosts = Array.from({ length: 120 }, (_, i) =>
    host(i, { state: i % 10 === 0 ? 'down' : 'up', status: i % 15 === 0 ? 'disabled' : 'enabled', blocksUpgrade: i === 3 }),
  );

  it('filters down, disabled and lagging hosts', () => {
    expect(queryHosts(hosts, { filter: 'down' }).total).toBe(12);
    expect(queryHosts(hosts, { filter: 'disabled' }).total).toBe(8);
    expect(queryHosts(hosts, { filter: 'lagging' }).items.map(h => h.host)).toEqual(['cmp-0003']);
  });

  it('pages and searches', () => {
    const p = queryHosts(hosts, { offset: 100, limit: 50 });
    expect(p).toMatchObject({ total: 120, offset: 100, limit: 50 });
    expect(p.items).toHaveLength(20);
    expect(queryHosts(hosts, { search: 'cmp-011' }).total).toBe(10);
  });

  it('sorts stably in both directions (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('host', 'zone', 'vms', 'state') as fc.Arbitrary<'host' | 'zone' | 'vms' | 'state'>, fc.boolean(), (sort, desc) => {
        const { items } = queryHosts(hosts, { sort, order: desc ? 'desc' : 'asc', limit: 500 });
        expect(items).toHaveLength(120);
        for (let i = 1; i < items.length; i++) {
          const a = sort === 'vms' ? items[i - 1].runningVms : (items[i - 1] as any)[sort];
          const b = sort === 'vms' ? items[i].runningVms : (items[i] as any)[sort];
          if (desc ? a < b : a > b) return false;
          if (a === b && items[i - 1].host > items[i].host) return false;
        }
        return true;
      }),
    );
  });
});

describe('markLaggingHosts', () => {
  it('flags hosts that block the next hop', () => {
    const hosts = [host(1, { release: '2025.1' }), host(2, { release: '2024.2' }), host(3, { release: '2024.1' })];
    // 2025.1 → 2025.2 next: computes must be on 2025.2 or 2025.1 afterwards
    expect(markLaggingHosts('2025.1', hosts).map(h => h.blocksUpgrade)).toEqual([false, true, true]);
    // 2024.2 → 2025.1 next: 2025.1, 2024.2 allowed
    expect(markLaggingHosts('2024.2', hosts).map(h => h.blocksUpgrade)).toEqual([false, false, true]);
    expect(markLaggingHosts('2026.2', hosts).every(h => h.blocksUpgrade === false)).toBe(true);
  });
});
