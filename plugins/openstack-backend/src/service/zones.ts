import { CloudZones, ComputeHostStatus } from '@backstage-openstack/plugin-openstack-common';

/**
 * The zones and aggregates a demo cloud's hosts are in (the demo store keeps no Nova): each
 * aggregate in the zone of its hosts.
 */
export function zonesOfHosts(hosts: ComputeHostStatus[]): CloudZones {
  const zones = new Map<string, boolean>();
  const aggregates = new Map<string, { availabilityZone?: string; hosts: number }>();
  for (const h of hosts) {
    if (h.zone) zones.set(h.zone, (zones.get(h.zone) ?? false) || h.state === 'up');
    for (const a of h.aggregates) {
      const known = aggregates.get(a);
      aggregates.set(a, { availabilityZone: known?.availabilityZone ?? h.zone, hosts: (known?.hosts ?? 0) + 1 });
    }
  }
  return {
    availabilityZones: [...zones].map(([name, available]) => ({ name, available })).sort((a, b) => a.name.localeCompare(b.name)),
    aggregates: [...aggregates].map(([name, a]) => ({ name, ...a })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
