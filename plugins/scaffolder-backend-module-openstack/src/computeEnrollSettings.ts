import { RootConfigService as Config } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ComputeBundleSettings, ComputeStorage } from '@backstage-openstack/plugin-openstack-common';

/**
 * How `openstack:compute:enroll` enrolls hosts into one live cloud
 * (`openstack.clouds.<key>.computeEnrollment`): what the host's bundle points at, where its
 * credentials come from, and how discovery and the OVN agent are recognised.
 */
export interface ComputeEnrollSettings {
  bundle: ComputeBundleSettings;
  /** Prefix of the cloud's credential Secrets (`<prefix>-nova-rabbitmq`…), default the cloud key. */
  secretPrefix: string;
  /** openstack-helm's host discovery CronJob in the cloud's namespace, default `nova-cell-setup`. */
  cellSetupCronJob: string;
  /** Neutron agent binary that proves the host's networking, default `ovn-controller`. */
  ovnAgentBinary: string;
  /** `openstack.clouds.<key>.cluster` / `.namespace` (the status backend's keys), which win over the entity's annotations. */
  cluster?: string;
  namespace?: string;
  /** Ceph clouds: the Secret (in the cloud's namespace) holding the Ceph client user's key, for libvirt's secret on the hosts. */
  cephClientKeySecret?: { name: string; key: string };
  /** Discovery Jobs at most, default 10. */
  discoveryAttempts: number;
  /** After a discovery Job completes, how long to look for the mapping before the next one; default 30 s. */
  discoveryWaitSeconds: number;
}

/**
 * The enrollment settings of `openstack.clouds.<key>`, or undefined when that cloud is not
 * configured (then it is not a live cloud of this backend). A configured cloud without
 * `computeEnrollment` fails with the keys to add.
 */
export function readComputeEnrollSettings(
  config: Config,
  key: string,
): ComputeEnrollSettings | undefined {
  const cloud = config.getOptionalConfig(`openstack.clouds.${key}`);
  if (!cloud) return undefined;
  const where = `openstack.clouds.${key}.computeEnrollment`;
  const c = cloud.getOptionalConfig('computeEnrollment');
  const read = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw new InputError(`${where}.${what}: ${(e as Error).message}`);
    }
  };
  const hosts = read('messageQueue.hosts', () => c?.getOptionalStringArray('messageQueue.hosts')) ?? [];
  const ovnRemote = read('ovnRemote', () => c?.getOptionalString('ovnRemote'));
  const missing = [
    ...(hosts.length ? [] : ['messageQueue.hosts (host:port of each RabbitMQ node, reachable from the compute hosts)']),
    ...(ovnRemote ? [] : ['ovnRemote (the OVN southbound DB for ovn-controller, e.g. tcp:10.0.0.10:6642)']),
  ];
  if (missing.length) {
    throw new InputError(
      `${where} is incomplete: set ${missing.map(m => `${where}.${m}`).join(' and ')}; see the README, "Enrolling compute hosts"`,
    );
  }
  for (const h of hosts) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/.test(h)) {
      throw new InputError(`${where}.messageQueue.hosts: "${h}" is not host:port; use e.g. rabbitmq.prod-eu.example.org:5672`);
    }
  }
  if (!/^(tcp|ssl):/.test(ovnRemote!)) {
    throw new InputError(`${where}.ovnRemote: "${ovnRemote}" is not an OVSDB remote; use tcp:<ip>:6642 or ssl:<ip>:6642 (comma-separated for a cluster)`);
  }
  const str = (k: string, def: string) => read(k, () => c?.getOptionalString(k)) ?? def;
  const oneOf = <T extends string>(k: string, values: readonly T[], def: T): T => {
    const v = str(k, def);
    if (!values.includes(v as T)) throw new InputError(`${where}.${k}: "${v}" is not one of ${values.join(', ')}`);
    return v as T;
  };
  const num = (k: string, def: number, min: number, max: number) => {
    const v = read(k, () => c?.getOptionalNumber(k)) ?? def;
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new InputError(`${where}.${k}: ${v} is not a whole number from ${min} to ${max}`);
    }
    return v;
  };
  const authUrl = cloud.getOptionalString('authUrl');
  const keystoneUrl = str('keystoneUrl', authUrl ?? '');
  let keystoneHost = '';
  try {
    keystoneHost = new URL(keystoneUrl).hostname;
  } catch {
    // reported below when metadata.host is not set either
  }
  const metadataHost = str('metadata.host', keystoneHost);
  if (!metadataHost) {
    throw new InputError(`${where}.metadata.host: set the address the hosts reach Nova's metadata API at (nova-api-metadata, e.g. metadata.prod-eu.example.org)`);
  }
  const novnc = read('novncProxyBaseUrl', () => c?.getOptionalString('novncProxyBaseUrl'));
  if (novnc !== undefined && !/^https?:\/\/[^\s]+$/.test(novnc)) {
    throw new InputError(`${where}.novncProxyBaseUrl: "${novnc}" is not an http(s) URL; use e.g. https://novnc.prod-eu.example.org/vnc_auto.html`);
  }
  const storage = readStorage(c, where);
  return {
    bundle: {
      keystoneUrl,
      region: cloud.getOptionalString('region'),
      endpointInterface: oneOf('endpointInterface', ['internal', 'public', 'admin'] as const, 'internal'),
      messageQueue: {
        hosts,
        vhost: str('messageQueue.vhost', 'nova'),
        user: str('messageQueue.user', 'nova'),
        tls: read('messageQueue.tls', () => c?.getOptionalBoolean('messageQueue.tls')) ?? false,
      },
      users: {
        nova: str('users.nova', 'nova'),
        placement: str('users.placement', 'placement'),
        neutron: str('users.neutron', 'neutron'),
      },
      serviceProject: str('serviceProject', 'service'),
      serviceDomain: str('serviceDomain', 'default'),
      ovnRemote: ovnRemote!,
      ovnBridgeMappings: read('ovnBridgeMappings', () => c?.getOptionalString('ovnBridgeMappings')),
      libvirt: {
        virtType: oneOf('libvirt.virtType', ['kvm', 'qemu'] as const, 'kvm'),
        cpuMode: oneOf('libvirt.cpuMode', ['host-passthrough', 'host-model', 'custom', 'none'] as const, 'host-passthrough'),
      },
      cinder: read('cinder', () => c?.getOptionalBoolean('cinder')) ?? true,
      novncProxyBaseUrl: novnc,
      storage: storage.storage,
      metadata: {
        host: metadataHost,
        port: num('metadata.port', 8775, 1, 65535),
        protocol: oneOf('metadata.protocol', ['http', 'https'] as const, 'http'),
      },
    },
    cephClientKeySecret: storage.keySecret,
    cluster: cloud.getOptionalString('cluster'),
    namespace: cloud.getOptionalString('namespace'),
    secretPrefix: str('secretPrefix', key),
    cellSetupCronJob: str('cellSetupCronJob', 'nova-cell-setup'),
    ovnAgentBinary: str('ovnAgentBinary', 'ovn-controller'),
    discoveryAttempts: num('discoveryAttempts', 10, 1, 100),
    discoveryWaitSeconds: num('discoveryWaitSeconds', 30, 1, 3600),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `computeEnrollment.storage`: where guests' disks live (default local) and, on Ceph, the libvirt secret. */
function readStorage(c: Config | undefined, where: string): { storage: ComputeStorage; keySecret?: { name: string; key: string } } {
  const s = c?.getOptionalConfig('storage');
  const backend = s?.getOptionalString('backend') ?? 'local';
  if (backend === 'local') return { storage: { backend: 'local' } };
  if (backend !== 'ceph-rbd') throw new InputError(`${where}.storage.backend: "${backend}" is not one of local, ceph-rbd`);
  const secretUuid = s!.getOptionalString('secretUuid') ?? '';
  if (!UUID.test(secretUuid)) throw new InputError(`${where}.storage.secretUuid: "${secretUuid}" is not a lower-case UUID; use the libvirt secret UUID of the cloud's Ceph client (uuidgen)`);
  const monitors = s!.getOptionalStringArray('monitors') ?? [];
  if (!monitors.length || monitors.some(m => !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(m))) {
    throw new InputError(`${where}.storage.monitors: list the Ceph monitors as host or host:port, e.g. [10.0.0.21:6789]`);
  }
  const keySecret = s!.getOptionalString('clientKeySecret');
  return {
    storage: { backend: 'ceph-rbd', pool: s!.getOptionalString('pool') ?? 'vms', user: s!.getOptionalString('user') ?? 'cinder', secretUuid, monitors },
    keySecret: keySecret ? { name: keySecret, key: s!.getOptionalString('clientKeySecretKey') ?? 'key' } : undefined,
  };
}
