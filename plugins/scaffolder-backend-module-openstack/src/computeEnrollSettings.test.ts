import { mockServices } from '@backstage/backend-test-utils';
import { readComputeEnrollSettings } from './computeEnrollSettings';

const cloud = (computeEnrollment?: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  mockServices.rootConfig({
    data: {
      openstack: {
        clouds: { prod: { authUrl: 'https://keystone.prod.example.org/v3', region: 'RegionOne', ...extra, ...(computeEnrollment ? { computeEnrollment } : {}) } },
      },
    } as any,
  });

describe('readComputeEnrollSettings', () => {
  it('is undefined for a cloud this backend does not configure (the demo)', () => {
    expect(readComputeEnrollSettings(cloud({}), 'demo')).toBeUndefined();
  });

  it('applies the openstack-helm defaults', () => {
    const s = readComputeEnrollSettings(cloud({ messageQueue: { hosts: ['mq.prod.example.org:5672'] }, ovnRemote: 'tcp:10.0.0.10:6642' }, { namespace: 'openstack' }), 'prod')!;
    expect(s).toEqual({
      bundle: {
        keystoneUrl: 'https://keystone.prod.example.org/v3',
        region: 'RegionOne',
        endpointInterface: 'internal',
        messageQueue: { hosts: ['mq.prod.example.org:5672'], vhost: 'nova', user: 'nova', tls: false },
        users: { nova: 'nova', placement: 'placement', neutron: 'neutron' },
        serviceProject: 'service',
        serviceDomain: 'default',
        ovnRemote: 'tcp:10.0.0.10:6642',
        ovnBridgeMappings: undefined,
        libvirt: { virtType: 'kvm', cpuMode: 'host-passthrough' },
        cinder: true,
        novncProxyBaseUrl: undefined,
        storage: { backend: 'local' },
        // nova's metadata API on the Keystone host unless set
        metadata: { host: 'keystone.prod.example.org', port: 8775, protocol: 'http' },
      },
      cephClientKeySecret: undefined,
      cluster: undefined,
      namespace: 'openstack',
      secretPrefix: 'prod',
      cellSetupCronJob: 'nova-cell-setup',
      ovnAgentBinary: 'ovn-controller',
      discoveryAttempts: 10,
      discoveryWaitSeconds: 30,
    });
  });

  it('reads Ceph storage, the console URL and the metadata API', () => {
    const s = readComputeEnrollSettings(
      cloud({
        messageQueue: { hosts: ['mq:5672'] },
        ovnRemote: 'tcp:10.0.0.10:6642',
        novncProxyBaseUrl: 'https://novnc.prod.example.org/vnc_auto.html',
        metadata: { host: 'metadata.prod.example.org', port: 443, protocol: 'https' },
        cinder: false,
        storage: { backend: 'ceph-rbd', secretUuid: '457eb676-33da-42ec-9a8c-9293d545c337', monitors: ['10.0.0.21:6789'], clientKeySecret: 'ceph-client-key' },
      }),
      'prod',
    )!;
    expect(s.bundle).toMatchObject({
      cinder: false,
      novncProxyBaseUrl: 'https://novnc.prod.example.org/vnc_auto.html',
      metadata: { host: 'metadata.prod.example.org', port: 443, protocol: 'https' },
      storage: { backend: 'ceph-rbd', pool: 'vms', user: 'cinder', secretUuid: '457eb676-33da-42ec-9a8c-9293d545c337', monitors: ['10.0.0.21:6789'] },
    });
    expect(s.cephClientKeySecret).toEqual({ name: 'ceph-client-key', key: 'key' });
  });

  it.each([
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', storage: { backend: 'ceph-rbd', secretUuid: 'nope', monitors: ['m'] } }, /storage\.secretUuid: "nope" is not a lower-case UUID/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', storage: { backend: 'nfs' } }, /storage\.backend: "nfs" is not one of local, ceph-rbd/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', novncProxyBaseUrl: 'ftp://x' }, /novncProxyBaseUrl: "ftp:\/\/x" is not an http\(s\) URL/],
    [undefined, /openstack\.clouds\.prod\.computeEnrollment is incomplete: set openstack\.clouds\.prod\.computeEnrollment\.messageQueue\.hosts .* and openstack\.clouds\.prod\.computeEnrollment\.ovnRemote/],
    [{ messageQueue: { hosts: ['mq.prod.example.org'] }, ovnRemote: 'tcp:10.0.0.10:6642' }, /messageQueue\.hosts: "mq\.prod\.example\.org" is not host:port/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: '10.0.0.10:6642' }, /ovnRemote: "10\.0\.0\.10:6642" is not an OVSDB remote; use tcp:<ip>:6642/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', libvirt: { virtType: 'xen' } }, /libvirt\.virtType: "xen" is not one of kvm, qemu/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', discoveryAttempts: 0 }, /discoveryAttempts: 0 is not a whole number from 1 to 100/],
  ])('refuses %j naming the key', (enrollment, message) => {
    expect(() => readComputeEnrollSettings(cloud(enrollment), 'prod')).toThrow(message);
  });
});
