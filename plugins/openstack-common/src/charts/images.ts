/**
 * The image tags openstack-helm 2026.1.0 pins per OpenStack release, as data. Source: each
 * chart's `values_overrides/<release>-ubuntu_noble.yaml` (key `images.tags`), copied key by key;
 * `src/render/conformance.test.ts` checks this table against those files.
 *
 * Two quirks of the upstream files are kept on purpose, because the table must equal what
 * openstack-helm's own CI deploys for a release:
 * - the 2025.1 files pin `rabbit_init` (and the rabbitmq chart pins `rabbitmq`/`scripted_test`)
 *   to RabbitMQ 3.13, while 2025.2 and 2026.1 fall back to the chart default (4.x);
 * - `keystone_bootstrap` (keystone) and `prometheus_rabbitmq_exporter_helm_tests` (rabbitmq) are
 *   keys the 2026.1.0 charts no longer read; Helm ignores them.
 */

/** Every chart the suite renders or plans, in openstack-helm's names. @public */
export type ChartName =
  | 'mariadb'
  | 'rabbitmq'
  | 'memcached'
  | 'keystone'
  | 'glance'
  | 'placement'
  | 'nova'
  | 'ovn'
  | 'neutron'
  | 'cinder'
  | 'horizon'
  | 'libvirt';

const osh = (image: string) => (release: string) =>
  `quay.io/airshipit/${image}:${release}-ubuntu_noble`;
const client = osh('openstack-client');
const CEPH_HELPER = 'quay.io/airshipit/ceph-config-helper:latest-ubuntu_jammy';
const RABBIT_INIT_313 = { rabbit_init: 'docker.io/rabbitmq:3.13-management' };

interface ChartImages {
  /** Keys whose tag is `<image>:<release>-ubuntu_noble`, by image name. */
  released: Record<string, (release: string) => string>;
  /** Keys the override files pin to a release-independent tag. */
  fixed?: Record<string, string>;
  /** Keys only one release's override file sets (or sets differently). */
  only?: Record<string, Record<string, string | ((release: string) => string)>>;
}

/** The client-image jobs of every API service's chart: bootstrap, its database and its Keystone records. */
const API_SERVICE_JOBS = ['bootstrap', 'db_init', 'db_drop', 'ks_user', 'ks_service', 'ks_endpoints'];

function keys(f: (release: string) => string, ...names: string[]) {
  return Object.fromEntries(names.map(n => [n, f]));
}

/**
 * An OpenStack service chart whose 2025.1 override pins `rabbit_init` to RabbitMQ 3.13: the jobs
 * that run the client image, the keys that run the service's own image, and fixed tags.
 */
function serviceChart(
  chart: ChartName,
  clientJobs: string[],
  ownImages: string[],
  fixed?: Record<string, string>,
): ChartImages {
  return {
    released: { ...keys(client, ...clientJobs), ...keys(osh(chart), ...ownImages) },
    ...(fixed && { fixed }),
    only: { '2025.1': RABBIT_INIT_313 },
  };
}

const IMAGES: Partial<Record<ChartName, ChartImages>> = {
  mariadb: {
    released: keys(client, 'prometheus_mysql_exporter_helm_tests', 'ks_user'),
  },
  rabbitmq: {
    released: keys(
      client,
      'prometheus_rabbitmq_exporter_helm_tests',
      'rabbitmq_init',
    ),
    only: {
      '2025.1': {
        rabbitmq: 'docker.io/rabbitmq:3.13',
        rabbitmq_test: client,
        scripted_test: 'docker.io/rabbitmq:3.13-management',
      },
    },
  },
  keystone: serviceChart(
    'keystone',
    ['bootstrap', 'db_init', 'db_drop', 'keystone_bootstrap', 'ks_user'],
    [
      'keystone_api',
      'keystone_credential_rotate',
      'keystone_credential_setup',
      'keystone_db_sync',
      'keystone_domain_manage',
      'keystone_fernet_rotate',
      'keystone_fernet_setup',
    ],
  ),
  glance: serviceChart(
    'glance',
    API_SERVICE_JOBS,
    ['glance_db_sync', 'glance_api', 'glance_metadefs_load'],
    { glance_storage_init: CEPH_HELPER },
  ),
  placement: {
    released: {
      ...keys(osh('placement'), 'placement', 'placement_db_sync'),
      ...keys(
        client,
        'ks_user',
        'ks_service',
        'ks_endpoints',
        'db_init',
        'db_drop',
      ),
    },
    fixed: { image_repo_sync: 'docker.io/docker:17.07.0' },
    only: {
      '2025.1': {
        dep_check:
          'quay.io/airshipit/kubernetes-entrypoint:latest-ubuntu_noble',
      },
      '2025.2': {
        dep_check:
          'quay.io/airshipit/kubernetes-entrypoint:latest-ubuntu_noble',
      },
      '2026.1': {
        dep_check:
          'quay.io/airshipit/kubernetes-entrypoint:latest-ubuntu_jammy',
      },
    },
  },
  nova: serviceChart(
    'nova',
    [...API_SERVICE_JOBS, 'nova_cell_setup_init'],
    [
      'nova_api',
      'nova_cell_setup',
      'nova_compute',
      'nova_compute_ssh',
      'nova_conductor',
      'nova_db_sync',
      'nova_novncproxy',
      'nova_novncproxy_assets',
      'nova_scheduler',
      'nova_spiceproxy',
      'nova_spiceproxy_assets',
    ],
    { nova_service_cleaner: CEPH_HELPER },
  ),
  neutron: serviceChart('neutron', API_SERVICE_JOBS, [
    'neutron_db_sync',
    'neutron_dhcp',
    'neutron_l3',
    'neutron_l2gw',
    'neutron_metadata',
    'neutron_ovn_metadata',
    'neutron_openvswitch_agent',
    'neutron_server',
    'neutron_rpc_server',
    'neutron_bagpipe_bgp',
    'neutron_netns_cleanup_cron',
  ]),
  cinder: serviceChart(
    'cinder',
    API_SERVICE_JOBS,
    [
      'cinder_db_sync',
      'cinder_api',
      'cinder_scheduler',
      'cinder_volume',
      'cinder_volume_usage_audit',
      'cinder_db_purge',
      'cinder_backup',
    ],
    { cinder_storage_init: CEPH_HELPER, cinder_backup_storage_init: CEPH_HELPER },
  ),
  horizon: {
    released: {
      ...keys(client, 'db_init', 'db_drop'),
      ...keys(osh('horizon'), 'horizon_db_sync', 'horizon'),
    },
  },
  libvirt: { released: { libvirt: osh('libvirt') } },
};

/**
 * The `images.tags` the pinned openstack-helm charts use for a chart on a release: exactly the
 * chart's own `values_overrides/<release>-ubuntu_noble.yaml`, keys sorted. Empty for charts that
 * ship no per-release overrides (memcached, ovn): their chart defaults apply to every release.
 *
 * @public
 */
export function releaseImageTags(
  chart: ChartName,
  release: string,
): Record<string, string> {
  const table = IMAGES[chart];
  if (!table) return {};
  const out: Record<string, string> = {};
  for (const [key, f] of Object.entries(table.released)) out[key] = f(release);
  Object.assign(out, table.fixed ?? {});
  for (const [key, v] of Object.entries(table.only?.[release] ?? {}))
    out[key] = typeof v === 'function' ? v(release) : v;
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Charts whose image tags the suite pins per release (they ship `values_overrides`). @public */
export function chartsWithReleaseImages(): ChartName[] {
  return Object.keys(IMAGES) as ChartName[];
}
