/*
 * openstack:cloud:create and openstack:cloud:upgrade against the real kube-apiserver of the peers
 * (Flux and Argo CD CRDs installed, kwok nodes), as the suite's ServiceAccount bound to the
 * minimal role (deploy/rbac/backstage-openstack.yaml). The admin identity only plays
 * helm-controller (HelmControllerStandIn), reads Secret values to compare them, and cleans up.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { chartsFor, OPENSTACK_HELM_CHART_VERSION } from '@backstage-openstack/plugin-openstack-common';
import { ClusterClient } from '@backstage-openstack/plugin-openstack-node';
// test helpers of the node package: the peers' identities and a self-signed certificate
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  onboardCloudNamespace,
  suiteKubeConfig,
  TEST_CERT,
  TEST_KEY,
  uniqueName,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import { capturingLogger, recoverableContext, scriptedApi, cloudStatus, computeHost, testDrivers, allowAll, noHolders, noApprovalsRequired, testChartSources } from '../__testUtils__/testing';
import { createCloudCreateAction } from '../actions/cloudCreate';
import { createCloudUpgradeAction } from '../actions/cloudUpgrade';
import { HelmControllerStandIn } from '../__testUtils__/helmControllerStandIn';

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminObjects = lazy(() => k8s.KubernetesObjectApi.makeApiClient(admin()));
const suite = lazy(() => new ClusterClient('peers', suiteKubeConfig()));
const COMPONENTS = ['keystone', 'glance', 'placement', 'nova', 'neutron'];

/** A Helm repository on 127.0.0.1 (TLS, the test CA) whose index lists the openstack-helm charts. */
async function chartRepository() {
  const index = {
    apiVersion: 'v1',
    entries: Object.fromEntries(
      chartsFor(COMPONENTS).map(c => [c, [{ name: c, version: OPENSTACK_HELM_CHART_VERSION, urls: [`${c}-${OPENSTACK_HELM_CHART_VERSION}.tgz`] }]]),
    ),
  };
  const server = https.createServer({ key: TEST_KEY, cert: TEST_CERT }, (req, res) => {
    if (req.url === '/openstack-helm/index.yaml') {
      res.writeHead(200, { 'Content-Type': 'text/yaml' });
      res.end(JSON.stringify(index));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/openstack-helm/` };
}

function spec(name: string, namespace: string, delivery: Record<string, unknown>) {
  return {
    name,
    release: '2025.1',
    components: COMPONENTS,
    publicDomain: `${name}.cloud.example.org`,
    apiReplicas: 1,
    infrastructure: { mariadbReplicas: 1, rabbitmqReplicas: 1, memcachedReplicas: 1, ovnDbReplicas: 1 },
    chartSource: { name: 'test-repo' },
    delivery: { namespace, ...delivery },
  };
}

async function secretValue(namespace: string, name: string, key = 'password') {
  const s = await adminCore().readNamespacedSecret({ name, namespace });
  return Buffer.from(s.data![key], 'base64').toString();
}

describePeers('live clouds on the real kube-apiserver', () => {
  let repo: { server: https.Server; url: string };
  const namespaces: string[] = [];
  const controllers: HelmControllerStandIn[] = [];
  const workspaces: string[] = [];
  const live = () => ({
    cluster: (n: string) => {
      if (n !== 'peers') throw new Error(`No Kubernetes cluster "${n}" in kubernetes.clusterLocatorMethods`);
      return suite();
    },
    // the test's chart repository (on loopback, with its own CA) as the operator configures it
    chartSources: testChartSources({ 'test-repo': { url: repo.url, caData: TEST_CERT } }),
  });
  const { api } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('compute1', '2025.1')] });
  const workspace = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-ws-'));
    workspaces.push(dir);
    return dir;
  };

  beforeAll(async () => {
    repo = await chartRepository();
  });
  afterAll(async () => {
    for (const c of controllers) await c.stop();
    await new Promise<void>(r => repo.server.close(() => r()));
    for (const ns of namespaces) await adminCore().deleteNamespace({ name: ns }).catch(() => undefined);
    for (const ws of workspaces) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('direct: the API server accepts every object, Secrets are created once, a second run keeps them; then one hop rolls through every step', async () => {
    const name = uniqueName('it-cloud');
    const ns = name;
    namespaces.push(ns);
    // the platform team onboards the cloud's namespace (deploy/rbac/cloud-namespace.yaml)
    await onboardCloudNamespace(ns, name);
    const input = { spec: spec(name, ns, { mode: 'direct', cluster: 'peers' }), waitForReady: true, timeoutMinutes: 5 };
    const create = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api, live() as any), pollMs: 300 });
    const controller = new HelmControllerStandIn(admin(), ns);
    controllers.push(controller);
    controller.start(300);
    try {
      const { logger, lines } = capturingLogger();
      const checkpoints = new Map<string, unknown>();
      const first = recoverableContext(input, checkpoints, { logger, workspacePath: workspace() });
      await create.handler(first as any);

      // objects as the real CRD schemas accepted them, written by the suite's field manager
      const hr = (await adminObjects().read({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: `${name}-nova`, namespace: ns },
      })) as any;
      expect(hr.spec.chart.spec.version).toBe(OPENSTACK_HELM_CHART_VERSION);
      expect(hr.spec.values.images.tags.nova_api).toBe('quay.io/airshipit/nova:2025.1-ubuntu_noble');
      expect(hr.metadata.managedFields.map((f: any) => f.manager)).toContain('backstage-openstack');
      expect(hr.spec.valuesFrom.map((v: any) => v.name)).toContain(`${name}-nova-db`);
      const ing = await admin().makeApiClient(k8s.NetworkingV1Api).readNamespacedIngress({ name: `${name}-keystone`, namespace: ns });
      expect(ing.spec?.rules?.[0].host).toBe(`keystone.${name}.cloud.example.org`);
      const ownLabel = (await adminCore().readNamespace({ name: ns })).metadata?.labels?.['openstack.backstage.io/cloud'];
      expect(ownLabel).toBe(name);

      // Secrets: random, never logged or output
      const adminPw = await secretValue(ns, `${name}-keystone-admin`);
      expect(adminPw).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(lines.join('\n')).not.toContain(adminPw);
      expect(JSON.stringify((first.output as jest.Mock).mock.calls)).not.toContain(adminPw);
      expect(lines.join('\n')).toMatch(/keystone is Ready/);
      expect(first.output).toHaveBeenCalledWith(
        'entity',
        expect.objectContaining({ metadata: expect.objectContaining({ annotations: expect.objectContaining({ 'openstack.backstage.io/delivery': 'direct' }) }) }),
      );

      // another task may not take the running cloud over: refused, naming the field, nothing changed
      const other = recoverableContext({ ...input, waitForReady: false }, new Map(), { logger: capturingLogger().logger, workspacePath: workspace() });
      await expect(create.handler(other as any)).rejects.toThrow(/input\.spec\.name: .* is already taken by namespace/);
      // the same task resumed with only its name claim kept (every other step runs again): the
      // namespace is its own, the Secrets are kept, the objects are applied again unchanged
      const claim = [...checkpoints].filter(([k]) => k.endsWith('.claim'));
      expect(claim).toHaveLength(1);
      const again = recoverableContext({ ...input, waitForReady: false }, new Map(claim), { logger: capturingLogger().logger, workspacePath: workspace() });
      await create.handler(again as any);
      expect(await secretValue(ns, `${name}-keystone-admin`)).toBe(adminPw);

      // upgrade one hop, direct: the action patches each HelmRelease in the planner's order
      const entity = (first.output as jest.Mock).mock.calls.find((c: any[]) => c[0] === 'entity')![1];
      const catalog = catalogServiceMock({ entities: [{ ...entity, metadata: { ...entity.metadata, namespace: 'default' } }] });
      const upgrade = createCloudUpgradeAction({ approvals: noApprovalsRequired,
        permissions: allowAll(),
        catalog,
        api,
        drivers: testDrivers(api, { cluster: live().cluster as any }),
        pollMs: 300,
      });
      const up = capturingLogger();
      const ctx = recoverableContext(
        { cloud: `resource:default/${name}`, targetRelease: '2025.2', timeoutMinutes: 5 },
        new Map(),
        { logger: up.logger, workspacePath: workspace() },
      );
      await upgrade.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
      const report = (ctx.output as jest.Mock).mock.calls.find((c: any[]) => c[0] === 'report')![1];
      expect(report.status).toBe('done');
      expect(report.steps.map((s: any) => s.step)).toEqual(['mariadb', 'rabbitmq', 'keystone', 'glance', 'placement', 'nova:conductor', 'nova:api', 'neutron']);
      expect(report.steps.every((s: any) => s.done)).toBe(true);
      const log = up.lines.join('\n');
      const order = ['mariadb', 'rabbitmq', 'keystone', 'glance', 'placement', 'nova:conductor', 'nova:api', 'neutron'].map(s => log.indexOf(`${s}: patched`));
      expect(order.every((v, i) => v >= 0 && (i === 0 || v > order[i - 1]))).toBe(true);
      const osapi = await admin().makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: 'nova-api-osapi', namespace: ns });
      expect(osapi.spec?.template.spec?.containers[0].image).toBe('quay.io/airshipit/nova:2025.2-ubuntu_noble');
      expect(log).not.toContain(adminPw);
      expect(controller.errors).toEqual([]);
    } finally {
      await controller.stop();
    }
  }, 900_000);

  it('refuses a namespace that belongs to something else, before anything changes', async () => {
    const name = uniqueName('it-cloud');
    const ns = uniqueName('it-foreign');
    namespaces.push(ns);
    await adminCore().createNamespace({ body: { metadata: { name: ns, labels: { 'openstack.backstage.io/cloud': 'another-cloud' } } } });
    const create = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api, live() as any), pollMs: 300 });
    const ctx = recoverableContext(
      { spec: spec(name, ns, { mode: 'direct', cluster: 'peers' }), waitForReady: false },
      new Map(),
      { workspacePath: workspace() },
    );
    await expect(create.handler(ctx as any)).rejects.toThrow(/input\.spec\.delivery\.namespace: namespace .* belongs to cloud another-cloud/);
    const secret = await adminCore().readNamespacedSecret({ name: `${name}-keystone-admin`, namespace: ns }).catch(e => e.code);
    expect(secret).toBe(404);
  });

  it('refuses a namespace the platform team has not onboarded (no Secret binding), naming the file to apply there, and creates nothing', async () => {
    const create = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api, live() as any), pollMs: 300 });
    // absent, or made and labelled for the cloud without the binding
    for (const made of [false, true]) {
      const name = uniqueName('it-cloud');
      const ns = name;
      namespaces.push(ns);
      if (made) await adminCore().createNamespace({ body: { metadata: { name: ns, labels: { 'openstack.backstage.io/cloud': name } } } });
      for (const isDryRun of [true, false]) {
        const ctx = recoverableContext(
          { spec: spec(name, ns, { mode: 'direct', cluster: 'peers' }), waitForReady: false },
          new Map(),
          { workspacePath: workspace(), isDryRun },
        );
        const error = await create.handler(ctx as any).catch(e => e);
        expect(error?.name).toBe('NotAllowedError');
        expect(error.message).toContain(
          `input.spec.delivery.namespace: the suite's Kubernetes credentials on cluster peers lack get Secret in namespace ${ns}, create Secret in namespace ${ns}, patch Secret in namespace ${ns}; nothing was changed. To grant them, the platform team onboards the namespace: apply deploy/rbac/cloud-namespace.yaml in namespace ${ns}`,
        );
      }
      // nothing created: no namespace (or the one admin made, unchanged), no Secret, no HelmRelease
      const got = await adminCore().readNamespace({ name: ns }).catch(e => e.code);
      const secrets = made ? (await adminCore().listNamespacedSecret({ namespace: ns })).items : [];
      const releases = made ? (await adminObjects().list('helm.toolkit.fluxcd.io/v2', 'HelmRelease', ns)).items : [];
      expect({ namespace: made ? got.metadata.labels : got, secrets, releases }).toEqual({
        namespace: made ? { 'kubernetes.io/metadata.name': ns, 'openstack.backstage.io/cloud': name } : 404,
        secrets: [],
        releases: [],
      });
    }
  });

  it('the API server rejects an object that breaks the HelmRelease CRD schema, named with the cluster and the fix', async () => {
    const ns = uniqueName('it-bad');
    namespaces.push(ns);
    await onboardCloudNamespace(ns, ns);
    const error = await suite()
      .apply({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'broken', namespace: ns },
        spec: { interval: 'every ten minutes', chart: { spec: { chart: 'keystone', sourceRef: { kind: 'HelmRepository', name: 'x' } } } },
      } as any)
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/^Kubernetes cluster "peers" \(https:\/\/127\.0\.0\.1:\d+\): apply HelmRelease .*\/broken: HTTP 422, the API server refused the object: .*spec\.interval/);
  });

  it.each([
    ['flux', { mode: 'flux', repositoryPath: 'clusters' }, 'helmrelease'],
    ['argocd', { mode: 'argocd', repositoryPath: 'clusters', repoUrl: 'https://git.example.org/platform/gitops.git' }, 'application'],
  ])('%s: writes the manifests into the workspace and creates the Secrets in the cluster', async (_m, delivery, suffix) => {
    const name = uniqueName('it-cloud');
    const ns = name;
    namespaces.push(ns);
    await onboardCloudNamespace(ns, name);
    const ws = workspace();
    const create = createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api, live() as any), pollMs: 300 });
    const ctx = recoverableContext({ spec: spec(name, ns, delivery), cluster: 'peers', waitForReady: false }, new Map(), {
      workspacePath: ws,
    });
    await create.handler(ctx as any);
    // Argo CD: <repositoryPath>/<namespace>/apps, the parent beside it
    const dir = _m === 'argocd' ? path.join(ws, 'clusters', ns, 'apps') : path.join(ws, 'clusters', 'peers', ns);
    expect(fs.readFileSync(path.join(dir, `keystone-${suffix}.yaml`), 'utf8')).toContain(`name: ${name}-keystone`);
    // Argo CD: the children parked in Argo CD's namespace (no sync without the parent's Git path)
    const apps =
      _m === 'argocd'
        ? ((await adminObjects().list('argoproj.io/v1alpha1', 'Application', 'argocd', undefined, undefined, undefined, undefined, `openstack.backstage.io/cloud=${name}`)).items as any[])
        : [];
    expect(apps.filter(a => a.metadata.annotations?.['argocd.argoproj.io/skip-reconcile'] === 'true').length).toBe(
      _m === 'argocd' ? chartsFor(COMPONENTS).length : 0,
    );
    for (const a of apps) await adminObjects().delete(a).catch(() => undefined);
    const pw = await secretValue(ns, `${name}-keystone-admin`);
    for (const f of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toContain(pw);
    // nothing applied: GitOps applies it after the pull request
    const hr = await suite().read({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: `${name}-keystone`, namespace: ns });
    expect(hr).toBeUndefined();
    await eventually('namespace to exist', async () => ((await suite().namespaceOwnership(ns, name)).state === 'owned' ? true : undefined));
  });
});
