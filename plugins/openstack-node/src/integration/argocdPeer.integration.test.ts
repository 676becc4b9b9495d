/*
 * The Argo CD peer (scripts/peers/argocd): a real argocd-application-controller and repo server
 * sync an app-of-apps from the peer's Git server, whose child Applications install vendored
 * openstack-helm charts from the peer's Helm repository into a namespace of the peer cluster.
 * kwok readies the charts' workloads; the children must turn Synced and Healthy in their sync
 * waves (the second child's sync starts only after the first one is Healthy), and the charts'
 * objects must be in the namespace.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  peerEnv,
  uniqueName,
} from './peers';

const CHART_VERSION = '2026.1.0';
const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const admin = lazy(adminKubeConfig);
const custom = lazy(() => admin().makeApiClient(k8s.CustomObjectsApi));
const core = lazy(() => admin().makeApiClient(k8s.CoreV1Api));

type App = {
  metadata: { name: string };
  status?: {
    sync?: { status?: string };
    health?: { status?: string };
    operationState?: {
      phase?: string;
      startedAt?: string;
      finishedAt?: string;
    };
    resources?: Array<{ kind: string; name: string; namespace?: string }>;
  };
};

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();

/**
 * Every node selector of a vendored chart (`labels.<group>.node_selector_key/value`) pointed at
 * kwok's fake nodes (`type: kwok`), as the cloud spec's node selector does for the suite's clouds.
 */
function kwokNodeSelectors(chart: string) {
  const file = path.join(
    __dirname,
    '../../../../third_party/openstack-helm',
    chart,
    'values.yaml',
  );
  const labels = (parse(fs.readFileSync(file, 'utf8')).labels ?? {}) as Record<
    string,
    unknown
  >;
  const groups = Object.entries(labels).filter(
    ([, v]) => v && typeof v === 'object' && 'node_selector_key' in v,
  );
  if (groups.length === 0) throw new Error(`${file} has no node selectors`);
  return Object.fromEntries(
    groups.map(([g]) => [
      g,
      { node_selector_key: 'type', node_selector_value: 'kwok' },
    ]),
  );
}

/**
 * A child Application: one vendored chart from the peer's Helm repository, in sync wave `wave`.
 * The peer cluster has no volume provisioner: charts with volumes get them disabled.
 */
function child(
  name: string,
  chart: string,
  wave: number,
  ns: string,
  values: Record<string, unknown> = {},
) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Application',
    metadata: {
      name,
      namespace: peerEnv('BSO_ARGOCD_NAMESPACE'),
      annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
    },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: ns },
      source: {
        repoURL: peerEnv('BSO_ARGOCD_HELM_REPO_URL'),
        chart,
        targetRevision: CHART_VERSION,
        helm: {
          releaseName: chart,
          valuesObject: { ...values, labels: kwokNodeSelectors(chart) },
        },
      },
      syncPolicy: { automated: { prune: false, selfHeal: true } },
    },
  };
}

describePeers('Argo CD peer', () => {
  const ns = uniqueName('it-argocd');
  const argocdNs = () => peerEnv('BSO_ARGOCD_NAMESPACE');
  const parent = `${ns}-apps`;
  const children = [`${ns}-memcached`, `${ns}-rabbitmq`];
  let work = '';
  let bare = '';

  const getApp = async (name: string) =>
    (await custom().getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: argocdNs(),
      plural: 'applications',
      name,
    })) as App;

  afterAll(async () => {
    for (const name of [parent, ...children]) {
      await custom()
        .deleteNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: argocdNs(),
          plural: 'applications',
          name,
        })
        .catch(() => undefined);
    }
    await core()
      .deleteNamespace({ name: ns })
      .catch(() => undefined);
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (bare) fs.rmSync(bare, { recursive: true, force: true });
  });

  it('syncs an app-of-apps from the peer Git server: the charts of the children, in their waves, Healthy', async () => {
    // the Git repository (the GitOps repository a merged pull request lands in)
    bare = path.join(peerEnv('BSO_ARGOCD_GIT_ROOT'), `${ns}.git`);
    git(os.tmpdir(), 'init', '-q', '--bare', '-b', 'main', bare);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-it-'));
    git(work, 'init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(work, 'apps'));
    fs.writeFileSync(
      path.join(work, 'apps', 'namespace.yaml'),
      stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns,
          annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
        },
      }),
    );
    fs.writeFileSync(
      path.join(work, 'apps', 'memcached-application.yaml'),
      stringify(child(children[0], 'memcached', 0, ns)),
    );
    fs.writeFileSync(
      path.join(work, 'apps', 'rabbitmq-application.yaml'),
      stringify(
        child(children[1], 'rabbitmq', 1, ns, { volume: { enabled: false } }),
      ),
    );
    git(work, 'add', '.');
    git(
      work,
      '-c',
      'user.name=it',
      '-c',
      'user.email=it@example.org',
      'commit',
      '-q',
      '-m',
      'cloud',
    );
    git(work, 'push', '-q', bare, 'main');

    // the parent Application, as the platform's Argo CD bootstrap creates it
    await custom().createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: argocdNs(),
      plural: 'applications',
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'Application',
        metadata: { name: parent, namespace: argocdNs() },
        spec: {
          project: 'default',
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: argocdNs(),
          },
          source: {
            repoURL: `${peerEnv('BSO_ARGOCD_GIT_URL')}/${ns}.git`,
            path: 'apps',
            targetRevision: 'main',
          },
          syncPolicy: { automated: { prune: false, selfHeal: true } },
        },
      },
    });

    const synced = (a: App) =>
      a.status?.sync?.status === 'Synced' &&
      a.status?.health?.status === 'Healthy' &&
      a.status?.operationState?.phase === 'Succeeded'
        ? a
        : undefined;
    const done = await eventually(
      'the parent and both children Synced and Healthy',
      async () => {
        const apps = await Promise.all([parent, ...children].map(getApp));
        return apps.every(synced) ? apps : undefined;
      },
      300_000,
    );
    const [, memcached, rabbitmq] = done;

    // the waves: the rabbitmq child (wave 1) syncs only after the memcached child (wave 0) is done
    expect(
      Date.parse(rabbitmq.status!.operationState!.startedAt!),
    ).toBeGreaterThanOrEqual(
      Date.parse(memcached.status!.operationState!.finishedAt!),
    );
    // the charts' objects are in the namespace, with the release's workloads among them
    for (const app of [memcached, rabbitmq]) {
      const kinds = (app.status!.resources ?? []).map(r => r.kind);
      expect(kinds).toContain('StatefulSet');
      const namespaced = (app.status!.resources ?? []).filter(r => r.namespace);
      expect(new Set(namespaced.map(r => r.namespace))).toEqual(new Set([ns]));
    }
    const pods = await core().listNamespacedPod({ namespace: ns });
    expect(pods.items.length).toBeGreaterThan(0);
  }, 400_000);
});
