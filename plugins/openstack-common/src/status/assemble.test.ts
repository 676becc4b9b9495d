import {
  assembleCloudView,
  capacityByZone,
  CloudEvidence,
  controlPlaneServiceOf,
  summarizeHosts,
} from './assemble';
import { ComputeHostStatus } from './types';

const api = (serviceType: string, ok = true) => ({
  serviceType,
  url: `http://${serviceType}.test/`,
  ok,
  latencyMs: 5,
});
const w = (
  service: any,
  name: string,
  ready: number,
  desired: number,
  release = '2025.1',
  kind: any = 'Deployment',
) => ({
  service,
  kind,
  name,
  component: 'api',
  ready,
  desired,
  restarts: 0,
  imageTag: `quay.io/airshipit/${service}:${release}-ubuntu_noble`,
  release,
});
const host = (
  name: string,
  over: Partial<ComputeHostStatus> = {},
): ComputeHostStatus => ({
  host: name,
  aggregates: [],
  state: 'up',
  status: 'enabled',
  runningVms: 0,
  zone: 'nova',
  vcpu: { used: 4, total: 16, reserved: 0, allocationRatio: 4, capacity: 64 },
  memoryMb: {
    used: 1024,
    total: 8192,
    reserved: 0,
    allocationRatio: 1,
    capacity: 8192,
  },
  ...over,
});

function evidence(over: Partial<CloudEvidence> = {}): CloudEvidence {
  return {
    cloudKey: 'prod',
    cluster: 'k8s',
    namespace: 'openstack',
    workloads: [
      w('keystone', 'keystone-api', 3, 3),
      w('nova', 'nova-api-osapi', 3, 3),
      w('nova', 'nova-db-sync', 0, 1, '2025.1', 'Job'),
      w('neutron', 'neutron-server', 2, 2),
      w('mariadb', 'mariadb-server', 3, 3, undefined as any, 'StatefulSet'),
      w('rabbitmq', 'rabbitmq-rabbitmq', 3, 3, undefined as any, 'StatefulSet'),
      w(
        'memcached',
        'memcached-memcached',
        1,
        1,
        undefined as any,
        'StatefulSet',
      ),
    ],
    apis: [
      api('identity'),
      api('compute'),
      {
        serviceType: 'image',
        ok: false,
        latencyMs: 0,
        error: 'not in the catalog',
      },
    ],
    computeServices: [
      { binary: 'nova-conductor', host: 'ctl', status: 'enabled', state: 'up' },
      { binary: 'nova-compute', host: 'c1', status: 'enabled', state: 'up' },
    ],
    volumeServices: [],
    agents: [
      {
        agentType: 'Open vSwitch agent',
        binary: 'neutron-openvswitch-agent',
        host: 'c1',
        alive: true,
        adminStateUp: true,
      },
    ],
    hosts: [
      host('c1'),
      host('c2', { state: 'down', status: 'disabled', zone: 'az2' }),
    ],
    errors: [],
    fetchedAt: '2026-11-25T10:00:00.000Z',
    ...over,
  };
}

describe('controlPlaneServiceOf', () => {
  it('maps openstack-helm application labels, openvswitch to ovn, nothing else', () => {
    expect(controlPlaneServiceOf('nova')).toBe('nova');
    expect(controlPlaneServiceOf('rabbitmq')).toBe('rabbitmq');
    expect(controlPlaneServiceOf('openvswitch')).toBe('ovn');
    expect(controlPlaneServiceOf('ingress')).toBeUndefined();
    expect(controlPlaneServiceOf(undefined)).toBeUndefined();
  });
});

describe('assembleCloudView', () => {
  it('lists the services found, with verdicts, releases and the cloud verdict', () => {
    const { status, hosts } = assembleCloudView(evidence());
    expect(status.services.map(s => [s.name, s.verdict])).toEqual([
      ['keystone', 'Healthy'],
      ['nova', 'Healthy'],
      ['neutron', 'Healthy'],
      ['mariadb', 'Healthy'],
      ['rabbitmq', 'Healthy'],
      ['memcached', 'Healthy'],
    ]);
    // glance is not in the catalog (no url) and has no workloads: not listed
    expect(status).toMatchObject({
      cloudKey: 'prod',
      demo: false,
      release: '2025.1',
      verdict: 'Healthy',
      cluster: 'k8s',
      namespace: 'openstack',
    });
    const nova = status.services.find(s => s.name === 'nova')!;
    // the Job is a workload of the service but no part of its release or verdict
    expect(nova.workloads.map(x => x.name)).toEqual([
      'nova-api-osapi',
      'nova-db-sync',
    ]);
    expect(nova.release).toBe('2025.1');
    // nova-compute rows live in the hosts route
    expect(nova.services!.map(s => s.binary)).toEqual(['nova-conductor']);
    expect(status.hostSummary).toEqual({
      total: 2,
      up: 1,
      down: 1,
      disabled: 1,
      lagging: 0,
    });
    expect(hosts.every(h => h.blocksUpgrade === false)).toBe(true);
  });

  it('a failed source leaves its service Unknown with the error, and the cloud partial', () => {
    const err = {
      source: 'nova os-services',
      service: 'nova' as const,
      message:
        'OpenStack cloud "prod": compute GET http://nova/os-services: HTTP 503',
      url: 'http://nova/os-services',
    };
    const { status } = assembleCloudView(
      evidence({ computeServices: undefined, errors: [err] }),
    );
    const nova = status.services.find(s => s.name === 'nova')!;
    expect(nova.verdict).toBe('Unknown');
    expect(nova.reasons).toContain(
      `nova os-services could not be read: ${err.message}`,
    );
    expect(status.services.find(s => s.name === 'keystone')!.verdict).toBe(
      'Healthy',
    );
    expect(status.verdict).toBe('Unknown');
    expect(status.reasons).toEqual([
      'nova is Unknown',
      '1 source(s) could not be read',
    ]);
    expect(status.errors).toEqual([err]);
  });

  it('Kubernetes unreadable: every service Unknown, APIs still judged', () => {
    const { status } = assembleCloudView(
      evidence({
        workloads: undefined,
        apis: [api('identity', false), api('compute')],
        errors: [{ source: 'kubernetes', message: 'HTTP 403' }],
      }),
    );
    const keystone = status.services.find(s => s.name === 'keystone')!;
    expect(keystone.verdict).toBe('Degraded');
    expect(keystone.reasons).toEqual([
      'Kubernetes workloads could not be read',
      'identity API does not answer',
    ]);
    expect(status.services.find(s => s.name === 'mariadb')!.verdict).toBe(
      'Unknown',
    );
    expect(status.release).toBeUndefined();
    expect(status.verdict).toBe('Degraded');
  });

  it('a critical service down takes the cloud down; hosts behind the next hop are flagged', () => {
    const { status, hosts } = assembleCloudView(
      evidence({
        workloads: [
          w('keystone', 'keystone-api', 3, 3, '2025.2'),
          w('mariadb', 'mariadb-server', 0, 3, undefined as any, 'StatefulSet'),
        ],
        hosts: [
          host('c1', { release: '2025.1' }),
          host('c2', { release: '2025.2' }),
        ],
      }),
    );
    expect(status.verdict).toBe('Down');
    expect(status.release).toBe('2025.2');
    expect(status.services.find(s => s.name === 'rabbitmq')!.reasons).toEqual([
      'no workloads with label application=rabbitmq',
    ]);
    // N → N+1 from 2025.2 allows computes of 2025.2 only, so c1 (2025.1) blocks it
    expect(hosts.find(h => h.host === 'c1')!.blocksUpgrade).toBe(true);
    expect(status.hostSummary.lagging).toBe(1);
  });

  it('a release stated by the deployment wins over the keystone image tags, also for lagging hosts', () => {
    // mid-upgrade: keystone already on 2025.2, the cloud still 2025.1 until every chart rolled
    const { status, hosts } = assembleCloudView(
      evidence({
        release: '2025.1',
        chartVersion: '2025.1.3',
        demo: true,
        workloads: [w('keystone', 'keystone-api', 3, 3, '2025.2')],
        hosts: [host('c1', { release: '2025.1' })],
      }),
    );
    expect(status).toMatchObject({ release: '2025.1', chartVersion: '2025.1.3', demo: true });
    expect(status.services.find(s => s.name === 'keystone')!.release).toBe('2025.2');
    // from 2025.1, a 2025.1 compute does not block the next hop
    expect(hosts[0].blocksUpgrade).toBe(false);
  });
});

describe('host figures', () => {
  it('summarizes and sums capacity per zone, sorted by zone', () => {
    const hosts = [
      host('a', { zone: 'az2' }),
      host('b', { zone: undefined }),
      host('c', { zone: 'az2', vcpu: undefined }),
    ];
    expect(summarizeHosts(hosts)).toEqual({
      total: 3,
      up: 3,
      down: 0,
      disabled: 0,
      lagging: 0,
    });
    expect(capacityByZone(hosts)).toEqual([
      {
        zone: 'az2',
        vcpuUsed: 4,
        vcpuCapacity: 64,
        memoryMbUsed: 2048,
        memoryMbCapacity: 16384,
      },
      {
        zone: 'nova',
        vcpuUsed: 4,
        vcpuCapacity: 64,
        memoryMbUsed: 1024,
        memoryMbCapacity: 8192,
      },
    ]);
  });
});
