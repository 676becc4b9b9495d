// Benchmark (prints figures; not a test): the fleet route over many synthetic clouds.
//
// BSO_BENCH_CLOUDS (20) synthetic clouds of BSO_BENCH_HOSTS (2,000) compute hosts each, every one
// the synthetic cloud of status.mjs — openstack-node's fakes (`…/testUtils`: fakeCloud,
// syntheticPlacement, fakeKubernetes) — served by one local HTTP process, cloud N under the path
// prefix /cN, with 20–50 ms added to each request. The real backend (packages/backend on :7318,
// the 20 clouds in openstack.clouds, their entities in the catalog) answers GET /api/openstack/fleet.
//
// It prints the first (cold) fleet read and the warm fleet route's p50/p95 (target p95 ≤ 50 ms),
// and whether the page stays interactive: the fleet page (/openstack, the production app the
// backend serves) opened in Debian's chromium (playwright-core) while the 20 clouds are read
// cold, with the long tasks of its main thread (PerformanceObserver 'longtask': total blocking
// time, the longest task) and the latency of clicks made every 250 ms meanwhile (from the input
// to the next frame, measured in the page), then the same page opened warm and a click on a
// cloud's row to the cloud's page. It writes bench-results/fleet.json.
// The backend is the production build (scripts/bench/backend.mjs).
//
// Usage: yarn bench:fleet   (BSO_BENCH_CLOUDS, BSO_BENCH_HOSTS, BSO_BENCH_ROUNDS; e.g.
// BSO_BENCH_CLOUDS=3 BSO_BENCH_HOSTS=50 for a quick run)
import { createRequire } from 'node:module';
import { serveHandlers } from './upstream.mjs';
import { catalogLocations, startBackend, stopBackend } from './backend.mjs';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'plugins/openstack-node/package.json'));
require(join(root, 'node_modules/@backstage/cli/config/nodeTransform.cjs'));
const { fakeCloud, fakeCloudUrlsAt, fakeKubernetes, newState, syntheticPlacement, APP_CRED_ID, APP_CRED_SECRET, K8S_TOKEN, NAMESPACE } =
  require('@backstage-openstack/plugin-openstack-node/testUtils');
const { getResponse } = require('msw');

const CLOUDS = Number(process.env.BSO_BENCH_CLOUDS ?? 20);
const HOSTS = Number(process.env.BSO_BENCH_HOSTS ?? 2000);
const ROUNDS = Number(process.env.BSO_BENCH_ROUNDS ?? 60);
const VMS_PER_HOST = 7;
const BACKEND_PORT = 7318;
const BACKEND = `http://localhost:${BACKEND_PORT}`;
const LATENCY = [20, 50];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = t => new Promise(r => setTimeout(r, t));
const load = () => loadavg().map(x => x.toFixed(2)).join(' ');

// ------------------------------------------------------------------ the synthetic clouds
const hostName = i => `cmp-az${(i % 4) + 1}-${String(i).padStart(4, '0')}`;
const hostNames = Array.from({ length: HOSTS }, (_, i) => hostName(i));
const servers = hostNames.flatMap((host, i) =>
  Array.from({ length: VMS_PER_HOST }, (_, v) => ({ id: `5e7e0000-0000-4000-8000-${String(i * VMS_PER_HOST + v).padStart(12, '0')}`, 'OS-EXT-SRV-ATTR:host': host })),
);
/** The handlers of each cloud, by its number (the path prefix /cN picks them). */
const clouds = [];
const { server: upstream, origin } = await serveHandlers({
  getResponse,
  latency: LATENCY,
  route: req => {
    const n = Number(/^\/c(\d+)\//.exec(req.url)?.[1]);
    return clouds[n] && { handlers: clouds[n], path: req.url };
  },
});
const keyOf = n => `fleet-${String(n).padStart(2, '0')}`;
const urlsOf = n => fakeCloudUrlsAt(`${origin}/c${n}`);
for (let n = 0; n < CLOUDS; n++) {
  const state = newState({ hosts: hostNames, urls: urlsOf(n), servers, placement: syntheticPlacement(HOSTS, hostName), record: false });
  clouds.push([...fakeCloud(state), ...fakeKubernetes({ calls: [], url: `${origin}/c${n}`, record: false })]);
}

// ------------------------------------------------------------------ the backend
const tmp = mkdtempSync(join(tmpdir(), 'bso-bench-fleet-'));
const cloudsFile = join(tmp, 'fleet-clouds.yaml');
writeFileSync(
  cloudsFile,
  Array.from(
    { length: CLOUDS },
    (_, n) => `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ${keyOf(n)}
  annotations:
    openstack.backstage.io/cloud: ${keyOf(n)}
spec:
  type: openstack-cloud
  owner: group:default/platform-team
`,
  ).join('---\n'),
);
const configFile = join(tmp, 'bench.yaml');
writeFileSync(
  configFile,
  `app:
  baseUrl: ${BACKEND}
backend:
  baseUrl: ${BACKEND}
  listen:
    port: ${BACKEND_PORT}
  cors:
    origin: ${BACKEND}
auth:
  providers:
    guest:
      # the benchmark signs in as the guest user; the backend runs with NODE_ENV=production
      dangerouslyAllowOutsideDevelopment: true
kubernetes:
  clusterLocatorMethods:
    - type: config
      clusters:
${Array.from(
  { length: CLOUDS },
  (_, n) => `        - name: ${keyOf(n)}
          url: ${origin}/c${n}
          authProvider: serviceAccount
          serviceAccountToken: \${BSO_BENCH_SA_TOKEN}
          skipTLSVerify: true
`,
).join('')}catalog:
  locations:
${catalogLocations(root)}    - type: file
      target: ${cloudsFile}
openstack:
  demo:
    enabled: false
  clouds:
${Array.from(
  { length: CLOUDS },
  (_, n) => `    ${keyOf(n)}:
      authUrl: ${urlsOf(n).keystone}
      region: RegionOne
      applicationCredentialId: ${APP_CRED_ID}
      applicationCredentialSecret: \${BSO_BENCH_APPCRED_SECRET}
      cluster: ${keyOf(n)}
      namespace: ${NAMESPACE}
      # one local process serves the 20 clouds' first reads (41,000 requests) at once
      timeoutMs: 120000
`,
).join('')}`,
);
const log = openSync(join(tmp, 'backend.log'), 'w');
// the production build run by plain node (scripts/bench/backend.mjs); it also serves the app
const { child: backend, command: backendCommand } = startBackend({
  root,
  configs: [join(root, 'app-config.yaml'), configFile],
  env: { BSO_SQLITE_DIR: tmp, BSO_BENCH_SA_TOKEN: K8S_TOKEN, BSO_BENCH_APPCRED_SECRET: APP_CRED_SECRET },
  log,
});
process.env.BSO_PORTAL_URL = BACKEND; // e2e/browser.mjs signs in there (read when it is imported)
const { launchBrowser, newPage, signInAsGuest } = await import('../../e2e/browser.mjs');

// ------------------------------------------------------------------ the page, in chromium
/**
 * Runs in the page before its own scripts: records the main thread's long tasks, when the page's
 * frame (its header) and its first fleet row appear, and each click's input delay and the time
 * from the input to the next frame.
 */
const PAGE_PROBE = () => {
  const probe = (window.__bso = { longtasks: [], clicks: [] });
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) probe.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    if (probe.frameAt === undefined && [...document.querySelectorAll('h1')].some(h => h.textContent.includes('OpenStack fleet'))) {
      probe.frameAt = performance.now();
    }
    if (probe.rowsAt === undefined && document.querySelector('[data-testid="fleet-row"]')) probe.rowsAt = performance.now();
  }).observe(document, { subtree: true, childList: true });
  window.addEventListener(
    'click',
    e => {
      const input = e.timeStamp;
      const handled = performance.now();
      requestAnimationFrame(() => setTimeout(() => probe.clicks.push({ at: input, delay: handled - input, toFrame: performance.now() - input }), 0));
    },
    true,
  );
};
/** Total blocking time (the part of each long task over 50 ms) and the longest task, of tasks starting in [from, to). */
const blocking = (tasks, from, to) => {
  const inside = tasks.filter(t => t.start >= from && t.start < to);
  return { count: inside.length, tbt: inside.reduce((a, t) => a + Math.max(0, t.duration - 50), 0), longest: Math.max(0, ...inside.map(t => t.duration)) };
};
/** Opens /openstack while the clouds are read cold, clicking its header every 250 ms until the rows show. */
async function fleetPageWhileLoading(page) {
  await page.goto(`${BACKEND}/openstack`);
  const header = page.getByRole('main').getByRole('heading', { name: 'OpenStack fleet' });
  await header.waitFor();
  const box = await header.boundingBox();
  let shown = false;
  const rows = page.getByTestId('fleet-row').first().waitFor().then(() => (shown = true));
  while (!shown) {
    await page.mouse.click(box.x + 5, box.y + box.height / 2);
    await Promise.race([rows, sleep(250)]);
  }
  await sleep(1500); // the rows' rendering ends, its long tasks are reported
  const p = await page.evaluate(() => window.__bso);
  const boot = blocking(p.longtasks, 0, p.frameAt);
  const loading = blocking(p.longtasks, p.frameAt, p.rowsAt);
  const rendering = blocking(p.longtasks, p.rowsAt, Infinity);
  const clicks = p.clicks.filter(c => c.at < p.rowsAt);
  const delays = clicks.map(c => c.delay);
  const frames = clicks.map(c => c.toFrame);
  return {
    page_cold_frame_ms: p.frameAt,
    page_cold_rows_ms: p.rowsAt,
    page_boot_tbt_ms: boot.tbt,
    page_boot_longest_task_ms: boot.longest,
    page_loading_long_tasks: loading.count,
    page_loading_tbt_ms: loading.tbt,
    page_loading_longest_task_ms: loading.longest,
    page_loading_clicks: clicks.length,
    page_loading_click_delay_p50_ms: pct(delays, 50),
    page_loading_click_delay_p95_ms: pct(delays, 95),
    page_loading_click_delay_max_ms: Math.max(...delays),
    page_loading_click_frame_p50_ms: pct(frames, 50),
    page_loading_click_frame_p95_ms: pct(frames, 95),
    page_loading_click_frame_max_ms: Math.max(...frames),
    page_rows_tbt_ms: rendering.tbt,
    page_rows_longest_task_ms: rendering.longest,
  };
}
/** Opens /openstack with every view warm, then clicks the first cloud: the time to its page. */
async function fleetPageWarm(page) {
  await page.goto(`${BACKEND}/openstack`);
  await page.getByTestId('fleet-row').first().waitFor();
  await sleep(1500);
  const p = await page.evaluate(() => window.__bso);
  const boot = blocking(p.longtasks, 0, p.frameAt);
  const after = blocking(p.longtasks, p.frameAt, Infinity);
  const t0 = performance.now();
  await page.getByRole('link', { name: /fleet-00/ }).first().click();
  await page.waitForURL(/fleet-00\/openstack/);
  await page.getByRole('heading', { name: /fleet-00/ }).first().waitFor();
  return {
    page_warm_rows_ms: p.rowsAt,
    page_warm_boot_tbt_ms: boot.tbt,
    page_warm_boot_longest_task_ms: boot.longest,
    page_warm_tbt_ms: after.tbt,
    page_warm_longest_task_ms: after.longest,
    click_cloud_to_page_ms: performance.now() - t0,
  };
}

try {
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    if (await fetch(`${BACKEND}/api/openstack/health`).then(r => r.ok, () => false)) break;
    if (i >= 600) throw new Error('backend did not start');
    await sleep(1000);
  }
  const token = (await (await fetch(`${BACKEND}/api/auth/guest/refresh`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).json()).backstageIdentity.token;
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  console.log(`${CLOUDS} synthetic clouds of ${HOSTS} compute hosts; ${LATENCY[0]}–${LATENCY[1]} ms per upstream request; backend up in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const loadStart = load();
  console.log(`machine: ${cpus().length} cores (${cpus()[0].model}), load average at start ${loadStart}`);
  console.log(`backend: ${backendCommand}`);
  // the catalog ingests the clouds' entities in the background after start
  for (let i = 0; ; i++) {
    const res = await fetch(`${BACKEND}/api/catalog/entities/by-query?filter=kind=resource,spec.type=openstack-cloud&limit=1000`, auth);
    const n = res.ok ? (await res.json()).items.filter(e => e.metadata.name.startsWith('fleet-')).length : 0;
    if (n === CLOUDS) break;
    if (i >= 300) throw new Error(`the catalog has ${n} of the ${CLOUDS} clouds after 300 s`);
    await sleep(1000);
  }
  const fleet = async (query = '') => {
    const t = performance.now();
    const res = await fetch(`${BACKEND}/api/openstack/fleet${query}`, auth);
    const body = await res.json();
    if (!res.ok) throw new Error(`fleet: ${res.status} ${JSON.stringify(body)}`);
    return { t: performance.now() - t, body };
  };
  // cold: every cloud read at once, by the bench and by the fleet page opened meanwhile
  const browser = await launchBrowser();
  let cold;
  let interactive;
  try {
    const page = await newPage(browser);
    page.setDefaultTimeout(600_000);
    await page.addInitScript(PAGE_PROBE);
    await signInAsGuest(page);
    const coldRead = fleet();
    interactive = await fleetPageWhileLoading(page);
    cold = await coldRead;
    Object.assign(interactive, await fleetPageWarm(page));
  } finally {
    await browser.close();
  }
  const mine = cold.body.items.filter(c => c.cloudKey.startsWith('fleet-'));
  if (mine.length !== CLOUDS) throw new Error(`the fleet lists ${mine.length} of ${CLOUDS} clouds; failed: ${JSON.stringify(cold.body.failed)}`);
  const wrong = mine.filter(c => c.hosts.total !== HOSTS);
  if (wrong.length) throw new Error(`clouds whose host count is not ${HOSTS}: ${wrong.map(c => `${c.cloudKey} ${c.hosts.total} (${c.partial.join('; ')})`).join(', ')}`);
  console.log(`  cold fleet read (${CLOUDS} clouds read concurrently): ${cold.t.toFixed(0)} ms; ${cold.body.failed.length} failed`);
  // warm: right after a read that left every view fresh
  await fleet();
  const warm = [];
  for (let i = 0; i < ROUNDS; i++) warm.push((await fleet()).t);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${backend.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  const results = {
    clouds: CLOUDS,
    hosts_per_cloud: HOSTS,
    cold_fleet_ms: cold.t,
    warm_fleet_p50_ms: pct(warm, 50),
    warm_fleet_p95_ms: pct(warm, 95),
    fleet_bytes: JSON.stringify(cold.body).length,
    ...interactive,
    backend_rss_mib: rss,
    load_average_start: loadStart,
    load_average_end: load(),
  };
  console.log(`  warm fleet route p50 / p95: ${results.warm_fleet_p50_ms.toFixed(1)} / ${results.warm_fleet_p95_ms.toFixed(1)} ms (target p95 ≤ 50 ms), ${ROUNDS} reads`);
  const i = interactive;
  const f = x => `${x.toFixed(0)} ms`;
  console.log(`  the fleet page (/openstack) in chromium, opened while the ${CLOUDS} clouds were read cold:`);
  console.log(`    page frame shown ${f(i.page_cold_frame_ms)} after the navigation, rows ${f(i.page_cold_rows_ms)} after it (the data's wait)`);
  console.log(`    app start (to the frame): total blocking time ${f(i.page_boot_tbt_ms)}, longest task ${f(i.page_boot_longest_task_ms)}`);
  console.log(`    while the data loaded: ${i.page_loading_long_tasks} long tasks, total blocking time ${f(i.page_loading_tbt_ms)}, longest task ${f(i.page_loading_longest_task_ms)}`);
  console.log(`    ${i.page_loading_clicks} clicks meanwhile (every 250 ms): input delay p50 / p95 / max ${i.page_loading_click_delay_p50_ms.toFixed(1)} / ${i.page_loading_click_delay_p95_ms.toFixed(1)} / ${i.page_loading_click_delay_max_ms.toFixed(1)} ms, to the next frame p50 / p95 / max ${i.page_loading_click_frame_p50_ms.toFixed(1)} / ${i.page_loading_click_frame_p95_ms.toFixed(1)} / ${i.page_loading_click_frame_max_ms.toFixed(1)} ms`);
  console.log(`    rendering the rows: total blocking time ${f(i.page_rows_tbt_ms)}, longest task ${f(i.page_rows_longest_task_ms)}`);
  console.log(`  the fleet page opened warm: rows ${f(i.page_warm_rows_ms)} after the navigation; app start: total blocking time ${f(i.page_warm_boot_tbt_ms)}, longest task ${f(i.page_warm_boot_longest_task_ms)}; from the page's frame on: ${f(i.page_warm_tbt_ms)}, longest ${f(i.page_warm_longest_task_ms)}; click on a cloud → its page ${f(i.click_cloud_to_page_ms)}`);
  console.log(`  answer ${results.fleet_bytes} bytes; backend RSS ${rss.toFixed(0)} MiB; load average ${results.load_average_start} at start, ${results.load_average_end} at the end`);
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results/fleet.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('  written: bench-results/fleet.json');
} catch (e) {
  console.error(e);
  console.error(readFileSync(join(tmp, 'backend.log'), 'utf8').split('\n').slice(-40).map(l => l.slice(0, 400)).join('\n'));
  process.exitCode = 1;
} finally {
  stopBackend(backend);
  upstream.close();
  upstream.closeAllConnections();
  rmSync(tmp, { recursive: true, force: true });
}
