import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { OPENSTACK_HELM_REPOSITORY, parseCloudSpec, renderCloud } from '@backstage-openstack/plugin-openstack-common';
import { capturingLogger, cloudStatus, computeHost, demoCloudEntity, recoverableContext, scriptedApi, testDrivers, allowAll, noApprovalsRequired } from '../__testUtils__/testing';
import { FakeCluster } from '../__testUtils__/fakeCluster';
import { createCloudUpgradeAction } from './cloudUpgrade';

// one directory for every test's workspace, removed after the file's tests
const workspaces = createMockDirectory();

const STEPS = ['mariadb', 'rabbitmq', 'keystone', 'glance', 'placement', 'nova:conductor', 'nova:api', 'neutron'];
const HR = (chart: string) => `apply HelmRelease edge-1/edge-1-${chart.split(':')[0]}`;

function cloudSpec(delivery: Record<string, unknown>) {
  return parseCloudSpec({
    name: 'edge-1',
    release: '2025.1',
    components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
    publicDomain: 'edge-1.cloud.example.org',
    apiReplicas: 2,
    delivery,
  });
}

/** A cluster running edge-1 on 2025.1, as the create action leaves it (direct delivery). */
async function runningCloud(delivery = 'direct') {
  const cluster = new FakeCluster();
  cluster.namespaces.set('edge-1', { 'openstack.backstage.io/cloud': 'edge-1' });
  for (const o of renderCloud(cloudSpec({ mode: 'direct', cluster: 'fake', namespace: 'edge-1' }), { url: OPENSTACK_HELM_REPOSITORY }).objects) {
    if (o.kind !== 'Namespace') await cluster.apply(o);
  }
  cluster.writes = [];
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'edge-1',
      namespace: 'default',
      annotations: {
        'openstack.backstage.io/cloud': 'edge-1',
        'openstack.backstage.io/cluster': 'fake',
        'openstack.backstage.io/namespace': 'edge-1',
        'openstack.backstage.io/delivery': delivery,
      },
    },
    spec: { type: 'openstack-cloud', owner: 'platform-team' },
  };
  let hosts = [computeHost('cmp-1', '2025.1')];
  const { api, calls } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => hosts });
  const action = createCloudUpgradeAction({ approvals: noApprovalsRequired,
    permissions: allowAll(),
    catalog: catalogServiceMock({ entities: [entity] }),
    api,
    drivers: testDrivers(api, { cluster: () => cluster as any }),
    pollMs: 1,
  });
  const workspace = fs.mkdtempSync(path.join(workspaces.path, 'ws-'));
  const run = (input: Record<string, unknown> = {}, store = new Map<string, unknown>(), extra: Record<string, unknown> = {}) => {
    const { logger, lines } = capturingLogger();
    const ctx = recoverableContext(
      { cloud: 'resource:default/edge-1', targetRelease: '2025.2', timeoutMinutes: 1, ...input },
      store,
      { logger, workspacePath: workspace, ...extra },
    );
    return { ctx, lines, done: action.handler(ctx as any) };
  };
  return { cluster, calls, run, workspace, setHosts: (h: typeof hosts) => (hosts = h) };
}

const report = (ctx: { output: unknown }) => (ctx.output as jest.Mock).mock.calls.filter(c => c[0] === 'report').pop()?.[1];

describe('openstack:cloud:upgrade on a live cloud', () => {
  it('direct: patches each HelmRelease in the planner order, waits for each step and its checks, outputs the report', async () => {
    const { cluster, calls, run } = await runningCloud();
    const { ctx, lines, done } = await run();
    await done;
    expect(cluster.writes).toEqual(STEPS.map(HR));
    expect(calls).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('from', '2025.1');
    expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
    const r = report(ctx);
    expect(r.status).toBe('done');
    expect(r.steps.map((s: any) => s.step)).toEqual(STEPS);
    expect(r.manualChecks).toEqual(expect.arrayContaining([expect.stringMatching(/keystone after: not verified by the suite .* a token can be issued/)]));
    const nova = (await cluster.read<any>({ kind: 'HelmRelease', name: 'edge-1-nova', namespace: 'edge-1' }))!;
    expect(nova.spec.values.images.tags.nova_api).toBe('quay.io/airshipit/nova:2025.2-ubuntu_noble');
    expect(nova.spec.valuesFrom.length).toBeGreaterThan(0); // the rest of the object is kept
    const log = lines.join('\n');
    expect(log).toMatch(/nova:conductor: ok +db-sync-succeeded: Job nova-db-sync completed/);
    expect(log).toMatch(/Step 8\/8 neutron done/);
  });

  it('dry run and planOnly: print the plan and the checks, change nothing', async () => {
    const { cluster, run } = await runningCloud();
    for (const extra of [{ isDryRun: true }, {}]) {
      const { ctx, lines, done } = run(extra.isDryRun ? {} : { planOnly: true }, new Map(), extra);
      await done;
      expect(cluster.writes).toEqual([]);
      expect(report(ctx)).toEqual(expect.objectContaining({ dryRun: true, plan: STEPS, blocked: false }));
      expect(lines.join('\n')).toMatch(/preflight ok {3}compute-lag/);
    }
  });

  it('checks its rights first: credentials that cannot patch the HelmReleases are refused, naming the file that grants them, before anything changes', async () => {
    const { cluster, run } = await runningCloud();
    cluster.lacks = r => r.kind === 'HelmRelease' && r.verb === 'patch';
    const error = await run().done.catch(e => e);
    expect(error?.name).toBe('NotAllowedError');
    expect(error.message).toBe(
      "input.cloud: the suite's Kubernetes credentials on cluster fake lack patch HelmRelease in namespace edge-1; nothing was changed. To grant them, apply deploy/rbac/backstage-openstack.yaml to the cluster",
    );
    expect(cluster.writes).toEqual([]);
    // the upgrade asks for what it uses: it reads the charts and workloads, and patches the charts
    expect(cluster.reviewed).toEqual(
      expect.arrayContaining(['get HelmRelease edge-1', 'patch HelmRelease edge-1', 'list Deployment edge-1', 'list StatefulSet edge-1', 'get Job edge-1']),
    );
  });

  it('asks no right to change the cluster when the delivery is GitOps (the repository changes)', async () => {
    const { cluster, run } = await runningCloud('flux');
    await run({}, new Map(), { isDryRun: true }).done;
    expect(cluster.reviewed).toContain('get HelmRelease edge-1');
    expect(cluster.reviewed.filter(r => r.startsWith('patch') || r.startsWith('create'))).toEqual([]);
  });

  it('stops on a blocking preflight check before anything changes', async () => {
    const { cluster, run, setHosts } = await runningCloud();
    setHosts([computeHost('cmp-9', '2024.2')]);
    await expect(run().done).rejects.toThrow(/Preflight failed, nothing was changed: compute-lag: .*cmp-9 \(2024\.2\)/);
    expect(cluster.writes).toEqual([]);
  });

  it.each([
    [{ targetRelease: '2025.1' }, /already on 2025\.1/],
    [{ targetRelease: '2024.2' }, /does not support downgrades/],
    [{ cloud: 'resource:default/nope' }, /input\.cloud: no catalog entity/],
  ])('refuses %j before anything changes', async (input, message) => {
    const { cluster, run } = await runningCloud();
    await expect(run(input).done).rejects.toThrow(message);
    expect(cluster.writes).toEqual([]);
  });

  it.each(STEPS.map((s, i) => [s, i]))('a failure at step %s stops there, says what changed and how to go on', async (step, i) => {
    const { cluster, run } = await runningCloud();
    // both nova steps patch the one nova HelmRelease: nova:api fails on its second patch
    cluster.failOnce.set(HR(step as string), { error: new Error('admission webhook refused'), after: step === 'nova:api' ? 1 : 0 });
    const { ctx, done } = run();
    const error: Error = await done.then(() => undefined as any, e => e);
    expect(error.message).toContain(`Step ${(i as number) + 1}/8 ${step} of the hop 2025.1 → 2025.2 failed: admission webhook refused`);
    expect(error.message).toContain(`Done so far: ${(i as number) ? STEPS.slice(0, i as number).join(', ') : 'no step'}`);
    expect(error.message).toContain('retry this task');
    // from keystone on, a db sync may have run: the message forbids rolling those back
    expect(error.message).toMatch((i as number) >= 2 ? /Do not roll back .*keystone.*: their database schema may already be migrated/ : /Do not roll back\.$/);
    expect(cluster.writes).toEqual(STEPS.slice(0, i as number).map(HR));
    expect(report(ctx)).toEqual(expect.objectContaining({ status: 'failed', failedStep: step }));
  });

  it('stops at once when a db-sync Job fails', async () => {
    const { cluster, run } = await runningCloud();
    cluster.failingDbSync.add('glance');
    await expect(run().done).rejects.toThrow(/Step 4\/8 glance .* check db-sync-succeeded failed: Job glance-db-sync failed/);
    expect(cluster.writes).toEqual(STEPS.slice(0, 4).map(HR));
  });

  it('resumes after a crash: finished steps are not repeated, the plan is the one made first', async () => {
    const { cluster, run } = await runningCloud();
    const store = new Map<string, unknown>();
    cluster.failOnce.set(HR('placement'), new Error('backend restarted'));
    await expect(run({}, store).done).rejects.toThrow('backend restarted');
    // keystone already on 2025.2: a fresh plan would start elsewhere; the checkpointed one is kept
    const { ctx, done } = run({}, store);
    await done;
    expect(cluster.writes).toEqual(STEPS.map(HR));
    expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
  });

  it('flux: updates the manifests in the workspace for the pull request and changes nothing in the cluster', async () => {
    const { cluster, run, workspace } = await runningCloud('flux');
    const spec = cloudSpec({ mode: 'flux', namespace: 'edge-1' });
    for (const f of renderCloud(spec, { url: OPENSTACK_HELM_REPOSITORY }).files) {
      fs.mkdirSync(path.join(workspace, 'clusters', path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'clusters', f.path), `# managed in Git\n${f.content}`);
    }
    const { ctx, done } = run();
    await done;
    expect(cluster.writes).toEqual([]);
    const nova = fs.readFileSync(path.join(workspace, 'clusters/flux/nova-helmrelease.yaml'), 'utf8');
    expect(nova).toContain('# managed in Git');
    expect(nova).toContain('nova_api: quay.io/airshipit/nova:2025.2-ubuntu_noble');
    expect(nova).not.toContain('2025.1-ubuntu_noble');
    expect(report(ctx)).toEqual(expect.objectContaining({ status: 'manifests-updated', manifests: expect.arrayContaining(['clusters/flux/nova-helmrelease.yaml']) }));
  });

  it('flux: a task resumed on an empty workspace (a restart without a workspace provider) writes the edited manifests again', async () => {
    const { cluster, run, workspace } = await runningCloud('flux');
    for (const f of renderCloud(cloudSpec({ mode: 'flux', namespace: 'edge-1' }), { url: OPENSTACK_HELM_REPOSITORY }).files) {
      fs.mkdirSync(path.join(workspace, 'clusters', path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(workspace, 'clusters', f.path), `# managed in Git\n${f.content}`);
    }
    const store = new Map<string, unknown>();
    const first = run({}, store);
    await first.done;
    const edited = report(first.ctx).manifests as string[];
    expect(edited.length).toBeGreaterThan(3);
    // the resumed task: the same checkpoints, a new and empty workspace (the fetch step is not run again)
    const fresh = fs.mkdtempSync(path.join(workspaces.path, 'ws-resumed-'));
    const resumed = run({}, store, { workspacePath: fresh });
    await resumed.done;
    expect(report(resumed.ctx).manifests).toEqual(edited);
    for (const f of edited) expect(fs.readFileSync(path.join(fresh, f), 'utf8')).toBe(fs.readFileSync(path.join(workspace, f), 'utf8'));
    expect(fs.readFileSync(path.join(fresh, 'clusters/flux/nova-helmrelease.yaml'), 'utf8')).toContain('nova_api: quay.io/airshipit/nova:2025.2-ubuntu_noble');
    expect(cluster.writes).toEqual([]);
  });

  it('flux without the manifests in the workspace says how to fix it', async () => {
    const { cluster, run } = await runningCloud('flux');
    await expect(run().done).rejects.toThrow(/no HelmRelease edge-1-mariadb in the workspace; fetch the GitOps repository into the workspace first/);
    expect(cluster.writes).toEqual([]);
  });
});

describe('openstack:cloud:upgrade: the demo and live drivers run the same steps', () => {
  /** The demo cloud with the live cloud's charts, on the demo driver. */
  function demoCloud(hosts: ReturnType<typeof computeHost>[]) {
    const charts = ['mariadb', 'rabbitmq', 'memcached', 'keystone', 'glance', 'placement', 'nova', 'ovn', 'neutron'];
    const status = () => {
      const s = cloudStatus('2025.1');
      return { ...s, services: s.services.filter(x => charts.includes(x.name)) };
    };
    const { api, calls } = scriptedApi({ status, hosts: () => hosts });
    const action = createCloudUpgradeAction({ approvals: noApprovalsRequired,
      permissions: allowAll(),
      catalog: catalogServiceMock({ entities: [demoCloudEntity] }),
      api,
      drivers: testDrivers(api),
      pollMs: 1,
    });
    const run = (input: Record<string, unknown> = {}) => {
      const ctx = recoverableContext({ cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 1, ...input }, new Map());
      return { ctx, done: action.handler(ctx as any) };
    };
    return { run, calls };
  }
  const blocking = (r: any) => r.preflight.filter((p: any) => p.severity === 'blocking').map((p: any) => [p.id, p.ok]);

  it('plans the same steps with the same preflight checks for the same hop', async () => {
    const live = (await runningCloud()).run({ planOnly: true });
    const demo = demoCloud([computeHost('cmp-1', '2025.1')]).run({ planOnly: true });
    await live.done;
    await demo.done;
    const [l, d] = [report(live.ctx), report(demo.ctx)];
    expect(l.plan).toEqual(STEPS);
    expect(d.plan).toEqual(STEPS);
    expect(d.steps.map((s: any) => [s.before.map((c: any) => c.id), s.after.map((c: any) => c.id)])).toEqual(
      l.steps.map((s: any) => [s.before.map((c: any) => c.id), s.after.map((c: any) => c.id)]),
    );
    expect(d.preflight.map((p: any) => p.id)).toEqual(l.preflight.map((p: any) => p.id));
    expect(blocking(d)).toEqual(blocking(l));
    expect(blocking(d).every(([, ok]: [string, boolean]) => ok)).toBe(true);
  });

  it('a blocking compute-lag preflight refuses on both, with the same reason, before anything changes', async () => {
    const hosts = [computeHost('cmp-1', '2025.1'), computeHost('cmp-9', '2024.2')];
    const live = await runningCloud();
    live.setHosts(hosts);
    const demo = demoCloud(hosts);
    const reason = /Preflight failed, nothing was changed: compute-lag: .*cmp-9 \(2024\.2\)\. Upgrade them to 2025\.1 first/;
    await expect(live.run().done).rejects.toThrow(reason);
    await expect(demo.run().done).rejects.toThrow(reason);
    expect(live.cluster.writes).toEqual([]);
    expect(demo.calls).toEqual([]);
    // the approval step's plan says so too, on both
    for (const r of [live.run({ planOnly: true }), demo.run({ planOnly: true })]) {
      await expect(r.done).rejects.toThrow(reason);
      expect(report(r.ctx)).toEqual(expect.objectContaining({ blocked: true, plan: STEPS }));
    }
  });
});
