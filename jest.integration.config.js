/*
 * Integration tests against the real peers (scripts/peers): `yarn test:integration`.
 *
 * Runs every `*.integration.test.ts` of the workspace with the same SWC transform as
 * `backstage-cli package test` (ESM dependencies such as @kubernetes/client-node are transpiled the
 * same way). The peers' environment comes from peers.env, written by scripts/peers/up.sh; without
 * it the run fails here, loudly: these tests are never skipped.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const stateDir =
  process.env.BSO_PEERS_STATE ??
  path.join(
    process.env.BSO_CACHE ??
      path.join(os.homedir(), '.cache', 'backstage-openstack'),
    'peers',
  );
const envFile = path.join(stateDir, 'peers.env');
if (!fs.existsSync(envFile)) {
  throw new Error(
    `integration tests: ${envFile} is missing; start the peers first: scripts/peers/up.sh (see scripts/peers/README.md)`,
  );
}
process.env.BSO_PEERS_INTEGRATION = '1';
for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
  const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  // values from the file win over a stale shell (an old KUBECONFIG would point at another cluster)
  if (m) process.env[m[1]] = m[2];
}

const swc = require.resolve('@backstage/cli/config/jestSwcTransform');
// as @backstage/cli does for Node.js package roles
const moduleOpts = {
  module: { ignoreDynamic: true, exportInteropAnnotation: true },
};

module.exports = {
  rootDir: __dirname,
  displayName: 'integration',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{plugins,packages}/*/src/**/*.integration.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/dist-types/'],
  moduleFileExtensions: [
    'ts',
    'js',
    'tsx',
    'jsx',
    'mts',
    'cts',
    'mjs',
    'cjs',
    'json',
    'node',
  ],
  transform: {
    '\\.(mjs|cjs|js)$': [
      swc,
      { ...moduleOpts, jsc: { parser: { syntax: 'ecmascript' } } },
    ],
    '\\.(mts|cts|ts)$': [
      swc,
      { ...moduleOpts, jsc: { parser: { syntax: 'typescript' } } },
    ],
    '\\.(yaml)$': require.resolve('@backstage/cli/config/jestYamlTransform'),
  },
  transformIgnorePatterns: [
    '/node_modules/(?:@material-ui|ajv|core-js|jest-.*|jsdom|knex|react|react-dom|highlight\\.js|prismjs|json-schema|react-use/lib|typescript)/',
  ],
  // real services on 2 cores: API calls take tens of ms, a Deployment needs a few seconds
  testTimeout: 120_000,
  // the suites share the two peers; one file at a time keeps timings readable and the peers calm
  maxWorkers: 1,
  // the real scaffolder backend (approvalRuns.integration.test.ts) leaves its task broker's event
  // polling running after the test backend stops; the run ends when the tests have
  forceExit: true,
};
