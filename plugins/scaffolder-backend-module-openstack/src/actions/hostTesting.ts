// A compute host and its instances as Nova, Neutron and Placement would show them, in memory: the
// fake target of the maintenance and decommission tests (the live one: computeHostLive.ts).
import { ConflictError } from '@backstage/errors';
import { ServerOnHost } from '@backstage-openstack/plugin-openstack-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { HostService, HostTarget } from './hostSteps';

export const liveCloudEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'prod-cloud',
    namespace: 'openstack',
    annotations: { 'openstack.backstage.io/cloud': 'prod', 'openstack.backstage.io/delivery': 'direct' },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team', lifecycle: 'production' },
};

export const liveCatalog = () => catalogServiceMock({ entities: [liveCloudEntity] });

/**
 * `host` with `count` instances. A live migration (or evacuation) takes one more read of the
 * server to land on `other`; those in `fails` stay, idle, and Nova's reason is that string;
 * those in `refuses` are refused at once (Nova's 409).
 */
export function fakeHost(host: string, count: number, opts: { fails?: Record<string, string>; refuses?: Record<string, string>; state?: 'up' | 'down'; other?: string } = {}) {
  const other = opts.other ?? 'compute2';
  const servers = new Map<string, ServerOnHost>();
  for (let i = 1; i <= count; i++) servers.set(`vm-${i}`, { id: `vm-${i}`, name: `server-${i}`, status: 'ACTIVE', taskState: null, host });
  const service: HostService & { exists: boolean } = { id: 'svc-1', state: opts.state ?? 'up', status: 'enabled', disabledReason: null, exists: true };
  let agents = [
    { id: host, agentType: 'OVN Controller agent', alive: true },
    { id: 'meta-1', agentType: 'OVN Metadata agent', alive: true },
  ];
  let aggregates = [{ id: 7, name: 'az1-general', hosts: [host] }];
  const calls: string[] = [];
  let moving = 0;
  let maxMoving = 0;
  const target: HostTarget = {
    host,
    computeService: async () => (service.exists ? { id: service.id, state: service.state, status: service.status, disabledReason: service.disabledReason } : undefined),
    disable: async (_id, reason) => {
      calls.push(`disable ${reason}`);
      service.status = 'disabled';
      service.disabledReason = reason;
    },
    enable: async () => {
      calls.push('enable');
      service.status = 'enabled';
      service.disabledReason = null;
    },
    servers: async () => [...servers.values()].filter(s => s.host === host).map(s => ({ ...s })),
    server: async id => {
      const s = servers.get(id);
      if (s?.taskState) {
        // one read later the move has ended: landed elsewhere, or failed and left idle
        s.taskState = null;
        s.status = 'ACTIVE';
        moving--;
        if (!opts.fails?.[id]) s.host = other;
      }
      return s && { ...s };
    },
    liveMigrate: async id => move(id, 'live-migrate'),
    evacuate: async id => move(id, 'evacuate'),
    moveFailure: async id => opts.fails?.[id],
    ovnAgent: async () => ({ alive: agents.some(a => a.agentType === 'OVN Controller agent' && a.alive), found: agents.some(a => a.agentType === 'OVN Controller agent') }),
    deleteComputeService: async () => {
      calls.push('delete service');
      service.exists = false;
    },
    agents: async () => agents.map(({ id, agentType }) => ({ id, agentType })),
    deleteAgent: async id => {
      calls.push(`delete agent ${id}`);
      agents = agents.filter(a => a.id !== id);
    },
    aggregates: async () => aggregates.filter(a => a.hosts.includes(host)).map(({ id, name }) => ({ id, name })),
    removeFromAggregate: async id => {
      calls.push(`remove from aggregate ${id}`);
      aggregates = aggregates.map(a => (a.id === id ? { ...a, hosts: a.hosts.filter(h => h !== host) } : a));
    },
    deleteBundle: async () => {
      calls.push('delete bundle');
      return `Deleted the bundle of ${host}`;
    },
    leftovers: async () => [
      ...(service.exists ? ['os-services: nova-compute'] : []),
      ...agents.map(a => `Neutron ${a.agentType}`),
      ...aggregates.filter(a => a.hosts.includes(host)).map(a => `aggregate ${a.name}`),
    ],
  };
  async function move(id: string, how: string) {
    const refused = opts.refuses?.[id];
    if (refused) throw new ConflictError(refused);
    calls.push(`${how} ${id}`);
    const s = servers.get(id)!;
    s.taskState = how === 'evacuate' ? 'rebuilding' : 'migrating';
    s.status = how === 'evacuate' ? 'REBUILD' : 'MIGRATING';
    moving++;
    maxMoving = Math.max(maxMoving, moving);
  }
  return { target, servers, service, calls, maxMoving: () => maxMoving, stopHost: () => (service.state = 'down'), agentsLeft: () => agents };
}
