import { markLaggingHosts } from './hosts';
import {
  AgentRecord,
  API_SERVICE_TYPES,
  ApiHealth,
  CloudStatus,
  ComputeHostStatus,
  CONTROL_PLANE_SERVICES,
  ControlPlaneServiceName,
  ControlPlaneServiceStatus,
  ServiceRecord,
  SourceError,
  Verdict,
  WorkloadStatus,
} from './types';
import {
  cloudVerdict,
  isHostAgentRecord,
  isHostServiceRecord,
  serviceVerdict,
  worstVerdict,
} from './verdict';

/**
 * openstack-helm `application` labels that belong to a control-plane service under another name
 * (the openvswitch chart runs the OVS daemons OVN needs).
 */
const APPLICATION_ALIASES: Record<string, ControlPlaneServiceName> = {
  openvswitch: 'ovn',
};

/**
 * Every openstack-helm `application` label of a cloud's control plane: the services' own
 * (`keystone`, …, `mariadb`, `ovn`) and the aliases (`openvswitch`). The status reader counts
 * exactly these, and the Kubernetes tab selects exactly these (`controlPlaneLabelSelector`).
 *
 * @public
 */
export const CONTROL_PLANE_APPLICATIONS: readonly string[] = Object.freeze([
  ...CONTROL_PLANE_SERVICES,
  ...Object.keys(APPLICATION_ALIASES),
]);

/**
 * The control-plane service of a workload from its openstack-helm `application` label
 * (`keystone`, …, `mariadb`, `ovn`; `openvswitch` counts as `ovn`); undefined for anything else.
 *
 * @public
 */
export function controlPlaneServiceOf(
  application: string | undefined,
): ControlPlaneServiceName | undefined {
  if (!application) return undefined;
  if ((CONTROL_PLANE_SERVICES as readonly string[]).includes(application)) {
    return application as ControlPlaneServiceName;
  }
  return APPLICATION_ALIASES[application];
}

/** A workload with the control-plane service it belongs to. @public */
export interface ServiceWorkload extends WorkloadStatus {
  service: ControlPlaneServiceName;
}

/** Services every openstack-helm cloud has, listed even when nothing of them was found. */
const ALWAYS_LISTED: ControlPlaneServiceName[] = [
  'keystone',
  'mariadb',
  'rabbitmq',
  'memcached',
];

/**
 * What a live cloud's status is made from, per source. A source that could not be read is
 * `undefined` here and has an entry in `errors`.
 *
 * @public
 */
export interface CloudEvidence {
  /** The cloud key: `openstack.clouds.<key>` (live) or the demo store's name. */
  cloudKey: string;
  cluster?: string;
  namespace?: string;
  /** The cloud's release when its deployment states it; else keystone's, from its image tags. */
  release?: string;
  /** The openstack-helm chart version, when known. */
  chartVersion?: string;
  /** True for a simulated cloud (the demo). */
  demo?: boolean;
  /** The control plane's workloads; undefined when Kubernetes could not be read. */
  workloads?: ServiceWorkload[];
  /** API health of the catalog services (one per service type asked). */
  apis: ApiHealth[];
  /** Nova's `os-services` (control plane and nova-compute rows); undefined when unreadable. */
  computeServices?: ServiceRecord[];
  /** Cinder's `os-services`; undefined when unreadable. */
  volumeServices?: ServiceRecord[];
  /** Neutron agents; undefined when unreadable. */
  agents?: AgentRecord[];
  /** The compute hosts, merged with mergeComputeHosts. */
  hosts: ComputeHostStatus[];
  errors: SourceError[];
  fetchedAt: string;
}

/** The most common value, ties broken by the first seen. */
function mostCommon(values: Array<string | undefined>): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts)
    if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/** Host counts of the status page. @public */
export function summarizeHosts(
  hosts: ComputeHostStatus[],
): CloudStatus['hostSummary'] {
  let up = 0;
  let down = 0;
  let disabled = 0;
  let lagging = 0;
  for (const h of hosts) {
    if (h.state === 'up') up++;
    else down++;
    if (h.status === 'disabled') disabled++;
    if (h.blocksUpgrade) lagging++;
  }
  return { total: hosts.length, up, down, disabled, lagging };
}

/** Used and schedulable vCPU/RAM per availability zone (hosts without a zone count as `nova`). @public */
export function capacityByZone(
  hosts: ComputeHostStatus[],
): CloudStatus['capacityByZone'] {
  const zones = new Map<string, CloudStatus['capacityByZone'][number]>();
  for (const h of hosts) {
    const zone = h.zone ?? 'nova';
    let z = zones.get(zone);
    if (!z) {
      z = {
        zone,
        vcpuUsed: 0,
        vcpuCapacity: 0,
        memoryMbUsed: 0,
        memoryMbCapacity: 0,
      };
      zones.set(zone, z);
    }
    z.vcpuUsed += h.vcpu?.used ?? 0;
    z.vcpuCapacity += h.vcpu?.capacity ?? 0;
    z.memoryMbUsed += h.memoryMb?.used ?? 0;
    z.memoryMbCapacity += h.memoryMb?.capacity ?? 0;
  }
  return [...zones.values()].sort((a, b) => a.zone.localeCompare(b.zone, 'en'));
}

/**
 * A live cloud's status and hosts from what its sources said: one verdict per control-plane
 * service with its reasons, one for the cloud, the host summary and capacity by zone, and the
 * hosts that block the next upgrade. A source that could not be read never fails the whole:
 * the services it feeds get at least Unknown with the error as a reason, and the cloud lists it
 * under `errors`.
 *
 * Which services are listed: keystone, mariadb, rabbitmq and memcached always (every
 * openstack-helm cloud has them); any other when it has workloads, an endpoint in the Keystone
 * catalog, or service/agent records.
 *
 * @public
 */
export function assembleCloudView(e: CloudEvidence): {
  status: CloudStatus;
  hosts: ComputeHostStatus[];
} {
  const workloadsByService = new Map<
    ControlPlaneServiceName,
    WorkloadStatus[]
  >();
  for (const { service, ...w } of e.workloads ?? []) {
    workloadsByService.set(service, [
      ...(workloadsByService.get(service) ?? []),
      w,
    ]);
  }
  const apiOf = (name: ControlPlaneServiceName): ApiHealth | undefined => {
    const type = API_SERVICE_TYPES[name];
    return type ? e.apis.find(a => a.serviceType === type) : undefined;
  };
  const serviceRecords: Partial<
    Record<ControlPlaneServiceName, ServiceRecord[] | undefined>
  > = {
    nova: e.computeServices,
    cinder: e.volumeServices,
  };
  const recordsOf = (name: ControlPlaneServiceName) => ({
    services: serviceRecords[name],
    agents: name === 'neutron' ? e.agents : undefined,
  });

  const listed = CONTROL_PLANE_SERVICES.filter(name => {
    if (ALWAYS_LISTED.includes(name)) return true;
    if (workloadsByService.has(name)) return true;
    if (apiOf(name)?.url) return true;
    const r = recordsOf(name);
    if (name === 'ovn')
      return (e.agents ?? []).some(a => /OVN/.test(a.agentType));
    return (r.services?.length ?? 0) > 0 || (r.agents?.length ?? 0) > 0;
  });

  const services: ControlPlaneServiceStatus[] = listed.map(name => {
    const workloads = workloadsByService.get(name) ?? [];
    const api = apiOf(name);
    const { services: records, agents } = recordsOf(name);
    const v = serviceVerdict({
      name,
      workloads,
      workloadsKnown: e.workloads !== undefined,
      api: api?.url ? api : undefined,
      services: records,
      agents,
    });
    const verdicts: Verdict[] = [v.verdict];
    const reasons = [...v.reasons];
    for (const err of e.errors.filter(x => x.service === name)) {
      verdicts.push('Unknown');
      reasons.push(`${err.source} could not be read: ${err.message}`);
    }
    const release = mostCommon(
      workloads.filter(w => w.kind !== 'Job').map(w => w.release),
    );
    return {
      name,
      verdict: worstVerdict(verdicts),
      reasons,
      workloads,
      release,
      api: api?.url ? api : undefined,
      // per-host rows (nova-compute, OVN controllers: thousands) are served by the hosts route
      services: records?.filter(s => !isHostServiceRecord(s)),
      agents: agents?.filter(a => !isHostAgentRecord(a)),
    };
  });

  const release =
    e.release ??
    services.find(s => s.name === 'keystone')?.release ??
    mostCommon(services.map(s => s.release));
  const hosts = markLaggingHosts(release, e.hosts);
  const cv = cloudVerdict(services, e.errors.length);
  return {
    status: {
      cloudKey: e.cloudKey,
      demo: e.demo ?? false,
      release,
      ...(e.chartVersion ? { chartVersion: e.chartVersion } : {}),
      cluster: e.cluster,
      namespace: e.namespace,
      verdict: cv.verdict,
      reasons: cv.reasons,
      services,
      hostSummary: summarizeHosts(hosts),
      capacityByZone: capacityByZone(hosts),
      errors: e.errors,
      fetchedAt: e.fetchedAt,
    },
    hosts,
  };
}
