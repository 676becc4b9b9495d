import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ClusterClient } from '../kubernetes/apply';
import { OpenStackClient } from '../openstack/client';
import {
  APP_CRED_SECRET,
  cloudConfig,
  KEYSTONE,
  fakeCloud,
  FakeCloudState,
  HOSTS,
  hypervisor,
  NEUTRON,
  NOVA,
  newState,
  PLACEMENT,
} from '../testUtils/fakeCloud';
import { readLiveCloudView } from './liveCloudView';
import {
  fakeKubernetes,
  FakeKubernetesState,
  K8S,
  K8S_TOKEN,
  NAMESPACE,
} from '../testUtils/fakeKubernetes';

const server = setupServer();
registerMswTestHooks(server);

let os: FakeCloudState;
let kube: FakeKubernetesState;
beforeEach(() => {
  os = newState({
    servers: [
      { id: 's1', 'OS-EXT-SRV-ATTR:host': 'compute1' },
      { id: 's2', 'OS-EXT-SRV-ATTR:host': 'compute1' },
      { id: 's3', 'OS-EXT-SRV-ATTR:host': 'compute2' },
      { id: 's4', 'OS-EXT-SRV-ATTR:host': null },
    ],
  });
  kube = { calls: [] };
  server.use(
    ...fakeCloud(os),
    ...fakeKubernetes(kube),
    // Keystone's version document, as /v3/ answers it
    http.get(`${KEYSTONE}/`, () =>
      HttpResponse.json({
        version: {
          id: 'v3.14',
          status: 'stable',
          updated: '2020-04-07T00:00:00Z',
          links: [],
        },
      }),
    ),
  );
});

const cluster = () =>
  ClusterClient.for({
    name: 'prod-k8s',
    url: K8S,
    authProvider: 'serviceAccount',
    serviceAccountToken: K8S_TOKEN,
    skipTLSVerify: true,
  });
const target = () => ({
  cloudKey: 'zed',
  openstack: new OpenStackClient(cloudConfig(), {
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  }),
  kubernetes: { cluster: cluster(), namespace: NAMESPACE },
});

describe('readLiveCloudView', () => {
  it('reads a healthy cloud: workloads per service, API health, services, agents and every host', async () => {
    const { status, hosts } = await readLiveCloudView(target());
    expect(status.errors).toEqual([]);
    expect(status).toMatchObject({
      cloudKey: 'zed',
      demo: false,
      release: '2025.1',
      cluster: 'prod-k8s',
      namespace: 'openstack',
    });

    const svc = (name: string) => status.services.find(s => s.name === name)!;
    expect(status.services.map(s => s.name)).toEqual([
      'keystone',
      'glance',
      'placement',
      'nova',
      'neutron',
      'cinder',
      'mariadb',
      'rabbitmq',
      'memcached',
      'ovn',
    ]);
    // keystone: the Deployment and its db-sync Job, not the CronJob's run; restarts summed over its pods
    expect(svc('keystone').workloads).toEqual([
      {
        kind: 'Deployment',
        name: 'keystone-api',
        component: 'api',
        ready: 3,
        desired: 3,
        restarts: 3,
        imageTag: 'quay.io/airshipit/keystone:2025.1-ubuntu_noble',
        release: '2025.1',
        lastChange: '2026-11-24T09:30:00.000Z',
      },
      expect.objectContaining({
        kind: 'Job',
        name: 'keystone-db-sync',
        ready: 1,
        desired: 1,
      }),
    ]);
    expect(svc('keystone')).toMatchObject({
      verdict: 'Healthy',
      release: '2025.1',
      api: { serviceType: 'identity', ok: true },
    });
    expect(svc('nova').verdict).toBe('Degraded');
    expect(svc('nova').reasons).toEqual([
      'Deployment nova-api-osapi: 1/2 ready',
      'Deployment nova-api-osapi: 7 restarts',
    ]);
    // nova-compute rows belong to the hosts; the control plane's stay
    expect(svc('nova').services!.map(s => s.binary)).toEqual([
      'nova-conductor',
      'nova-scheduler',
    ]);
    expect(
      svc('cinder').services!.map(s => `${s.binary}@${s.host}:${s.state}`),
    ).toEqual(['cinder-scheduler@ctl:up', 'cinder-volume@ctl@fake:up']);
    // openvswitch's DaemonSet counts for ovn
    expect(svc('ovn').workloads).toEqual([
      expect.objectContaining({ kind: 'DaemonSet', ready: 2, desired: 3 }),
    ]);
    // glance and placement have no workloads in the namespace: Down, although their APIs answer
    expect(svc('glance')).toMatchObject({
      verdict: 'Down',
      reasons: ['no workloads with label application=glance'],
    });
    expect(
      status.services.flatMap(s =>
        s.api ? [[s.api.serviceType, s.api.ok]] : [],
      ),
    ).toEqual([
      ['identity', true],
      ['image', true],
      ['placement', true],
      ['compute', true],
      ['network', true],
      ['block-storage', true],
    ]);
    expect(status.verdict).toBe('Degraded');

    expect(hosts.map(h => h.host)).toEqual([
      'compute1',
      'compute2',
      'compute3',
    ]);
    expect(hosts[0]).toEqual({
      host: 'compute1',
      zone: 'nova',
      aggregates: ['az1-hosts'],
      state: 'up',
      status: 'enabled',
      disabledReason: undefined,
      vcpu: {
        used: 2,
        total: 1000,
        reserved: 0,
        allocationRatio: 16,
        capacity: 16000,
      },
      memoryMb: {
        used: 1024,
        total: 800000,
        reserved: 512,
        allocationRatio: 1.5,
        capacity: 1199232,
      },
      diskGb: {
        used: 2,
        total: 600000,
        reserved: 0,
        allocationRatio: 1,
        capacity: 600000,
      },
      // nova 2.93, but the hypervisors asked at 2.87 still carry running_vms
      runningVms: 2,
      ovnAgentAlive: true,
      release: undefined,
      lastHeartbeat: '2026-11-25T10:00:00.000000Z',
      blocksUpgrade: false,
    });
    expect(hosts.map(h => [h.runningVms, h.ovnAgentAlive])).toEqual([
      [2, true],
      [1, true],
      [0, undefined],
    ]);
    expect(status.hostSummary).toEqual({
      total: 3,
      up: 3,
      down: 0,
      disabled: 0,
      lagging: 0,
    });
    expect(status.capacityByZone).toEqual([
      {
        zone: 'nova',
        vcpuUsed: 6,
        vcpuCapacity: 48000,
        memoryMbUsed: 3072,
        memoryMbCapacity: 3597696,
      },
    ]);

    // one list per kind, by openstack-helm's label, in the cloud's namespace only
    expect(kube.calls.sort()).toEqual([
      '/api/v1/namespaces/openstack/pods?labelSelector=application',
      '/apis/apps/v1/namespaces/openstack/daemonsets?labelSelector=application',
      '/apis/apps/v1/namespaces/openstack/deployments?labelSelector=application',
      '/apis/apps/v1/namespaces/openstack/statefulsets?labelSelector=application',
      '/apis/batch/v1/namespaces/openstack/jobs?labelSelector=application',
    ]);
    // one token for the whole read; Placement: the providers, three allocation-candidate
    // summaries (usages) and, on this first read, each provider's inventories
    expect(os.tokens).toHaveLength(1);
    expect(
      os.calls
        .filter(
          c =>
            c.url.pathname.includes('resource_providers') ||
            c.url.pathname.includes('allocation_candidates'),
        )
        .map(c => `${c.url.pathname}${c.url.search}`)
        .sort(),
    ).toEqual([
      '/allocation_candidates?resources=DISK_GB%3A1',
      '/allocation_candidates?resources=MEMORY_MB%3A1',
      '/allocation_candidates?resources=VCPU%3A1',
      '/resource_providers',
      '/resource_providers/rp-compute1/inventories',
      '/resource_providers/rp-compute2/inventories',
      '/resource_providers/rp-compute3/inventories',
    ]);
    // VMs per host from the hypervisors (asked at 2.87), not from every server of the cloud
    const hypervisorCalls = os.calls.filter(
      c => c.url.pathname === '/v2.1/os-hypervisors/detail',
    );
    expect(
      hypervisorCalls.map(c => c.headers.get('openstack-api-version')),
    ).toEqual(['compute 2.87']);
    expect(
      os.calls.filter(c => c.url.pathname === '/v2.1/servers/detail'),
    ).toEqual([]);
  });

  it('hypervisors without running_vms: the servers are counted per host instead', async () => {
    server.use(
      http.get(`${NOVA}/os-hypervisors/detail`, () =>
        HttpResponse.json({
          hypervisors: HOSTS.map((h, i) => hypervisor(i + 3, h, '2.93')),
        }),
      ),
    );
    const { hosts } = await readLiveCloudView(target());
    expect(hosts.map(h => h.runningVms)).toEqual([2, 1, 0]);
    expect(
      os.calls.filter(c => c.url.pathname === '/v2.1/servers/detail'),
    ).toHaveLength(1);
  });

  it('pods alone forbidden: workloads still judged, restarts unknown, the reason reported', async () => {
    kube.forbid = ['Pod'];
    const { status } = await readLiveCloudView(target());

    expect(status.errors).toHaveLength(1);
    expect(status.errors[0]).toMatchObject({
      source: 'kubernetes pods',
      url: K8S,
    });
    expect(status.errors[0].message).toContain('HTTP 403');
    expect(status.errors[0].message).toMatch(
      /workloads judged without restart counts$/,
    );
    const keystone = status.services.find(s => s.name === 'keystone')!;
    expect(keystone.workloads.length).toBeGreaterThan(0);
    expect(
      keystone.workloads.every(w => w.restarts === undefined && w.desired > 0),
    ).toBe(true);
    expect(keystone.reasons).not.toContain(
      'Kubernetes workloads could not be read',
    );
  });

  it('one service answering 503 and Kubernetes 403: a partial answer naming the cloud, service and URL', async () => {
    kube.failWith = 403;
    server.use(
      http.get(`${NEUTRON}/v2.0/agents`, () =>
        HttpResponse.json(
          { NeutronError: { message: 'upstream connect error' } },
          { status: 503 },
        ),
      ),
    );
    const { status, hosts } = await readLiveCloudView(target());

    expect(status.errors.map(e => e.source)).toEqual([
      'kubernetes',
      'neutron agents',
    ]);
    const [k8s, neutron] = status.errors;
    expect(k8s.url).toBe(K8S);
    expect(k8s.message).toContain(`Kubernetes cluster "prod-k8s" (${K8S})`);
    expect(k8s.message).toContain('HTTP 403');
    expect(k8s.message).toContain('deploy/rbac/backstage-openstack.yaml');
    expect(neutron).toMatchObject({
      service: 'neutron',
      url: `${NEUTRON}/v2.0/agents`,
    });
    expect(neutron.message).toMatch(
      /^OpenStack cloud "zed": network GET http:\/\/neutron\.test:9696\/v2\.0\/agents failed: HTTP 503/,
    );
    expect(neutron.message).toContain('after 4 attempts');

    // nothing of Kubernetes is known; neutron's agents are unknown; the rest still judged
    const svc = (name: string) => status.services.find(s => s.name === name)!;
    expect(svc('keystone')).toMatchObject({
      verdict: 'Unknown',
      reasons: ['Kubernetes workloads could not be read'],
    });
    expect(svc('neutron').verdict).toBe('Unknown');
    expect(svc('neutron').reasons).toContain(
      `neutron agents could not be read: ${neutron.message}`,
    );
    expect(status.verdict).toBe('Unknown');
    expect(status.reasons).toContain('2 source(s) could not be read');
    // the hosts are there, without their OVN agent state
    expect(hosts.map(h => [h.host, h.state, h.ovnAgentAlive])).toEqual([
      ['compute1', 'up', undefined],
      ['compute2', 'up', undefined],
      ['compute3', 'up', undefined],
    ]);
    expect(hosts[0].vcpu?.capacity).toBe(16000);
    // no secret leaks into the answer
    const text = JSON.stringify(status);
    expect(text).not.toContain(APP_CRED_SECRET);
    expect(text).not.toContain(K8S_TOKEN);
    expect(text).not.toContain(os.tokens[0]);
  });

  it('one Placement provider failing leaves that host without usage and says how many failed', async () => {
    server.use(
      http.get(`${PLACEMENT}/resource_providers/rp-compute2/inventories`, () =>
        HttpResponse.json(
          { errors: [{ status: 500, title: 'Internal Server Error' }] },
          { status: 500 },
        ),
      ),
    );
    const { status, hosts } = await readLiveCloudView(target());
    expect(status.errors).toEqual([
      expect.objectContaining({
        source: 'placement inventories and usages',
        service: 'placement',
        url: `${PLACEMENT}/resource_providers/rp-compute2/inventories`,
      }),
    ]);
    expect(status.errors[0].message).toMatch(/^1 of 3 resource providers/);
    expect(hosts.map(h => h.vcpu?.capacity)).toEqual([16000, undefined, 16000]);
    // placement has no workloads here (Down); the failed reads are among its reasons
    expect(
      status.services.find(s => s.name === 'placement')!.reasons,
    ).toContain(
      `placement inventories and usages could not be read: ${status.errors[0].message}`,
    );
  });

  it('Keystone refusing the credential: every OpenStack part fails, the answer still comes', async () => {
    server.use(
      http.post('http://keystone.test:5000/v3/auth/tokens', () =>
        HttpResponse.json(
          {
            error: {
              code: 401,
              message: 'The request you have made requires authentication.',
            },
          },
          { status: 401 },
        ),
      ),
    );
    const { status, hosts } = await readLiveCloudView(target());
    expect(hosts).toEqual([]);
    expect(status.errors.map(e => e.source)).toEqual([
      'cinder os-services',
      'keystone authentication',
      'neutron agents',
      'nova os-aggregates',
      'nova os-hypervisors',
      'nova os-services',
      'placement resource providers',
    ]);
    const keystone = status.services.find(s => s.name === 'keystone')!;
    expect(keystone.verdict).toBe('Unknown');
    expect(keystone.reasons[0]).toMatch(
      /^keystone authentication could not be read: OpenStack cloud "zed": identity POST http:\/\/keystone\.test:5000\/v3\/auth\/tokens failed: HTTP 401/,
    );
    // nova-api-osapi at 1/2 keeps the cloud Degraded; the unread sources are named
    expect(status.verdict).toBe('Degraded');
    expect(status.reasons).toContain('7 source(s) could not be read');
    expect(JSON.stringify(status)).not.toContain(APP_CRED_SECRET);
  });

  it('without a configured cluster: Kubernetes reported missing with the fix, OpenStack still read', async () => {
    const { status, hosts } = await readLiveCloudView({
      ...target(),
      kubernetes: undefined,
      kubernetesMissing:
        'cloud "zed": set openstack.clouds.zed.kubernetes.cluster',
    });
    expect(status.errors).toEqual([
      {
        source: 'kubernetes',
        message: 'cloud "zed": set openstack.clouds.zed.kubernetes.cluster',
      },
    ]);
    expect(hosts).toHaveLength(3);
    expect(kube.calls).toEqual([]);
  });
});
