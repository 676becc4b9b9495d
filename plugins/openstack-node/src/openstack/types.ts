/*
 * Normalised shapes returned by the clients. Timestamps are ISO 8601 in UTC ("…Z"): nova,
 * neutron and cinder send naive UTC times ("2026-11-25T10:00:00.000000", "2026-11-25 10:00:00").
 */

/**
 * A version document (`GET <endpoint root>`): the version served and its microversion range.
 *
 * @public
 */
export interface VersionDocument {
  /** e.g. `v2.1`, `v3.14`, `v1.0`, `v2.15`. */
  id: string;
  status?: string;
  /** Highest microversion (`version` / `max_version`), absent when the API has none. */
  maxVersion?: string;
  /** Lowest microversion (`min_version`). */
  minVersion?: string;
}

/**
 * What Nova's and Cinder's `os-services` both say of a service: `openstack compute service list`
 * and `openstack volume service list` share these columns.
 *
 * @public
 */
export interface ServiceRecord {
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  updatedAt: string | null;
  disabledReason: string | null;
}

/**
 * A nova service (`os-services`), e.g. nova-compute on one host.
 *
 * @public
 */
export interface ComputeService extends ServiceRecord {
  /** UUID at microversion ≥ 2.53, else the integer id as a string. */
  id: string;
  forcedDown: boolean;
}

/**
 * A hypervisor (`os-hypervisors/detail`). The capacity fields exist only below microversion
 * 2.88; from 2.88 on, capacity comes from Placement ({@link ResourceCapacity}).
 *
 * @public
 */
export interface Hypervisor {
  id: string;
  hostname: string;
  type?: string;
  version?: number;
  hostIp?: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  serviceId?: string;
  serviceHost?: string;
  disabledReason?: string | null;
  /** ≥ 2.88 only; null when the driver does not report it (e.g. FakeDriver). */
  uptime?: string | null;
  vcpus?: number;
  vcpusUsed?: number;
  memoryMb?: number;
  memoryMbUsed?: number;
  localGb?: number;
  localGbUsed?: number;
  runningVms?: number;
}

/**
 * A server as the host operations see it (`servers/detail`, admin view).
 *
 * @public
 */
export interface ServerOnHost {
  id: string;
  name: string;
  /** ACTIVE, MIGRATING, ERROR, SHUTOFF… */
  status: string;
  /** `OS-EXT-STS:task_state`, e.g. `migrating`; null when idle. */
  taskState: string | null;
  /** `OS-EXT-SRV-ATTR:host`: the compute host it runs on. */
  host: string | null;
  /** The fault Nova recorded (servers in ERROR), its message. */
  fault?: string;
}

/**
 * A host aggregate (`os-aggregates`).
 *
 * @public
 */
export interface Aggregate {
  id: number;
  uuid?: string;
  name: string;
  availabilityZone: string | null;
  hosts: string[];
  metadata: Record<string, string>;
}

/**
 * A placement resource provider.
 *
 * @public
 */
export interface ResourceProvider {
  uuid: string;
  name: string;
  generation: number;
  parentProviderUuid?: string | null;
  rootProviderUuid?: string | null;
}

/**
 * One inventory of a resource provider (e.g. VCPU).
 *
 * @public
 */
export interface Inventory {
  total: number;
  reserved: number;
  minUnit: number;
  maxUnit: number;
  stepSize: number;
  allocationRatio: number;
}

/**
 * Capacity of one resource class of a provider: inventory + usage.
 *
 * @public
 */
export interface ResourceCapacity {
  total: number;
  reserved: number;
  allocationRatio: number;
  used: number;
  /** (total − reserved) × allocation_ratio, rounded down: what the scheduler can place. */
  capacity: number;
  /** capacity − used. */
  free: number;
}

/**
 * A neutron agent (`/v2.0/agents`).
 *
 * @public
 */
export interface NetworkAgent {
  id: string;
  agentType: string;
  binary: string;
  host: string;
  alive: boolean;
  adminStateUp: boolean;
  availabilityZone: string | null;
  heartbeatTimestamp: string | null;
  topic?: string;
  description?: string | null;
}

/**
 * A cinder service (`os-services`).
 *
 * @public
 */
export interface VolumeService extends ServiceRecord {
  cluster?: string | null;
  frozen?: boolean;
  replicationStatus?: string;
}

/**
 * A glance image (the fields the portal shows).
 *
 * @public
 */
export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility?: string;
  size?: number | null;
  diskFormat?: string | null;
  createdAt?: string;
}

/**
 * Result of {@link OpenStackClient.checkApi}.
 *
 * @public
 */
export interface ApiHealth {
  service: string;
  /** Version document URL asked, when the catalog had the service. */
  url?: string;
  ok: boolean;
  /** HTTP status, when there was an answer. */
  status?: number;
  latencyMs: number;
  version?: VersionDocument;
  /** Why it is not ok (no secret in it). */
  error?: string;
}
