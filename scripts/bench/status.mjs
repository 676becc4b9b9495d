// Benchmark (prints figures; not a test): the live status source reading a synthetic cloud.
//
// A local HTTP process serves a synthetic OpenStack cloud of BSO_BENCH_HOSTS (2,000) compute
// hosts — Keystone (application credential token + catalog), Nova 2.93 (os-services, paginated
// os-hypervisors/detail and servers/detail, os-aggregates), Placement (providers, inventories,
// usages), Neutron (OVN agents), Cinder, Glance — and the Kubernetes list calls of an
// openstack-helm namespace, with JSON shaped like the real APIs' and 20–50 ms of added latency
// per request. The real backend (packages/backend, started here on :7317 with the live cloud
// `bench` configured; the demo off) reads it through /api/openstack.
//
// It prints: cold (cache bypassed, `refresh=true`) and warm p50/p95 of the status and hosts
// routes, upstream requests per cold read, and the ratio of a cold read to the bare parallel
// fetch of the same upstream JSON (a minimal fetch-and-JSON.parse of the same URLs, with the
// same concurrency cap and the same ordering constraints: pages in sequence, provider list
// before per-provider calls).
//
// Usage: node scripts/bench/status.mjs   (BSO_BENCH_HOSTS, BSO_BENCH_CONCURRENCY, BSO_BENCH_ROUNDS)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import {
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, spawnSync } from 'node:child_process';
// the fake APIs' pager, shared with the unit tests' fake cloud (loaded with Node's type stripping)
import { markerPage as page } from '../../plugins/openstack-node/src/openstack/__testUtils__/markerPage.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOSTS = Number(process.env.BSO_BENCH_HOSTS ?? 2000);
const CONCURRENCY = Number(process.env.BSO_BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BSO_BENCH_ROUNDS ?? 40);
const COLD_ROUNDS = Number(process.env.BSO_BENCH_COLD_ROUNDS ?? 5);
const VMS_PER_HOST = 8;
const BACKEND_PORT = 7317;
const BACKEND = `http://localhost:${BACKEND_PORT}`;
const LATENCY = [20, 50];

const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))
  ];
const ms = x => `${x.toFixed(1)} ms`;
const sleep = t => new Promise(r => setTimeout(r, t));

// ------------------------------------------------------------------ the synthetic cloud
const PROJECT = 'b7a4c0f93f1d2c6e5e8d7c6b5a493827';
const zoneOf = i => `az${(i % 4) + 1}`;
const hostName = i => `cmp-${zoneOf(i)}-${String(i).padStart(4, '0')}`;
const fqdn = i => `${hostName(i)}.cloud.example.org`;
const uuidOf = (kind, i) =>
  `${kind.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(i).padStart(
    12,
    '0',
  )}`;
const updated = '2026-11-25T06:40:12.000000';
const hosts = Array.from({ length: HOSTS }, (_, i) => i);
const down = new Set([7, 1234]);
const disabled = new Set([42, 999]);

let base; // http://127.0.0.1:<port>, known once listening
function catalog() {
  const ep = (type, name, path) => ({
    type,
    name,
    id: randomUUID(),
    endpoints: ['public', 'internal', 'admin'].map(iface => ({
      id: randomUUID(),
      interface: iface,
      region_id: 'RegionOne',
      region: 'RegionOne',
      url: `${base}${path}`,
    })),
  });
  return [
    ep('identity', 'keystone', '/identity/v3/'),
    ep('compute', 'nova', '/compute/v2.1'),
    ep('placement', 'placement', '/placement'),
    ep('network', 'neutron', '/network'),
    ep('volumev3', 'cinderv3', `/volume/v3/${PROJECT}`),
    ep('image', 'glance', '/image'),
  ];
}

const novaServices = [
  ...[0, 1, 2].flatMap(n => [
    { binary: 'nova-conductor', host: `nova-conductor-${n}`, zone: 'internal' },
    { binary: 'nova-scheduler', host: `nova-scheduler-${n}`, zone: 'internal' },
  ]),
  ...hosts.map(i => ({
    binary: 'nova-compute',
    host: hostName(i),
    zone: zoneOf(i),
    i,
  })),
].map((s, n) => ({
  id: uuidOf('svc', n),
  binary: s.binary,
  host: s.host,
  zone: s.zone,
  status: disabled.has(s.i) ? 'disabled' : 'enabled',
  state: down.has(s.i) ? 'down' : 'up',
  updated_at: updated,
  disabled_reason: disabled.has(s.i) ? 'maintenance: firmware upgrade' : null,
  forced_down: false,
}));

const hypervisors = hosts.map(i => ({
  id: uuidOf('hyp', i),
  hypervisor_hostname: fqdn(i),
  hypervisor_type: 'QEMU',
  hypervisor_version: 8002002,
  host_ip: `10.${20 + (i % 4)}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  state: down.has(i) ? 'down' : 'up',
  status: disabled.has(i) ? 'disabled' : 'enabled',
  uptime:
    ' 06:40:12 up 112 days,  3:02,  0 users,  load average: 1.02, 0.97, 0.93',
  service: {
    host: hostName(i),
    id: novaServices[6 + i].id,
    disabled_reason: disabled.has(i) ? 'maintenance: firmware upgrade' : null,
  },
}));

const servers = [];
for (const i of hosts) {
  for (let v = 0; v < VMS_PER_HOST - (i % 3); v++) {
    const id = uuidOf('srv', servers.length);
    servers.push({
      id,
      name: `app-${servers.length}`,
      status: 'ACTIVE',
      tenant_id: PROJECT,
      user_id: '5e8d7c6b5a4938273f1d2c6eb7a4c0f9',
      metadata: { owner: 'team-a', tier: 'web' },
      hostId: 'e3d0b3f1b1e54c4fa3f6f1b2c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4',
      image: {
        id: uuidOf('img', 1),
        links: [
          {
            rel: 'bookmark',
            href: `https://nova.cloud.example.org/images/${uuidOf('img', 1)}`,
          },
        ],
      },
      flavor: {
        vcpus: 4,
        ram: 8192,
        disk: 40,
        ephemeral: 0,
        swap: 0,
        original_name: 'm1.large',
        extra_specs: { 'hw:cpu_policy': 'shared' },
      },
      created: '2026-10-01T10:00:00Z',
      updated: '2026-11-20T10:00:00Z',
      addresses: {
        tenant: [
          {
            version: 4,
            addr: `192.168.${v}.${(i % 250) + 2}`,
            'OS-EXT-IPS:type': 'fixed',
            'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:12:34:56',
          },
        ],
      },
      accessIPv4: '',
      accessIPv6: '',
      links: [
        {
          rel: 'self',
          href: `https://nova.cloud.example.org/v2.1/servers/${id}`,
        },
      ],
      'OS-DCF:diskConfig': 'MANUAL',
      progress: 0,
      'OS-EXT-AZ:availability_zone': zoneOf(i),
      config_drive: '',
      key_name: 'ops',
      'OS-SRV-USG:launched_at': '2026-10-01T10:00:30.000000',
      'OS-SRV-USG:terminated_at': null,
      'OS-EXT-SRV-ATTR:host': hostName(i),
      'OS-EXT-SRV-ATTR:instance_name': `instance-${String(
        servers.length,
      ).padStart(8, '0')}`,
      'OS-EXT-SRV-ATTR:hypervisor_hostname': fqdn(i),
      'OS-EXT-STS:task_state': null,
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:power_state': 1,
      'os-extended-volumes:volumes_attached': [],
      security_groups: [{ name: 'default' }],
      locked: false,
      description: null,
      tags: [],
      trusted_image_certificates: null,
      host_status: 'UP',
    });
  }
}

const aggregates = [1, 2, 3, 4].map(z => ({
  id: z,
  uuid: uuidOf('agg', z),
  name: `az${z}-general`,
  availability_zone: `az${z}`,
  hosts: hosts.filter(i => zoneOf(i) === `az${z}`).map(hostName),
  metadata: { availability_zone: `az${z}` },
  created_at: '2026-01-01T00:00:00.000000',
  updated_at: null,
  deleted_at: null,
  deleted: false,
}));

const providers = hosts.map(i => ({
  uuid: uuidOf('rp', i),
  name: fqdn(i),
  generation: 17 + (i % 9),
  parent_provider_uuid: null,
  root_provider_uuid: uuidOf('rp', i),
  links: [
    { rel: 'self', href: `/resource_providers/${uuidOf('rp', i)}` },
    {
      rel: 'inventories',
      href: `/resource_providers/${uuidOf('rp', i)}/inventories`,
    },
    { rel: 'usages', href: `/resource_providers/${uuidOf('rp', i)}/usages` },
  ],
}));
const providerIndex = new Map(providers.map((p, i) => [p.uuid, i]));
const inventories = i => ({
  resource_provider_generation: 17 + (i % 9),
  inventories: {
    VCPU: {
      total: 64,
      reserved: 2,
      min_unit: 1,
      max_unit: 64,
      step_size: 1,
      allocation_ratio: 4.0,
    },
    MEMORY_MB: {
      total: 515072,
      reserved: 16384,
      min_unit: 1,
      max_unit: 515072,
      step_size: 1,
      allocation_ratio: 1.0,
    },
    DISK_GB: {
      total: 3500,
      reserved: 0,
      min_unit: 1,
      max_unit: 3500,
      step_size: 1,
      allocation_ratio: 1.0,
    },
  },
});
const usages = i => {
  const vms = VMS_PER_HOST - (i % 3);
  return {
    resource_provider_generation: 17 + (i % 9),
    usages: { VCPU: vms * 4, MEMORY_MB: vms * 8192, DISK_GB: vms * 40 },
  };
};

const agents = hosts.flatMap(i =>
  [
    ['OVN Controller agent', 'ovn-controller'],
    ['OVN Metadata agent', 'neutron-ovn-metadata-agent'],
  ].map(([type, binary], k) => ({
    id: uuidOf(k ? 'meta' : 'ovn', i),
    agent_type: type,
    binary,
    host: hostName(i),
    availability_zone: null,
    topic: 'N/A',
    admin_state_up: true,
    alive: !down.has(i),
    created_at: '2026-01-01 00:00:00',
    started_at: '2026-11-01 00:00:00',
    heartbeat_timestamp: '2026-11-25 06:40:11',
    description: null,
    resources_synced: null,
    configurations: {
      chassis_name: uuidOf('chassis', i),
      'bridge-mappings': 'physnet1:br-ex',
    },
    resource_versions: {},
  })),
);

const volumeServices = [0, 1, 2].flatMap(n => [
  {
    binary: 'cinder-scheduler',
    host: `cinder-scheduler-${n}`,
    zone: 'nova',
    status: 'enabled',
    state: 'up',
    updated_at: updated,
    cluster: null,
    disabled_reason: null,
  },
  {
    binary: 'cinder-volume',
    host: `cinder-volume-${n}@rbd1`,
    zone: 'nova',
    status: 'enabled',
    state: 'up',
    updated_at: updated,
    cluster: null,
    disabled_reason: null,
    replication_status: 'disabled',
    active_backend_id: null,
    frozen: false,
    backend_state: 'up',
  },
]);

// Kubernetes: the openstack-helm control plane of namespace `openstack`
const helm = [
  ['Deployment', 'keystone', 'api', 'keystone-api', 3],
  ['Deployment', 'glance', 'api', 'glance-api', 3],
  ['Deployment', 'placement', 'api', 'placement-api', 3],
  ['Deployment', 'nova', 'os-api', 'nova-api-osapi', 3],
  ['Deployment', 'nova', 'metadata', 'nova-api-metadata', 3],
  ['Deployment', 'nova', 'conductor', 'nova-conductor', 3],
  ['Deployment', 'nova', 'scheduler', 'nova-scheduler', 3],
  ['Deployment', 'nova', 'novnc-proxy', 'nova-novncproxy', 2],
  ['Deployment', 'neutron', 'server', 'neutron-server', 3],
  ['Deployment', 'cinder', 'api', 'cinder-api', 3],
  ['Deployment', 'cinder', 'scheduler', 'cinder-scheduler', 2],
  ['Deployment', 'cinder', 'volume', 'cinder-volume', 2],
  ['Deployment', 'horizon', 'server', 'horizon', 2],
  ['Deployment', 'ovn', 'ovn-northd', 'ovn-northd', 3],
  ['StatefulSet', 'mariadb', 'server', 'mariadb-server', 3],
  ['StatefulSet', 'rabbitmq', 'server', 'rabbitmq-rabbitmq', 3],
  ['StatefulSet', 'memcached', 'server', 'memcached-memcached', 1],
  ['StatefulSet', 'ovn', 'ovn-ovsdb-nb', 'ovn-ovsdb-nb', 3],
  ['StatefulSet', 'ovn', 'ovn-ovsdb-sb', 'ovn-ovsdb-sb', 3],
  ['Job', 'keystone', 'db-sync', 'keystone-db-sync', 1],
  ['Job', 'nova', 'db-sync', 'nova-db-sync', 1],
];
const k8sMeta = (name, labels) => ({
  name,
  namespace: 'openstack',
  uid: randomUUID(),
  resourceVersion: '123456',
  generation: 3,
  creationTimestamp: '2026-11-01T00:00:00Z',
  labels,
  annotations: {
    'meta.helm.sh/release-name': labels.application,
    'meta.helm.sh/release-namespace': 'openstack',
  },
  managedFields: [
    {
      manager: 'helm-controller',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2026-11-20T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    },
  ],
});
const image = app =>
  ['mariadb', 'rabbitmq', 'memcached'].includes(app)
    ? `docker.io/openstackhelm/${app}:latest-ubuntu_noble`
    : `quay.io/airshipit/${app}:2025.1-ubuntu_noble`;
const podSpec = (app, component) => ({
  serviceAccountName: `${app}-${component}`,
  containers: [
    {
      name: `${app}-${component}`,
      image: image(app),
      command: ['/tmp/start.sh'],
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
      readinessProbe: { httpGet: { path: '/', port: 8080 } },
      volumeMounts: [{ name: 'etc', mountPath: `/etc/${app}` }],
    },
  ],
  volumes: [{ name: 'etc', secret: { secretName: `${app}-etc` } }],
  nodeSelector: { 'openstack-control-plane': 'enabled' },
});
const k8sLists = { Deployment: [], StatefulSet: [], Job: [], Pod: [] };
for (const [kind, app, component, name, replicas] of helm) {
  const labels = { application: app, component, release_group: app };
  const obj = {
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: k8sMeta(name, labels),
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec(app, component) },
    },
    status:
      kind === 'Job'
        ? {
            succeeded: 1,
            startTime: '2026-11-20T10:00:00Z',
            completionTime: '2026-11-20T10:01:00Z',
          }
        : {
            replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            updatedReplicas: replicas,
            observedGeneration: 3,
            conditions: [
              {
                type: 'Available',
                status: 'True',
                lastUpdateTime: '2026-11-20T10:02:00Z',
                lastTransitionTime: '2026-11-20T10:02:00Z',
              },
            ],
          },
  };
  k8sLists[kind].push(obj);
  for (let r = 0; r < (kind === 'Job' ? 1 : replicas); r++) {
    k8sLists.Pod.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: k8sMeta(
        `${name}-${kind === 'StatefulSet' ? r : `7d9f8b6c5-${r}x${r}z`}`,
        labels,
      ),
      spec: { ...podSpec(app, component), nodeName: `ctl-${r}` },
      status: {
        phase: kind === 'Job' ? 'Succeeded' : 'Running',
        podIP: `10.244.${r}.${k8sLists.Pod.length}`,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: '2026-11-20T10:02:00Z',
          },
        ],
        containerStatuses: [
          {
            name: `${app}-${component}`,
            image: image(app),
            imageID: 'sha256:0',
            ready: true,
            restartCount: app === 'rabbitmq' ? 1 : 0,
            started: true,
            state: { running: { startedAt: '2026-11-20T10:01:00Z' } },
          },
        ],
      },
    });
  }
}

// ------------------------------------------------------------------ the server
let requests = 0;
const json = (res, status, body, headers = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};
const TOKEN = `gAAAAABbench${'x'.repeat(160)}`;
const k8sList = kind => ({
  apiVersion: 'v1',
  kind: `${kind}List`,
  metadata: { resourceVersion: '123456' },
  items: k8sLists[kind] ?? [],
});

function route(req, res, url) {
  const p = url.pathname;
  if (req.method === 'POST' && p === '/identity/v3/auth/tokens') {
    return json(
      res,
      201,
      {
        token: {
          methods: ['application_credential'],
          user: {
            id: 'u1',
            name: 'backstage',
            domain: { id: 'default', name: 'Default' },
          },
          project: {
            id: PROJECT,
            name: 'admin',
            domain: { id: 'default', name: 'Default' },
          },
          roles: [
            { id: 'r1', name: 'admin' },
            { id: 'r2', name: 'reader' },
          ],
          application_credential: {
            id: 'bench',
            name: 'backstage',
            restricted: true,
          },
          expires_at: new Date(Date.now() + 3600_000)
            .toISOString()
            .replace('Z', '000Z'),
          issued_at: new Date().toISOString(),
          audit_ids: ['bench'],
          is_domain: false,
          catalog: catalog(),
        },
      },
      { 'X-Subject-Token': TOKEN },
    );
  }
  if (p === '/identity/v3' || p === '/identity/v3/')
    return json(res, 200, {
      version: {
        id: 'v3.14',
        status: 'stable',
        updated: '2020-04-07T00:00:00Z',
        links: [],
      },
    });
  if (p.startsWith('/api/') || p.startsWith('/apis/')) {
    if (req.headers.authorization !== 'Bearer bench-sa-token')
      return json(res, 401, { kind: 'Status', code: 401 });
    const kind = {
      deployments: 'Deployment',
      statefulsets: 'StatefulSet',
      daemonsets: 'DaemonSet',
      jobs: 'Job',
      pods: 'Pod',
    }[p.split('/').pop()];
    return json(res, 200, k8sList(kind));
  }
  if (
    req.headers['x-auth-token'] !== TOKEN &&
    ![
      '/compute/',
      '/compute/v2.1',
      '/compute/v2.1/',
      '/placement/',
      '/network/',
      '/volume/v3/',
      '/image/versions',
    ].includes(p)
  ) {
    return json(res, 401, {
      error: {
        code: 401,
        message: 'The request you have made requires authentication.',
      },
    });
  }
  switch (p) {
    case '/compute/':
      return json(res, 200, {
        versions: [
          {
            id: 'v2.1',
            status: 'CURRENT',
            version: '2.93',
            min_version: '2.1',
            updated: '2013-07-23T11:33:21Z',
            links: [{ rel: 'self', href: `${base}/compute/v2.1/` }],
          },
        ],
      });
    case '/compute/v2.1':
    case '/compute/v2.1/':
      return json(res, 200, {
        version: {
          id: 'v2.1',
          status: 'CURRENT',
          version: '2.93',
          min_version: '2.1',
          updated: '2013-07-23T11:33:21Z',
          links: [],
        },
      });
    case '/compute/v2.1/os-services':
      return json(res, 200, { services: novaServices });
    case '/compute/v2.1/os-hypervisors/detail':
      return json(
        res,
        200,
        page(
          hypervisors,
          url,
          'hypervisors',
          `${base}/compute/v2.1/os-hypervisors/detail`,
        ),
      );
    case '/compute/v2.1/servers/detail':
      return json(
        res,
        200,
        page(servers, url, 'servers', `${base}/compute/v2.1/servers/detail`),
      );
    case '/compute/v2.1/os-aggregates':
      return json(res, 200, { aggregates });
    case '/placement/':
      return json(res, 200, {
        versions: [
          {
            id: 'v1.0',
            max_version: '1.39',
            min_version: '1.0',
            status: 'CURRENT',
            links: [],
          },
        ],
      });
    case '/placement/resource_providers':
      return json(res, 200, { resource_providers: providers });
    case '/network/':
      return json(res, 200, {
        versions: [{ id: 'v2.0', status: 'CURRENT', links: [] }],
      });
    case '/network/v2.0/agents':
      return json(res, 200, { agents });
    case '/volume/v3/':
      return json(res, 200, {
        versions: [
          {
            id: 'v3.0',
            status: 'CURRENT',
            version: '3.70',
            min_version: '3.0',
            links: [],
          },
        ],
      });
    case `/volume/v3/${PROJECT}/os-services`:
      return json(res, 200, { services: volumeServices });
    case '/image/versions':
      return json(res, 200, {
        versions: [{ id: 'v2.16', status: 'CURRENT', links: [] }],
      });
    default: {
      const m =
        /^\/placement\/resource_providers\/([^/]+)\/(inventories|usages)$/.exec(
          p,
        );
      const i = m ? providerIndex.get(m[1]) : undefined;
      if (i !== undefined)
        return json(
          res,
          200,
          m[2] === 'inventories' ? inventories(i) : usages(i),
        );
      return json(res, 404, {
        error: { code: 404, message: `${p} not found` },
      });
    }
  }
}

const upstream = createServer((req, res) => {
  requests++;
  const url = new URL(req.url, base);
  req.resume();
  req.on('end', () => {
    setTimeout(
      () => route(req, res, url),
      LATENCY[0] + Math.random() * (LATENCY[1] - LATENCY[0]),
    );
  });
});
upstream.keepAliveTimeout = 60_000;
await new Promise(r => upstream.listen(0, '127.0.0.1', r));
base = `http://127.0.0.1:${upstream.address().port}`;

// ------------------------------------------------------------------ the bare parallel fetch
function semaphore(max) {
  let active = 0;
  const waiting = [];
  return async fn => {
    if (active >= max) await new Promise(r => waiting.push(r));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
/** The same upstream JSON as one cold read, fetched and parsed with nothing else done. */
async function bareFetch() {
  const limit = semaphore(CONCURRENCY);
  const h = { 'X-Auth-Token': TOKEN, Accept: 'application/json' };
  const get = (path, headers = h) =>
    limit(() => fetch(`${base}${path}`, { headers })).then(r => r.json());
  const k = { Authorization: 'Bearer bench-sa-token' };
  const getK = path =>
    fetch(`${base}${path}`, { headers: k }).then(r => r.json());
  const pages = async (path, key) => {
    let url = `${path}?limit=1000`;
    const out = [];
    for (;;) {
      const body = await get(url);
      out.push(...body[key]);
      const next = body[`${key}_links`]?.find(l => l.rel === 'next')?.href;
      if (!next) return out;
      url = next.slice(base.length);
    }
  };
  await Promise.all([
    ...['deployments', 'statefulsets', 'daemonsets'].map(x =>
      getK(`/apis/apps/v1/namespaces/openstack/${x}?labelSelector=application`),
    ),
    getK('/apis/batch/v1/namespaces/openstack/jobs?labelSelector=application'),
    getK('/api/v1/namespaces/openstack/pods?labelSelector=application'),
    ...[
      '/identity/v3/',
      '/compute/v2.1/',
      '/placement/',
      '/network/',
      '/volume/v3/',
      '/image/versions',
    ].map(x => get(x)),
    get('/compute/v2.1/os-services'),
    pages('/compute/v2.1/os-hypervisors/detail', 'hypervisors'),
    pages('/compute/v2.1/servers/detail', 'servers'),
    get('/compute/v2.1/os-aggregates'),
    get('/placement/resource_providers').then(b =>
      Promise.all(
        b.resource_providers.flatMap(rp => [
          get(`/placement/resource_providers/${rp.uuid}/inventories`),
          get(`/placement/resource_providers/${rp.uuid}/usages`),
        ]),
      ),
    ),
    get('/network/v2.0/agents'),
    get(`/volume/v3/${PROJECT}/os-services`),
  ]);
}

// ------------------------------------------------------------------ the backend
const tmp = mkdtempSync(join(tmpdir(), 'bso-bench-status-'));
const configFile = join(tmp, 'bench.yaml');
// the bench cloud's catalog entity: the routes name a cloud by its entity ref
const cloudFile = join(tmp, 'bench-cloud.yaml');
writeFileSync(
  cloudFile,
  `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: bench
  annotations:
    openstack.backstage.io/cloud: bench
spec:
  type: openstack-cloud
  owner: group:default/platform-team
`,
);
writeFileSync(
  configFile,
  `backend:
  baseUrl: ${BACKEND}
  listen:
    port: ${BACKEND_PORT}
kubernetes:
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: bench
          url: ${base}
          authProvider: serviceAccount
          serviceAccountToken: \${BSO_BENCH_SA_TOKEN}
          # the synthetic API server speaks plain HTTP, which client-node allows only so
          skipTLSVerify: true
catalog:
  locations:
    - type: file
      target: ../../examples/all.yaml
    - type: file
      target: ${cloudFile}
openstack:
  demo:
    enabled: false
  clouds:
    bench:
      authUrl: ${base}/identity/v3
      region: RegionOne
      applicationCredentialId: bench
      applicationCredentialSecret: \${BSO_BENCH_APPCRED_SECRET}
      maxConcurrency: ${CONCURRENCY}
      cluster: bench
      namespace: openstack
`,
);
const log = openSync(join(tmp, 'backend.log'), 'w');
// node with Backstage's transform, not `backstage-cli package start`: that one restarts the
// backend whenever a file of the worktree changes, which other engineers' edits would trigger
const backend = spawn(
  process.execPath,
  [
    '--require',
    join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
    'src/index.ts',
    '--config',
    join(root, 'app-config.yaml'),
    '--config',
    configFile,
  ],
  {
    cwd: join(root, 'packages/backend'),
    env: {
      ...process.env,
      NODE_ENV: 'development',
      BSO_SQLITE_DIR: tmp,
      BSO_BENCH_SA_TOKEN: 'bench-sa-token',
      BSO_BENCH_APPCRED_SECRET: 'bench-secret',
    },
    stdio: ['ignore', log, log],
    detached: true,
  },
);
const stop = () => {
  try {
    process.kill(-backend.pid, 'SIGTERM');
  } catch {
    // gone
  }
  upstream.close();
  upstream.closeAllConnections();
};

async function waitUp() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${BACKEND}/api/openstack/health`)).ok) return;
    } catch {
      // not yet
    }
    await sleep(1000);
  }
  throw new Error(`backend did not start; see ${join(tmp, 'backend.log')}`);
}

try {
  const t0 = performance.now();
  await waitUp();
  const token = (
    await (
      await fetch(`${BACKEND}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      })
    ).json()
  ).backstageIdentity.token;
  const get = async path => {
    const t = performance.now();
    const res = await fetch(`${BACKEND}/api/openstack${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = await res.json();
    if (!res.ok)
      throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return { t: performance.now() - t, body };
  };
  const load = () =>
    loadavg()
      .map(x => x.toFixed(2))
      .join(' ');
  console.log(
    `synthetic cloud: ${HOSTS} compute hosts, ${servers.length} servers, ${agents.length} agents; ` +
      `${LATENCY[0]}–${
        LATENCY[1]
      } ms per upstream request; maxConcurrency ${CONCURRENCY}; backend up in ${(
        (performance.now() - t0) /
        1000
      ).toFixed(0)} s`,
  );
  console.log(
    `machine: ${cpus().length} cores (${
      cpus()[0].model
    }), load average at start ${load()}`,
  );

  // the catalog ingests the bench cloud's entity in the background after start
  for (let i = 0; ; i++) {
    const res = await fetch(`${BACKEND}/api/catalog/entities/by-name/resource/default/bench`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.ok) break;
    if (i >= 300) throw new Error(`the catalog has no resource:default/bench after 300 s (${res.status}); see ${join(tmp, 'backend.log')}`);
    await sleep(1000);
  }

  // the very first read: Keystone token, catalog and Nova's version document included
  requests = 0;
  const first = await get('/clouds/default/bench/status');
  const firstRequests = requests;
  const errs = first.body.errors.map(e => `${e.source} (${e.message})`);
  console.log(
    `  first read (token, negotiation) ${ms(
      first.t,
    )}, ${firstRequests} upstream requests; errors: ${
      errs.length ? errs.join(', ') : 'none'
    }`,
  );
  console.log(
    `  verdict ${first.body.verdict} (${
      first.body.reasons.join('; ') || 'no reasons'
    }); hosts ${JSON.stringify(first.body.hostSummary)}`,
  );

  // cold reads (cache bypassed) vs the bare parallel fetch of the same JSON, interleaved
  const cold = [];
  const bare = [];
  const perRead = [];
  for (let r = 0; r < COLD_ROUNDS; r++) {
    requests = 0;
    cold.push((await get('/clouds/default/bench/status?refresh=true')).t);
    perRead.push(requests);
    requests = 0;
    const b0 = performance.now();
    await bareFetch();
    bare.push(performance.now() - b0);
  }
  // warm: the view fresh in the cache (the bare fetch above may have outlived its 10 s TTL)
  await get('/clouds/default/bench/status?refresh=true');
  const warmStatus = [];
  const warmHosts = [];
  const warmHost = [];
  for (let i = 0; i < ROUNDS; i++) {
    warmStatus.push((await get('/clouds/default/bench/status')).t);
    warmHosts.push(
      (await get('/clouds/default/bench/hosts?sort=vcpu&order=desc&limit=25')).t,
    );
    warmHost.push(
      (await get(`/clouds/default/bench/hosts/${hostName(Math.min(1234, HOSTS - 1))}`))
        .t,
    );
  }
  // the hosts route cold: one read with the cache bypassed
  const coldHosts = [];
  for (let r = 0; r < COLD_ROUNDS; r++)
    coldHosts.push(
      (
        await get(
          '/clouds/default/bench/hosts?sort=vcpu&order=desc&limit=25&refresh=true',
        )
      ).t,
    );

  const c50 = pct(cold, 50);
  const b50 = pct(bare, 50);
  console.log(
    `  upstream requests per cold read: ${[...new Set(perRead)].join(', ')}`,
  );
  console.log(
    `  status  cold p50 ${ms(c50)}  p95 ${ms(pct(cold, 95))}   warm p50 ${ms(
      pct(warmStatus, 50),
    )}  p95 ${ms(pct(warmStatus, 95))}`,
  );
  console.log(
    `  hosts   cold p50 ${ms(pct(coldHosts, 50))}  p95 ${ms(
      pct(coldHosts, 95),
    )}   warm p50 ${ms(pct(warmHosts, 50))}  p95 ${ms(
      pct(warmHosts, 95),
    )}  (page of 25 sorted by vCPU)`,
  );
  console.log(
    `  one host                                        warm p50 ${ms(
      pct(warmHost, 50),
    )}  p95 ${ms(pct(warmHost, 95))}`,
  );
  console.log(
    `  bare parallel fetch of the same JSON: p50 ${ms(b50)}  p95 ${ms(
      pct(bare, 95),
    )}`,
  );
  console.log(
    `  cold status / bare fetch (p50): ${(c50 / b50).toFixed(
      2,
    )}×   (${COLD_ROUNDS} cold rounds, ${ROUNDS} warm reads per route)`,
  );
  console.log(`  load average at end ${load()}`);
  // the CLI an operator would use for the same answers, against the same synthetic cloud
  const osc = spawnSync('sh', ['-c', 'command -v openstack'], {
    encoding: 'utf8',
  }).stdout.trim();
  if (!osc) {
    console.log(
      '  python-openstackclient is not installed: `openstack hypervisor list --long` not timed',
    );
  } else {
    const env = {
      ...process.env,
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_AUTH_URL: `${base}/identity/v3`,
      OS_APPLICATION_CREDENTIAL_ID: 'bench',
      OS_APPLICATION_CREDENTIAL_SECRET: 'bench-secret',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
    };
    console.log(
      `  python-openstackclient (${osc}), one command after the other, each with its own token:`,
    );
    for (const cmd of [
      'hypervisor list --long',
      'compute service list',
      'network agent list',
      'volume service list',
    ]) {
      const c0 = performance.now();
      // asynchronously: the synthetic cloud answers from this very process
      const r = await new Promise(resolve =>
        execFile(
          osc,
          [...cmd.split(' '), '-f', 'value'],
          { env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 },
          (error, stdout, stderr) => resolve({ error, stdout, stderr }),
        ),
      );
      const t = ((performance.now() - c0) / 1000).toFixed(1);
      console.log(
        `    openstack ${cmd.padEnd(24)} ${
          r.error
            ? `failed after ${t} s: ${r.stderr.trim().split('\n').pop()}`
            : `${t} s (${r.stdout.trim().split('\n').length} rows)`
        }`,
      );
    }
  }
} catch (e) {
  console.error(e);
  console.error(
    readFileSync(join(tmp, 'backend.log'), 'utf8')
      .split('\n')
      .slice(-40)
      .join('\n'),
  );
  process.exitCode = 1;
} finally {
  stop();
  rmSync(tmp, { recursive: true, force: true });
}
