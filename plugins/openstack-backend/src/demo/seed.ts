import { DemoCloudState, DemoHost } from './model';

/** A small deterministic PRNG (mulberry32), so the demo looks the same on every start. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A bare-metal host with realistic usage: 64 threads, 512 GiB, 1.9 TB local disk. */
export function demoHost(
  host: string,
  zone: string,
  release: string,
  rnd: () => number,
  aggregates: string[] = [],
): DemoHost {
  const vms = Math.floor(rnd() * 38) + 4;
  return {
    host,
    zone,
    aggregates,
    vcpus: 64,
    memoryMb: 524288,
    diskGb: 1900,
    vcpuUsed: Math.min(256, vms * 4 + Math.floor(rnd() * 8)),
    memoryMbUsed: Math.min(524288 - 8192, vms * 8192 + Math.floor(rnd() * 16) * 1024),
    diskGbUsed: Math.min(1900, vms * 40),
    vms,
    release,
  };
}

/**
 * The embedded demo cloud: three control-plane nodes, every service, 24 compute hosts in two
 * zones; one host down, one disabled for maintenance, two still on the previous release.
 */
export function seedDemoCloud(now: Date, hostCount = 24): DemoCloudState {
  const rnd = prng(20261125);
  const hosts: DemoHost[] = [];
  const perZone = Math.max(12, Math.ceil(hostCount / 2));
  const nameOf = (zone: string, i: number) => `cmp-${zone}-${String(i).padStart(perZone > 99 ? 4 : 2, '0')}`;
  for (const zone of ['az1', 'az2']) {
    for (let i = 1; i <= perZone; i++) {
      const name = nameOf(zone, i);
      const aggregates = i <= 4 ? [`${zone}-general`, 'gpu-a100'] : [`${zone}-general`];
      hosts.push(demoHost(name, zone, '2025.1', rnd, aggregates));
    }
  }
  const byName = (zone: string, i: number) => hosts.find(h => h.host === nameOf(zone, i))!;
  byName('az2', 7).down = true;
  byName('az1', 4).disabledReason = 'maintenance: DIMM replacement (OPS-4821)';
  byName('az1', 4).vms = 0;
  byName('az1', 4).vcpuUsed = 0;
  byName('az1', 4).memoryMbUsed = 0;
  byName('az1', 4).diskGbUsed = 0;
  byName('az2', 11).release = '2024.2';
  byName('az2', 12).release = '2024.2';
  return {
    name: 'demo',
    region: 'RegionOne',
    release: '2025.1',
    chartVersion: '2026.1.0',
    cluster: 'demo-cluster',
    namespace: 'openstack',
    components: ['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon'],
    createdAt: new Date(now.getTime() - 86400_000 * 200).toISOString(),
    rolloutSeconds: 0,
    controlPlaneNodes: ['ctl-0', 'ctl-1', 'ctl-2'],
    hosts,
  };
}
