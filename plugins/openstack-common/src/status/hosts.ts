import { checkComputeLag, validNextHops } from '../releases/upgradePath';
import {
  AgentRecord,
  ComputeHostPage,
  ComputeHostStatus,
  HostFilter,
  HostSortField,
  ResourceUsage,
  ServiceRecord,
} from './types';

/** A hypervisor as `os-hypervisors/detail` gives it (any microversion). @public */
export interface HypervisorRecord {
  hypervisorHostname: string;
  /** The nova-compute service host; what os-services and Neutron agents call the host. */
  serviceHost: string;
  state?: 'up' | 'down';
  status?: 'enabled' | 'disabled';
  runningVms?: number;
}

/** What Placement says of one resource provider (a compute node). @public */
export interface ProviderUsage {
  name: string;
  inventories: Record<string, { total: number; reserved: number; allocation_ratio: number }>;
  usages: Record<string, number>;
}

/** Everything known about compute hosts, per source. @public */
export interface ComputeHostSources {
  hypervisors: HypervisorRecord[];
  computeServices: ServiceRecord[];
  providers: ProviderUsage[];
  agents: AgentRecord[];
  /** Aggregate names per host. */
  aggregates: Record<string, string[]>;
  /** Running servers per host, where the hypervisor record does not carry it (≥ 2.88). */
  serversByHost?: Record<string, number>;
  /** nova-compute release per host, where known. */
  releases?: Record<string, string>;
}

function usage(p: ProviderUsage | undefined, rc: string): ResourceUsage | undefined {
  const inv = p?.inventories[rc];
  if (!inv) return undefined;
  return {
    used: p!.usages[rc] ?? 0,
    total: inv.total,
    reserved: inv.reserved,
    allocationRatio: inv.allocation_ratio,
    capacity: Math.floor((inv.total - inv.reserved) * inv.allocation_ratio),
  };
}

const OVN_AGENT_TYPES = ['OVN Controller agent', 'OVN Controller Gateway agent', 'Open vSwitch agent'];

/**
 * Merges the sources by host name into one row per compute host, the way an operator reads
 * `openstack compute service list --service nova-compute`, `hypervisor list --long`,
 * `resource provider usage show` and `network agent list --host` side by side.
 *
 * @public
 */
export function mergeComputeHosts(src: ComputeHostSources): ComputeHostStatus[] {
  // Index every source by host once: a cloud has thousands of hosts.
  const serviceByHost = new Map<string, ServiceRecord>();
  for (const s of src.computeServices) if (s.binary === 'nova-compute') serviceByHost.set(s.host, s);
  const hypervisorByHost = new Map(src.hypervisors.map(h => [h.serviceHost, h]));
  const providerByName = new Map(src.providers.map(p => [p.name, p]));
  const ovnByHost = new Map<string, AgentRecord>();
  for (const a of src.agents) {
    if (OVN_AGENT_TYPES.includes(a.agentType) && !ovnByHost.has(a.host)) ovnByHost.set(a.host, a);
  }
  const hostNames = new Set<string>([...serviceByHost.keys(), ...hypervisorByHost.keys()]);
  return [...hostNames].sort().map(host => {
    const svc = serviceByHost.get(host);
    const hyp = hypervisorByHost.get(host);
    const provider = providerByName.get(hyp?.hypervisorHostname ?? host) ?? providerByName.get(host);
    const ovn = ovnByHost.get(host);
    return {
      host,
      zone: svc?.zone,
      aggregates: src.aggregates[host] ?? [],
      state: svc?.state ?? hyp?.state ?? 'down',
      status: svc?.status ?? hyp?.status ?? 'disabled',
      disabledReason: svc?.disabledReason,
      vcpu: usage(provider, 'VCPU'),
      memoryMb: usage(provider, 'MEMORY_MB'),
      diskGb: usage(provider, 'DISK_GB'),
      runningVms: hyp?.runningVms ?? src.serversByHost?.[host] ?? 0,
      ovnAgentAlive: ovn ? ovn.alive : undefined,
      release: src.releases?.[host],
      lastHeartbeat: svc?.updatedAt,
    };
  });
}

/** Query of the hosts route. @public */
export interface HostQuery {
  filter?: HostFilter;
  search?: string;
  sort?: HostSortField;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

const ratio = (u?: ResourceUsage) => (u && u.capacity > 0 ? u.used / u.capacity : -1);

const SORT_KEYS: Record<HostSortField, (h: ComputeHostStatus) => string | number> = {
  host: h => h.host,
  zone: h => h.zone ?? '',
  state: h => h.state,
  status: h => h.status,
  vcpu: h => ratio(h.vcpu),
  memory: h => ratio(h.memoryMb),
  vms: h => h.runningVms,
  release: h => h.release ?? '',
};

/**
 * Server-side filter, search, sort and paging of hosts, so a page of 2,000 hosts sends one
 * screenful. Sorting is stable: ties keep host-name order.
 *
 * @public
 */
export function queryHosts(hosts: ComputeHostStatus[], q: HostQuery): ComputeHostPage {
  const offset = Math.max(0, q.offset ?? 0);
  const limit = Math.min(500, Math.max(1, q.limit ?? 50));
  const search = q.search?.trim().toLocaleLowerCase('en-US');
  let rows = hosts.filter(h => {
    switch (q.filter ?? 'all') {
      case 'down':
        return h.state === 'down';
      case 'disabled':
        return h.status === 'disabled';
      case 'lagging':
        return h.blocksUpgrade === true;
      default:
        return true;
    }
  });
  if (search) {
    rows = rows.filter(
      h =>
        h.host.toLocaleLowerCase('en-US').includes(search) ||
        (h.zone ?? '').toLocaleLowerCase('en-US').includes(search) ||
        h.aggregates.some(a => a.toLocaleLowerCase('en-US').includes(search)),
    );
  }
  const key = SORT_KEYS[q.sort ?? 'host'];
  const dir = q.order === 'desc' ? -1 : 1;
  rows = rows
    .map((h, i) => ({ h, i, k: key(h) }))
    .sort((a, b) => {
      if (a.k === b.k) return a.i - b.i;
      return a.k < b.k ? -dir : dir;
    })
    .map(x => x.h);
  return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
}

/**
 * Flags the hosts whose nova-compute release blocks the cloud's next upgrade hop (the nearest
 * one, N → N+1, which is the strictest), by the compute lag rule.
 *
 * @public
 */
export function markLaggingHosts(cloudRelease: string | undefined, hosts: ComputeHostStatus[]): ComputeHostStatus[] {
  const next = cloudRelease ? validNextHops(cloudRelease)[0] : undefined;
  if (!cloudRelease || !next) return hosts.map(h => ({ ...h, blocksUpgrade: false }));
  const lag = checkComputeLag(
    { from: cloudRelease, to: next },
    hosts.filter(h => h.release).map(h => ({ host: h.host, release: h.release! })),
  );
  const blocked = new Set(lag.blocking.map(b => b.host));
  return hosts.map(h => ({ ...h, blocksUpgrade: blocked.has(h.host) }));
}
