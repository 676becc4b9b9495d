import { z } from 'zod';
import { CHART_CREDENTIALS } from '../charts/credentials';
import { quoteValue, SAFE_NAME } from '../spec/fields';

/**
 * What `openstack:compute:enroll` is asked to do: a bare-metal host to join a cloud.
 *
 * @public
 */
export interface ComputeEnrollInput {
  /** Host name as nova-compute reports it (`[DEFAULT] host`), a DNS name of at most 63 characters. */
  host: string;
  /** Management network address: message queue, APIs, live migration. */
  managementIp: string;
  /** Overlay (Geneve) tunnel endpoint: OVN's `ovn-encap-ip`. */
  overlayIp: string;
  availabilityZone: string;
  /** Host aggregate to join; default: one named after the availability zone. */
  aggregate?: string;
  /** BMC (IPMI/Redfish) address, recorded in the bundle's host.yaml for the provisioning. */
  bmcAddress?: string;
}

/** A refused input field and how to fix it. @public */
export interface EnrollIssue {
  field: string;
  message: string;
}

/** A compute host's name: a lower-case DNS name (each label and the whole at most 63 characters, checked apart). @public */
export const HOST_NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/**
 * Availability zone and aggregate names: Nova refuses ':' in zone names (it separates
 * `zone:host` in boot requests) and stores 255 characters; the suite keeps to characters that
 * are also valid in Kubernetes label values and URLs.
 */
const ZONE_NAME = SAFE_NAME;

const isIp = (v: string) =>
  z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success;

/**
 * Every problem of an enrollment input, each naming its field and the fix; empty when the
 * input is valid. Pure: no cloud is asked.
 *
 * @public
 */
export function validateComputeEnrollInput(
  input: ComputeEnrollInput,
): EnrollIssue[] {
  const issues: EnrollIssue[] = [];
  const {
    host,
    managementIp,
    overlayIp,
    availabilityZone,
    aggregate,
    bmcAddress,
  } = input;
  if (
    typeof host !== 'string' ||
    !HOST_NAME.test(host) ||
    host.length > 63 ||
    host.split('.').some(l => l.length > 63)
  ) {
    issues.push({
      field: 'host',
      message: `${quoteValue(host)} is not a host name; use at most 63 lower-case letters, digits, "-" and "." (the name nova-compute reports, e.g. cmp-az1-13)`,
    });
  }
  for (const [field, value] of [
    ['managementIp', managementIp],
    ['overlayIp', overlayIp],
  ] as const) {
    if (typeof value !== 'string' || !isIp(value)) {
      issues.push({
        field,
        message: `${quoteValue(value)} is not an IP address; give the host's IPv4 or IPv6 address, e.g. 10.0.12.21`,
      });
    }
  }
  if (
    typeof availabilityZone !== 'string' ||
    !ZONE_NAME.test(availabilityZone)
  ) {
    issues.push({
      field: 'availabilityZone',
      message: `${quoteValue(availabilityZone)} is not a usable zone name; use 1-64 letters, digits, ".", "_" or "-" (no ":"), e.g. az1`,
    });
  }
  if (
    aggregate !== undefined &&
    (typeof aggregate !== 'string' || !ZONE_NAME.test(aggregate))
  ) {
    issues.push({
      field: 'aggregate',
      message: `${quoteValue(aggregate)} is not a usable aggregate name; use 1-64 letters, digits, ".", "_" or "-", e.g. az1-general, or leave it out to use the zone's name`,
    });
  }
  if (
    bmcAddress !== undefined &&
    (typeof bmcAddress !== 'string' ||
      (!isIp(bmcAddress) &&
        !(HOST_NAME.test(bmcAddress) && bmcAddress.length <= 253)))
  ) {
    issues.push({
      field: 'bmcAddress',
      message: `${quoteValue(bmcAddress)} is neither an IP address nor a host name; give the BMC's address, e.g. 10.0.30.13 or bmc-cmp-az1-13.example.org, or leave it out`,
    });
  }
  return issues;
}

/** The aggregate a host joins: the input's, or one named after the availability zone. @public */
export function enrollAggregateName(
  input: Pick<ComputeEnrollInput, 'aggregate' | 'availabilityZone'>,
): string {
  return input.aggregate ?? input.availabilityZone;
}

/** Label on a host's configuration bundle Secret: the host name. @public */
export const COMPUTE_HOST_LABEL = 'openstack.backstage.io/compute-host';

/**
 * The name of a host's configuration bundle Secret in the cloud's namespace:
 * `compute-bundle-<host>` (a Secret name may contain dots).
 *
 * @public
 */
export function computeBundleSecretName(host: string): string {
  return `compute-bundle-${host}`;
}

/** One credential the bundle needs and the Secret of the cloud it comes from. @public */
export interface ComputeCredentialSource {
  /** What it is used for in nova-compute.conf. */
  purpose: 'messageQueue' | 'nova' | 'placement' | 'neutron' | 'metadataProxy';
  /** Secret in the cloud's namespace, e.g. `prod-eu-nova-rabbitmq`. */
  secret: string;
  key: string;
}

/** Which of the nova chart's credentials each part of nova-compute.conf uses. */
const COMPUTE_SLOTS: Array<[ComputeCredentialSource['purpose'], string]> = [
  ['messageQueue', 'nova-rabbitmq'], // transport_url: the nova RabbitMQ user
  ['nova', 'nova-keystone'], // [service_user]: the nova Keystone user
  ['placement', 'placement-keystone'], // [placement]: openstack-helm's nova chart logs in as placement
  ['neutron', 'neutron-keystone'], // [neutron]: port binding as the neutron user
  ['metadataProxy', 'metadata-proxy'], // the OVN metadata agent's metadata_proxy_shared_secret, nova's too
];

/**
 * Where a compute host's credentials come from: the same Secrets the cloud's nova chart reads
 * (`CHART_CREDENTIALS.nova`), named `<prefix>-<secret>` in the cloud's namespace, as
 * `renderCloud().requiredSecrets` names them (`prefix` is the cloud's name). The rule:
 *
 * - message queue (`transport_url`): `<prefix>-nova-rabbitmq`, key `password`;
 * - `[service_user]`: `<prefix>-nova-keystone`; `[placement]`: `<prefix>-placement-keystone`;
 *   `[neutron]`: `<prefix>-neutron-keystone` (key `password` each);
 * - the OVN metadata agent's `metadata_proxy_shared_secret`: `<prefix>-metadata-proxy`, key
 *   `shared-secret` (the value nova's metadata API checks).
 *
 * @public
 */
export function computeCredentialSources(
  prefix: string,
): ComputeCredentialSource[] {
  const nova = CHART_CREDENTIALS.nova ?? [];
  return COMPUTE_SLOTS.map(([purpose, secret]) => {
    const slot = nova.find(s => s.secret === secret);
    if (!slot) {
      // a programming error: the chart catalog and this rule disagree
      throw new Error(`the nova chart has no credential ${secret}`);
    }
    return { purpose, secret: `${prefix}-${slot.secret}`, key: slot.key };
  });
}

/**
 * How a cloud's compute hosts reach its control plane (from outside Kubernetes) and how they
 * run guests. Configured per cloud; no credentials.
 *
 * @public
 */
export interface ComputeBundleSettings {
  /** Keystone URL the hosts use (`auth_url`). */
  keystoneUrl: string;
  region?: string;
  /** Endpoint interface the hosts use for Placement and Neutron, default `internal`. */
  endpointInterface: 'internal' | 'public' | 'admin';
  messageQueue: {
    /** `host:port` of each RabbitMQ node, reachable from the hosts. */
    hosts: string[];
    /** Virtual host, default `nova` (openstack-helm). */
    vhost: string;
    /** RabbitMQ user, default `nova`. */
    user: string;
    /** `rabbit://` with TLS (`[oslo_messaging_rabbit] ssl = true`). */
    tls: boolean;
  };
  /** Keystone user names (openstack-helm defaults: nova, placement, neutron) and their project. */
  users: { nova: string; placement: string; neutron: string };
  serviceProject: string;
  serviceDomain: string;
  /** OVN southbound DB the host's ovn-controller connects to, e.g. `tcp:10.0.0.10:6642`. */
  ovnRemote: string;
  /** `ovn-bridge-mappings`, e.g. `physnet1:br-ex`; optional. */
  ovnBridgeMappings?: string;
  libvirt: {
    virtType: 'kvm' | 'qemu';
    cpuMode: 'host-passthrough' | 'host-model' | 'custom' | 'none';
  };
  /** The cloud has Cinder: nova-compute's `[cinder]` (volume attachments); default true. */
  cinder?: boolean;
  /** The noVNC proxy URL consoles open, e.g. `https://novnc.prod-eu.example.org/vnc_auto.html`; without it consoles are off. */
  novncProxyBaseUrl?: string;
  /** Where guests' disks live; default local (`/var/lib/nova/instances`). */
  storage?: ComputeStorage;
  /** Nova's metadata API as the hosts' OVN metadata agent reaches it. */
  metadata: { host: string; port: number; protocol: 'http' | 'https' };
}

/**
 * Where a compute host's guest disks live: on the host (`local`: lvm and nfs clouds keep
 * ephemeral disks there too; their volumes come through Cinder), or in Ceph RBD, with libvirt's
 * secret of the Ceph client user (`secretUuid`, the same UUID on every host of the cloud).
 *
 * @public
 */
export type ComputeStorage =
  | { backend: 'local' }
  | {
      backend: 'ceph-rbd';
      /** Pool of the guests' ephemeral disks (`images_rbd_pool`), e.g. `vms`. */
      pool: string;
      /** Ceph client user (`rbd_user`), e.g. `cinder`. */
      user: string;
      /** libvirt secret UUID holding that user's key (`rbd_secret_uuid`). */
      secretUuid: string;
      /** Ceph monitors, `host` or `host:port`. */
      monitors: string[];
    };

/** The credential values of a bundle, by purpose (read from the cloud's Secrets). @public */
export type ComputeBundleCredentials = Record<
  ComputeCredentialSource['purpose'],
  string
> & {
  /** Ceph storage: the client user's key (base64), which the join script puts in libvirt's secret. */
  cephClientKey?: string;
};

function iniValue(where: string, v: string): string {
  if (/[\r\n]/.test(v)) throw new Error(`${where} contains a line break`);
  return v;
}

function ini(
  sections: Array<
    [string, Array<[string, string | number | boolean | undefined]>]
  >,
): string {
  return `${sections
    .map(
      ([name, entries]) =>
        `[${name}]\n${entries
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => `${k} = ${iniValue(`[${name}] ${k}`, String(v))}`)
          .join('\n')}\n`,
    )
    .join('\n')}`;
}

/** Bundle file names (keys of the bundle Secret and of `renderComputeBundle`'s result). @public */
export const COMPUTE_BUNDLE_FILES = {
  /** nova-compute's configuration: `/etc/nova/nova-compute.conf` on the host. */
  nova: 'nova-compute.conf',
  /** libvirtd's configuration (live migration listener): `/etc/libvirt/libvirtd.conf`. */
  libvirt: 'libvirtd.conf',
  /** Open vSwitch `external-ids` that configure ovn-controller, one `key=value` a line. */
  ovn: 'ovn-external-ids.conf',
  /** The OVN metadata agent: `/etc/neutron/neutron_ovn_metadata_agent.ini`. */
  ovnMetadata: 'neutron_ovn_metadata_agent.ini',
  /** Ceph storage: `/etc/ceph/ceph.conf` (monitors). */
  cephConf: 'ceph.conf',
  /** Ceph storage: libvirt's secret definition of the Ceph client user (its UUID, no key). */
  cephSecret: 'libvirt-ceph-secret.xml',
  /** Ceph storage: the Ceph client user's key, for libvirt's secret. */
  cephKey: 'ceph-client-key',
  /** What was asked (no credentials). */
  host: 'host.yaml',
} as const;

function keystoneAuth(
  settings: ComputeBundleSettings,
  username: string,
  password: string,
): Array<[string, string | undefined]> {
  return [
    ['auth_type', 'password'],
    ['auth_url', settings.keystoneUrl],
    ['username', username],
    ['password', password],
    ['project_name', settings.serviceProject],
    ['user_domain_name', settings.serviceDomain],
    ['project_domain_name', settings.serviceDomain],
    ['region_name', settings.region],
  ];
}

/** `[libvirt]`: the hypervisor, live migration, and the RBD settings when guests' disks are in Ceph. */
function libvirtSection(
  input: ComputeEnrollInput,
  settings: ComputeBundleSettings,
): Array<[string, string | undefined]> {
  const storage = settings.storage ?? { backend: 'local' };
  return [
    ['virt_type', settings.libvirt.virtType],
    ['cpu_mode', settings.libvirt.cpuMode],
    ['live_migration_inbound_addr', input.managementIp],
    ['live_migration_scheme', 'tcp'],
    ...(storage.backend === 'ceph-rbd'
      ? ([
          ['images_type', 'rbd'],
          ['images_rbd_pool', storage.pool],
          ['images_rbd_ceph_conf', '/etc/ceph/ceph.conf'],
          ['rbd_user', storage.user],
          ['rbd_secret_uuid', storage.secretUuid],
          ['disk_cachemodes', 'network=writeback'],
        ] as Array<[string, string]>)
      : []),
  ];
}

function novaConf(
  input: ComputeEnrollInput,
  settings: ComputeBundleSettings,
  credentials: ComputeBundleCredentials,
): string {
  const mq = settings.messageQueue;
  const user = encodeURIComponent(mq.user);
  const pass = encodeURIComponent(credentials.messageQueue);
  const transportUrl = `rabbit://${mq.hosts
    .map(h => `${user}:${pass}@${h}`)
    .join(',')}/${encodeURIComponent(mq.vhost)}`;
  const vnc = settings.novncProxyBaseUrl;
  return ini([
    [
      'DEFAULT',
      [
        ['host', input.host],
        ['my_ip', input.managementIp],
        ['transport_url', transportUrl],
        ['compute_driver', 'libvirt.LibvirtDriver'],
        ['state_path', '/var/lib/nova'],
      ],
    ],
    ['oslo_messaging_rabbit', [['ssl', mq.tls]]],
    ['oslo_concurrency', [['lock_path', '/var/lib/nova/tmp']]],
    ['libvirt', libvirtSection(input, settings)],
    [
      'vnc',
      [
        ['enabled', !!vnc],
        ['server_listen', input.managementIp],
        ['server_proxyclient_address', input.managementIp],
        ['novncproxy_base_url', vnc],
      ],
    ],
    [
      'placement',
      [
        ...keystoneAuth(settings, settings.users.placement, credentials.placement),
        ['valid_interfaces', settings.endpointInterface],
      ],
    ],
    [
      'neutron',
      [
        ...keystoneAuth(settings, settings.users.neutron, credentials.neutron),
        ['valid_interfaces', settings.endpointInterface],
      ],
    ],
    ...(settings.cinder === false
      ? []
      : ([
          [
            'cinder',
            [
              // <service type>:<service name>:<endpoint interface> of the catalog
              ['catalog_info', `volumev3::${settings.endpointInterface}URL`],
              ['os_region_name', settings.region],
            ],
          ],
        ] as Array<[string, Array<[string, string | undefined]>]>)),
    [
      'service_user',
      [
        ['send_service_user_token', true],
        ...keystoneAuth(settings, settings.users.nova, credentials.nova),
      ],
    ],
    ['os_vif_ovs', [['ovsdb_connection', 'unix:/run/openvswitch/db.sock']]],
  ]);
}

function ovnMetadataConf(
  settings: ComputeBundleSettings,
  credentials: ComputeBundleCredentials,
): string {
  const m = settings.metadata;
  return ini([
    [
      'DEFAULT',
      [
        ['nova_metadata_host', m.host],
        ['nova_metadata_port', m.port],
        ['nova_metadata_protocol', m.protocol],
        ['metadata_proxy_shared_secret', credentials.metadataProxy],
        ['state_path', '/var/lib/neutron'],
      ],
    ],
    ['agent', [['root_helper', 'sudo neutron-rootwrap /etc/neutron/rootwrap.conf']]],
    ['ovs', [['ovsdb_connection', 'unix:/run/openvswitch/db.sock']]],
    [
      'ovn',
      [
        ['ovn_sb_connection', settings.ovnRemote],
        ['ovsdb_connection_timeout', 180],
      ],
    ],
  ]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Ceph files of a host whose guests' disks are in Ceph; none otherwise. */
function cephFiles(
  settings: ComputeBundleSettings,
  credentials: ComputeBundleCredentials,
): Record<string, string> {
  const storage = settings.storage;
  if (storage?.backend !== 'ceph-rbd') return {};
  const conf = ini([
    [
      'global',
      [
        ['mon_host', storage.monitors.join(',')],
        ['auth_cluster_required', 'cephx'],
        ['auth_service_required', 'cephx'],
        ['auth_client_required', 'cephx'],
      ],
    ],
  ]);
  const secret = [
    "<secret ephemeral='no' private='no'>",
    `  <uuid>${storage.secretUuid}</uuid>`,
    "  <usage type='ceph'>",
    `    <name>client.${storage.user} secret</name>`,
    '  </usage>',
    '</secret>',
  ].join('\n');
  return {
    [COMPUTE_BUNDLE_FILES.cephConf]: conf,
    [COMPUTE_BUNDLE_FILES.cephSecret]: `${secret}\n`,
    ...(credentials.cephClientKey
      ? { [COMPUTE_BUNDLE_FILES.cephKey]: `${credentials.cephClientKey}\n` }
      : {}),
  };
}

/**
 * The configuration bundle of a compute host, file name (`COMPUTE_BUNDLE_FILES`) → content:
 * nova-compute's configuration (message queue, Keystone/Placement/Neutron/Cinder, libvirt with
 * RBD on Ceph clouds, VNC console), libvirtd's (the live-migration listener), the Open vSwitch
 * `external-ids` that configure ovn-controller (remote, encapsulation, system id), the OVN
 * metadata agent's configuration, on Ceph clouds `ceph.conf` and libvirt's secret of the Ceph
 * client, and `host.yaml` (what was asked, no credentials). The join script writes them on the
 * host. It holds credentials: it never goes to a log, an output or the workspace.
 *
 * @public
 */
export function renderComputeBundle(
  input: ComputeEnrollInput & { cloudKey: string },
  settings: ComputeBundleSettings,
  credentials: ComputeBundleCredentials,
): Record<string, string> {
  const given: Array<[string, string | undefined]> = [
    ...COMPUTE_SLOTS.map(([purpose]): [string, string | undefined] => [purpose, credentials[purpose]]),
    ...(credentials.cephClientKey !== undefined ? [['cephClientKey', credentials.cephClientKey] as [string, string]] : []),
  ];
  for (const [purpose, value] of given) {
    // reported by purpose only: never the value
    if (!value || /[\r\n]/.test(value)) {
      throw new Error(
        `the ${purpose} credential is empty or contains a line break`,
      );
    }
  }
  const storage = settings.storage;
  if (storage?.backend === 'ceph-rbd' && !UUID.test(storage.secretUuid)) {
    throw new Error(`storage.secretUuid ${quoteValue(storage.secretUuid)} is not a UUID`);
  }
  const libvirtd = [
    '# the live-migration listener on the management network (as openstack-helm\'s libvirt chart)',
    'listen_tls = 0',
    'listen_tcp = 1',
    `listen_addr = "${input.managementIp}"`,
    'auth_tcp = "none"',
  ].join('\n');
  const ovn = [
    `system-id=${input.host}`,
    `hostname=${input.host}`,
    `ovn-remote=${settings.ovnRemote}`,
    'ovn-encap-type=geneve',
    `ovn-encap-ip=${input.overlayIp}`,
    ...(settings.ovnBridgeMappings
      ? [`ovn-bridge-mappings=${settings.ovnBridgeMappings}`]
      : []),
  ]
    .map(l => iniValue('ovn-external-ids', l))
    .join('\n');
  const host = [
    `cloudKey: ${JSON.stringify(input.cloudKey)}`,
    `host: ${JSON.stringify(input.host)}`,
    `managementIp: ${JSON.stringify(input.managementIp)}`,
    `overlayIp: ${JSON.stringify(input.overlayIp)}`,
    `availabilityZone: ${JSON.stringify(input.availabilityZone)}`,
    `aggregate: ${JSON.stringify(enrollAggregateName(input))}`,
    ...(input.bmcAddress
      ? [`bmcAddress: ${JSON.stringify(input.bmcAddress)}`]
      : []),
  ].join('\n');
  return {
    [COMPUTE_BUNDLE_FILES.nova]: novaConf(input, settings, credentials),
    [COMPUTE_BUNDLE_FILES.libvirt]: `${libvirtd}\n`,
    [COMPUTE_BUNDLE_FILES.ovn]: `${ovn}\n`,
    [COMPUTE_BUNDLE_FILES.ovnMetadata]: ovnMetadataConf(settings, credentials),
    ...cephFiles(settings, credentials),
    [COMPUTE_BUNDLE_FILES.host]: `${host}\n`,
  };
}
