import { createMockDirectory, registerMswTestHooks } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { chartsFor, OPENSTACK_HELM_CHART_VERSION } from '@backstage-openstack/plugin-openstack-common';
import { capturingLogger, cloudStatus, recoverableContext, scriptedApi, allowAll, noHolders, testDrivers, noApprovalsRequired, testChartSources } from '../__testUtils__/testing';
import { FakeCluster } from '../__testUtils__/fakeCluster';
import { createCloudCreateAction } from './cloudCreate';

// one directory for every test's workspace, removed after the file's tests
const workspaces = createMockDirectory();

const REPO = 'https://charts.example.org/openstack-helm/';
const COMPONENTS = ['keystone', 'glance', 'placement', 'nova', 'neutron'];
let served: string[] = chartsFor(COMPONENTS);
const server = setupServer(
  http.get(`${REPO}index.yaml`, () =>
    HttpResponse.text(
      JSON.stringify({ apiVersion: 'v1', entries: Object.fromEntries(served.map(c => [c, [{ version: OPENSTACK_HELM_CHART_VERSION }]])) }),
    ),
  ),
  http.get('https://down.example.org/index.yaml', () => HttpResponse.text('', { status: 503 })),
);
registerMswTestHooks(server);
afterEach(() => {
  served = chartsFor(COMPONENTS);
});

function spec(over: Record<string, unknown> = {}) {
  return {
    name: 'edge-1',
    release: '2025.1',
    components: COMPONENTS,
    publicDomain: 'edge-1.cloud.example.org',
    chartSource: { name: 'example' },
    delivery: { mode: 'direct', cluster: 'fake', namespace: 'edge-1' },
    ...over,
  };
}

function setup() {
  const cluster = new FakeCluster();
  const { api, calls } = scriptedApi({ status: () => cloudStatus('2025.1') });
  const action = createCloudCreateAction({ approvals: noApprovalsRequired,
    permissions: allowAll(),
    cloudKeyHolders: noHolders,
    api,
    pollMs: 1,
    drivers: testDrivers(api, {
      cluster: (n: string): any => {
        if (n !== 'fake') throw new Error(`No Kubernetes cluster "${n}" in kubernetes.clusterLocatorMethods; add it there`);
        return cluster;
      },
      chartSources: testChartSources({ example: { url: REPO }, down: { url: 'https://down.example.org/' } }),
    }),
  });
  const workspace = fs.mkdtempSync(path.join(workspaces.path, 'ws-'));
  const run = (input: Record<string, unknown>, store = new Map<string, unknown>(), extra: Record<string, unknown> = {}) => {
    const { logger, lines } = capturingLogger();
    const ctx = recoverableContext({ waitForReady: false, ...input }, store, { logger, workspacePath: workspace, ...extra });
    return { ctx, lines, done: action.handler(ctx as any) };
  };
  return { cluster, calls, run, workspace };
}

describe('openstack:cloud:create on a live cluster', () => {
  it.each([
    [{ spec: spec({ name: 'Edge_1' }) }, /input\.spec\.name: is not a DNS-1123 label/],
    [{ spec: spec({ release: '2024.1' }) }, /input\.spec\.release: 2024\.1 cannot be deployed by the pinned openstack-helm charts/],
    [{ spec: spec({ infrastructure: { mariadbReplicas: 2 } }) }, /input\.spec\.infrastructure\.mariadbReplicas: must be 1 or an odd number/],
    [{ spec: spec({ adminPassword: 'hunter2' }) }, /input\.spec\.adminPassword: looks like a credential/],
    [{ spec: spec({ components: ['nova'] }) }, /input\.spec\.components: nova needs keystone, glance, placement, neutron/],
    [{ spec: spec({ delivery: { mode: 'flux' } }) }, /input\.cluster is required with delivery flux/],
    [{ spec: spec({ delivery: { mode: 'direct', cluster: 'prod', namespace: 'x' } }) }, /input\.spec\.delivery\.cluster "prod": No Kubernetes cluster "prod"/],
    [{ spec: spec(), cluster: 'other' }, /input\.cluster "other" differs from input\.spec\.delivery\.cluster "fake"/],
    [{ spec: spec({ chartSource: { name: 'down' } }) }, /input\.spec\.chartSource\.name: https:\/\/down\.example\.org\/index\.yaml answered HTTP 503/],
    [{ spec: spec({ chartSource: { name: 'elsewhere' } }) }, /input\.spec\.chartSource\.name "elsewhere": not a chart source of this portal; use one of down, example/],
    [{ spec: spec({ chartSource: { url: 'https://charts.example.org/openstack-helm/' } }) }, /input\.spec\.chartSource\.url: is not taken: a chart source is named, never typed/],
    [{ spec: undefined, delivery: 'direct' }, /input\.spec is required with delivery direct/],
    [{ spec: spec(), delivery: 'demo' }, /input\.spec is for live clouds/],
    [{ spec: spec(), delivery: 'flux' }, /input\.delivery flux differs from input\.spec\.delivery\.mode direct/],
  ])('refuses %j before anything changes, naming the field', async (input, message) => {
    const { cluster, calls, run } = setup();
    await expect(run(input).done).rejects.toThrow(message);
    expect(cluster.writes).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses a chart repository without the charts at the version', async () => {
    served = ['keystone'];
    const { cluster, run } = setup();
    await expect(run({ spec: spec() }).done).rejects.toThrow(
      /input\.spec\.chartSource\.name: the Helm repository .* has no mariadb, rabbitmq, .* chart at version 2026\.1\.0/,
    );
    expect(cluster.writes).toEqual([]);
  });

  it('refuses a namespace that is someone else\'s', async () => {
    const { cluster, run } = setup();
    cluster.namespaces.set('edge-1', { 'openstack.backstage.io/cloud': 'edge-2' });
    await expect(run({ spec: spec() }).done).rejects.toThrow(/input\.spec\.delivery\.namespace: namespace edge-1 exists on fake and belongs to cloud edge-2/);
    cluster.namespaces.set('edge-1', {});
    await expect(run({ spec: spec() }).done).rejects.toThrow(/is not labelled openstack\.backstage\.io\/cloud=edge-1; pick a free namespace/);
    expect(cluster.writes).toEqual([]);
  });

  it('dry run: prints the plan and the rendered objects, Secrets by name only, and changes nothing', async () => {
    const { cluster, run, workspace } = setup();
    const { ctx, lines, done } = run({ spec: spec() }, new Map(), { isDryRun: true });
    await done;
    expect(cluster.writes).toEqual([]);
    expect(fs.readdirSync(workspace)).toEqual([]);
    const log = lines.join('\n');
    expect(log).toMatch(/Plan for cloud edge-1/);
    expect(log).toMatch(/edge-1\/edge-1-keystone-admin: password/);
    expect(log).toMatch(/kind: HelmRelease/);
    expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
  });

  it('direct: namespace, every Secret once, every object by server-side apply, waits until Ready, outputs the entity', async () => {
    const { cluster, run } = setup();
    const { ctx, lines, done } = run({ spec: spec(), waitForReady: true, timeoutMinutes: 1, owner: 'group:default/ops' });
    await done;
    expect(cluster.writes[0]).toBe('namespace edge-1');
    expect(cluster.writes.filter(w => w.startsWith('secret '))).toHaveLength(23);
    expect(cluster.writes.filter(w => w.startsWith('apply HelmRelease '))).toHaveLength(9);
    expect(cluster.writes.indexOf('apply HelmRelease edge-1/edge-1-mariadb')).toBeGreaterThan(cluster.writes.lastIndexOf('secret edge-1/edge-1-rabbitmq-guest'));
    expect(cluster.rolledOut('edge-1')).toBe(true);
    expect(lines.join('\n')).toMatch(/nova is Ready \(5 workloads rolled out\)/);
    expect(ctx.output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({
        metadata: expect.objectContaining({
          name: 'edge-1',
          annotations: expect.objectContaining({ 'openstack.backstage.io/cluster': 'fake', 'openstack.backstage.io/delivery': 'direct' }),
        }),
        spec: expect.objectContaining({ owner: 'group:default/ops', release: '2025.1' }),
      }),
    );
    // secrets absent from the log and the outputs
    const everything = lines.join('\n') + JSON.stringify((ctx.output as jest.Mock).mock.calls);
    for (const v of cluster.secretValues()) expect(everything).not.toContain(v);
  });

  it('refuses the name of a running cloud (its namespace labelled with it, holding its Secrets or charts) to any other task, changing nothing', async () => {
    for (const holding of ['secret', 'chart']) {
      const { cluster, run } = setup();
      cluster.namespaces.set('edge-1', { 'openstack.backstage.io/cloud': 'edge-1' });
      if (holding === 'secret') cluster.secrets.set('edge-1/edge-1-keystone-admin', { password: 'theirs' });
      else await cluster.apply({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'edge-1-keystone', namespace: 'edge-1', labels: { 'openstack.backstage.io/chart': 'keystone' } } });
      const before = [...cluster.writes];
      for (const isDryRun of [true, false]) {
        await expect(run({ spec: spec() }, new Map(), { isDryRun }).done).rejects.toThrow(
          /^input\.spec\.name: "edge-1" is already taken by namespace edge-1 on fake \(labelled openstack\.backstage\.io\/cloud=edge-1, holding the cloud's Secrets or charts\)\. Pick another name/,
        );
      }
      expect(cluster.writes).toEqual(before);
    }
  });

  it('creates into a namespace the platform team onboarded for it (labelled with its name, still empty)', async () => {
    const { cluster, run } = setup();
    cluster.namespaces.set('edge-1', { 'openstack.backstage.io/cloud': 'edge-1' });
    await run({ spec: spec() }).done;
    expect(cluster.writes).not.toContain('namespace edge-1');
    expect(cluster.writes.filter(w => w.startsWith('secret '))).toHaveLength(23);
  });

  it('asks the cluster for every right it will use, in the cloud namespace, before anything changes', async () => {
    const { cluster, run } = setup();
    await run({ spec: spec(), waitForReady: true, timeoutMinutes: 1 }).done;
    expect(cluster.reviewed).toEqual(
      expect.arrayContaining([
        'get Namespace edge-1',
        'get Secret edge-1',
        'create Secret edge-1',
        'patch Secret edge-1',
        'create HelmRelease edge-1',
        'patch HelmRepository edge-1',
        'get HelmRelease edge-1',
        'list Deployment edge-1',
      ]),
    );
  });

  it('refuses a namespace without the Secret binding, naming the file to apply there, before anything changes (dry run too)', async () => {
    for (const isDryRun of [true, false]) {
      const { cluster, calls, run } = setup();
      cluster.lacks = r => r.kind === 'Secret' && r.namespace === 'edge-1';
      const error = await run({ spec: spec() }, new Map(), { isDryRun }).done.catch(e => e);
      expect(error?.name).toBe('NotAllowedError');
      expect(error.message).toBe(
        "input.spec.delivery.namespace: the suite's Kubernetes credentials on cluster fake lack get Secret in namespace edge-1, create Secret in namespace edge-1, patch Secret in namespace edge-1; nothing was changed. To grant them, the platform team onboards the namespace: apply deploy/rbac/cloud-namespace.yaml in namespace edge-1 (NAMESPACE=edge-1 CLOUD=edge-1; it creates the namespace labelled openstack.backstage.io/cloud=edge-1 and grants the suite its Secrets there)",
      );
      expect(cluster.writes).toEqual([]);
      expect(calls).toEqual([]);
    }
  });

  it('names the cluster-wide file for a right of the ClusterRole', async () => {
    const { cluster, run } = setup();
    cluster.lacks = r => r.kind === 'HelmRelease' && r.verb === 'patch';
    await expect(run({ spec: spec() }).done).rejects.toThrow(
      /lack patch HelmRelease in namespace edge-1; nothing was changed\. To grant them, apply deploy\/rbac\/backstage-openstack\.yaml to the cluster$/,
    );
    expect(cluster.writes).toEqual([]);
  });

  it('keeps existing Secrets (never regenerated) and only adds a missing key', async () => {
    const { cluster, run } = setup();
    cluster.namespaces.set('edge-1', { 'openstack.backstage.io/cloud': 'edge-1' });
    cluster.secrets.set('edge-1/edge-1-keystone-admin', { password: 'kept' });
    cluster.secrets.set('edge-1/edge-1-memcache', {});
    // the task resuming its own work: its first run claimed the name and made the namespace
    const { lines, done } = run({ spec: spec() }, new Map([['create.edge-1.claim', true]]));
    await done;
    expect(cluster.secrets.get('edge-1/edge-1-keystone-admin')).toEqual({ password: 'kept' });
    expect(cluster.writes).not.toContain('secret edge-1/edge-1-keystone-admin');
    expect(cluster.writes).toContain('secret edge-1/edge-1-memcache add secret-key');
    expect(lines.join('\n')).toMatch(/Secret edge-1\/edge-1-keystone-admin exists, kept/);
  });

  it.each(['namespace edge-1', 'secret edge-1/edge-1-nova-db', 'apply HelmRelease edge-1/edge-1-keystone'])(
    'fails at "%s", and a resumed task skips what was done and finishes',
    async failing => {
      const { cluster, run } = setup();
      const store = new Map<string, unknown>();
      cluster.failOnce.set(failing, new Error('API server restarted'));
      await expect(run({ spec: spec() }, store).done).rejects.toThrow('API server restarted');
      const before = [...cluster.writes];
      expect(before).not.toContain(failing);
      await run({ spec: spec() }, store).done;
      // nothing done before the failure is done again
      const after = cluster.writes.slice(before.length);
      for (const w of before) expect(after).not.toContain(w);
      expect(after[0]).toBe(failing);
      expect(cluster.writes.filter(w => w.startsWith('apply HelmRelease '))).toHaveLength(9);
    },
  );

  it('argocd: a backend restart while the children are parked resumes at the failed one; nothing done is done again, and an awake child is never parked again', async () => {
    const { cluster, run } = setup();
    cluster.namespaces.set('argocd', {});
    const input = { spec: spec({ delivery: { mode: 'argocd', repoUrl: 'https://git.example.org/platform/gitops.git' } }), cluster: 'fake' };
    const store = new Map<string, unknown>();
    cluster.failOnce.set('apply Application argocd/edge-1-keystone', new Error('backend restarted'));
    await expect(run(input, store).done).rejects.toThrow('backend restarted');
    const before = [...cluster.writes];
    expect(before.filter(w => w.startsWith('apply Application'))).toEqual([
      'apply Application argocd/edge-1-mariadb',
      'apply Application argocd/edge-1-rabbitmq',
      'apply Application argocd/edge-1-memcached',
    ]);
    // the checkpoint keys of what was done
    expect([...store.keys()].filter(k => k.startsWith('create.edge-1.apply.Application.'))).toEqual([
      'create.edge-1.apply.Application.edge-1-mariadb',
      'create.edge-1.apply.Application.edge-1-rabbitmq',
      'create.edge-1.apply.Application.edge-1-memcached',
    ]);
    // the resumed task (same checkpoints, a new workspace: the files are rendered again)
    await run(input, store).done;
    const after = cluster.writes.slice(before.length);
    for (const w of before) expect(after).not.toContain(w);
    expect(after.filter(w => w.startsWith('apply Application'))).toHaveLength(10 - 3);
    expect(after.filter(w => w.startsWith('apply Application'))[0]).toBe('apply Application argocd/edge-1-keystone');
    // a create run again after the parent woke a child up keeps it awake
    cluster.objects.get('Application/argocd/edge-1-nova')!.metadata.annotations['argocd.argoproj.io/skip-reconcile'] = 'false';
    await run(input, new Map([['create.edge-1.claim', true]])).done;
    expect(cluster.objects.get('Application/argocd/edge-1-nova')!.metadata.annotations['argocd.argoproj.io/skip-reconcile']).toBe('false');
    expect(cluster.objects.get('Application/argocd/edge-1-keystone')!.metadata.annotations['argocd.argoproj.io/skip-reconcile']).toBe('true');
  });

  it('flux: writes the manifests to <repositoryPath>/<cluster>/<namespace> in the workspace and creates the Secrets; applies nothing', async () => {
    const { cluster, run, workspace } = setup();
    const { ctx, done } = run({ spec: spec({ delivery: { mode: 'flux', repositoryPath: 'clusters' } }), cluster: 'fake' });
    await done;
    const dir = path.join(workspace, 'clusters', 'fake', 'edge-1');
    expect(fs.readFileSync(path.join(dir, 'nova-helmrelease.yaml'), 'utf8')).toMatch(/name: edge-1-nova/);
    // flux: a kustomization.yaml lists the files for a Flux Kustomization
    expect(fs.existsSync(path.join(dir, 'kustomization.yaml'))).toBe(true);
    expect(cluster.writes.filter(w => w.startsWith('apply '))).toEqual([]);
    expect(cluster.writes.filter(w => w.startsWith('secret '))).toHaveLength(23);
    const files = fs.readdirSync(dir).map(f => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    for (const v of cluster.secretValues()) expect(files).not.toContain(v);
    expect(ctx.output).toHaveBeenCalledWith('manifests', expect.arrayContaining(['clusters/fake/edge-1/nova-helmrelease.yaml']));
  });

  it('argocd: writes the parent and apps/ to <repositoryPath>/<namespace>, parks every child with its credentials in the cluster, none in a file', async () => {
    const { cluster, run, workspace } = setup();
    const gitops = 'https://git.example.org/platform/gitops.git';
    cluster.namespaces.set('argocd', {});
    const { ctx, lines, done } = run({ spec: spec({ delivery: { mode: 'argocd', repositoryPath: 'clusters', repoUrl: gitops } }), cluster: 'fake' });
    await done;
    const dir = path.join(workspace, 'clusters', 'edge-1');
    expect(fs.readFileSync(path.join(dir, 'apps', 'nova-application.yaml'), 'utf8')).toMatch(/name: edge-1-nova/);
    expect(fs.readFileSync(path.join(dir, 'edge-1-apps-application.yaml'), 'utf8')).toMatch(/path: clusters\/edge-1\/apps/);
    expect(cluster.writes.filter(w => w.startsWith('secret '))).toHaveLength(23);
    // every child parked, then the parent; Secrets first
    const applies = cluster.writes.filter(w => w.startsWith('apply '));
    expect(applies).toHaveLength(10);
    expect(applies[9]).toBe('apply Application argocd/edge-1-apps');
    expect(cluster.writes.findIndex(w => w.startsWith('apply '))).toBeGreaterThan(
      cluster.writes.findLastIndex(w => w.startsWith('secret ')),
    );
    const keystone = cluster.objects.get('Application/argocd/edge-1-keystone')!;
    expect(keystone.metadata.annotations['argocd.argoproj.io/skip-reconcile']).toBe('true');
    const params = keystone.spec.source.helm.parameters as Array<{ name: string; value: string }>;
    expect(params.find(p => p.name === 'endpoints.identity.auth.admin.password')!.value).toBe(
      cluster.secrets.get('edge-1/edge-1-keystone-admin')!.password,
    );
    // no value of any Secret in any file written for Git, nor in the task's log
    const all = (d: string): string[] =>
      fs.readdirSync(d, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? all(path.join(d, e.name)) : [fs.readFileSync(path.join(d, e.name), 'utf8')]));
    const text = all(dir).join('\n') + lines.join('\n') + JSON.stringify((ctx.output as jest.Mock).mock.calls);
    for (const v of cluster.secretValues()) expect(text).not.toContain(v);
    expect(ctx.output).toHaveBeenCalledWith(
      'manifests',
      expect.arrayContaining(['clusters/edge-1/apps/nova-application.yaml', 'clusters/edge-1/edge-1-apps-application.yaml']),
    );
  });
});
