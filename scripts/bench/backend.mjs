// The benchmarks' backend: packages/backend as a production deployment runs it — the bundle
// `backstage-cli package build` makes (packages/backend/dist/bundle.tar.gz: every workspace
// package the backend uses, built, packed with its config schema compiled to JSON, and the app's
// production bundle), run by plain node (no TypeScript transform, NODE_ENV=production).
//
// The bundle is built when missing or older than any source of packages/ and plugins/ (or
// yarn.lock), and unpacked under node_modules/.cache/bso-bench-backend/. A deployment would
// then install the bundle's third-party dependencies (`yarn workspaces focus --all --production`
// on its skeleton); here node finds them in the repo's own node_modules (the same versions, from
// the same yarn.lock), which the unpacked tree sits under, and the bundle's workspace packages
// are linked by name in its own node_modules, so nothing resolves to the workspace sources.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The newest modification time (ms) of the files under `dir`, build outputs and node_modules left out. */
function newestUnder(dir) {
  let newest = 0;
  const walk = d => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'dist-types' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

/**
 * The production backend, built (when stale) and unpacked: `{ dir, entry }`, `entry` being the
 * backend's dist/index.cjs.js in the unpacked tree.
 */
export function productionBackend(root) {
  const bundle = join(root, 'packages/backend/dist/bundle.tar.gz');
  const sources = Math.max(
    newestUnder(join(root, 'packages')),
    newestUnder(join(root, 'plugins')),
    statSync(join(root, 'yarn.lock')).mtimeMs,
    statSync(join(root, 'package.json')).mtimeMs,
  );
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
    console.log('building the production backend (yarn workspace backend build: its workspace packages, the app, the bundle)…');
    const t0 = performance.now();
    const build = spawnSync('yarn', ['workspace', 'backend', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('yarn workspace backend build failed');
    console.log(`production backend built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const dir = join(root, 'node_modules/.cache/bso-bench-backend');
  const stamp = join(dir, '.bundle-mtime');
  const built = String(statSync(bundle).mtimeMs);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== built) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = spawnSync('tar', ['-xzf', bundle, '-C', dir], { stdio: 'inherit' });
    if (tar.status !== 0) throw new Error(`could not unpack ${bundle}`);
    // the bundle's workspace packages by name, as the production install links them
    const packages = ['packages', 'plugins'].flatMap(group =>
      existsSync(join(dir, group)) ? readdirSync(join(dir, group)).map(name => join(dir, group, name)) : [],
    );
    for (const pkgDir of packages) {
      const { name } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
      const link = join(dir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), pkgDir), link, 'dir');
    }
    writeFileSync(stamp, built);
  }
  return { dir, entry: join(dir, 'packages/backend/dist/index.cjs.js') };
}

/**
 * Starts the production backend with `configs` (app-config.yaml first) in its own process
 * group, from the unpacked bundle's root, as a production image runs it: the config schemas
 * are then the bundle's JSON (from the workspace's packages/backend, Backstage would find the
 * workspace's `config.d.ts` files and load TypeScript, twice, to compile them). The catalog's
 * file locations of app-config.yaml are relative to packages/backend: a config after it names
 * them by absolute path (`catalogLocations(root)`).
 * `nodeArgs`: node's own flags (inspector, heap snapshots); `env` added to this process's.
 */
export function startBackend({ root, configs, env = {}, nodeArgs = [], log }) {
  const { dir, entry } = productionBackend(root);
  const args = [...nodeArgs, entry, ...configs.flatMap(c => ['--config', c])];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  return { child, command: `node ${[...nodeArgs, relative(root, entry)].join(' ')} (NODE_ENV=production)` };
}

/** app-config.yaml's catalog locations (examples, templates) by absolute path, as YAML list items. */
export function catalogLocations(root) {
  return `    - type: file
      target: ${join(root, 'examples/all.yaml')}
    - type: file
      target: ${join(root, 'templates/all.yaml')}
      rules:
        - allow: [Template, Location]
`;
}

/**
 * Stops a backend `startBackend` started: SIGTERM to its process group, SIGKILL 5 s later if it
 * is still there (Backstage's graceful shutdown waits for requests in flight, such as a cold
 * read of many clouds).
 */
export function stopBackend(child) {
  const kill = signal => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // gone
    }
  };
  kill('SIGTERM');
  setTimeout(() => kill('SIGKILL'), 5000).unref();
}
