import { validNextHops } from '../releases/upgradePath';
import { fleetCloud } from './fleet';
import { CloudStatus, ComputeHostStatus } from './types';

function status(over: Partial<CloudStatus> = {}): CloudStatus {
  return {
    cloudKey: 'edge-1',
    demo: false,
    release: '2025.1',
    verdict: 'Healthy',
    reasons: [],
    services: [
      {
        name: 'nova',
        verdict: 'Healthy',
        reasons: [],
        workloads: [{ kind: 'Deployment', name: 'nova-api-osapi', component: 'os-api', ready: 2, desired: 2, restarts: 0 }],
      },
      {
        name: 'mariadb',
        verdict: 'Healthy',
        reasons: [],
        workloads: [{ kind: 'StatefulSet', name: 'mariadb-server', component: 'server', ready: 3, desired: 3, restarts: 0 }],
      },
      {
        name: 'rabbitmq',
        verdict: 'Healthy',
        reasons: [],
        workloads: [{ kind: 'StatefulSet', name: 'rabbitmq-rabbitmq', component: 'server', ready: 3, desired: 3, restarts: 0 }],
      },
    ],
    hostSummary: { total: 3, up: 2, down: 1, disabled: 0, lagging: 0 },
    capacityByZone: [
      { zone: 'az1', vcpuUsed: 10, vcpuCapacity: 64, memoryMbUsed: 2048, memoryMbCapacity: 8192 },
      { zone: 'az2', vcpuUsed: 6, vcpuCapacity: 32, memoryMbUsed: 1024, memoryMbCapacity: 4096 },
    ],
    errors: [],
    fetchedAt: '2026-12-02T09:00:00.000Z',
    ...over,
  };
}
const host = (name: string, release: string, over: Partial<ComputeHostStatus> = {}): ComputeHostStatus => ({
  host: name,
  aggregates: [],
  state: 'up',
  status: 'enabled',
  runningVms: 0,
  release,
  ...over,
});

describe('fleetCloud', () => {
  it('sums the zones, names the next hops and finds nothing blocking a healthy cloud', () => {
    const line = fleetCloud({ cloudRef: 'resource:default/edge-1', title: 'Edge 1', status: status(), hosts: [host('cmp-1', '2025.1'), host('cmp-2', '2025.1')], pendingApprovals: 2 });
    expect(line).toEqual({
      cloudRef: 'resource:default/edge-1',
      title: 'Edge 1',
      cloudKey: 'edge-1',
      demo: false,
      release: '2025.1',
      verdict: 'Healthy',
      hosts: { total: 3, up: 2, down: 1, disabled: 0, lagging: 0 },
      vcpu: { used: 16, capacity: 96 },
      memoryMb: { used: 3072, capacity: 12288 },
      nextHops: validNextHops('2025.1'),
      blockers: [],
      laggingHosts: [],
      pendingApprovals: 2,
      operation: undefined,
      partial: [],
      readAt: '2026-12-02T09:00:00.000Z',
    });
    expect(line.nextHops[0]).toBe('2025.2');
  });

  it("names the hosts too far behind and the planner's failed blocking checks", () => {
    const st = status({ hostSummary: { total: 2, up: 2, down: 0, disabled: 0, lagging: 1 } });
    st.services[0].workloads[0] = { ...st.services[0].workloads[0], ready: 1, restarts: 7 };
    const line = fleetCloud({
      cloudRef: 'resource:default/edge-1',
      status: st,
      hosts: [host('cmp-1', '2025.1'), host('cmp-old', '2024.1', { blocksUpgrade: true })],
    });
    expect(line.laggingHosts).toEqual(['cmp-old']);
    expect(line.blockers).toEqual([
      expect.stringMatching(/^workloads-ready: Deployment nova-api-osapi \(nova\): 1\/2 ready$/),
      expect.stringMatching(/^no-restart-loops: Deployment nova-api-osapi \(nova\): 7 restarts$/),
      expect.stringMatching(/^compute-lag: The hop 2025\.1 → 2025\.2 is blocked by .*cmp-old \(2024\.1\)/),
    ]);
  });

  it('has no next hop and no blocker on the newest release, and says what could not be read', () => {
    const newest = validNextHops('2025.1').slice(-1)[0];
    const line = fleetCloud({
      cloudRef: 'resource:default/edge-1',
      status: status({ release: newest, errors: [{ source: 'placement', message: 'GET /resource_providers timed out' }] }),
      hosts: [],
    });
    expect(validNextHops(newest)).toEqual(line.nextHops);
    expect(line.partial).toEqual(['placement: GET /resource_providers timed out']);
  });

  it('judges nothing when the release is unknown', () => {
    const line = fleetCloud({ cloudRef: 'resource:default/edge-1', status: status({ release: undefined }), hosts: [host('cmp-1', '2024.1', { blocksUpgrade: true })] });
    expect(line).toMatchObject({ nextHops: [], blockers: [], laggingHosts: [] });
  });
});
