// The real peers (scripts/peers/up.sh) as the browser tests see them: their environment
// (peers.env) and the portal configuration that points the Kubernetes backend at their
// kube-apiserver with the suite's production identity (the minimal-RBAC ServiceAccount token).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The name of the peers' cluster under kubernetes.clusterLocatorMethods, for the entities. */
export const PEERS_CLUSTER = 'peers';

export const PEERS_ENV_FILE = join(
  process.env.BSO_PEERS_STATE ??
    join(
      process.env.BSO_CACHE ?? join(homedir(), '.cache', 'backstage-openstack'),
      'peers',
    ),
  'peers.env',
);

/** peers.env as a record; throws, naming the fix, when the peers are not up. */
export function readPeersEnv() {
  if (!existsSync(PEERS_ENV_FILE)) {
    throw new Error(
      `${PEERS_ENV_FILE} is missing: start the peers first (scripts/peers/up.sh; scripts/check.sh does)`,
    );
  }
  const env = {};
  for (const line of readFileSync(PEERS_ENV_FILE, 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  for (const name of [
    'KUBECONFIG',
    'BSO_K8S_URL',
    'BSO_K8S_CA_FILE',
    'BSO_K8S_SA_TOKEN_FILE',
  ]) {
    if (!env[name])
      throw new Error(
        `${PEERS_ENV_FILE} has no ${name}; restart the peers (scripts/peers/up.sh)`,
      );
  }
  return env;
}

/**
 * Writes `dir/app-config.e2e-peers.yaml`, which adds the peers' cluster to the portal, and
 * returns its path and the environment the portal needs with it. The token stays out of the
 * file: the file names an environment variable, which the portal's process alone gets.
 */
export function writePeersPortalConfig(env, dir) {
  const file = join(dir, 'app-config.e2e-peers.yaml');
  const yaml = [
    '# written by e2e/run.mjs from the peers environment; see e2e/peers.mjs',
    'kubernetes:',
    '  clusterLocatorMethods:',
    '    - type: config',
    '      clusters:',
    `        - name: ${PEERS_CLUSTER}`,
    `          url: ${JSON.stringify(env.BSO_K8S_URL)}`,
    '          authProvider: serviceAccount',
    '          serviceAccountToken: ${BSO_E2E_K8S_SA_TOKEN}',
    `          caFile: ${JSON.stringify(env.BSO_K8S_CA_FILE)}`,
    '          # the peers run no metrics-server',
    '          skipMetricsLookup: true',
    '',
  ].join('\n');
  writeFileSync(file, yaml, { mode: 0o600 });
  return {
    file,
    env: {
      BSO_E2E_K8S_SA_TOKEN: readFileSync(
        env.BSO_K8S_SA_TOKEN_FILE,
        'utf8',
      ).trim(),
    },
  };
}
