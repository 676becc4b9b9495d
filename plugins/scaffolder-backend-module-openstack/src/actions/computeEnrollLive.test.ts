/*
 * openstack:compute:enroll against a live cloud, over HTTP mocked with msw: a stateful model of
 * Keystone/Nova/Neutron (a host registers after its bundle appears, is listed in os-hypervisors
 * only once a discovery Job mapped it) and of the Kubernetes API (Secrets, the nova-cell-setup
 * CronJob, Jobs that complete on the second read).
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubeConfig } from '@kubernetes/client-node';
import { mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ClusterClient, OpenStackClient, readOpenStackCloud } from '@backstage-openstack/plugin-openstack-node';
import { recoverableContext, scriptedApi, cloudStatus, testDrivers, allowAll, noApprovalsRequired } from '../__testUtils__/testing';
import { readComputeEnrollSettings } from '../computeEnrollSettings';
import { createComputeEnrollAction } from './computeEnroll';

const KEYSTONE = 'http://keystone.zed.test:5000/v3';
const NOVA = 'http://nova.zed.test:8774/v2.1';
const NEUTRON = 'http://neutron.zed.test:9696';
const K8S = 'https://k8s.zed.test:6443';
const NS = 'openstack';
const HOST = 'cmp-az1-13';
const BUNDLE = `compute-bundle-${HOST}`;
// the cloud's credentials, as the Secrets in its namespace hold them
const PASSWORDS = {
  'zed-nova-rabbitmq': 'rabbit-pw-7f3a9c',
  'zed-nova-keystone': 'nova-pw-1b2c3d',
  'zed-placement-keystone': 'placement-pw-4e5f6a',
  'zed-neutron-keystone': 'neutron-pw-7b8c9d',
};
const METADATA_SECRET = 'metadata-shared-5e6f7a';
const APP_CRED_SECRET = 'app-cred-secret-0a1b2c';

const configData = {
  openstack: {
    clouds: {
      zed: {
        authUrl: KEYSTONE,
        region: 'RegionOne',
        applicationCredentialId: 'ac-1',
        applicationCredentialSecret: APP_CRED_SECRET,
        computeEnrollment: {
          messageQueue: { hosts: ['rabbitmq.zed.test:5672'] },
          ovnRemote: 'tcp:10.0.0.10:6642',
          discoveryAttempts: 3,
          discoveryWaitSeconds: 1,
        },
      },
    },
  },
};

const liveCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'zed',
    namespace: 'default',
    annotations: {
      'openstack.backstage.io/cloud': 'zed',
      'openstack.backstage.io/cluster': 'zed-cluster',
      'openstack.backstage.io/namespace': NS,
      'openstack.backstage.io/delivery': 'direct',
    },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team', lifecycle: 'production' },
};

const TEMPLATE = 'template:default/openstack-enroll-host';
const input = {
  cloud: 'resource:default/zed',
  host: HOST,
  managementIp: '10.0.12.113',
  overlayIp: '10.1.12.113',
  availabilityZone: 'az1',
  aggregate: 'az1-general',
  timeoutMinutes: 5,
};

interface Model {
  /** Mutations, in order: what the action changed. */
  calls: string[];
  secrets: Map<string, { labels: Record<string, string>; data: Record<string, string> }>;
  cronJob: boolean;
  jobs: Map<string, { reads: number; spec: any; labels: Record<string, string> }>;
  /** Reads of the new host's service since its bundle appeared. */
  serviceReads: number;
  registered: boolean;
  mapped: boolean;
  enabled: boolean;
  aggregates: Array<{ id: number; name: string; availability_zone: string | null; hosts: string[]; metadata: any }>;
  agentReads: number;
  // knobs
  conductorUp: boolean;
  novaDown: boolean;
  /** Discovery Jobs whose run comes before the host's compute node exists (the snapshot miss). */
  missedDiscoveries: number;
  jobsFail: boolean;
  serviceNeverUp: boolean;
  agentNeverAlive: boolean;
  failOn?: string;
  /** Rights the ServiceAccount lacks (its SelfSubjectAccessReviews say no): `verb resource`. */
  denied: string[];
  /** Every right asked with a SelfSubjectAccessReview: `verb resource namespace`. */
  reviews: string[];
}

function newModel(over: Partial<Model> = {}): Model {
  return {
    calls: [],
    secrets: new Map<string, { labels: Record<string, string>; data: Record<string, string> }>([
      ...Object.entries(PASSWORDS).map(([name, pw]): [string, { labels: Record<string, string>; data: Record<string, string> }] => [
        `${NS}/${name}`,
        { labels: {}, data: { password: Buffer.from(pw).toString('base64') } },
      ]),
      [`${NS}/zed-metadata-proxy`, { labels: {}, data: { 'shared-secret': Buffer.from(METADATA_SECRET).toString('base64') } }],
    ]),
    cronJob: true,
    jobs: new Map(),
    serviceReads: 0,
    registered: false,
    mapped: false,
    enabled: true,
    aggregates: [{ id: 1, name: 'az2-general', availability_zone: 'az2', hosts: ['compute1'], metadata: {} }],
    agentReads: 0,
    conductorUp: true,
    novaDown: false,
    missedDiscoveries: 0,
    jobsFail: false,
    serviceNeverUp: false,
    agentNeverAlive: false,
    denied: [],
    reviews: [],
    ...over,
  };
}

const svc = (id: string, binary: string, host: string, state: string, status = 'enabled') => ({
  id,
  binary,
  host,
  zone: binary === 'nova-compute' ? 'nova' : 'internal',
  status,
  state,
  updated_at: '2026-11-25T10:00:00.000000',
  disabled_reason: null,
  forced_down: false,
});
const hyp = (id: string, host: string, ip: string) => ({
  id,
  hypervisor_hostname: host,
  hypervisor_type: 'QEMU',
  host_ip: ip,
  state: 'up',
  status: 'enabled',
  service: { host, id: `svc-${host}`, disabled_reason: null },
});
const status = (code: number, reason: string, message: string) =>
  HttpResponse.json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }, { status: code });

function handlers(m: Model) {
  const fail = (what: string) => m.failOn === what;
  const newService = () => {
    if (!m.secrets.has(`${NS}/${BUNDLE}`)) return undefined;
    m.serviceReads++;
    if (m.serviceReads < 2) return undefined;
    m.registered = true;
    return svc('svc-new', 'nova-compute', HOST, m.serviceNeverUp || m.serviceReads < 3 ? 'down' : 'up', m.enabled ? 'enabled' : 'disabled');
  };
  return [
    // ---------------------------------------------------------------- Keystone
    http.post(`${KEYSTONE}/auth/tokens`, () =>
      HttpResponse.json(
        {
          token: {
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            project: { id: 'p1', name: 'admin', domain: { id: 'default' } },
            catalog: [
              { type: 'compute', name: 'nova', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: NOVA }] },
              { type: 'network', name: 'neutron', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: NEUTRON }] },
            ],
          },
        },
        { status: 201, headers: { 'X-Subject-Token': 'tok-1' } },
      ),
    ),
    // ---------------------------------------------------------------- Nova
    http.get(`${NOVA}/`, () =>
      m.novaDown
        ? HttpResponse.json({ message: 'down' }, { status: 503 })
        : HttpResponse.json({ version: { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' } }),
    ),
    http.get(`${NOVA}/os-services`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      const all = [
        svc('svc-c', 'nova-conductor', 'ctl', m.conductorUp ? 'up' : 'down'),
        svc('svc-s', 'nova-scheduler', 'ctl', 'up'),
        svc('svc-compute1', 'nova-compute', 'compute1', 'up'),
      ];
      const wantsNew = !q.get('host') || q.get('host') === HOST;
      const n = wantsNew ? newService() : undefined;
      if (n) all.push(n);
      return HttpResponse.json({
        services: all.filter(s => (!q.get('host') || s.host === q.get('host')) && (!q.get('binary') || s.binary === q.get('binary'))),
      });
    }),
    http.put(`${NOVA}/os-services/:id`, async ({ request, params }) => {
      if (fail('enable')) return HttpResponse.json({ message: 'boom' }, { status: 500 });
      const body: any = await request.json();
      m.calls.push(`nova PUT os-services/${params.id} ${body.status}`);
      m.enabled = body.status === 'enabled';
      return HttpResponse.json({ service: svc(String(params.id), 'nova-compute', HOST, 'up', body.status) });
    }),
    http.get(`${NOVA}/os-hypervisors/detail`, ({ request }) => {
      const pattern = new URL(request.url).searchParams.get('hypervisor_hostname_pattern');
      const all = [hyp('h1', 'compute1', '10.0.12.1'), ...(m.mapped ? [hyp('h-new', HOST, input.managementIp)] : [])];
      const hits = pattern ? all.filter(h => h.hypervisor_hostname.includes(pattern)) : all;
      if (pattern && !hits.length) return HttpResponse.json({ itemNotFound: { code: 404, message: 'none' } }, { status: 404 });
      return HttpResponse.json({ hypervisors: hits });
    }),
    http.get(`${NOVA}/os-aggregates`, () => HttpResponse.json({ aggregates: m.aggregates })),
    http.post(`${NOVA}/os-aggregates`, async ({ request }) => {
      if (fail('aggregate')) return HttpResponse.json({ message: 'boom' }, { status: 500 });
      const { aggregate }: any = await request.json();
      m.calls.push(`nova POST os-aggregates ${aggregate.name} zone ${aggregate.availability_zone}`);
      const a = { id: m.aggregates.length + 1, name: aggregate.name, availability_zone: aggregate.availability_zone, hosts: [], metadata: {} };
      m.aggregates.push(a);
      return HttpResponse.json({ aggregate: a });
    }),
    http.post(`${NOVA}/os-aggregates/:id/action`, async ({ request, params }) => {
      const body: any = await request.json();
      m.calls.push(`nova add_host ${body.add_host.host} to aggregate ${params.id}`);
      const a = m.aggregates.find(x => x.id === Number(params.id))!;
      a.hosts.push(body.add_host.host);
      return HttpResponse.json({ aggregate: a });
    }),
    // ---------------------------------------------------------------- Neutron
    http.get(`${NEUTRON}/`, () => HttpResponse.json({ versions: [{ id: 'v2.0', status: 'CURRENT' }] })),
    http.get(`${NEUTRON}/v2.0/agents`, ({ request }) => {
      const host = new URL(request.url).searchParams.get('host');
      if (host !== HOST || !m.registered) return HttpResponse.json({ agents: [] });
      m.agentReads++;
      return HttpResponse.json({
        agents: [{ id: 'a-new', agent_type: 'OVN Controller agent', binary: 'ovn-controller', host: HOST, alive: !m.agentNeverAlive && m.agentReads > 1, admin_state_up: true }],
      });
    }),
    // ---------------------------------------------------------------- Kubernetes
    // discovery of the kinds the rights check asks about, and the SelfSubjectAccessReviews
    http.get(`${K8S}/api/v1`, () =>
      HttpResponse.json({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['get', 'create', 'patch'] }] }),
    ),
    http.get(`${K8S}/apis/batch/v1`, () =>
      HttpResponse.json({
        kind: 'APIResourceList',
        groupVersion: 'batch/v1',
        resources: [
          { name: 'cronjobs', singularName: 'cronjob', namespaced: true, kind: 'CronJob', verbs: ['get', 'list'] },
          { name: 'jobs', singularName: 'job', namespaced: true, kind: 'Job', verbs: ['get', 'list', 'create'] },
        ],
      }),
    ),
    http.post(`${K8S}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, async ({ request }) => {
      const body: any = await request.json();
      const a = body.spec.resourceAttributes;
      m.reviews.push(`${a.verb} ${a.resource} ${a.namespace}`);
      return HttpResponse.json({ ...body, status: { allowed: !m.denied.includes(`${a.verb} ${a.resource}`) } }, { status: 201 });
    }),
    http.get(`${K8S}/version`, () => HttpResponse.json({ major: '1', minor: '37', gitVersion: 'v1.37.2' })),
    http.get(`${K8S}/api/v1/namespaces/:ns/secrets/:name`, ({ params }) => {
      const s = m.secrets.get(`${params.ns}/${params.name}`);
      if (!s) return status(404, 'NotFound', `secrets "${params.name}" not found`);
      return HttpResponse.json({ apiVersion: 'v1', kind: 'Secret', metadata: { name: params.name, namespace: params.ns, labels: s.labels }, data: s.data });
    }),
    http.post(`${K8S}/api/v1/namespaces/:ns/secrets`, async ({ request, params }) => {
      if (fail('secret')) return status(403, 'Forbidden', 'secrets is forbidden: User "system:serviceaccount:backstage-openstack:backstage-openstack" cannot create resource "secrets"');
      const body: any = await request.json();
      const key = `${params.ns}/${body.metadata.name}`;
      if (m.secrets.has(key)) return status(409, 'AlreadyExists', `secrets "${body.metadata.name}" already exists`);
      m.calls.push(`k8s POST secret ${key}`);
      const data = Object.fromEntries(Object.entries<string>(body.stringData ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      m.secrets.set(key, { labels: body.metadata.labels ?? {}, data });
      return HttpResponse.json({ apiVersion: 'v1', kind: 'Secret', metadata: body.metadata }, { status: 201 });
    }),
    http.get(`${K8S}/apis/batch/v1/namespaces/:ns/cronjobs/:name`, ({ params }) =>
      m.cronJob && params.name === 'nova-cell-setup'
        ? HttpResponse.json({
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            metadata: { name: 'nova-cell-setup', namespace: params.ns, uid: 'cj-uid' },
            spec: { schedule: '*/30 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'nova-cell-setup', image: 'nova:2025.1' }] } } } } },
          })
        : status(404, 'NotFound', `cronjobs.batch "${params.name}" not found`),
    ),
    http.post(`${K8S}/apis/batch/v1/namespaces/:ns/jobs`, async ({ request, params }) => {
      const body: any = await request.json();
      const key = `${params.ns}/${body.metadata.name}`;
      if (m.jobs.has(key)) return status(409, 'AlreadyExists', 'exists');
      m.calls.push(`k8s POST job ${key}`);
      m.jobs.set(key, { reads: 0, spec: body.spec, labels: body.metadata.labels });
      return HttpResponse.json({ apiVersion: 'batch/v1', kind: 'Job', metadata: body.metadata, spec: body.spec }, { status: 201 });
    }),
    http.get(`${K8S}/apis/batch/v1/namespaces/:ns/jobs/:name`, ({ params }) => {
      const j = m.jobs.get(`${params.ns}/${params.name}`);
      if (!j) return status(404, 'NotFound', 'not found');
      j.reads++;
      let conditions: any[] = [];
      if (j.reads === 2) {
        // the Job's pod runs nova-manage cell_v2 discover_hosts now: a snapshot of the compute nodes
        if (!m.jobsFail) {
          if (m.missedDiscoveries > 0) m.missedDiscoveries--;
          else if (m.registered) m.mapped = true;
        }
      }
      if (j.reads >= 2) conditions = [{ type: m.jobsFail ? 'Failed' : 'Complete', status: 'True', reason: m.jobsFail ? 'BackoffLimitExceeded' : undefined }];
      return HttpResponse.json({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: params.name, namespace: params.ns }, status: { conditions } });
    }),
  ];
}

const server = setupServer();
registerMswTestHooks(server);

function setup(over: Partial<Model> = {}, data: any = configData) {
  const m = newModel(over);
  server.use(...handlers(m));
  const config = mockServices.rootConfig({ data });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'zed-cluster', server: K8S, skipTLSVerify: true }],
    users: [{ name: 'sa', token: 'sa-token' }],
    contexts: [{ name: 'c', cluster: 'zed-cluster', user: 'sa' }],
    currentContext: 'c',
  });
  const os = new OpenStackClient(readOpenStackCloud('zed', config.getConfig('openstack.clouds.zed')), { retry: { retries: 0 } });
  const { api, calls: backendCalls } = scriptedApi({ status: () => cloudStatus('2025.1') });
  const noNs = { 'openstack.backstage.io/cloud': 'zed', 'openstack.backstage.io/cluster': 'zed-cluster', 'openstack.backstage.io/delivery': 'direct' };
  const readOnly = { 'openstack.backstage.io/cloud': 'zed', 'openstack.backstage.io/cluster': 'zed-cluster', 'openstack.backstage.io/namespace': NS };
  const action = createComputeEnrollAction({ approvals: noApprovalsRequired,
    permissions: allowAll(),
    catalog: catalogServiceMock({
      entities: [
        liveCloud,
        { ...liveCloud, metadata: { ...liveCloud.metadata, name: 'no-ns', annotations: noNs } },
        { ...liveCloud, metadata: { ...liveCloud.metadata, name: 'read-only', annotations: readOnly } },
      ],
    }),
    api,
    drivers: testDrivers(api, {
      enrollSettings: key => readComputeEnrollSettings(config, key),
      openstack: () => os,
      cluster: () => new ClusterClient('zed-cluster', kc),
    }),
    pollMs: 1,
    progressMs: 0,
    waitTimeoutMs: 300,
  });
  return { m, action, backendCalls, api };
}

/** A context that keeps its log lines and outputs; checkpoints persist in `store`. */
function context(store: Map<string, unknown>, over: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, lines: string[] = []) {
  // as the enroll template runs it: its form values, to continue with once the host reports
  const { joinId, ...values } = { ...input, ...over } as Record<string, unknown>;
  const ctx = recoverableContext({ ...values, ...(joinId ? { joinId } : {}), runParameters: { ...values, ...(joinId ? { joinId } : {}) } }, store, {
    templateInfo: { entityRef: TEMPLATE },
    ...extra,
  });
  const log = (level: string) => (msg: unknown) => {
    lines.push(`${level} ${String(msg)}`);
  };
  ctx.logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), child: () => ctx.logger } as any;
  return { ctx, lines };
}

/**
 * Both tasks of a joining host: the user's (it ends once the join command is out) and the
 * continuation the backend starts once the host reports (a new task: its own checkpoints in
 * `store`, the form values and `joinId`). Every log line of both goes to `lines`.
 */
async function enroll(action: ReturnType<typeof setup>['action'], api: ReturnType<typeof setup>['api'], store = new Map<string, unknown>(), over: Record<string, unknown> = {}, lines: string[] = []) {
  const first = context(new Map(), over, {}, lines);
  await action.handler(first.ctx as any);
  const issued = await api.issueJoinToken.mock.results.at(-1)?.value;
  const second = context(store, { ...over, joinId: issued.joinId }, {}, lines);
  await action.handler(second.ctx as any);
  return { first: first.ctx, ctx: second.ctx, lines };
}

const secretValues = [...Object.values(PASSWORDS), METADATA_SECRET, APP_CRED_SECRET];
function expectNoSecrets(what: string) {
  for (const v of secretValues) {
    expect(what).not.toContain(v);
    expect(what).not.toContain(encodeURIComponent(v));
  }
}

describe('openstack:compute:enroll, live cloud', () => {
  it('enrolls: bundle Secret, up, discovery until mapped, enabled, in its aggregate, OVN agent alive', async () => {
    const { m, action, backendCalls, api } = setup({ enabled: false });
    const store = new Map<string, unknown>();
    const first = context(new Map());
    await action.handler(first.ctx as any);
    // the user's task ends with the join command out (the scaffolder shows outputs when a task ends)
    expect(m.calls).toEqual([`k8s POST secret ${NS}/${BUNDLE}`]);
    expect(first.ctx.output).not.toHaveBeenCalledWith('entity', expect.anything());
    expect(first.ctx.output).toHaveBeenCalledWith('next', expect.stringContaining(`the enrollment continues by itself in a new task`));
    // the token carries the continuation: this template and its form values
    expect(api.issueJoinToken.mock.calls[0][2]).toMatchObject({ continuation: { templateRef: TEMPLATE, parameters: input } });
    // the continuation: the backend's new task with joinId, once the host reported
    const { joinId } = await api.issueJoinToken.mock.results[0].value;
    const { ctx, lines } = context(store, { joinId });
    lines.push(...first.lines);
    await action.handler(ctx as any);
    expect(api.bindJoin).toHaveBeenCalledWith(expect.anything(), 'resource:default/zed', HOST, { joinId, taskId: ctx.task.id, parameters: { ...input, joinId } });

    expect(m.calls).toEqual([
      `k8s POST secret ${NS}/${BUNDLE}`,
      expect.stringMatching(new RegExp(`^k8s POST job ${NS}/nova-cell-setup-[0-9a-f]{8}-1$`)),
      'nova PUT os-services/svc-new enabled',
      'nova POST os-aggregates az1-general zone az1',
      `nova add_host ${HOST} to aggregate 2`,
    ]);
    expect(backendCalls).toEqual([]); // the demo backend is not involved
    // the enroll steps' checkpoints, the same keys as on the demo cloud (computeEnroll.test.ts)
    expect([...store.keys()]).toEqual(['discover.1', 'enable', 'aggregate', 'aggregate.host'].map(k => `enroll.zed.${HOST}.${k}`));
    expect(ctx.output).toHaveBeenCalledWith('bundleSecret', `${NS}/${BUNDLE}`);
    expect(ctx.output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({
        // the release is the series of the version the host's join script reported (31.0.1: 2025.1)
        metadata: expect.objectContaining({
          name: `zed.${HOST}`,
          namespace: 'default',
          annotations: {
            'openstack.backstage.io/cloud': 'zed',
            'openstack.backstage.io/host': HOST,
            'openstack.backstage.io/release': '2025.1',
            'openstack.backstage.io/nova-compute-version': '31.0.1',
          },
        }),
        spec: expect.objectContaining({ type: 'openstack-compute-host', dependsOn: ['resource:default/zed'] }),
      }),
    );
    // the join token: issued as the initiator with the host's bundle, output once as a secret output, not logged
    expect(api.issueJoinToken).toHaveBeenCalledTimes(1);
    expect(api.issueJoinToken.mock.calls[0][2]).toMatchObject({ host: HOST, managementIp: '10.0.12.113' });
    expect(first.ctx.output).toHaveBeenCalledWith('join', {
      secret: true,
      host: HOST,
      expiresAt: '2026-12-02T11:00:00.000Z',
      command: "curl -fsS -H 'Authorization: Bearer token-1' 'https://portal.test/api/openstack/join' | sudo sh",
      cloudInit: expect.stringContaining("curl -fsS -H 'Authorization: Bearer token-1' 'https://portal.test/api/openstack/join' | sh"),
    });
    expect(lines.join('\n')).not.toContain('token-1');
    expect(lines.join('\n')).toContain('Continuing the enrollment of cmp-az1-13 (join join-1, enrolled by user:default/mock): its join script, fetched from 10.0.12.113 at now, reports nova-compute 31.0.1');

    // the bundle: labelled for the host, with the credentials from the cloud's Secrets
    const bundle = m.secrets.get(`${NS}/${BUNDLE}`)!;
    expect(bundle.labels).toMatchObject({ 'openstack.backstage.io/compute-host': HOST, 'openstack.backstage.io/cloud': 'zed' });
    const nova = Buffer.from(bundle.data['nova-compute.conf'], 'base64').toString();
    // the join token carries exactly the bundle of the Secret
    expect(api.joinFiles('resource:default/zed', HOST)).toEqual(Object.fromEntries(Object.entries(bundle.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])));
    expect(Buffer.from(bundle.data['neutron_ovn_metadata_agent.ini'], 'base64').toString()).toContain(`metadata_proxy_shared_secret = ${METADATA_SECRET}`);
    expect(nova).toContain(`transport_url = rabbit://nova:${PASSWORDS['zed-nova-rabbitmq']}@rabbitmq.zed.test:5672/nova`);
    expect(nova).toContain(`password = ${PASSWORDS['zed-placement-keystone']}`);
    expect(nova).toContain(`auth_url = ${KEYSTONE}`);
    expect(Buffer.from(bundle.data['ovn-external-ids.conf'], 'base64').toString()).toContain('ovn-encap-ip=10.1.12.113');
    // the discovery Job is the CronJob's template, owned by it, labelled for the host
    const [job] = [...m.jobs.values()];
    expect(job.spec.template.spec.containers[0].image).toBe('nova:2025.1');
    expect(job.labels['openstack.backstage.io/compute-host']).toBe(HOST);

    const log = lines.join('\n');
    expect(log).toMatch(/Plan for cmp-az1-13 in resource:default\/zed:\n {2}1\. create Secret openstack\/compute-bundle-cmp-az1-13 once/);
    expect(log).toContain('Waiting for nova-compute on cmp-az1-13 to report up: no nova-compute service of cmp-az1-13 yet');
    expect(log).toContain('cmp-az1-13 is mapped to its cell (listed in os-hypervisors) after discovery 1');
    expect(log).toContain('Enabled the nova-compute service of cmp-az1-13');
    expect(log).toContain('The ovn-controller agent of cmp-az1-13 is alive');
    // nothing secret in the log, the outputs or the checkpoints
    expectNoSecrets(log);
    expectNoSecrets(JSON.stringify((ctx.output as jest.Mock).mock.calls));
    expectNoSecrets(JSON.stringify((first.ctx.output as jest.Mock).mock.calls));
    expectNoSecrets(JSON.stringify([...store.entries()]));
  });

  it('runs discovery again when a Job ran before the host registered (a snapshot miss)', async () => {
    const { m, action, api } = setup({ missedDiscoveries: 1 });
    const { lines } = await enroll(action, api);
    expect(m.calls.filter(c => c.startsWith('k8s POST job'))).toEqual([
      expect.stringMatching(/-1$/),
      expect.stringMatching(/-2$/),
    ]);
    expect(lines.join('\n')).toMatch(/is not mapped after discovery nova-cell-setup-[0-9a-f]{8}-1 completed/);
    expect(lines.join('\n')).toContain('after discovery 2');
    expect(m.mapped).toBe(true);
  });

  it('adds the host to an existing aggregate of the zone without creating one', async () => {
    const { m, action, api } = setup();
    m.aggregates.push({ id: 5, name: 'az1-general', availability_zone: 'az1', hosts: [], metadata: {} });
    await enroll(action, api);
    expect(m.calls.filter(c => c.startsWith('nova'))).toEqual([`nova add_host ${HOST} to aggregate 5`]);
  });

  it('changes nothing in a dry run and prints the plan', async () => {
    const { m, action } = setup();
    const { ctx, lines } = context(new Map(), {}, { isDryRun: true });
    await action.handler(ctx as any);
    expect(m.calls).toEqual([]);
    expect(lines.join('\n')).toContain('2. issue a one-time join token for cmp-az1-13 (10.0.12.113)');
    expect(lines.join('\n')).toContain('7. wait until the OVN chassis of cmp-az1-13 is alive (Neutron\'s OVN Controller agent of cmp-az1-13, ovn-controller)');
    expect(lines.join('\n')).toContain('Dry run: nothing was changed.');
    expect(ctx.output).toHaveBeenCalledWith('next', expect.stringContaining('Run the join command on cmp-az1-13'));
  });

  it.each<[string, Record<string, unknown>, Partial<Model>, RegExp]>([
    ['a bad host name', { host: 'CMP_1' }, {}, /input\.host "CMP_1" is not a host name/],
    ['a bad management IP', { managementIp: '10.0.12' }, {}, /input\.managementIp "10\.0\.12" is not an IP address/],
    ['a bad overlay IP', { overlayIp: '300.1.1.1' }, {}, /input\.overlayIp/],
    ['a zone with ":"', { availabilityZone: 'az:1' }, {}, /input\.availabilityZone "az:1"/],
    ['a bad aggregate name', { aggregate: 'a b' }, {}, /input\.aggregate "a b"/],
    ['a bad BMC address', { bmcAddress: 'not a host!' }, {}, /input\.bmcAddress/],
    ['a host that is a hypervisor', { host: 'compute1' }, {}, /input\.host: compute1 is already a compute host of zed \(nova-compute up, enabled\)/],
    ['a management IP in use', { managementIp: '10.0.12.1' }, {}, /input\.managementIp: 10\.0\.12\.1 is already the address of hypervisor compute1/],
    ['an aggregate of another zone', { aggregate: 'az2-general' }, {}, /input\.aggregate: aggregate az2-general of zed is in zone az2, not az1/],
    ['a cloud without namespace annotation', { cloud: 'resource:default/no-ns' }, {}, /input\.cloud: resource:default\/no-ns lacks the openstack\.backstage\.io\/namespace annotation and openstack\.clouds\.zed\.namespace is not set/],
    ['the Nova API down', {}, { novaDown: true }, /The Nova API of zed \(http:\/\/nova\.zed\.test:8774\/v2\.1\/\) does not answer/],
    ['the conductor down', {}, { conductorUp: false }, /zed has no nova-conductor up and enabled \(ctl: down\/enabled\)/],
    ['no nova-cell-setup CronJob', {}, { cronJob: false }, /no CronJob openstack\/nova-cell-setup, which discovers new hosts/],
    ['a live cloud without delivery annotation (read-only)', { cloud: 'resource:default/read-only' }, {}, /input\.cloud: resource:default\/read-only is a live cloud without the openstack\.backstage\.io\/delivery annotation, so the suite only reads it/],
  ])('refuses %s before anything changes', async (_what, over, model, message) => {
    const { m, action } = setup(model);
    await expect(action.handler(context(new Map(), over).ctx as any)).rejects.toThrow(message);
    expect(m.calls).toEqual([]);
  });

  it("takes the namespace from openstack.clouds.<key>.namespace when the entity has no annotation", async () => {
    const data = JSON.parse(JSON.stringify(configData));
    data.openstack.clouds.zed.namespace = NS;
    const { m, action } = setup({}, data);
    const { ctx } = context(new Map(), { cloud: 'resource:default/no-ns' });
    await action.handler(ctx as any);
    expect(m.calls[0]).toBe(`k8s POST secret ${NS}/${BUNDLE}`);
    expect(ctx.output).toHaveBeenCalledWith('bundleSecret', `${NS}/${BUNDLE}`);
  });

  it('checks its rights first: a namespace not onboarded is refused naming the file to apply there, before anything is read or changed', async () => {
    const { m, action } = setup({ denied: ['create secrets'] });
    const error = await action.handler(context(new Map()).ctx as any).catch(e => e);
    expect(error?.name).toBe('NotAllowedError');
    expect(error.message).toBe(
      `input.cloud: the suite's Kubernetes credentials on cluster zed-cluster lack create Secret in namespace ${NS}; nothing was changed. To grant them, the platform team onboards the namespace: apply deploy/rbac/cloud-namespace.yaml in namespace ${NS} (NAMESPACE=${NS} CLOUD=zed; it creates the namespace labelled openstack.backstage.io/cloud=zed and grants the suite its Secrets there)`,
    );
    expect(m.calls).toEqual([]);
    expect(m.reviews.sort()).toEqual([`create jobs ${NS}`, `create secrets ${NS}`, `get cronjobs ${NS}`, `get jobs ${NS}`, `get secrets ${NS}`]);
  });

  it('names the cluster-wide file for a right of the ClusterRole', async () => {
    const { m, action } = setup({ denied: ['create jobs'] });
    await expect(action.handler(context(new Map()).ctx as any)).rejects.toThrow(
      new RegExp(`lack create Job in namespace ${NS}; nothing was changed\\. To grant them, apply deploy/rbac/backstage-openstack\\.yaml to the cluster$`),
    );
    expect(m.calls).toEqual([]);
  });

  it('refuses when a credential Secret is missing, naming it and the rule', async () => {
    const { m, action } = setup();
    m.secrets.delete(`${NS}/zed-placement-keystone`);
    await expect(action.handler(context(new Map()).ctx as any)).rejects.toThrow(
      /Secret openstack\/zed-placement-keystone \(key password\) is missing; the host's placement credential comes from it/,
    );
    expect(m.calls).toEqual([]);
  });

  it('refuses when a bundle Secret of another host has the name', async () => {
    const { m, action } = setup();
    m.secrets.set(`${NS}/${BUNDLE}`, { labels: { 'openstack.backstage.io/compute-host': 'other' }, data: {} });
    await expect(action.handler(context(new Map()).ctx as any)).rejects.toThrow(/is not the bundle of cmp-az1-13/);
    expect(m.calls).toEqual([]);
  });

  it('refuses an incomplete computeEnrollment config, naming the keys', async () => {
    const data = JSON.parse(JSON.stringify(configData));
    delete data.openstack.clouds.zed.computeEnrollment.ovnRemote;
    const { m, action } = setup({}, data);
    await expect(action.handler(context(new Map()).ctx as any)).rejects.toThrow(
      /openstack\.clouds\.zed\.computeEnrollment is incomplete: set openstack\.clouds\.zed\.computeEnrollment\.ovnRemote/,
    );
    expect(m.calls).toEqual([]);
  });

  describe('fails at each step with what failed and the fix', () => {
    it('bundle Secret refused (RBAC)', async () => {
      const { m, action, api } = setup({ failOn: 'secret' });
      await expect(enroll(action, api)).rejects.toThrow(
        /create secret openstack\/compute-bundle-cmp-az1-13: HTTP 403 .*Secrets of a cloud.s namespace come with deploy\/rbac\/cloud-namespace\.yaml applied in that namespace/,
      );
      expect(m.calls).toEqual([]);
    });

    it('nova-compute never up', async () => {
      const { m, action, api } = setup({ serviceNeverUp: true });
      const lines: string[] = [];
      await expect(enroll(action, api, new Map(), {}, lines)).rejects.toThrow(
        /Timed out after 0 s waiting for nova-compute on cmp-az1-13 to report up \(last: nova-compute on cmp-az1-13 is down\); check that the provisioning of cmp-az1-13 pulled Secret openstack\/compute-bundle-cmp-az1-13/,
      );
      expect(m.calls).toEqual([`k8s POST secret ${NS}/${BUNDLE}`]);
      expectNoSecrets(lines.join('\n'));
    });

    it('discovery Jobs fail every time', async () => {
      const { m, action, api } = setup({ jobsFail: true });
      const lines: string[] = [];
      await expect(enroll(action, api, new Map(), {}, lines)).rejects.toThrow(/cmp-az1-13 is still not mapped to a cell of resource:default\/zed after 3 discovery runs/);
      expect(m.calls.filter(c => c.startsWith('k8s POST job'))).toHaveLength(3);
      expect(lines.join('\n')).toContain('failed (BackoffLimitExceeded); trying again');
    });

    it('enabling the service fails', async () => {
      const { m, action, api } = setup({ enabled: false, failOn: 'enable' });
      await expect(enroll(action, api)).rejects.toThrow(/compute PUT .*os-services\/svc-new/);
      expect(m.mapped).toBe(true);
    });

    it('creating the aggregate fails', async () => {
      const { m, action, api } = setup({ failOn: 'aggregate' });
      await expect(enroll(action, api)).rejects.toThrow(/compute POST .*os-aggregates/);
      expect(m.calls.some(c => c.startsWith('nova add_host'))).toBe(false);
    });

    it('the OVN agent never comes alive', async () => {
      const { m, action, api } = setup({ agentNeverAlive: true });
      await expect(enroll(action, api)).rejects.toThrow(
        /waiting for the ovn-controller agent of cmp-az1-13 to be alive \(last: the ovn-controller agent of cmp-az1-13 is not alive yet\); check ovn-controller on cmp-az1-13/,
      );
      expect(m.calls.at(-1)).toBe(`nova add_host ${HOST} to aggregate 2`);
    });
  });

  it('resumes after a crash: completed steps are not repeated, and it finishes', async () => {
    const { m, action, api } = setup({ enabled: false });
    const store = new Map<string, unknown>();
    // the user's task, then its continuation crashes
    await action.handler(context(new Map()).ctx as any);
    const { joinId } = await api.issueJoinToken.mock.results[0].value;
    // the Job is created, then the connection is lost on every attempt and the task dies before
    // it hears back (no checkpoint for it)
    let crashing = true;
    server.use(
      http.post(`${K8S}/apis/batch/v1/namespaces/:ns/jobs`, async ({ request, params }) => {
        if (!crashing) return undefined; // the cluster's usual answer
        const body: any = await request.json();
        const job = `${params.ns}/${body.metadata.name}`;
        if (!m.jobs.has(job)) m.calls.push(`k8s POST job ${job}`);
        m.jobs.set(job, { reads: 0, spec: body.spec, labels: body.metadata.labels });
        return HttpResponse.error();
      }),
    );
    await expect(action.handler(context(store, { joinId }).ctx as any)).rejects.toThrow();
    crashing = false;
    expect(m.calls).toEqual([`k8s POST secret ${NS}/${BUNDLE}`, expect.stringMatching(/^k8s POST job .*-1$/)]);
    expect([...store.keys()].some(k => k.includes('.discover.'))).toBe(false);

    // the same continuation task, resumed: it binds the join record again (its own), the Secret
    // and the Job are not made again
    const second = context(store, { joinId });
    await action.handler(second.ctx as any);
    expect(m.calls).toEqual([
      `k8s POST secret ${NS}/${BUNDLE}`,
      expect.stringMatching(/^k8s POST job .*-1$/),
      'nova PUT os-services/svc-new enabled',
      'nova POST os-aggregates az1-general zone az1',
      `nova add_host ${HOST} to aggregate 2`,
    ]);
    expect(second.ctx.output).toHaveBeenCalledWith('bundleSecret', `${NS}/${BUNDLE}`);

    // and a third run after everything finished changes nothing
    const before = [...m.calls];
    await action.handler(context(store, { joinId }).ctx as any);
    expect(m.calls).toEqual(before);
  });
});
