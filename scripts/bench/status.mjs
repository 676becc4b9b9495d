// Benchmark (prints figures; not a test): the live status source reading a synthetic cloud.
//
// A local HTTP process serves openstack-node's fake cloud and fake Kubernetes namespace (the
// unit tests' msw models, from `@backstage-openstack/plugin-openstack-node/testUtils`) scaled
// to BSO_BENCH_HOSTS (2,000) compute hosts — Keystone (application credential token +
// catalog), Nova 2.93 (os-services, paginated os-hypervisors/detail and servers/detail,
// os-aggregates), Placement (providers, inventories, usages, allocation candidates), Neutron
// (OVN agents), Cinder,
// Glance — and the Kubernetes list calls of an openstack-helm namespace, with 20–50 ms of
// added latency per request. The real backend (the production build of packages/backend,
// scripts/bench/backend.mjs, started here on :7317 with the live cloud `bench` configured; the
// demo off) reads it through /api/openstack.
//
// Placement is the fakes' model with varied inventories (reserved, allocation ratios), hosts
// full in every class, nested providers and a host without inventory (syntheticPlacement).
//
// It prints a table and writes bench-results/status.json: the first read after start and cold
// reads (cache bypassed, `refresh=true`) with their upstream requests against the fewest that
// carry the same facts, warm p50/p95 of the status and hosts routes, every host's figures
// compared with Placement's own per-provider answers (`placement_mismatches`),
// python-openstackclient's four commands against the same cloud (Debian's
// python3-openstackclient, installed with apt-get when missing) and the backend's memory:
// RSS and V8's live heap before and after reading the cloud (after a full GC, through the
// backend's inspector), right after the reads, 30 s later and at its peak.
//
// Usage: yarn bench:status   (BSO_BENCH_HOSTS, BSO_BENCH_CONCURRENCY, BSO_BENCH_ROUNDS,
// BSO_BENCH_COLD_ROUNDS; e.g. BSO_BENCH_HOSTS=50 BSO_BENCH_ROUNDS=5 for a quick run;
// BSO_BENCH_HEAP_SNAPSHOT=1 also writes the backend's heap snapshot into bench-results/,
// BSO_BENCH_CPU_PROF=1 the backend's CPU profiles of the cold and warm reads, bench-results/{cold,warm}.cpuprofile;
// BSO_BENCH_NODE_FLAGS node's flags for the backend, e.g. "--max-old-space-size=256")
import { createRequire } from 'node:module';
import { serveHandlers } from './upstream.mjs';
import { catalogLocations, startBackend, stopBackend } from './backend.mjs';
import { printProfile } from './profile.mjs';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
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
  syntheticPlacement,
  fakeCapacity,
  fakeUsages,
  APP_CRED_ID,
  APP_CRED_SECRET,
  K8S_TOKEN,
  NAMESPACE,
  PROJECT_ID,
} = require('@backstage-openstack/plugin-openstack-node/testUtils');
const { getResponse } = require('msw');

const HOSTS = Number(process.env.BSO_BENCH_HOSTS ?? 2000);
const CONCURRENCY = Number(process.env.BSO_BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BSO_BENCH_ROUNDS ?? 200);
const COLD_ROUNDS = Number(process.env.BSO_BENCH_COLD_ROUNDS ?? 9);
const VMS_PER_HOST = 7;
const BACKEND_PORT = 7317;
const BACKEND = `http://localhost:${BACKEND_PORT}`;
const LATENCY = [20, 50];
const PROFILE = process.env.BSO_BENCH_CPU_PROF === '1';
const INSPECT_PORT = 9339;

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
const trace = process.env.BSO_BENCH_TRACE === '1' ? [] : undefined;
const { server: upstream, origin: upstreamOrigin } = await serveHandlers({
  getResponse,
  latency: LATENCY,
  route: req => {
    requests++;
    trace?.push(`${req.method} ${req.url}`);
    // Keystone fills %(project_id)s in a scoped token's catalog; the fake leaves it for the
    // suite's client to fill, and python-openstackclient sends it as it is
    return { handlers, path: req.url.replace('/%25(project_id)s/', `/${PROJECT_ID}/`) };
  },
});
base = upstreamOrigin;
const urls = fakeCloudUrlsAt(base);
const placement = syntheticPlacement(HOSTS, hostName);
const cloud = newState({ hosts: hostNames, urls, servers, placement, record: false });
handlers = [
  ...fakeCloud(cloud),
  ...fakeKubernetes({ calls: [], url: base, record: false }),
];
const agentCount = hostNames.filter((_, i) => i % 3 !== 2).length;

// ------------------------------------------------------------------ Placement's own answers
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
/** A token of the fake Keystone, for asking Placement directly. */
async function upstreamToken() {
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
/**
 * Placement's per-provider answer for every root provider (GET …/inventories and …/usages),
 * by provider name: { VCPU: { total, reserved, allocationRatio, used, capacity }, … }.
 */
async function placementAnswers() {
  const token = await upstreamToken();
  const limit = semaphore(CONCURRENCY);
  const get = path =>
    limit(() =>
      fetch(`${urls.placement}${path}`, {
        headers: { 'X-Auth-Token': token, 'OpenStack-API-Version': 'placement 1.14' },
      }),
    ).then(r => r.json());
  const { resource_providers: rps } = await get('/resource_providers');
  const out = new Map();
  await Promise.all(
    rps
      .filter(rp => !rp.parent_provider_uuid)
      .map(async rp => {
        const [inv, use] = await Promise.all([
          get(`/resource_providers/${rp.uuid}/inventories`),
          get(`/resource_providers/${rp.uuid}/usages`),
        ]);
        const classes = {};
        for (const [rc, i] of Object.entries(inv.inventories)) {
          classes[rc] = {
            total: i.total,
            reserved: i.reserved,
            allocationRatio: i.allocation_ratio,
            used: use.usages[rc] ?? 0,
            capacity: Math.floor((i.total - i.reserved) * i.allocation_ratio),
          };
        }
        out.set(rp.name, classes);
      }),
  );
  return out;
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
${catalogLocations(root)}    - type: file
      target: ${cloudFile}
auth:
  providers:
    guest:
      # the benchmark signs in as the guest user; the backend runs with NODE_ENV=production
      dangerouslyAllowOutsideDevelopment: true
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
mkdirSync(join(root, 'bench-results'), { recursive: true });
// the production build of packages/backend run by plain node (scripts/bench/backend.mjs), with
// its inspector on (the memory figures and the CPU profiles are read through it)
const NODE_FLAGS = (process.env.BSO_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const { child: backend, command: backendCommand } = startBackend({
  root,
  configs: [join(root, 'app-config.yaml'), configFile],
  nodeArgs: [
    `--inspect=127.0.0.1:${INSPECT_PORT}`,
    ...NODE_FLAGS,
    ...(process.env.BSO_BENCH_HEAP_SNAPSHOT === '1'
      ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${join(root, 'bench-results')}`]
      : []),
  ],
  env: { BSO_SQLITE_DIR: tmp, BSO_BENCH_SA_TOKEN: K8S_TOKEN, BSO_BENCH_APPCRED_SECRET: APP_CRED_SECRET },
  log,
});
/** A Chrome DevTools protocol session with the backend's inspector: `call(method, params)`, `close()`. */
async function inspector() {
  const [{ webSocketDebuggerUrl }] = await (await fetch(`http://127.0.0.1:${INSPECT_PORT}/json/list`)).json();
  const ws = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = e => {
    const msg = JSON.parse(e.data);
    pending.get(msg.id)?.(msg.result);
    pending.delete(msg.id);
  };
  const call = (method, params = {}) =>
    new Promise(resolve => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}
/**
 * The backend's memory, MiB: resident (now and peak, from /proc) and V8's heap, after a full
 * garbage collection (`live`: what the backend holds, not what it has yet to collect).
 */
async function memoryOf() {
  const { call, close } = await inspector();
  try {
    await call('HeapProfiler.collectGarbage');
    const { result } = await call('Runtime.evaluate', {
      expression:
        "JSON.stringify({ usage: process.memoryUsage(), spaces: process.mainModule.require('v8').getHeapSpaceStatistics(), modules: Object.keys(process.mainModule.require('module')._cache) })",
      returnByValue: true,
    });
    const { usage: m, spaces, modules } = JSON.parse(result.value);
    const mib = x => x / 1024 / 1024;
    return {
      ...rss(),
      heapLive: mib(m.heapUsed),
      heapTotal: mib(m.heapTotal),
      external: mib(m.external + m.arrayBuffers),
      modules: modules.length,
      // a development backend compiles the workspace's config.d.ts schemas with it (9 MB of source, twice)
      typescriptLoaded: modules.some(f => f.endsWith('/typescript/lib/typescript.js')),
      // V8's spaces, live MiB (old_space: objects; code_space: compiled code; …)
      spaces: Object.fromEntries(spaces.map(sp => [sp.space_name, Number(mib(sp.space_used_size).toFixed(1))])),
    };
  } finally {
    close();
  }
}
/**
 * Profiles the backend's CPU while `fn` runs (Chrome DevTools protocol over the backend's
 * inspector) and writes bench-results/<name>.cpuprofile (DevTools' Performance tab opens it).
 */
async function profiled(name, fn) {
  if (!PROFILE) return fn();
  const { call, close } = await inspector();
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 100 });
  await call('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await call('Profiler.stop');
    writeFileSync(join(root, `bench-results/${name}.cpuprofile`), JSON.stringify(profile));
    printProfile(`backend CPU profile of the ${name} reads (bench-results/${name}.cpuprofile)`, profile, 30);
    close();
  }
}

/** The backend process's resident memory now and at its peak, MiB (Linux /proc). */
const rss = () => {
  const status = readFileSync(`/proc/${backend.pid}/status`, 'utf8');
  const kb = key => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  // anonymous (heap, malloc) and file-backed (node's own binary and libraries, mapped) pages
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
};
const stop = () => {
  stopBackend(backend);
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
  const loadStart = load();
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0].model}), load average at start ${loadStart}`,
  );
  console.log(`backend: ${backendCommand}; node flags: ${NODE_FLAGS.join(' ') || 'none (BSO_BENCH_NODE_FLAGS)'}`);

  // the catalog ingests the bench cloud's entity in the background after start
  for (let i = 0; ; i++) {
    const res = await fetch(`${BACKEND}/api/catalog/entities/by-name/resource/default/bench`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.ok) break;
    if (i >= 300) throw new Error(`the catalog has no resource:default/bench after 300 s (${res.status}); see ${join(tmp, 'backend.log')}`);
    await sleep(1000);
  }

  // the backend before it read the cloud: what the portal costs without the 2,000 hosts
  await sleep(5000);
  const idle = await memoryOf();

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

  // cold reads (cache bypassed; the token, the negotiated microversion and the inventories of
  // providers whose generation did not move are kept, as in a running backend)
  const cold = [];
  const perRead = [];
  await profiled('cold', async () => {
    for (let r = 0; r < COLD_ROUNDS; r++) {
      requests = 0;
      cold.push((await get('/clouds/default/bench/status?refresh=true')).t);
      perRead.push(requests);
    }
  });
  if (trace) console.log(`  the last cold read's requests:\n    ${trace.slice(-perRead.at(-1)).sort().join('\n    ')}`);

  // every host's figures against Placement's own per-provider answers
  const rows = [];
  for (let offset = 0; offset < HOSTS; offset += 500) {
    rows.push(...(await get(`/clouds/default/bench/hosts?limit=500&offset=${offset}`)).body.items);
  }
  const answers = await placementAnswers();
  const mismatches = [];
  const pick = u => u && { total: u.total, reserved: u.reserved, allocationRatio: u.allocationRatio, used: u.used, capacity: u.capacity };
  for (const name of hostNames) {
    const row = rows.find(h => h.host === name);
    const want = answers.get(name) ?? {};
    const got = { VCPU: pick(row?.vcpu), MEMORY_MB: pick(row?.memoryMb), DISK_GB: pick(row?.diskGb) };
    for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) {
      if (JSON.stringify(got[rc]) !== JSON.stringify(want[rc])) {
        mismatches.push(`${name} ${rc}: suite ${JSON.stringify(got[rc])}, Placement ${JSON.stringify(want[rc])}`);
      }
    }
  }

  // warm: the view fresh in the cache
  await get('/clouds/default/bench/status?refresh=true');
  const warmStatus = [];
  const warmHosts = [];
  const warmHost = [];
  await profiled('warm', async () => {
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
  });
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

  const memory = rss();
  // what the idle backend keeps once V8's memory reducer ran (no forced collection), then after one
  await sleep(30_000);
  const settled = rss();
  const memoryAfterGc = await memoryOf();
  if (process.env.BSO_BENCH_HEAP_SNAPSHOT === '1') {
    // what holds the backend's memory: a heap snapshot after the warm reads (Chrome DevTools'
    // Memory tab opens it), written by the backend itself on SIGUSR2 (--heapsnapshot-signal)
    process.kill(backend.pid, 'SIGUSR2');
    await sleep(60_000);
  }
  const loadEnd = load();
  // the CLI an operator would use for the same answers, against the same synthetic cloud
  const which = () =>
    spawnSync('sh', ['-c', 'command -v openstack'], { encoding: 'utf8' }).stdout.trim();
  if (!which()) {
    console.log('  python-openstackclient missing: apt-get install -y python3-openstackclient');
    const apt = spawnSync('sh', ['-c', 'apt-get install -y --no-install-recommends python3-openstackclient || (apt-get update && apt-get install -y --no-install-recommends python3-openstackclient)'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (apt.status !== 0) throw new Error('could not install python3-openstackclient with apt-get (run as root, or install it)');
  }
  const osc = which();
  let oscTotal = 0;
  const oscRows = [];
  {
    const env = {
      ...process.env,
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_AUTH_URL: urls.keystone,
      OS_APPLICATION_CREDENTIAL_ID: APP_CRED_ID,
      OS_APPLICATION_CREDENTIAL_SECRET: APP_CRED_SECRET,
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
    };
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
      const took = performance.now() - c0;
      if (r.error) throw new Error(`openstack ${cmd} failed after ${ms(took)}: ${r.stderr.trim().split('\n').pop()}`);
      oscTotal += took;
      oscRows.push(`openstack ${cmd}: ${ms(took)}, ${r.stdout.trim().split('\n').length} rows`);
    }
  }

  // the fewest requests that carry the same facts, the token held: the API health of each of
  // the 6 catalog services, the compute services, the hypervisors (1,000 a page, with
  // running_vms), the aggregates, Placement's providers and one allocation-candidate summary,
  // the usages of each host with inventories but no room (no bulk call carries them), the
  // agents, the volume services, and 5 Kubernetes lists
  const roomless = placement.providers.filter(p => {
    if (p.parent || Object.keys(p.inventories).length === 0) return false;
    const used = fakeUsages(placement, p.uuid);
    return Object.entries(p.inventories).every(([rc, inv]) => (used[rc] ?? 0) + 1 > fakeCapacity(inv));
  }).length;
  const minimal = 6 + 1 + Math.ceil(HOSTS / 1000) + 1 + 2 + roomless + 1 + 1 + 5;
  const results = {
    hosts: HOSTS,
    first_read_ms: first.t,
    first_read_requests: firstRequests,
    cold_p50_ms: pct(cold, 50),
    cold_p95_ms: pct(cold, 95),
    cold_requests: pct(perRead, 50),
    minimal_requests: minimal,
    osc_total_ms: oscTotal,
    warm_status_p50_ms: pct(warmStatus, 50),
    warm_status_p95_ms: pct(warmStatus, 95),
    warm_hosts_p50_ms: pct(warmHosts, 50),
    warm_hosts_p95_ms: pct(warmHosts, 95),
    warm_host_p50_ms: pct(warmHost, 50),
    warm_host_p95_ms: pct(warmHost, 95),
    placement_mismatches: mismatches.length,
    backend_rss_mib: memory.now,
    backend_peak_rss_mib: memory.peak,
    backend_idle_rss_mib: idle.now,
    backend_rss_settled_mib: settled.now,
    backend_rss_after_gc_mib: memoryAfterGc.now,
    backend_rss_anon_after_gc_mib: memoryAfterGc.anon,
    backend_rss_file_after_gc_mib: memoryAfterGc.file,
    backend_heap_spaces_after_gc_mib: memoryAfterGc.spaces,
    backend_idle_heap_spaces_mib: idle.spaces,
    backend_modules: idle.modules,
    backend_typescript_loaded: idle.typescriptLoaded,
    backend_heap_live_mib: memoryAfterGc.heapLive,
    backend_idle_heap_live_mib: idle.heapLive,
    cloud_rss_mib: memoryAfterGc.now - idle.now,
    cloud_heap_live_mib: memoryAfterGc.heapLive - idle.heapLive,
    backend: backendCommand,
    node_flags: NODE_FLAGS.join(' '),
    load_average_start: loadStart,
    load_average_end: loadEnd,
  };
  const f = x => x.toFixed(1);
  const table = [
    ['measure', 'value', 'target'],
    ['first read after start', `${f(results.first_read_ms)} ms, ${firstRequests} requests`, ''],
    ['cold status p50 / p95', `${f(results.cold_p50_ms)} / ${f(results.cold_p95_ms)} ms`, 'p50 ≤ 600 ms'],
    ['upstream requests per cold read', `${results.cold_requests} (fewest: ${minimal})`, ''],
    ['python-openstackclient, 4 commands', `${f(oscTotal)} ms`, ''],
    ['osc_total_ms / cold_p50_ms', f(oscTotal / results.cold_p50_ms), '≥ 10'],
    ['warm status p50 / p95', `${f(results.warm_status_p50_ms)} / ${f(results.warm_status_p95_ms)} ms`, 'p95 ≤ 5 ms'],
    ['warm hosts page p50 / p95', `${f(results.warm_hosts_p50_ms)} / ${f(results.warm_hosts_p95_ms)} ms`, 'p95 ≤ 8 ms'],
    ['warm one host p50 / p95', `${f(results.warm_host_p50_ms)} / ${f(results.warm_host_p95_ms)} ms`, ''],
    ['placement mismatches', `${mismatches.length} of ${HOSTS * 3} host × class`, '0'],
    ['backend RSS (peak)', `${f(memory.now)} MiB (${f(memory.peak)} MiB)`, '≤ 300 MiB'],
    ['backend RSS before reading the cloud (after a GC)', `${f(idle.now)} MiB, live heap ${f(idle.heapLive)} MiB; ${idle.modules} modules, TypeScript ${idle.typescriptLoaded ? 'loaded' : 'not loaded'}`, ''],
    ['backend RSS 30 s after the reads (no forced GC)', `${f(settled.now)} MiB`, ''],
    ['backend RSS after the reads, after a GC', `${f(memoryAfterGc.now)} MiB (anonymous ${f(memoryAfterGc.anon)}, files ${f(memoryAfterGc.file)}), live heap ${f(memoryAfterGc.heapLive)} MiB, external ${f(memoryAfterGc.external)} MiB`, ''],
    ["the cloud's share (after − before, after GCs)", `RSS ${f(results.cloud_rss_mib)} MiB, live heap ${f(results.cloud_heap_live_mib)} MiB`, ''],
  ];
  const w = [0, 1, 2].map(i => Math.max(...table.map(r => r[i].length)));
  for (const [i, r] of table.entries()) {
    console.log(`  ${r.map((c, j) => c.padEnd(w[j])).join('  ')}`);
    if (i === 0) console.log(`  ${w.map(n => '-'.repeat(n)).join('  ')}`);
  }
  for (const m of mismatches.slice(0, 10)) console.log(`  mismatch: ${m}`);
  console.log(`  V8 heap after the reads and a GC, live MiB by space: ${JSON.stringify(memoryAfterGc.spaces)}`);
  for (const r of oscRows) console.log(`  ${r}`);
  console.log(`  ${COLD_ROUNDS} cold rounds, ${ROUNDS} warm reads per route; load average ${loadStart} at start, ${loadEnd} after the warm reads`);
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results/status.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('  written: bench-results/status.json');
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
