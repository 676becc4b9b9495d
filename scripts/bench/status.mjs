// Benchmark (prints figures; not a test): the live status source reading a synthetic cloud.
//
// A local HTTP process serves openstack-node's fake cloud and fake Kubernetes namespace (the
// unit tests' msw models, from `@backstage-openstack/plugin-openstack-node/testUtils`) scaled
// to BSO_BENCH_HOSTS (2,000) compute hosts — Keystone (application credential token +
// catalog), Nova 2.93 (os-services, paginated os-hypervisors/detail and servers/detail,
// os-aggregates), Placement (providers, inventories, usages), Neutron (OVN agents), Cinder,
// Glance — and the Kubernetes list calls of an openstack-helm namespace, with 20–50 ms of
// added latency per request. The real backend (packages/backend, started here on :7317 with
// the live cloud `bench` configured; the demo off) reads it through /api/openstack.
//
// It prints: cold (cache bypassed, `refresh=true`) and warm p50/p95 of the status and hosts
// routes, upstream requests per cold read, and the ratio of a cold read to the bare parallel
// fetch of the same upstream JSON (a minimal fetch-and-JSON.parse of the same URLs, with the
// same concurrency cap and the same ordering constraints: pages in sequence, provider list
// before per-provider calls).
//
// Usage: yarn bench:status   (BSO_BENCH_HOSTS, BSO_BENCH_CONCURRENCY, BSO_BENCH_ROUNDS,
// BSO_BENCH_COLD_ROUNDS; e.g. BSO_BENCH_HOSTS=50 BSO_BENCH_ROUNDS=5 for a quick run)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { mkdtempSync, openSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// the fakes are TypeScript: load them through Backstage's node transform, as the backend is
const require = createRequire(join(root, 'plugins/openstack-node/package.json'));
require(join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'));
const {
  fakeCloud,
  fakeCloudUrlsAt,
  fakeKubernetes,
  newState,
  APP_CRED_ID,
  APP_CRED_SECRET,
  K8S_TOKEN,
  NAMESPACE,
  PROJECT_ID,
} = require('@backstage-openstack/plugin-openstack-node/testUtils');
const { getResponse } = require('msw');

const HOSTS = Number(process.env.BSO_BENCH_HOSTS ?? 2000);
const CONCURRENCY = Number(process.env.BSO_BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BSO_BENCH_ROUNDS ?? 40);
const COLD_ROUNDS = Number(process.env.BSO_BENCH_COLD_ROUNDS ?? 5);
const VMS_PER_HOST = 7;
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
const zoneOf = i => `az${(i % 4) + 1}`;
const hostName = i => `cmp-${zoneOf(i)}-${String(i).padStart(4, '0')}`;
const hostNames = Array.from({ length: HOSTS }, (_, i) => hostName(i));
const servers = hostNames.flatMap((host, i) =>
  Array.from({ length: VMS_PER_HOST }, (_, v) => ({
    id: `5e7e0000-0000-4000-8000-${String(i * VMS_PER_HOST + v).padStart(12, '0')}`,
    'OS-EXT-SRV-ATTR:host': host,
  })),
);
// an unscheduled server (no host yet), as a real cloud has
servers.push({ id: '5e7e0000-0000-4000-8000-ffffffffffff', 'OS-EXT-SRV-ATTR:host': null });

// ------------------------------------------------------------------ the server
let requests = 0;
let base; // http://127.0.0.1:<port>, known once listening
let handlers = [];
const upstream = createServer((req, res) => {
  requests++;
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    setTimeout(async () => {
      try {
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const request = new Request(new URL(req.url, base), {
          method: req.method,
          headers: Object.entries(req.headers).flatMap(([k, v]) =>
            v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]],
          ),
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        });
        const answer = await getResponse(handlers, request);
        if (!answer) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 404, message: `${req.url} not found` } }));
          return;
        }
        const text = Buffer.from(await answer.arrayBuffer());
        const headers = Object.fromEntries(answer.headers);
        delete headers['content-length'];
        res.writeHead(answer.status, { ...headers, 'Content-Length': text.length });
        res.end(text);
      } catch (e) {
        res.writeHead(500);
        res.end(String(e));
      }
    }, LATENCY[0] + Math.random() * (LATENCY[1] - LATENCY[0]));
  });
});
upstream.keepAliveTimeout = 60_000;
await new Promise(r => upstream.listen(0, '127.0.0.1', r));
base = `http://127.0.0.1:${upstream.address().port}`;
const urls = fakeCloudUrlsAt(base);
const cloud = newState({ hosts: hostNames, urls, servers, record: false });
handlers = [
  ...fakeCloud(cloud),
  ...fakeKubernetes({ calls: [], url: base, record: false }),
];
const agentCount = hostNames.filter((_, i) => i % 3 !== 2).length;

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
/** A token of the fake Keystone for the bare fetch (one POST, before the timed rounds). */
async function bareToken() {
  const res = await fetch(`${urls.keystone}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: APP_CRED_ID, secret: APP_CRED_SECRET },
        },
      },
    }),
  });
  return res.headers.get('x-subject-token');
}
/** The same upstream JSON as one cold read, fetched and parsed with nothing else done. */
async function bareFetch(token) {
  const limit = semaphore(CONCURRENCY);
  const h = {
    'X-Auth-Token': token,
    Accept: 'application/json',
    'OpenStack-API-Version': 'compute 2.93',
  };
  const get = (url, headers = h) =>
    limit(() => fetch(url, { headers })).then(r => r.json());
  const k = { Authorization: `Bearer ${K8S_TOKEN}` };
  const getK = path => fetch(`${base}${path}`, { headers: k }).then(r => r.json());
  const pages = async (path, key) => {
    let url = `${path}?limit=1000`;
    const out = [];
    for (;;) {
      const body = await get(url);
      out.push(...body[key]);
      const next = body[`${key}_links`]?.find(l => l.rel === 'next')?.href;
      if (!next) return out;
      url = `${path}${new URL(next).search}`;
    }
  };
  const ns = `namespaces/${NAMESPACE}`;
  await Promise.all([
    ...['deployments', 'statefulsets', 'daemonsets'].map(x =>
      getK(`/apis/apps/v1/${ns}/${x}?labelSelector=application`),
    ),
    getK(`/apis/batch/v1/${ns}/jobs?labelSelector=application`),
    getK(`/api/v1/${ns}/pods?labelSelector=application`),
    ...[
      `${urls.nova}/`,
      `${urls.placement}/`,
      `${urls.neutron}/`,
      `${urls.cinderRoot}/`,
      `${urls.glance}/versions`,
    ].map(x => get(x)),
    get(`${urls.nova}/os-services`),
    pages(`${urls.nova}/os-hypervisors/detail`, 'hypervisors'),
    pages(`${urls.nova}/servers/detail`, 'servers'),
    get(`${urls.nova}/os-aggregates`),
    get(`${urls.placement}/resource_providers`).then(b =>
      Promise.all(
        b.resource_providers.flatMap(rp => [
          get(`${urls.placement}/resource_providers/${rp.uuid}/inventories`),
          get(`${urls.placement}/resource_providers/${rp.uuid}/usages`),
        ]),
      ),
    ),
    get(`${urls.neutron}/v2.0/agents`),
    get(`${urls.cinderRoot}/${PROJECT_ID}/os-services`),
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
      authUrl: ${urls.keystone}
      region: RegionOne
      applicationCredentialId: ${APP_CRED_ID}
      applicationCredentialSecret: \${BSO_BENCH_APPCRED_SECRET}
      maxConcurrency: ${CONCURRENCY}
      cluster: bench
      namespace: ${NAMESPACE}
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
      BSO_BENCH_SA_TOKEN: K8S_TOKEN,
      BSO_BENCH_APPCRED_SECRET: APP_CRED_SECRET,
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
    `synthetic cloud: ${HOSTS} compute hosts, ${servers.length} servers, ${agentCount} agents; ` +
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
  const upstreamToken = await bareToken();
  const cold = [];
  const bare = [];
  const perRead = [];
  for (let r = 0; r < COLD_ROUNDS; r++) {
    requests = 0;
    cold.push((await get('/clouds/default/bench/status?refresh=true')).t);
    perRead.push(requests);
    requests = 0;
    const b0 = performance.now();
    await bareFetch(upstreamToken);
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
      OS_AUTH_URL: urls.keystone,
      OS_APPLICATION_CREDENTIAL_ID: APP_CRED_ID,
      OS_APPLICATION_CREDENTIAL_SECRET: APP_CRED_SECRET,
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
