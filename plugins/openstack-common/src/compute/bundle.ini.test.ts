// The compute bundle read back with a real INI parser (npm `ini`), for each storage backend a
// cloud can have: what nova-compute, the OVN metadata agent and Ceph would read.
import { parse } from 'ini';
import {
  COMPUTE_BUNDLE_FILES,
  ComputeBundleSettings,
  ComputeStorage,
  renderComputeBundle,
} from './enroll';

const input = {
  host: 'cmp-az1-13',
  managementIp: '10.0.12.113',
  overlayIp: '10.1.12.113',
  availabilityZone: 'az1',
  cloudKey: 'prod-eu',
};
const base: ComputeBundleSettings = {
  keystoneUrl: 'https://keystone.prod-eu.example.org/v3',
  region: 'RegionOne',
  endpointInterface: 'internal',
  messageQueue: { hosts: ['mq1.example.org:5672'], vhost: 'nova', user: 'nova', tls: true },
  users: { nova: 'nova', placement: 'placement', neutron: 'neutron' },
  serviceProject: 'service',
  serviceDomain: 'default',
  ovnRemote: 'tcp:10.0.0.10:6642,tcp:10.0.0.11:6642',
  libvirt: { virtType: 'kvm', cpuMode: 'host-model' },
  novncProxyBaseUrl: 'https://novnc.prod-eu.example.org/vnc_auto.html',
  metadata: { host: 'nova-metadata.prod-eu.example.org', port: 8775, protocol: 'https' },
};
const credentials = {
  messageQueue: 'mq-1',
  nova: 'nova-2',
  placement: 'placement-3',
  neutron: 'neutron-4',
  metadataProxy: 'metadata-5',
};
const ceph: ComputeStorage = {
  backend: 'ceph-rbd',
  pool: 'vms',
  user: 'cinder',
  secretUuid: '457eb676-33da-42ec-9a8c-9293d545c337',
  monitors: ['10.0.0.21:6789', '10.0.0.22:6789'],
};

describe.each([
  ['local disks (lvm and nfs clouds)', { backend: 'local' } as ComputeStorage],
  ['no storage setting (local)', undefined],
  ['Ceph RBD', ceph],
])('the bundle of a host with %s, parsed as INI', (_, storage) => {
  const bundle = renderComputeBundle(input, { ...base, storage }, { ...credentials, cephClientKey: storage?.backend === 'ceph-rbd' ? 'QVFCa2V5PT0=' : undefined });
  const nova = parse(bundle[COMPUTE_BUNDLE_FILES.nova]);

  it('nova-compute: identity, message queue, Placement, Neutron, Cinder, the console', () => {
    expect(nova.DEFAULT).toMatchObject({ host: 'cmp-az1-13', my_ip: '10.0.12.113', compute_driver: 'libvirt.LibvirtDriver' });
    expect(nova.DEFAULT.transport_url).toBe('rabbit://nova:mq-1@mq1.example.org:5672/nova');
    expect(nova.oslo_messaging_rabbit).toEqual({ ssl: true });
    expect(nova.placement).toMatchObject({ username: 'placement', password: 'placement-3', valid_interfaces: 'internal', region_name: 'RegionOne' });
    expect(nova.neutron).toMatchObject({ username: 'neutron', password: 'neutron-4' });
    expect(nova.service_user).toMatchObject({ send_service_user_token: true, username: 'nova', password: 'nova-2' });
    expect(nova.cinder).toEqual({ catalog_info: 'volumev3::internalURL', os_region_name: 'RegionOne' });
    expect(nova.vnc).toEqual({
      enabled: true,
      server_listen: '10.0.12.113',
      server_proxyclient_address: '10.0.12.113',
      novncproxy_base_url: 'https://novnc.prod-eu.example.org/vnc_auto.html',
    });
    expect(nova.oslo_concurrency).toEqual({ lock_path: '/var/lib/nova/tmp' });
  });

  it('libvirt: the hypervisor and live migration', () => {
    expect(nova.libvirt).toMatchObject({ virt_type: 'kvm', cpu_mode: 'host-model', live_migration_inbound_addr: '10.0.12.113' });
  });

  it('the OVN metadata agent: nova metadata API, shared secret, OVN southbound DB', () => {
    const md = parse(bundle[COMPUTE_BUNDLE_FILES.ovnMetadata]);
    expect(md.DEFAULT).toMatchObject({
      nova_metadata_host: 'nova-metadata.prod-eu.example.org',
      nova_metadata_port: '8775',
      nova_metadata_protocol: 'https',
      metadata_proxy_shared_secret: 'metadata-5',
    });
    expect(md.ovn).toMatchObject({ ovn_sb_connection: 'tcp:10.0.0.10:6642,tcp:10.0.0.11:6642' });
    expect(md.ovs).toEqual({ ovsdb_connection: 'unix:/run/openvswitch/db.sock' });
  });

  it('libvirtd listens for live migration on the management address only', () => {
    expect(parse(bundle[COMPUTE_BUNDLE_FILES.libvirt])).toEqual({ listen_tls: '0', listen_tcp: '1', listen_addr: '10.0.12.113', auth_tcp: 'none' });
  });

  it('ovn-controller: every external id is key=value', () => {
    expect(parse(bundle[COMPUTE_BUNDLE_FILES.ovn])).toEqual({
      'system-id': 'cmp-az1-13',
      hostname: 'cmp-az1-13',
      'ovn-remote': 'tcp:10.0.0.10:6642,tcp:10.0.0.11:6642',
      'ovn-encap-type': 'geneve',
      'ovn-encap-ip': '10.1.12.113',
    });
  });
});

describe('the Ceph settings', () => {
  const withCeph = renderComputeBundle(input, { ...base, storage: ceph }, { ...credentials, cephClientKey: 'QVFCa2V5PT0=' });
  const local = renderComputeBundle(input, { ...base, storage: { backend: 'local' } }, credentials);

  it('Ceph storage: libvirt RBD settings, the Ceph secret UUID, ceph.conf, the secret and the key', () => {
    expect(parse(withCeph[COMPUTE_BUNDLE_FILES.nova]).libvirt).toMatchObject({
      images_type: 'rbd',
      images_rbd_pool: 'vms',
      images_rbd_ceph_conf: '/etc/ceph/ceph.conf',
      rbd_user: 'cinder',
      rbd_secret_uuid: '457eb676-33da-42ec-9a8c-9293d545c337',
    });
    expect(parse(withCeph[COMPUTE_BUNDLE_FILES.cephConf]).global).toMatchObject({ mon_host: '10.0.0.21:6789,10.0.0.22:6789', auth_client_required: 'cephx' });
    expect(withCeph[COMPUTE_BUNDLE_FILES.cephSecret]).toContain('<uuid>457eb676-33da-42ec-9a8c-9293d545c337</uuid>');
    expect(withCeph[COMPUTE_BUNDLE_FILES.cephSecret]).toContain('<name>client.cinder secret</name>');
    expect(withCeph[COMPUTE_BUNDLE_FILES.cephKey]).toBe('QVFCa2V5PT0=\n');
  });

  it('local storage: no RBD settings and no Ceph files', () => {
    const libvirt = parse(local[COMPUTE_BUNDLE_FILES.nova]).libvirt;
    for (const k of ['images_type', 'images_rbd_pool', 'rbd_user', 'rbd_secret_uuid']) expect(libvirt).not.toHaveProperty(k);
    expect(Object.keys(local)).not.toContain(COMPUTE_BUNDLE_FILES.cephConf);
    expect(Object.keys(local)).not.toContain(COMPUTE_BUNDLE_FILES.cephSecret);
  });
});

describe('the bundle of a cloud without Cinder or consoles', () => {
  it('has no [cinder] and consoles off', () => {
    const nova = parse(renderComputeBundle(input, { ...base, cinder: false, novncProxyBaseUrl: undefined }, credentials)[COMPUTE_BUNDLE_FILES.nova]);
    expect(nova).not.toHaveProperty('cinder');
    expect(nova.vnc).toEqual({ enabled: false, server_listen: '10.0.12.113', server_proxyclient_address: '10.0.12.113' });
  });

  it('refuses a Ceph secret UUID that is no UUID', () => {
    expect(() => renderComputeBundle(input, { ...base, storage: { ...ceph, secretUuid: 'x\n[DEFAULT]' } as ComputeStorage }, credentials)).toThrow(/is not a UUID/);
  });
});
