import { chartInfo } from '../charts/charts';
import { ChartName, releaseImageTags } from '../charts/images';
import { CloudSpec, storageClassOf } from '../spec/cloudSpec';

/** Helm values: plain JSON data. @public */
export type HelmValues = { [key: string]: unknown };

function nodeSelector(spec: CloudSpec, groups: string[]): HelmValues {
  return Object.fromEntries(
    groups.map(g => [
      g,
      {
        node_selector_key: spec.nodeSelector.key,
        node_selector_value: spec.nodeSelector.value,
      },
    ]),
  );
}

function publicEndpoints(spec: CloudSpec, chart: ChartName): HelmValues {
  const tls = !!spec.tlsIssuer;
  const endpoints: HelmValues = {};
  for (const e of chartInfo(chart).publicEndpoints) {
    endpoints[e.endpoint] = {
      host_fqdn_override: {
        public: { host: `${e.host}.${spec.publicDomain}` },
      },
      ...(tls ? { scheme: { public: 'https' } } : {}),
    };
  }
  return endpoints;
}

function cinderBackends(spec: CloudSpec): HelmValues {
  const s = spec.storage;
  if (!s) return {};
  let backends: Record<string, HelmValues>;
  const extra: HelmValues = {};
  if (s.backend === 'ceph-rbd') {
    backends = {
      rbd1: {
        volume_driver: 'cinder.volume.drivers.rbd.RBDDriver',
        volume_backend_name: 'rbd1',
        rbd_pool: s.pool,
        rbd_user: s.user,
        rbd_ceph_conf: '/etc/ceph/ceph.conf',
      },
    };
    // The Ceph client key is read from the named Secret by the chart; only the name is rendered.
    // The pools and the client exist in the platform's Ceph: no storage-init Job (it needs the
    // Ceph admin key and writes the volume keyring Secret at run time), the volume keyring is
    // the spec's Secret.
    extra.ceph_client = {
      user_secret_name: s.secretName,
      configmap: s.configMapName,
    };
    extra.secrets = { rbd: { volume: s.secretName } };
    extra.conf = { ceph: { monitors: [...s.monitors] } };
  } else if (s.backend === 'lvm') {
    backends = {
      rbd1: null as unknown as HelmValues, // Helm deletes a key set to null: drop the chart's default Ceph backend
      lvm1: {
        volume_driver: 'cinder.volume.drivers.lvm.LVMVolumeDriver',
        volume_backend_name: 'lvm1',
        volume_group: s.volumeGroup,
        target_helper: 'tgtadm',
      },
    };
  } else {
    backends = { rbd1: null as unknown as HelmValues };
    s.shares.forEach((share, i) => {
      const colon = share.indexOf(':');
      // One backend per share: the NFS driver takes nas_host/nas_share_path instead of a shares file.
      backends[`nfs${i + 1}`] = {
        volume_driver: 'cinder.volume.drivers.nfs.NfsDriver',
        volume_backend_name: `nfs${i + 1}`,
        nas_host: share.slice(0, colon),
        nas_share_path: share.slice(colon + 1),
      };
    });
  }
  const enabled = Object.keys(backends).filter(b => backends[b] !== null);
  const conf = (extra.conf as HelmValues) ?? {};
  return {
    ...extra,
    conf: {
      ...conf,
      backends,
      cinder: {
        DEFAULT: {
          enabled_backends: enabled.join(','),
          default_volume_type: enabled[0],
          os_region_name: spec.region,
        },
      },
    },
    // Backups go to Swift by default, which these clouds do not run.
    manifests: {
      deployment_backup: false,
      job_backup_storage_init: false,
      job_storage_init: false,
    },
  };
}

/**
 * Where glance stores images: Ceph RBD (the spec's pool and client, `imagePool`) when the cloud's
 * storage is Ceph, else a PersistentVolumeClaim of the glance StorageClass (ReadWriteMany when
 * more than one API replica mounts it). Never the chart default `swift`: no object store is
 * deployed.
 */
function glanceStore(spec: CloudSpec): HelmValues {
  const s = spec.storage;
  if (s?.backend === 'ceph-rbd')
    return {
      storage: 'rbd',
      ceph_client: {
        configmap: s.configMapName,
        user_secret_name: s.secretName,
      },
      secrets: { rbd: s.secretName },
      conf: {
        ceph: { monitors: [...s.monitors] },
        glance: {
          rbd: { rbd_store_pool: s.imagePool, rbd_store_user: s.user },
        },
      },
      // the pool and the client exist in the platform's Ceph (the Job needs the admin key)
      manifests: { job_storage_init: false },
    };
  const claim = {
    class_name: storageClassOf(spec, 'glance'),
    accessModes: [spec.apiReplicas > 1 ? 'ReadWriteMany' : 'ReadWriteOnce'],
  };
  // images and the staging area (pvc_tmp)
  return {
    storage: 'pvc',
    volume: claim,
    volume_staging: claim,
    manifests: { job_storage_init: false },
  };
}

function physnets(spec: CloudSpec): string[] {
  return [...new Set(spec.networking.bridgeMappings.map(m => m.split(':')[0]))];
}

/** Per-chart values beyond images, endpoints, replicas and node selectors. */
function chartSpecific(spec: CloudSpec, chart: ChartName): HelmValues {
  const infra = spec.infrastructure;
  switch (chart) {
    case 'mariadb':
      return {
        pod: { replicas: { server: infra.mariadbReplicas } },
        volume: {
          class_name: storageClassOf(spec, 'mariadb'),
          backup: { class_name: storageClassOf(spec, 'mariadb') },
        },
      };
    case 'rabbitmq':
      return {
        pod: { replicas: { server: infra.rabbitmqReplicas } },
        volume: { class_name: storageClassOf(spec, 'rabbitmq') },
      };
    case 'glance':
      return glanceStore(spec);
    case 'memcached':
      return { pod: { replicas: { server: infra.memcachedReplicas } } };
    case 'ovn':
      return {
        pod: {
          replicas: {
            ovn_ovsdb_nb: infra.ovnDbReplicas,
            ovn_ovsdb_sb: infra.ovnDbReplicas,
            ovn_northd: infra.ovnDbReplicas,
          },
        },
        volume: {
          ovn_ovsdb_nb: { class_name: storageClassOf(spec, 'ovn') },
          ovn_ovsdb_sb: { class_name: storageClassOf(spec, 'ovn') },
        },
        // ovn-controller runs on the bare-metal hosts, outside the cluster.
        manifests: { daemonset_ovn_controller: false },
      };
    case 'nova':
      // nova-compute runs on the bare-metal hosts, outside the cluster: no compute DaemonSet, no
      // Ceph pool setup for its ephemeral disks, and nova-cell-setup must not wait for compute
      // pods that never run in the cluster (the suite's compute enrolment discovers the hosts).
      return {
        manifests: { daemonset_compute: false, job_storage_init: false },
        dependencies: { static: { cell_setup: { pod: [] } } },
      };
    case 'neutron':
      return {
        network: { backend: ['ovn'] },
        conf: {
          neutron: { DEFAULT: { service_plugins: 'ovn-router' } },
          plugins: {
            ml2_conf: {
              ml2: {
                mechanism_drivers: 'ovn',
                type_drivers: 'flat,geneve',
                tenant_network_types: 'geneve',
              },
              ml2_type_flat: { flat_networks: physnets(spec).join(',') || '*' },
            },
          },
        },
        // OVN replaces the DHCP, L3, metadata and Open vSwitch agents; the OVN metadata agent
        // runs on the hosts, outside the cluster.
        manifests: {
          daemonset_dhcp_agent: false,
          daemonset_l3_agent: false,
          daemonset_metadata_agent: false,
          daemonset_ovs_agent: false,
          daemonset_netns_cleanup_cron: false,
          daemonset_ovn_metadata_agent: false,
        },
      };
    case 'cinder':
      return cinderBackends(spec);
    default:
      return {};
  }
}

function merge(a: HelmValues, b: HelmValues): HelmValues {
  const out: HelmValues = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      cur &&
      v &&
      typeof cur === 'object' &&
      typeof v === 'object' &&
      !Array.isArray(cur) &&
      !Array.isArray(v)
        ? merge(cur as HelmValues, v as HelmValues)
        : v;
  }
  return out;
}

/**
 * The Helm values of one chart for a cloud spec: the release's image tags
 * (`images.tags.*`), public endpoints (`endpoints.<endpoint>.host_fqdn_override.public.host`),
 * replicas (`pod.replicas.*`), node selectors (`labels.<group>.node_selector_key/value`), region,
 * and the storage and network settings. Never credentials: those come from Secrets (see
 * `CHART_CREDENTIALS`).
 *
 * @public
 */
export function chartValues(spec: CloudSpec, chart: ChartName): HelmValues {
  const info = chartInfo(chart);
  let values: HelmValues = {};
  const tags = releaseImageTags(chart, spec.release);
  if (Object.keys(tags).length) values.images = { tags };
  if (info.labelGroups.length)
    values.labels = nodeSelector(spec, info.labelGroups);
  if (info.apiReplicaKeys.length) {
    values.pod = {
      replicas: Object.fromEntries(
        info.apiReplicaKeys.map(k => [k, spec.apiReplicas]),
      ),
    };
  }
  if (info.role === 'openstack') {
    values.endpoints = merge(publicEndpoints(spec, chart), {
      identity: { auth: { admin: { region_name: spec.region } } },
    });
  }
  values = merge(values, chartSpecific(spec, chart));
  return values;
}

/** Every leaf path of a values object (`a.b.c`), sorted; arrays and nulls are leaves. @public */
export function valuePaths(values: HelmValues, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v))
      out.push(...valuePaths(v as HelmValues, p));
    else out.push(p);
  }
  return out.sort();
}
