/**
 * The status model: what the portal knows about a running cloud, merged from Kubernetes
 * (openstack-helm workloads) and the OpenStack APIs. Shared by the status backend and the
 * frontend.
 */

/** One verdict per service and one for the cloud. @public */
export type Verdict = 'Healthy' | 'Degraded' | 'Down' | 'Unknown';

/** Control-plane services, in the order the page lists them. @public */
export const CONTROL_PLANE_SERVICES = [
  'keystone',
  'glance',
  'placement',
  'nova',
  'neutron',
  'cinder',
  'horizon',
  'mariadb',
  'rabbitmq',
  'memcached',
  'ovn',
] as const;

/** A control-plane service name. @public */
export type ControlPlaneServiceName = (typeof CONTROL_PLANE_SERVICES)[number];

/** The OpenStack API service type of each API service (keys of the Keystone catalog). @public */
export const API_SERVICE_TYPES: Partial<Record<ControlPlaneServiceName, string>> = {
  keystone: 'identity',
  glance: 'image',
  placement: 'placement',
  nova: 'compute',
  neutron: 'network',
  cinder: 'block-storage',
};

/** A Kubernetes workload of a service, found by openstack-helm's `application`/`component` labels. @public */
export interface WorkloadStatus {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';
  name: string;
  component: string;
  ready: number;
  desired: number;
  /** Container restarts of its pods; undefined when the pods could not be listed. */
  restarts?: number;
  imageTag?: string;
  /** The OpenStack release the image tag implies, if it implies one. */
  release?: string;
  /** When the workload last changed (rollout, scale), ISO 8601. */
  lastChange?: string;
}

/** Whether a service's API answers its version document. @public */
export interface ApiHealth {
  serviceType: string;
  url?: string;
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

/** A row of `openstack compute service list` / `volume service list`. @public */
export interface ServiceRecord {
  id?: string;
  binary: string;
  host: string;
  zone?: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  updatedAt?: string;
  disabledReason?: string;
}

/** A row of `openstack network agent list`. @public */
export interface AgentRecord {
  id?: string;
  agentType: string;
  binary: string;
  host: string;
  zone?: string;
  alive: boolean;
  adminStateUp: boolean;
  heartbeatAt?: string;
}

/** The status of one control-plane service. @public */
export interface ControlPlaneServiceStatus {
  name: ControlPlaneServiceName;
  verdict: Verdict;
  /** Why the verdict is what it is, one reason per line. */
  reasons: string[];
  workloads: WorkloadStatus[];
  /** The release the service's images imply (the most common one among its workloads). */
  release?: string;
  api?: ApiHealth;
  services?: ServiceRecord[];
  agents?: AgentRecord[];
}

/** Usage of one Placement resource class on a host. @public */
export interface ResourceUsage {
  used: number;
  total: number;
  reserved: number;
  allocationRatio: number;
  /** (total - reserved) × allocation ratio: what the scheduler may place. */
  capacity: number;
}

/** One compute host, merged by host name from hypervisors, os-services, Placement and Neutron agents. @public */
export interface ComputeHostStatus {
  host: string;
  zone?: string;
  aggregates: string[];
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  disabledReason?: string;
  vcpu?: ResourceUsage;
  memoryMb?: ResourceUsage;
  diskGb?: ResourceUsage;
  runningVms: number;
  ovnAgentAlive?: boolean;
  /** The release of nova-compute on the host. */
  release?: string;
  lastHeartbeat?: string;
  /** True when the host's release blocks the cloud's next upgrade hop. */
  blocksUpgrade?: boolean;
  /**
   * The host's catalog entity, `resource:<cloud's namespace>/<hostEntityName(cloudKey, host)>`:
   * set by the backend's routes, so every link reaches the entity that enroll registers.
   */
  entityRef?: string;
}

/** A source that could not be read; the answer is partial, never a failure of the whole cloud. @public */
export interface SourceError {
  /** What could not be read, e.g. `kubernetes`, `nova os-services`, `placement`. */
  source: string;
  /** Why, naming the cloud, the service and the URL (never a secret). */
  message: string;
  /** The control-plane service whose verdict this error leaves Unknown, if one. */
  service?: ControlPlaneServiceName;
  /** The URL that failed, when there was one. */
  url?: string;
}

/** The status of a cloud. @public */
export interface CloudStatus {
  /** The cloud key: `openstack.clouds.<key>` (live) or the demo store's name. */
  cloudKey: string;
  /** True for the simulated demo cloud. */
  demo: boolean;
  release?: string;
  chartVersion?: string;
  cluster?: string;
  namespace?: string;
  verdict: Verdict;
  reasons: string[];
  services: ControlPlaneServiceStatus[];
  hostSummary: {
    total: number;
    up: number;
    down: number;
    disabled: number;
    lagging: number;
  };
  capacityByZone: Array<{
    zone: string;
    vcpuUsed: number;
    vcpuCapacity: number;
    memoryMbUsed: number;
    memoryMbCapacity: number;
  }>;
  errors: SourceError[];
  fetchedAt: string;
}

/** A page of compute hosts. @public */
export interface ComputeHostPage {
  items: ComputeHostStatus[];
  total: number;
  offset: number;
  limit: number;
}

/** Sortable fields of the hosts route. @public */
export const HOST_SORT_FIELDS = [
  'host',
  'zone',
  'state',
  'status',
  'vcpu',
  'memory',
  'vms',
  'release',
] as const;

/** A sortable field of the hosts route. @public */
export type HostSortField = (typeof HOST_SORT_FIELDS)[number];

/** Filters of the hosts route. @public */
export const HOST_FILTERS = ['all', 'down', 'disabled', 'lagging'] as const;

/** A filter of the hosts route. @public */
export type HostFilter = (typeof HOST_FILTERS)[number];

/** An operation on a cloud: a scaffolder task or an approval. @public */
export interface OperationRecord {
  id: string;
  /** The cloud ref, `resource:<namespace>/<name>`. */
  cloudRef: string;
  kind: 'create' | 'upgrade' | 'enroll' | 'approval';
  title: string;
  state: 'running' | 'succeeded' | 'failed' | 'pending' | 'approved' | 'rejected';
  actor?: string;
  taskId?: string;
  approvalId?: string;
  host?: string;
  startedAt: string;
  finishedAt?: string;
  detail?: string;
}
