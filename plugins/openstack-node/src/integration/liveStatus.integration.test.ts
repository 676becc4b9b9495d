/*
 * The live status source (readLiveCloudView) against the real peers, with the suite's
 * production identities: the minimal-RBAC ServiceAccount token for Kubernetes and the portal's
 * application credential for OpenStack. The admin kubeconfig only creates and deletes the test's
 * namespace and workloads (the suite's role may not write workloads).
 */
import * as k8s from '@kubernetes/client-node';
import { OpenStackClient } from '../openstack/client';
import { LiveCloudView, readLiveCloudView } from '../status/liveCloudView';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  openStackSession,
  OpenStackSession,
  peerOpenStackCloud,
  suiteClusterClient,
  uniqueName,
} from './peers';

const COMPUTES = ['compute1', 'compute2'];
const PLACEMENT = { 'OpenStack-API-Version': 'placement 1.14' };
const COMPUTE = { 'OpenStack-API-Version': 'compute 2.53' };

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminApps = lazy(() => admin().makeApiClient(k8s.AppsV1Api));

/** The cloud as app-config would configure it, through the same config reader. */
const openstack = lazy(() => new OpenStackClient(peerOpenStackCloud()));
const cluster = lazy(suiteClusterClient);

/** An openstack-helm-labelled workload on kwok nodes. */
function workload(
  kind: 'Deployment' | 'StatefulSet',
  application: string,
  component: string,
  image: string,
  replicas: number,
) {
  const name = `${application}-${component}`;
  const labels = { application, component, release_group: application };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: component, image }] },
      },
    },
  };
}

describePeers('live status source against the real peers', () => {
  const namespace = uniqueName('bso-status');
  let os: OpenStackSession;
  const read = (): Promise<LiveCloudView> =>
    readLiveCloudView({
      cloudKey: 'peers',
      openstack: openstack(),
      kubernetes: { cluster: cluster(), namespace },
    });

  beforeAll(async () => {
    os = await openStackSession();
    await adminCore().createNamespace({
      body: { metadata: { name: namespace } },
    });
    const deployments = [
      workload(
        'Deployment',
        'keystone',
        'api',
        'quay.io/airshipit/keystone:2025.1-ubuntu_noble',
        2,
      ),
      workload(
        'Deployment',
        'nova',
        'conductor',
        'quay.io/airshipit/nova:2025.2-ubuntu_noble',
        1,
      ),
    ];
    const statefulSets = [
      workload(
        'StatefulSet',
        'mariadb',
        'server',
        'quay.io/airshipit/mariadb:latest-ubuntu_noble',
        1,
      ),
      workload(
        'StatefulSet',
        'rabbitmq',
        'server',
        'docker.io/library/rabbitmq:3.13',
        1,
      ),
    ];
    await Promise.all([
      ...deployments.map(body =>
        adminApps().createNamespacedDeployment({ namespace, body }),
      ),
      ...statefulSets.map(body =>
        adminApps().createNamespacedStatefulSet({ namespace, body }),
      ),
    ]);
  });
  afterAll(async () => {
    await adminCore()
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await openstack().close();
  });

  it('sees the workloads it created become Ready through kwok, per service with the release their image implies', async () => {
    const view = await eventually(
      'every test workload Ready in the live view',
      async () => {
        const v = await read();
        const ws = v.status.services.flatMap(s => s.workloads);
        return ws.length === 4 && ws.every(w => w.ready === w.desired)
          ? v
          : undefined;
      },
      120_000,
    );
    const svc = (name: string) =>
      view.status.services.find(s => s.name === name)!;
    expect(view.status.errors).toEqual([]);
    expect(svc('keystone').workloads).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'keystone-api',
        component: 'api',
        ready: 2,
        desired: 2,
        restarts: 0,
        imageTag: 'quay.io/airshipit/keystone:2025.1-ubuntu_noble',
        release: '2025.1',
        lastChange: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
    expect(svc('nova')).toMatchObject({
      release: '2025.2',
      workloads: [
        expect.objectContaining({ name: 'nova-conductor', ready: 1 }),
      ],
    });
    expect(svc('mariadb').workloads).toEqual([
      expect.objectContaining({
        kind: 'StatefulSet',
        name: 'mariadb-server',
        ready: 1,
        desired: 1,
      }),
    ]);
    expect(svc('rabbitmq').workloads).toEqual([
      expect.objectContaining({ kind: 'StatefulSet', release: undefined }),
    ]);
    // the cloud's release is keystone's
    expect(view.status).toMatchObject({
      cloudKey: 'peers',
      demo: false,
      release: '2025.1',
      cluster: 'peers',
      namespace,
    });
    // with its pods Ready and its API answering, keystone is Healthy; memcached has no workloads here
    expect(svc('keystone')).toMatchObject({ verdict: 'Healthy', reasons: [] });
    expect(svc('memcached')).toMatchObject({
      verdict: 'Down',
      reasons: ['no workloads with label application=memcached'],
    });
  });

  it('reads the real cloud: every catalog API healthy, nova services up, cinder-volume up', async () => {
    const { status } = await read();
    const svc = (name: string) => status.services.find(s => s.name === name)!;
    expect(status.errors).toEqual([]);
    for (const [name, type] of [
      ['keystone', 'identity'],
      ['glance', 'image'],
      ['placement', 'placement'],
      ['nova', 'compute'],
      ['neutron', 'network'],
      ['cinder', 'block-storage'],
    ]) {
      expect(svc(name).api).toMatchObject({
        serviceType: type,
        ok: true,
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
      });
      expect(svc(name).api!.latencyMs).toEqual(expect.any(Number));
    }
    expect(
      svc('nova')
        .services!.filter(s => s.state === 'up' && s.status === 'enabled')
        .map(s => s.binary),
    ).toEqual(expect.arrayContaining(['nova-conductor', 'nova-scheduler']));
    expect(svc('cinder').services).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          binary: 'cinder-volume',
          state: 'up',
          status: 'enabled',
        }),
      ]),
    );
    expect(svc('cinder').services).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ binary: 'cinder-scheduler', state: 'up' }),
      ]),
    );
  });

  it('merges every compute host with its real vCPU/RAM from Placement, its VMs and its OVS agent', async () => {
    const { hosts, status } = await read();
    const base = os.endpoint('placement');
    const { body } = await os.call('GET', `${base}/resource_providers`, {
      headers: PLACEMENT,
    });
    for (const name of COMPUTES) {
      const host = hosts.find(h => h.host === name);
      // the OVS agent Neutron reports for the host is alive (another test may give it a zone)
      expect(host).toMatchObject({
        host: name,
        state: 'up',
        zone: expect.any(String),
        ovnAgentAlive: true,
      });
      // the same figures Placement gives, with capacity = (total − reserved) × ratio
      const rp = body.resource_providers.find((r: any) => r.name === name);
      const inv = (
        await os.call(
          'GET',
          `${base}/resource_providers/${rp.uuid}/inventories`,
          { headers: PLACEMENT },
        )
      ).body.inventories;
      const used = (
        await os.call('GET', `${base}/resource_providers/${rp.uuid}/usages`, {
          headers: PLACEMENT,
        })
      ).body.usages;
      expect(host!.vcpu).toEqual({
        total: inv.VCPU.total,
        reserved: inv.VCPU.reserved,
        allocationRatio: inv.VCPU.allocation_ratio,
        used: used.VCPU,
        capacity: Math.floor(
          (inv.VCPU.total - inv.VCPU.reserved) * inv.VCPU.allocation_ratio,
        ),
      });
      expect(host!.memoryMb).toMatchObject({
        total: inv.MEMORY_MB.total,
        reserved: inv.MEMORY_MB.reserved,
        used: used.MEMORY_MB,
      });
      expect(host!.vcpu!.total).toBeGreaterThan(0);
      expect(host!.runningVms).toEqual(expect.any(Number));
      expect(host!.lastHeartbeat).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(status.hostSummary.total).toBe(hosts.length);
    expect(
      status.capacityByZone.reduce((n, z) => n + z.vcpuCapacity, 0),
    ).toBeGreaterThan(0);
  });

  it('shows a host disabled with its reason while its nova-compute service is disabled', async () => {
    const host = 'compute1';
    const base = `${os.endpoint('compute')}/os-services`;
    const { body } = await os.call(
      'GET',
      `${base}?binary=nova-compute&host=${host}`,
      { headers: COMPUTE },
    );
    const service = body.services[0];
    const reason = `integration test ${namespace}: maintenance`;
    try {
      await openstack().nova.setComputeServiceStatus(service.id, false, reason);
      const { hosts, status } = await read();
      expect(hosts.find(h => h.host === host)).toMatchObject({
        status: 'disabled',
        disabledReason: reason,
      });
      expect(status.hostSummary.disabled).toBeGreaterThanOrEqual(1);
    } finally {
      await openstack().nova.setComputeServiceStatus(service.id, true);
    }
    const { hosts } = await read();
    expect(hosts.find(h => h.host === host)).toMatchObject({
      status: 'enabled',
      disabledReason: undefined,
    });
  });
});
