// Benchmark (prints figures; not a test): the real portal with a 2,000-host demo cloud.
//  - the status and hosts routes: cold (first read, cache empty) and warm p50/p95 over HTTP;
//  - the OpenStack tab in Debian's chromium: time to the first host rows and to an applied filter.
// It prints its figures and writes bench-results/hosts.json (git-ignored).
// Usage: yarn bench:hosts   (starts its own portal on :3000/:7007; stop any other)
//          runs the production backend (scripts/bench/backend.mjs: the bundle of
//          `backstage-cli package build`, built when stale, with the app's production bundle,
//          by plain node) and lets it serve the app on :7007 (app-backend), as a production
//          portal does; BSO_BENCH_CPU_PROF=1 also writes chromium's CPU profile of one
//          Overview → OpenStack click (bench-results/tab.cpuprofile);
//        BSO_BENCH_BUNDLE=development yarn bench:hosts   the webpack dev server on :3000 instead.
import { spawn } from 'node:child_process';
import { catalogLocations, startBackend, stopBackend } from './backend.mjs';
import { printProfile } from './profile.mjs';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOSTS = Number(process.env.BSO_BENCH_HOSTS ?? 2000);
// the production bundle by default (what users load); BSO_BENCH_BUNDLE=development for the dev server
const PRODUCTION = (process.env.BSO_BENCH_BUNDLE ?? 'production') === 'production';
const APP = PRODUCTION ? 'http://localhost:7007' : 'http://localhost:3000';
process.env.BSO_PORTAL_URL = APP; // e2e/browser.mjs signs in there (read when it is imported)
const { launchBrowser, newPage, signInAsGuest } = await import('../../e2e/browser.mjs');
const ROUNDS = 40;
// tab clicks (each after a full page load of the tab): the p50 of 5 swung with the machine's load
const TAB_ROUNDS = Number(process.env.BSO_BENCH_TAB_ROUNDS ?? 11);
const sqlite = mkdtempSync(join(tmpdir(), 'bso-bench-'));
const log = openSync(join(sqlite, 'portal.log'), 'w');
const env = {
  BSO_SQLITE_DIR: sqlite,
  APP_CONFIG_openstack_demo_hosts: String(HOSTS),
  BROWSER: 'none',
};
// production: the backend serves the app, so the app's origin is the backend's; the bench
// signs in as the guest user
const locations = join(sqlite, 'locations.yaml');
writeFileSync(locations, `catalog:\n  locations:\n${catalogLocations(root)}`);
const { child: portal, command } = PRODUCTION
  ? startBackend({
      root,
      configs: [join(root, 'app-config.yaml'), locations],
      env: {
        ...env,
        APP_CONFIG_app_baseUrl: APP,
        APP_CONFIG_backend_cors_origin: APP,
        APP_CONFIG_auth_providers_guest_dangerouslyAllowOutsideDevelopment: 'true',
      },
      log,
    })
  : { child: spawn('yarn', ['start'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true }), command: 'yarn start' };
console.log(`portal: ${command}`);
const stop = () => {
  stopBackend(portal);
  rmSync(sqlite, { recursive: true, force: true });
};

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = x => `${x.toFixed(1)} ms`;

async function waitUp() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch('http://localhost:7007/api/openstack/health')).ok && (await fetch(`${APP}/`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error('portal did not start');
}

try {
  await waitUp();
  const token = (
    await (await fetch('http://localhost:7007/api/auth/guest/refresh', { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).json()
  ).backstageIdentity.token;
  const get = async path => {
    const t0 = performance.now();
    const res = await fetch(`http://localhost:7007/api/openstack${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const body = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return { t: performance.now() - t0, body };
  };
  const results = { hosts: HOSTS, bundle: PRODUCTION ? 'production' : 'development', load_average_start: loadavg().map(x => x.toFixed(2)).join(' ') };
  // the catalog ingests the demo cloud's entity in the background after start
  for (let i = 0; ; i++) {
    const res = await fetch('http://localhost:7007/api/catalog/entities/by-name/resource/default/demo-cloud', {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.ok) break;
    if (i >= 300) throw new Error(`the catalog has no resource:default/demo-cloud after 300 s (${res.status})`);
    await new Promise(r => setTimeout(r, 1000));
  }
  console.log(`demo cloud with ${HOSTS} compute hosts, ${ROUNDS} reads per route after the cold one`);
  for (const [name, path, key] of [
    ['status', '/clouds/default/demo-cloud/status', 'status'],
    ['hosts page (25, sorted by vCPU)', '/clouds/default/demo-cloud/hosts?sort=vcpu&order=desc&limit=25', 'hosts'],
    ['hosts filter down', '/clouds/default/demo-cloud/hosts?filter=down&limit=25', 'hosts_down'],
  ]) {
    const cold = await get(`${path}${path.includes('?') ? '&' : '?'}refresh=true`);
    const warm = [];
    for (let i = 0; i < ROUNDS; i++) warm.push((await get(path)).t);
    Object.assign(results, { [`${key}_cold_ms`]: cold.t, [`${key}_warm_p50_ms`]: pct(warm, 50), [`${key}_warm_p95_ms`]: pct(warm, 95) });
    console.log(`  ${name.padEnd(34)} cold ${ms(cold.t).padStart(9)}   warm p50 ${ms(pct(warm, 50)).padStart(8)}  p95 ${ms(pct(warm, 95)).padStart(8)}`);
  }
  // 100 users opening the page at once after the cache expired: identical in-flight reads are
  // coalesced into one upstream read
  await new Promise(r => setTimeout(r, 10_500));
  const burst = performance.now();
  await Promise.all(Array.from({ length: 100 }, () => get('/clouds/default/demo-cloud/status')));
  console.log(`  100 concurrent status reads on an expired cache: ${ms(performance.now() - burst)} in all`);

  const browser = await launchBrowser();
  const page = await newPage(browser);
  await signInAsGuest(page);
  const firstRows = [];
  const filtered = [];
  const pageLoads = [];
  for (let i = 0; i < TAB_ROUNDS; i++) {
    // a full page load of the tab ...
    let t0 = performance.now();
    await page.goto(`${APP}/catalog/default/resource/demo-cloud/openstack`);
    await page.getByRole('link', { name: /^cmp-az[12]-\d+$/ }).first().waitFor();
    pageLoads.push(performance.now() - t0);
    // ... and, in the loaded app, Overview → OpenStack: the tab's own cost to its first host rows
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByText('About').first().waitFor();
    t0 = performance.now();
    await page.getByRole('link', { name: 'OpenStack', exact: true }).click();
    await page.getByRole('link', { name: /^cmp-az[12]-\d+$/ }).first().waitFor();
    firstRows.push(performance.now() - t0);
    const t1 = performance.now();
    await page.getByTestId('host-filter-down').click();
    await page.getByRole('link', { name: 'cmp-az2-0007' }).waitFor();
    await page.getByRole('cell', { name: '1-1 of 1' }).or(page.getByText('1-1 of 1')).first().waitFor();
    filtered.push(performance.now() - t1);
  }
  if (process.env.BSO_BENCH_CPU_PROF === '1') {
    // chromium's CPU profile of one Overview → OpenStack click to the first host rows
    const cdp = await page.context().newCDPSession(page);
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByText('About').first().waitFor();
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.getByRole('link', { name: 'OpenStack', exact: true }).click();
    await page.getByRole('link', { name: /^cmp-az[12]-\d+$/ }).first().waitFor();
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(join(root, 'bench-results'), { recursive: true });
    writeFileSync(join(root, 'bench-results/tab.cpuprofile'), JSON.stringify(profile));
    printProfile('Overview → OpenStack, chromium CPU profile (bench-results/tab.cpuprofile)', profile, 25);
  }
  await browser.close();
  console.log(`  full page load of the tab → first host rows:  p50 ${ms(pct(pageLoads, 50))} (${PRODUCTION ? 'production' : 'development'} bundle)`);
  console.log(`  Overview → OpenStack tab → first host rows:   p50 ${ms(pct(firstRows, 50))} (min ${ms(Math.min(...firstRows))}, max ${ms(Math.max(...firstRows))}) over ${TAB_ROUNDS}`);
  console.log(`  host filter "Down" → filtered rows:          p50 ${ms(pct(filtered, 50))} (min ${ms(Math.min(...filtered))}, max ${ms(Math.max(...filtered))})`);
  Object.assign(results, {
    tab_first_rows_p50_ms: pct(firstRows, 50),
    tab_first_rows_min_ms: Math.min(...firstRows),
    tab_first_rows_max_ms: Math.max(...firstRows),
    page_load_first_rows_p50_ms: pct(pageLoads, 50),
    filter_down_p50_ms: pct(filtered, 50),
    load_average_end: loadavg().map(x => x.toFixed(2)).join(' '),
  });
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results/hosts.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`  target: Overview → OpenStack tab → first host rows p50 ≤ 250 ms (${PRODUCTION ? 'production' : 'development'} bundle); load average ${results.load_average_start} at start, ${results.load_average_end} at the end`);
  console.log('  written: bench-results/hosts.json');
} finally {
  stop();
}
