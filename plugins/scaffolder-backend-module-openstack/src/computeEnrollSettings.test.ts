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
      },
      cluster: undefined,
      namespace: 'openstack',
      secretPrefix: 'prod',
      cellSetupCronJob: 'nova-cell-setup',
      ovnAgentBinary: 'ovn-controller',
      discoveryAttempts: 10,
      discoveryWaitSeconds: 30,
    });
  });

  it.each([
    [undefined, /openstack\.clouds\.prod\.computeEnrollment is incomplete: set openstack\.clouds\.prod\.computeEnrollment\.messageQueue\.hosts .* and openstack\.clouds\.prod\.computeEnrollment\.ovnRemote/],
    [{ messageQueue: { hosts: ['mq.prod.example.org'] }, ovnRemote: 'tcp:10.0.0.10:6642' }, /messageQueue\.hosts: "mq\.prod\.example\.org" is not host:port/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: '10.0.0.10:6642' }, /ovnRemote: "10\.0\.0\.10:6642" is not an OVSDB remote; use tcp:<ip>:6642/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', libvirt: { virtType: 'xen' } }, /libvirt\.virtType: "xen" is not one of kvm, qemu/],
    [{ messageQueue: { hosts: ['mq:5672'] }, ovnRemote: 'tcp:1.2.3.4:6642', discoveryAttempts: 0 }, /discoveryAttempts: 0 is not a whole number from 1 to 100/],
  ])('refuses %j naming the key', (enrollment, message) => {
    expect(() => readComputeEnrollSettings(cloud(enrollment), 'prod')).toThrow(message);
  });
});
