/*
 * Argo CD delivery end to end through the actions, on the real peers: the real Argo CD v2.14
 * (application-controller + repo-server), its Git server and the Helm repository of the vendored
 * openstack-helm charts, the real kube-apiserver and kwok.
 *
 * create (delivery argocd, as the suite's ServiceAccount): Secrets, the child Applications parked
 * with their credentials (live only), the parent Application, the manifests in the workspace →
 * the test commits them to a bare repository of the peer's Git server (the merged pull request)
 * → Argo CD syncs the parent and the children in their waves → the charts' objects appear, kwok
 * readies them (the test binds each volume claim to a PersistentVolume, as the platform's storage
 * would) → the action's wait step sees every chart Ready. Then upgrade 2025.1 → 2025.2 the same
 * way (the workspace a clone of the repository, the action following the rollout); the test
 * records when each chart's workloads change and asserts the planner's order.
 * No credential value is in any commit of the repository, the task's log or its outputs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { applicationReadiness } from '@backstage-openstack/plugin-openstack-node';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  uniqueName,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import {
  allowAll,
  capturingLogger,
  cloudStatus,
  computeHost,
  noApprovalsRequired,
  noHolders,
  recoverableContext,
  scriptedApi,
  testDrivers,
} from '../__testUtils__/testing';
import { ARGOCD_CHARTS as CHARTS, argocdPeerDeps, argocdTestCloud, git } from '../__testUtils__/argocdPeer';
import { createCloudCreateAction } from '../actions/cloudCreate';
import { createCloudUpgradeAction } from '../actions/cloudUpgrade';

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminApps = lazy(() => admin().makeApiClient(k8s.AppsV1Api));
const adminCustom = lazy(() => admin().makeApiClient(k8s.CustomObjectsApi));


type App = {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: any;
  status?: {
    sync?: { status?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; startedAt?: string; finishedAt?: string };
  };
};

/**
 * The first time each chart's workloads (Deployments, StatefulSets) get a new pod template: their
 * generation passes the one they had when the watcher started. Polled every second until stopped.
 */
async function changeWatcher(namespace: string) {
  let stopped = false;
  const firstSeen = new Map<string, number>();
  const list = async () => {
    const [d, s] = await Promise.all([
      adminApps().listNamespacedDeployment({ namespace }).catch(() => ({ items: [] as k8s.V1Deployment[] })),
      adminApps().listNamespacedStatefulSet({ namespace }).catch(() => ({ items: [] as k8s.V1StatefulSet[] })),
    ]);
    return [...d.items, ...s.items];
  };
  const initial = new Map((await list()).map(w => [w.metadata!.uid!, w.metadata!.generation ?? 0]));
  const loop = (async () => {
    while (!stopped) {
      for (const w of await list()) {
        const chart = w.metadata?.labels?.application;
        if (!chart || firstSeen.has(chart)) continue;
        if ((w.metadata?.generation ?? 0) > (initial.get(w.metadata!.uid!) ?? 0)) firstSeen.set(chart, Date.now());
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  })();
  return {
    firstSeen,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

describePeers('Argo CD delivery through the actions on the real Argo CD', () => {
  const name = uniqueName('it-argo2');
  const ns = name;
  const cloud = argocdTestCloud(name);
  const argocdNs = () => cloud.argocdNamespace;
  const dirs: string[] = [];
  const tmp = (prefix: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const getApp = async (app: string) =>
    (await adminCustom().getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: argocdNs(), plural: 'applications', name: app })) as App;
  const appState = async () =>
    Promise.all(cloud.apps.map(a => getApp(a).catch(() => undefined)));
  const describeApps = (apps: Array<App | undefined>) =>
    apps
      .map(a =>
        a
          ? `${a.metadata.name}: sync ${a.status?.sync?.status}, health ${a.status?.health?.status}, operation ${a.status?.operationState?.phase ?? '-'} ${a.status?.operationState?.message ?? ''}`
          : 'missing',
      )
      .join('\n  ');

  afterAll(async () => {
    await cloud.tearDown();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('create then upgrade 2025.1 → 2025.2: Argo CD syncs the parent and the children in the planner\'s order, credentials never in Git', async () => {
    // the cloud's GitOps repository on the peer's Git server, and the onboarded namespace
    await cloud.setUp();
    const { spec, bare } = cloud;
    // the peer cluster and the peer's Helm repository of the vendored charts
    const live = argocdPeerDeps();
    const { api } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('compute1', '2025.1')] });

    // 1. create, waiting for the cloud; the test merges the pull request once the files are written
    const create = createCloudCreateAction({
      approvals: noApprovalsRequired,
      permissions: allowAll(),
      cloudKeyHolders: noHolders,
      api,
      drivers: testDrivers(api, live as any),
      pollMs: 2000,
    });
    const ws = tmp('bso-argo-ws-');
    const created = capturingLogger();
    const checkpoints = new Map<string, unknown>();
    const ctx = recoverableContext({ spec, cluster: 'peers', waitForReady: true, timeoutMinutes: 25 }, checkpoints, {
      logger: created.logger,
      workspacePath: ws,
    });
    const running = create.handler(ctx as any);
    let failed: unknown;
    running.catch(e => {
      failed = e;
    });
    const cloudDir = path.join(ws, 'clusters', ns);
    await eventually(
      'the create action to write the manifests (after the Secrets, the parked children and the parent)',
      async () => {
        if (failed) throw failed;
        return fs.existsSync(path.join(cloudDir, 'apps', 'keystone-application.yaml')) ? true : undefined;
      },
      300_000,
    );
    // parked: Argo CD leaves the child alone; it carries its credentials, Git will not
    const parked = await getApp(`${name}-keystone`);
    expect(parked.metadata.annotations?.['argocd.argoproj.io/skip-reconcile']).toBe('true');
    const adminPw = Buffer.from(
      (await adminCore().readNamespacedSecret({ name: `${name}-keystone-admin`, namespace: ns })).data!.password,
      'base64',
    ).toString();
    expect(parked.spec.source.helm.parameters).toContainEqual({ name: 'endpoints.identity.auth.admin.password', value: adminPw, forceString: true });
    // the merged pull request
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, 'add', 'clusters');
    git(ws, 'commit', '-q', '-m', `OpenStack cloud ${name} (2025.1)`);
    git(ws, 'push', '-q', bare, 'main');
    const createStart = Date.now();
    // each child's first sync operation, as Argo CD reports it (polled every second)
    const firstSyncs = (() => {
      let stopped = false;
      const seen = new Map<string, { startedAt: string; finishedAt?: string }>();
      const look = async () => {
        for (const a of await appState()) {
          const op = a?.status?.operationState;
          if (!a || !op?.startedAt) continue;
          // the start of its first sync, and the end of its first successful one
          const had = seen.get(a.metadata.name) ?? { startedAt: op.startedAt };
          if (!had.finishedAt && op.phase === 'Succeeded') had.finishedAt = op.finishedAt;
          seen.set(a.metadata.name, had);
        }
      };
      const loop = (async () => {
        while (!stopped) {
          await look();
          await new Promise(r => setTimeout(r, 1000));
        }
      })();
      return {
        seen,
        async stop() {
          stopped = true;
          await loop;
          // one last look: the last child may have finished after the loop's last one, when
          // every Application was already seen Synced and Healthy
          await look();
        },
      };
    })();
    try {
      await running;
    } catch (e) {
      throw new Error(`the create action failed: ${e}\n  Argo CD:\n  ${describeApps(await appState())}\n  log tail:\n${created.lines.slice(-15).join('\n')}`);
    }
    const createSeconds = Math.round((Date.now() - createStart) / 1000);
    expect(created.lines.join('\n')).toMatch(new RegExp(`Every chart of ${name} is Ready`));

    // Argo CD: every child Synced and Healthy, awake, in its wave after the one before
    const apps = await eventually(
      'the parent and every child Synced and Healthy',
      async () => {
        const all = await appState();
        // Argo CD reports Synced and Healthy while a sync's PostSync hooks still run (e.g. keystone's
        // bootstrap Job): every Application's last operation must have ended too
        return all.every(a => a?.status?.sync?.status === 'Synced' && a?.status?.health?.status === 'Healthy' && a?.status?.operationState?.phase === 'Succeeded')
          ? (all as App[])
          : undefined;
      },
      600_000,
    ).catch(async e => {
      throw new Error(`${e}\n  ${describeApps(await appState())}`);
    });
    await firstSyncs.stop();
    const children = apps.slice(1);
    for (const c of children) expect(c.metadata.annotations?.['argocd.argoproj.io/skip-reconcile']).toBe('false');
    // the waves: every child synced successfully once, the first sync of each after the one before
    const first = CHARTS.map(c => firstSyncs.seen.get(`${name}-${c}`));
    expect(first.every(f => f?.finishedAt)).toBe(true);
    // Argo CD moves to the next wave once the child before it is Healthy, which can be a moment
    // before that child's PostSync hooks (keystone's bootstrap Job) end: each child's first sync
    // starts after the one before it started, in the planner's order
    for (let i = 1; i < first.length; i++)
      expect(Date.parse(first[i]!.startedAt)).toBeGreaterThan(Date.parse(first[i - 1]!.startedAt));
    // the parent kept the credentials the action set (RespectIgnoreDifferences)
    expect((await getApp(`${name}-keystone`)).spec.source.helm.parameters).toContainEqual(
      expect.objectContaining({ name: 'endpoints.identity.auth.admin.password', value: adminPw }),
    );
    // the charts' objects, readied by kwok
    const api0 = await adminApps().readNamespacedDeployment({ name: 'keystone-api', namespace: ns });
    expect(api0.status?.readyReplicas).toBe(1);
    expect(api0.spec?.template.spec?.containers[0].image).toContain('2025.1');

    // 2. upgrade one hop, the workspace a clone of the GitOps repository (fetch:plain)
    const entity = (ctx.output as jest.Mock).mock.calls.find((c: any[]) => c[0] === 'entity')![1];
    const catalog = catalogServiceMock({ entities: [{ ...entity, metadata: { ...entity.metadata, namespace: 'default' } }] });
    const upgrade = createCloudUpgradeAction({
      approvals: noApprovalsRequired,
      permissions: allowAll(),
      catalog,
      api,
      drivers: testDrivers(api, { cluster: live.cluster as any }),
      pollMs: 2000,
    });
    const clone = tmp('bso-argo-up-');
    execFileSync('git', ['clone', '-q', bare, clone]);
    const watcher = await changeWatcher(ns);
    const up = capturingLogger();
    const upCtx = recoverableContext(
      { cloud: `resource:default/${name}`, targetRelease: '2025.2', timeoutMinutes: 25, waitForRollout: true, argocdNamespace: argocdNs() },
      new Map(),
      { logger: up.logger, workspacePath: clone },
    );
    const upgrading = upgrade.handler(upCtx as any);
    let upFailed: unknown;
    upgrading.catch(e => {
      upFailed = e;
    });
    await eventually(
      'the upgrade action to edit the manifests',
      async () => {
        if (upFailed) throw upFailed;
        return up.lines.some(l => l.includes('Updated ')) ? true : undefined;
      },
      300_000,
    );
    git(clone, 'commit', '-q', '-am', `OpenStack cloud ${name}: 2025.1 → 2025.2`);
    git(clone, 'push', '-q', 'origin', 'main');
    const upStart = Date.now();
    try {
      await upgrading;
    } catch (e) {
      throw new Error(`the upgrade action failed: ${e}\n  Argo CD:\n  ${describeApps(await appState())}\n  log tail:\n${up.lines.slice(-15).join('\n')}`);
    } finally {
      await watcher.stop();
    }
    const upSeconds = Math.round((Date.now() - upStart) / 1000);
    const report = (upCtx.output as jest.Mock).mock.calls.find((c: any[]) => c[0] === 'report')![1];
    expect(report.status).toBe('done');
    const planned = (report.steps as Array<{ step: string }>).map(s => s.step.split(':')[0]);
    // the order in which the charts' workloads changed is the planner's
    const changed = [...watcher.firstSeen.entries()].sort((a, b) => a[1] - b[1]).map(([c]) => c);
    expect(changed).toEqual([...new Set(planned)].filter(c => watcher.firstSeen.has(c)));
    expect(changed).toContain('keystone');
    // the children synced the new values in their waves, in the planner's order
    const synced = await appState();
    const starts = [...new Set(planned)].map(c => ({ c, at: Date.parse(synced.find(a => a?.metadata.name === `${name}-${c}`)?.status?.operationState?.startedAt ?? '') }));
    for (let i = 1; i < starts.length; i++) expect(starts[i].at).toBeGreaterThanOrEqual(starts[i - 1].at);
    expect((await adminApps().readNamespacedDeployment({ name: 'keystone-api', namespace: ns })).spec?.template.spec?.containers[0].image).toContain('2025.2');
    // what the action's wait counted as done is the upgraded spec: each upgraded child's status
    // compares the source the upgrade committed (its image tags), Synced, Healthy, its last
    // operation Succeeded (applicationReadiness, which the wait uses)
    for (const c of new Set(planned)) {
      const app = synced.find(a => a?.metadata.name === `${name}-${c}`)! as App & { status: { sync: { comparedTo?: { source?: any } } } };
      const tags = app.spec.source.helm.valuesObject.images.tags as Record<string, string>;
      expect(app.status.sync.comparedTo?.source?.helm?.valuesObject?.images?.tags).toEqual(tags);
      expect({ app: app.metadata.name, readiness: applicationReadiness(app as any) }).toMatchObject({ app: app.metadata.name, readiness: { ready: true } });
    }

    // no credential value in any commit, log or output
    const history = git(bare, 'log', '-p', '--all');
    const secrets = (await adminCore().listNamespacedSecret({ namespace: ns, labelSelector: 'openstack.backstage.io/cloud' })).items;
    const values = secrets.flatMap(s => Object.values(s.data ?? {}).map(v => Buffer.from(v, 'base64').toString()));
    expect(values.length).toBeGreaterThan(5);
    const said = [...created.lines, ...up.lines].join('\n') + JSON.stringify((ctx.output as jest.Mock).mock.calls) + JSON.stringify((upCtx.output as jest.Mock).mock.calls);
    for (const v of values) {
      expect(history).not.toContain(v);
      expect(said).not.toContain(v);
    }
    // eslint-disable-next-line no-console
    console.log(
      `Argo CD end to end: create synced ${CHARTS.length} charts in ${createSeconds} s after the merge; upgrade 2025.1 → 2025.2 rolled in ${upSeconds} s, charts changed in the order ${changed.join(' → ')} (planner: ${planned.join(' → ')})`,
    );
  }, 3_000_000);
});
