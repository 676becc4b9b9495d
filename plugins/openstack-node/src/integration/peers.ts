/*
 * Access to the real peers started by scripts/peers/up.sh. The variables come from peers.env,
 * loaded by jest.integration.config.js (see scripts/peers/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import { ClusterDetails, kubeConfigFor } from '../kubernetes/clusters';
import { ClusterClient } from '../kubernetes/apply';
import { OpenStackCloudConfig, readOpenStackCloud } from '../openstack/config';

/** @public */
export function peerEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: peers.env (scripts/peers/up.sh) is missing it`,
    );
  }
  return value;
}

/** Unique, DNS-1123 friendly name for objects a test creates. @public */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/**
 * describe() for the peer tests: they run under jest.integration.config.js (which loads peers.env
 * or fails). The unit-test runner also matches *.test.ts; there the block is reported as skipped.
 *
 * @public
 */
export const describePeers: jest.Describe = ((): jest.Describe => {
  // outside Jest (the benchmarks load the testUtils) there is no describe: nothing to wrap
  const jestDescribe = (globalThis as { describe?: jest.Describe }).describe;
  if (!jestDescribe) return undefined as unknown as jest.Describe;
  return process.env.BSO_PEERS_INTEGRATION === '1'
    ? jestDescribe
    : jestDescribe.skip;
})();

/** A value made on first use (clients need peers.env, which only the integration run has). @public */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined. @public */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    await sleep(500);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${
      lastError ? `: ${String(lastError)}` : ''
    }`,
  );
}

// ------------------------------------------------------------------ Kubernetes

/** Cluster admin (client certificate of system:masters): test setup and cleanup only. @public */
export function adminKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(peerEnv('KUBECONFIG'));
  return kc;
}

/**
 * The suite's production identity: a token of ServiceAccount backstage-openstack bound to
 * deploy/rbac/backstage-openstack.yaml, built the way the backend builds it (kubeConfigFor).
 *
 * @public
 */
export function suiteKubeConfig(): k8s.KubeConfig {
  return kubeConfigFor(suiteCluster());
}

/** The peer cluster as the backend is configured for it, with the suite's ServiceAccount token. */
function suiteCluster(): ClusterDetails {
  return {
    name: 'peers',
    url: peerEnv('BSO_K8S_URL'),
    authProvider: 'serviceAccount',
    serviceAccountToken: fs
      .readFileSync(peerEnv('BSO_K8S_SA_TOKEN_FILE'), 'utf8')
      .trim(),
    caFile: peerEnv('BSO_K8S_CA_FILE'),
    skipTLSVerify: false,
  };
}

/** The suite's client of the peer cluster (its production identity, as `suiteKubeConfig`). */
export function suiteClusterClient(): ClusterClient {
  return ClusterClient.for(suiteCluster());
}

// ------------------------------------------------------------------ OpenStack

/**
 * The peer OpenStack cloud as app-config would configure it (`openstack.clouds.peers`, with
 * the portal's application credential), read by the same config reader; `over` replaces settings.
 */
export function peerOpenStackCloud(over: Record<string, unknown> = {}): OpenStackCloudConfig {
  return readOpenStackCloud(
    'peers',
    new ConfigReader({
      authUrl: peerEnv('OS_AUTH_URL'),
      region: peerEnv('OS_REGION_NAME'),
      applicationCredentialId: peerEnv('OS_APPLICATION_CREDENTIAL_ID'),
      applicationCredentialSecret: fs
        .readFileSync(peerEnv('OS_APPLICATION_CREDENTIAL_SECRET_FILE'), 'utf8')
        .trim(),
      ...over,
    }),
  );
}

/** deploy/rbac/cloud-namespace.yaml of this repository. */
const CLOUD_NAMESPACE_TEMPLATE = path.resolve(
  // integration-test support, only ever run from the source tree by jest.integration.config.js
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../../deploy/rbac/cloud-namespace.yaml',
);

/**
 * What the platform team does when it gives a cloud its namespace: applies
 * deploy/rbac/cloud-namespace.yaml with NAMESPACE and CLOUD (the namespace labelled with the
 * cloud's name, and the suite's Secret rights in it), as cluster admin. Idempotent.
 *
 * @public
 */
export async function onboardCloudNamespace(
  namespace: string,
  cloud: string,
): Promise<void> {
  const text = fs
    .readFileSync(CLOUD_NAMESPACE_TEMPLATE, 'utf8')
    .replaceAll('${NAMESPACE}', namespace)
    .replaceAll('${CLOUD}', cloud);
  const objects = k8s.KubernetesObjectApi.makeApiClient(adminKubeConfig());
  for (const obj of k8s.loadAllYaml(text).filter(Boolean)) {
    await objects.patch(
      obj as k8s.KubernetesObject,
      undefined,
      undefined,
      'bso-platform-team',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  }
}

/** HTTP status of a failed client-node call (ApiException.code), or undefined. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Runs `call` and returns the HTTP status it failed with (throws if it succeeded). */
export async function failureStatus(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (e) {
    const status = statusOf(e);
    if (status === undefined) throw e;
    return status;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

// ------------------------------------------------------------------ OpenStack

export interface CatalogEndpoint {
  interface: string;
  region_id: string;
  url: string;
}
export interface CatalogEntry {
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}
export interface OpenStackSession {
  token: string;
  projectId: string;
  catalog: CatalogEntry[];
  /** Public endpoint URL of a service type in OS_REGION_NAME, without a trailing slash. */
  endpoint(type: string): string;
  /** fetch with the token; JSON bodies; throws with the body on a non-2xx status. */
  call<T = any>(
    method: string,
    url: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T }>;
}

/** Authenticates with the portal's application credential (as the backend will). */
export async function openStackSession(): Promise<OpenStackSession> {
  const authUrl = peerEnv('OS_AUTH_URL').replace(/\/$/, '');
  const region = peerEnv('OS_REGION_NAME');
  const secret = fs
    .readFileSync(peerEnv('OS_APPLICATION_CREDENTIAL_SECRET_FILE'), 'utf8')
    .trim();
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: {
            id: peerEnv('OS_APPLICATION_CREDENTIAL_ID'),
            secret,
          },
        },
      },
    }),
  });
  if (res.status !== 201) {
    throw new Error(
      `keystone: application credential refused (HTTP ${res.status})`,
    );
  }
  const token = res.headers.get('x-subject-token') ?? '';
  const body = (await res.json()) as {
    token: { project: { id: string }; catalog: CatalogEntry[] };
  };
  const catalog = body.token.catalog;
  const endpoint = (type: string) => {
    const url = catalog
      .find(c => c.type === type)
      ?.endpoints.find(
        e => e.interface === 'public' && e.region_id === region,
      )?.url;
    if (!url) throw new Error(`no public ${type} endpoint in ${region}`);
    return url.replace(/\/$/, '');
  };
  const call: OpenStackSession['call'] = async (method, url, options) => {
    const r = await fetch(url, {
      method,
      headers: {
        'X-Auth-Token': token,
        Accept: 'application/json',
        ...(options?.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : {}),
        ...options?.headers,
      },
      body:
        options?.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await r.text();
    if (r.status >= 300) {
      throw new Error(
        `${method} ${url} -> HTTP ${r.status}: ${text.slice(0, 300)}`,
      );
    }
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    token,
    projectId: body.token.project.id,
    catalog,
    endpoint,
    call,
  };
}
