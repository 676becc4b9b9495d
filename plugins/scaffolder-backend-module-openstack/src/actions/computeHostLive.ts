// The live host driver: where maintenance and decommission land on a live cloud. Nova, Neutron and
// Placement through the cloud's APIs (openstack.clouds.<key>), the bundle Secret in the cluster.
import { InputError } from '@backstage/errors';
import { COMPUTE_HOST_LABEL, computeBundleSecretName, LABEL_OPENSTACK_CLOUD } from '@backstage-openstack/plugin-openstack-common';
import { deleteOwnSecret, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { liveDelivery } from '../drivers/liveDelivery';
import { LiveEnrollDeps, placement } from './computeEnrollLive';
import { HostTarget } from './hostSteps';

/** The live host target of `host` on `cloud`; refuses a read-only cloud or one this backend cannot reach. */
export function openLiveHost(deps: LiveEnrollDeps & { hasCloud: (cloudKey: string) => boolean }, cloud: ResolvedCloud, host: string): HostTarget {
  liveDelivery(cloud);
  const key = cloud.cloudKey;
  if (!deps.hasCloud(key)) {
    throw new InputError(
      `input.cloud: ${cloud.entityRef} is a live cloud, but this backend has no openstack.clouds.${key} to reach its APIs; configure it. Nothing was changed.`,
    );
  }
  const os = deps.openstack(key);
  const settings = deps.settings(key);
  const ovnAgentBinary = settings?.ovnAgentBinary ?? 'ovn-controller';
  // where enroll put the host's bundle: the enrollment settings' cluster/namespace, else the entity's
  let bundleAt: { cluster: string; namespace: string } | undefined;
  if (settings) bundleAt = placement(cloud, settings);
  else if (cloud.cluster && cloud.namespace) bundleAt = { cluster: cloud.cluster, namespace: cloud.namespace };
  const aggregatesOfHost = async () => (await os.nova.listAggregates()).filter(a => a.hosts.includes(host));
  return {
    host,
    async computeService() {
      const [s] = await os.nova.listComputeServices({ binary: 'nova-compute', host });
      return s && { id: s.id, state: s.state, status: s.status, disabledReason: s.disabledReason };
    },
    async disable(id, reason) {
      await os.nova.setComputeServiceStatus(id, false, reason);
    },
    async enable(id) {
      await os.nova.setComputeServiceStatus(id, true);
    },
    servers: () => os.nova.listServersOnHost(host),
    server: id => os.nova.getServer(id),
    liveMigrate: id => os.nova.liveMigrateServer(id),
    evacuate: id => os.nova.evacuateServer(id),
    async moveFailure(id) {
      return (await os.nova.lastActionFailure(id, ['live-migration', 'evacuate']))?.reason;
    },
    async ovnAgent() {
      const a = (await os.neutron.listAgents({ host })).find(x => x.binary === ovnAgentBinary);
      return { alive: !!a?.alive, found: !!a };
    },
    deleteComputeService: id => os.nova.deleteComputeService(id),
    async agents() {
      return (await os.neutron.listAgents({ host })).map(a => ({ id: a.id, agentType: a.agentType }));
    },
    deleteAgent: id => os.neutron.deleteAgent(id),
    async aggregates() {
      return (await aggregatesOfHost()).map(a => ({ id: a.id, name: a.name }));
    },
    async removeFromAggregate(id) {
      await os.nova.removeHostFromAggregate(id, host);
    },
    async deleteBundle() {
      const name = computeBundleSecretName(host);
      if (!bundleAt) return `No cluster and namespace known for ${cloud.entityRef} (no openstack.backstage.io/cluster and namespace annotations, no computeEnrollment): no bundle Secret to delete`;
      const where = `${bundleAt.namespace}/${name}`;
      const r = await deleteOwnSecret(deps.cluster(bundleAt.cluster), bundleAt.namespace, name, { [COMPUTE_HOST_LABEL]: host, [LABEL_OPENSTACK_CLOUD]: key });
      if (r.state === 'deleted') return `Deleted Secret ${where} (the configuration bundle of ${host})`;
      if (r.state === 'absent') return `No Secret ${where}: no bundle of ${host} to delete`;
      return `Left Secret ${where}: it is not the bundle of ${host} in ${key} (labels ${JSON.stringify(r.labels)})`;
    },
    async leftovers() {
      const [services, hypervisors, providers, agents, aggregates] = await Promise.all([
        os.nova.listComputeServices({ binary: 'nova-compute', host }),
        os.nova.findHypervisors(host),
        os.placement.listResourceProviders({ name: host }),
        os.neutron.listAgents({ host }),
        aggregatesOfHost(),
      ]);
      return [
        ...services.map(s => `os-services: nova-compute ${s.id} (${s.state})`),
        ...hypervisors.map(h => `os-hypervisors: ${h.hostname}`),
        ...providers.map(p => `Placement resource provider ${p.name} (${p.uuid})`),
        ...agents.map(a => `Neutron ${a.agentType} ${a.id}`),
        ...aggregates.map(a => `aggregate ${a.name}`),
      ];
    },
  };
}
