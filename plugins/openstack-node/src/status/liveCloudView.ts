import {
  AgentRecord,
  ApiHealth,
  assembleCloudView,
  CloudStatus,
  ComputeHostStatus,
  ControlPlaneServiceName,
  HypervisorRecord,
  mergeComputeHosts,
  ProviderUsage,
  ServiceRecord,
  ServiceWorkload,
  SourceError,
} from '@backstage-openstack/plugin-openstack-common';
import { ClusterClient } from '../kubernetes/apply';
import { OPENSTACK_API_SERVICES, OpenStackClient } from '../openstack/client';
import {
  ComputeService,
  Hypervisor,
  NetworkAgent,
  ResourceCapacity,
  VolumeService,
} from '../openstack/types';
import { readLiveWorkloads } from '../kubernetes/workloads';
import { controlPlaneWorkloads } from './controlPlane';

/**
 * Where a live cloud is read from: its OpenStack client and, when known, the Kubernetes
 * cluster and namespace of its control plane.
 *
 * @public
 */
export interface LiveCloudTarget {
  /** The cloud key (`openstack.clouds.<key>`). */
  cloudKey: string;
  openstack: OpenStackClient;
  /** The control plane's cluster and namespace; absent when not configured. */
  kubernetes?: { cluster: ClusterClient; namespace: string };
  /** Why `kubernetes` is absent (how to configure it); reported as a source error. */
  kubernetesMissing?: string;
  /**
   * nova-compute's release per host, as declared elsewhere (the compute-host catalog entities):
   * no OpenStack API reports it.
   */
  hostReleases?: Record<string, string>;
}

/** A live cloud's status and every compute host. @public */
export interface LiveCloudView {
  status: CloudStatus;
  hosts: ComputeHostStatus[];
}

/** The first URL in an error message (the client's errors name the URL that failed). */
function urlIn(message: string): string | undefined {
  return /(https?:\/\/[^\s)]+)/.exec(message)?.[1];
}

function toServiceRecord(s: ComputeService | VolumeService): ServiceRecord {
  return {
    id: 'id' in s ? s.id : undefined,
    binary: s.binary,
    host: s.host,
    zone: s.zone || undefined,
    status: s.status,
    state: s.state,
    updatedAt: s.updatedAt ?? undefined,
    disabledReason: s.disabledReason ?? undefined,
  };
}

function toAgentRecord(a: NetworkAgent): AgentRecord {
  return {
    id: a.id,
    agentType: a.agentType,
    binary: a.binary,
    host: a.host,
    zone: a.availabilityZone ?? undefined,
    alive: a.alive,
    adminStateUp: a.adminStateUp,
    heartbeatAt: a.heartbeatTimestamp ?? undefined,
  };
}

function toHypervisorRecord(h: Hypervisor): HypervisorRecord {
  return {
    hypervisorHostname: h.hostname,
    serviceHost: h.serviceHost ?? h.hostname,
    state: h.state,
    status: h.status,
    runningVms: h.runningVms,
  };
}

function toProviderUsage(
  name: string,
  capacity: Record<string, ResourceCapacity>,
): ProviderUsage {
  const inventories: ProviderUsage['inventories'] = {};
  const usages: ProviderUsage['usages'] = {};
  for (const [rc, c] of Object.entries(capacity)) {
    inventories[rc] = {
      total: c.total,
      reserved: c.reserved,
      allocation_ratio: c.allocationRatio,
    };
    usages[rc] = c.used;
  }
  return { name, inventories, usages };
}

/**
 * Reads a live cloud: the control plane's workloads from Kubernetes and, from OpenStack, the
 * API health of every catalog service, Nova and Cinder services, Neutron agents, hypervisors
 * (and servers per host where the hypervisors no longer count them), Placement inventories and
 * usages of every compute node (in a few requests: see
 * {@link PlacementClient.readComputeCapacities}), and aggregates. Every source runs in parallel under the
 * client's concurrency limit (`openstack.clouds.<key>.maxConcurrency`); one that fails leaves
 * its part Unknown with a {@link @backstage-openstack/plugin-openstack-common#SourceError} that
 * names the cloud, service and URL, and never fails the whole read.
 *
 * @public
 */
export async function readLiveCloudView(
  target: LiveCloudTarget,
): Promise<LiveCloudView> {
  const { openstack } = target;
  const { nova, placement, neutron, cinder } = openstack;
  const errors: SourceError[] = [];

  /** Runs one source; a failure becomes a SourceError and the source's value undefined. */
  const source = async <T>(
    name: string,
    service: ControlPlaneServiceName | undefined,
    read: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      errors.push({
        source: name,
        message,
        ...(service ? { service } : {}),
        url: urlIn(message),
      });
      return undefined;
    }
  };

  const workloadsP: Promise<ServiceWorkload[] | undefined> = target.kubernetes
    ? (async () => {
        const { cluster, namespace } = target.kubernetes!;
        try {
          const read = await readLiveWorkloads(cluster, namespace);
          if (read.podsError) {
            errors.push({
              source: 'kubernetes pods',
              message: `${read.podsError}; workloads judged without restart counts`,
              url: urlIn(cluster.url),
            });
          }
          return controlPlaneWorkloads(read.workloads);
        } catch (e) {
          errors.push({
            source: 'kubernetes',
            message: (e as Error).message,
            url: urlIn(cluster.url),
          });
          return undefined;
        }
      })()
    : Promise.resolve().then(() => {
        errors.push({
          source: 'kubernetes',
          message:
            target.kubernetesMissing ??
            `OpenStack cloud "${target.cloudKey}": no Kubernetes cluster and namespace configured for its control plane`,
        });
        return undefined;
      });

  const providersP = source(
    'placement resource providers',
    'placement',
    async () => {
      // compute nodes are root providers; nested ones (PCI, vGPU) are part of their root
      const read = await placement.readComputeCapacities();
      if (read.failed > 0) {
        const first = read.firstError?.message ?? 'unknown error';
        errors.push({
          source: 'placement inventories and usages',
          service: 'placement',
          message: `${read.failed} of ${read.roots} resource providers' inventories/usages could not be read; first: ${first}`,
          url: urlIn(first),
        });
      }
      return read.providers.map(p =>
        toProviderUsage(p.provider.name, p.capacity),
      );
    },
  );

  // hypervisors asked at 2.87 at most carry running_vms; servers are counted (every page of
  // every server) only where they still lack it
  const hypervisorsP = source('nova os-hypervisors', 'nova', () =>
    nova.listHypervisors({ stats: true }),
  );
  const serversByHostP = hypervisorsP.then(hs =>
    hs && hs.some(h => h.runningVms === undefined)
      ? source('nova servers per host', 'nova', () => nova.countServersByHost())
      : undefined,
  );

  const [
    workloads,
    apis,
    ,
    computeServices,
    hypervisors,
    serversByHost,
    aggregates,
    providers,
    agents,
    volumeServices,
  ] = await Promise.all([
    workloadsP,
    openstack.checkApis(OPENSTACK_API_SERVICES),
    // the token every other call shares: a refused credential is named once, as Keystone's
    source('keystone authentication', 'keystone', () =>
      openstack.session.projectId(),
    ),
    source('nova os-services', 'nova', () => nova.listComputeServices()),
    hypervisorsP,
    serversByHostP,
    source('nova os-aggregates', 'nova', () => nova.listAggregates()),
    providersP,
    source('neutron agents', 'neutron', () => neutron.listAgents()),
    source('cinder os-services', 'cinder', () => cinder.listVolumeServices()),
  ]);

  const computeRecords = computeServices?.map(toServiceRecord);
  const agentRecords = agents?.map(toAgentRecord);
  const aggregatesByHost: Record<string, string[]> = {};
  for (const a of aggregates ?? []) {
    for (const h of a.hosts) (aggregatesByHost[h] ??= []).push(a.name);
  }
  const hosts = mergeComputeHosts({
    hypervisors: (hypervisors ?? []).map(toHypervisorRecord),
    computeServices: computeRecords ?? [],
    providers: providers ?? [],
    agents: agentRecords ?? [],
    aggregates: aggregatesByHost,
    serversByHost,
    releases: target.hostReleases,
  });

  const apiHealth: ApiHealth[] = apis.map(a => ({
    serviceType: a.service,
    url: a.url,
    ok: a.ok,
    latencyMs: a.latencyMs,
    error: a.error,
  }));

  return assembleCloudView({
    cloudKey: target.cloudKey,
    cluster: target.kubernetes?.cluster.name,
    namespace: target.kubernetes?.namespace,
    workloads,
    apis: apiHealth,
    computeServices: computeRecords,
    volumeServices: volumeServices?.map(toServiceRecord),
    agents: agentRecords,
    hosts,
    errors: errors.sort((a, b) => a.source.localeCompare(b.source, 'en')),
    fetchedAt: new Date().toISOString(),
  });
}
