// Starts the real portal (yarn start, embedded defaults, a fresh SQLite directory), waits for
// the backend and the frontend, runs the browser tests with node's test runner, then stops the
// portal, also when a test fails. With BSO_PORTAL_URL set, uses that portal instead.
// When the real peers are up (peers.env), the portal also gets their cluster (e2e/peers.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEERS_ENV_FILE, readPeersEnv, writePeersPortalConfig } from './peers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const only = process.argv.slice(2);

async function waitFor(url, what, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${what} did not answer at ${url} within ${ms / 1000}s`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

let portal;
let sqliteDir;
const logFile = join(tmpdir(), `bso-e2e-portal-${process.pid}.log`);
if (!process.env.BSO_PORTAL_URL) {
  sqliteDir = mkdtempSync(join(tmpdir(), 'bso-e2e-sqlite-'));
  const args = ['start'];
  let peersEnv = {};
  if (existsSync(PEERS_ENV_FILE)) {
    // the embedded defaults plus the peers' cluster (the Kubernetes tab's test needs it)
    const peers = writePeersPortalConfig(readPeersEnv(), sqliteDir);
    args.push('--config', join(root, 'app-config.yaml'), '--config', peers.file);
    peersEnv = peers.env;
    console.log(`e2e: the portal gets the peers' cluster (${peers.file})`);
  } else {
    console.log(`e2e: no ${PEERS_ENV_FILE}; the portal has no cluster (the Kubernetes tab's test will fail)`);
  }
  const out = openSync(logFile, 'w');
  portal = spawn('yarn', args, {
    cwd: root,
    env: { ...process.env, ...peersEnv, BSO_SQLITE_DIR: sqliteDir, BROWSER: 'none' },
    stdio: ['ignore', out, out],
    detached: true,
  });
}

function stopPortal() {
  if (portal && portal.exitCode === null) {
    try {
      process.kill(-portal.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  stopPortal();
  process.exit(130);
});

let code = 1;
try {
  if (portal) {
    await waitFor('http://localhost:7007/api/openstack/health', 'the backend', 300_000);
    await waitFor('http://localhost:3000/', 'the frontend', 300_000);
    console.log(`e2e: portal up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  const files = readdirSync(join(root, 'e2e'))
    .filter(f => f.endsWith('.test.mjs'))
    // `node e2e/run.mjs approvals` runs only the files whose name contains a given word
    .filter(f => only.length === 0 || only.some(word => f.includes(word)))
    .map(f => join(root, 'e2e', f));
  const tests = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit' },
  );
  code = await new Promise(resolve => tests.on('exit', c => resolve(c ?? 1)));
} catch (e) {
  console.error(`e2e: ${e.message}`);
  if (portal) {
    console.error('--- portal log tail ---');
    console.error(readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'));
  }
} finally {
  stopPortal();
}
console.log(`e2e: finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(code);
