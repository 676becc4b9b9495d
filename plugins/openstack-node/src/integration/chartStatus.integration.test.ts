/*
 * The status reader on the real charts' objects: one cloud rendered by the suite, every chart
 * through the real `helm template` (charts.ts), and the charts' objects applied into a namespace
 * of the peer cluster, where kwok readies the pods. The live view (readLiveCloudView, with the
 * suite's ServiceAccount and the real OpenStack peer) must list every service with the release
 * its real images and labels carry, turn Healthy once kwok readies the workloads, and turn
 * keystone Degraded when a keystone-api pod keeps failing.
 *
 * One cloud per delivery mode fully applied: the cloud is rendered for direct and for flux
 * delivery; both carry the same chart installs (HelmReleases with the same chart, version, release
 * name, namespace and values, `valuesFrom` resolved), so the objects applied here are what
 * helm-controller installs for either (no helm-controller runs in the tests: the Go module proxy
 * does not serve it). kwok must bring every Deployment, StatefulSet and DaemonSet to ready and every
 * Job to complete. Argo CD delivery is applied by the real Argo CD (argocdCloud.integration.test.ts
 * in the scaffolder module).
 */
import * as k8s from '@kubernetes/client-node';
import {
  chartsFor,
  KubernetesObject,
  parseCloudSpec,
  renderCloud,
  RESTART_THRESHOLD,
  OPENSTACK_HELM_REPOSITORY,
} from '@backstage-openstack/plugin-openstack-common';
import { OpenStackClient } from '../openstack/client';
import { readLiveCloudView } from '../status/liveCloudView';
import { chartRenders, generateCredentials, RealCharts } from './charts';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  peerOpenStackCloud,
  suiteClusterClient,
  uniqueName,
} from './peers';

const RELEASE = '2025.2';
const admin = lazy(adminKubeConfig);
const objectsApi = lazy(() => k8s.KubernetesObjectApi.makeApiClient(admin()));
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));

const openstack = lazy(() => new OpenStackClient(peerOpenStackCloud()));
const cluster = lazy(suiteClusterClient);

/**
 * A PersistentVolume pre-bound to each claim the objects will make (the peer cluster has no
 * volume provisioner): StatefulSet claims `<template>-<set>-<ordinal>` and standalone claims.
 */
function volumesFor(objects: KubernetesObject[], namespace: string) {
  const claims: Array<{ name: string; spec: any }> = [];
  for (const o of objects as any[]) {
    if (o.kind === 'PersistentVolumeClaim')
      claims.push({ name: o.metadata.name, spec: o.spec });
    if (o.kind === 'StatefulSet')
      for (const t of o.spec.volumeClaimTemplates ?? [])
        for (let i = 0; i < (o.spec.replicas ?? 1); i++)
          claims.push({
            name: `${t.metadata.name}-${o.metadata.name}-${i}`,
            spec: t.spec,
          });
  }
  return claims.map(c => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `${namespace}-${c.name}` },
    spec: {
      capacity: { storage: c.spec.resources.requests.storage },
      accessModes: c.spec.accessModes,
      storageClassName: c.spec.storageClassName,
      hostPath: { path: `/tmp/${namespace}/${c.name}` },
      claimRef: { namespace, name: c.name },
    },
  }));
}

describePeers('the status reader on the real charts’ objects', () => {
  const namespace = uniqueName('bso-charts');
  let real: RealCharts;
  let volumes: KubernetesObject[] = [];
  let applied = 0;
  let renderedKinds: Record<string, number> = {};
  let installs: Record<'direct' | 'flux', unknown[]> = { direct: [], flux: [] };
  const spec = parseCloudSpec({
    name: 'charts',
    release: RELEASE,
    apiReplicas: 1,
    infrastructure: {
      mariadbReplicas: 1,
      rabbitmqReplicas: 1,
      memcachedReplicas: 1,
      ovnDbReplicas: 1,
    },
    // the peer's kwok nodes carry type=kwok
    nodeSelector: { key: 'type', value: 'kwok' },
    storage: { backend: 'lvm' },
    publicDomain: 'cloud.example.org',
    delivery: { mode: 'direct', cluster: 'peers', namespace },
  });
  const read = () =>
    readLiveCloudView({
      cloudKey: 'peers',
      openstack: openstack(),
      kubernetes: { cluster: cluster(), namespace },
    });

  beforeAll(async () => {
    real = await RealCharts.prepare();
    const rendered = renderCloud(spec, { url: OPENSTACK_HELM_REPOSITORY });
    const credentials = generateCredentials(rendered.requiredSecrets);
    const renders = chartRenders(rendered.objects, credentials, spec);
    // the same cloud delivered by Flux asks helm-controller for exactly the same chart installs
    // (its Secrets hold the same values), so the objects applied below are those of both modes
    const fluxSpec = parseCloudSpec({
      ...spec,
      delivery: { mode: 'flux', namespace, repositoryPath: 'clusters' },
    });
    const strip = (rs: typeof renders) => rs.map(({ via: _via, ...r }) => r);
    installs = {
      direct: strip(renders),
      flux: strip(
        chartRenders(
          renderCloud(fluxSpec, { url: OPENSTACK_HELM_REPOSITORY }).objects,
          credentials,
          fluxSpec,
        ),
      ),
    };
    const objects: KubernetesObject[] = [];
    for (const r of renders)
      objects.push(...(await real.template(r, 'values.yaml')));
    applied = objects.length;
    const count = (kind: string) => objects.filter(o => o.kind === kind).length;
    renderedKinds = {
      deployments: count('Deployment'),
      statefulSets: count('StatefulSet'),
      daemonSets: count('DaemonSet'),
      jobs: count('Job'),
    };
    await adminCore().createNamespace({
      body: { metadata: { name: namespace } },
    });
    volumes = volumesFor(objects, namespace) as KubernetesObject[];
    for (const o of [...volumes, ...objects])
      await objectsApi().patch(
        { ...o, metadata: { ...o.metadata, namespace } },
        undefined,
        undefined,
        'bso-test',
        true,
        k8s.PatchStrategy.ServerSideApply,
      );
  }, 300_000);

  afterAll(async () => {
    real?.close();
    await adminCore()
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
    for (const v of volumes)
      await objectsApi()
        .delete(v)
        .catch(() => undefined);
    await openstack().close();
  });

  it('lists every service with the release of its real images, Healthy once kwok readies the workloads; a failing keystone-api pod makes keystone Degraded', async () => {
    const charts = chartsFor(spec.components);
    const view = await eventually(
      'every workload of the real charts ready in the live view',
      async () => {
        const v = await read();
        const ws = v.status.services
          .filter(s => (charts as string[]).includes(s.name))
          .flatMap(s => s.workloads)
          .filter(w => w.kind !== 'Job');
        return ws.length > 0 && ws.every(w => w.ready === w.desired)
          ? v
          : undefined;
      },
      240_000,
    );
    expect(view.status.errors).toEqual([]);
    // direct and flux delivery ask for the same chart installs: these objects stand for both
    expect(installs.flux).toHaveLength(chartsFor(spec.components).length);
    expect(installs.flux).toEqual(installs.direct);
    // fully applied: every Deployment, StatefulSet and DaemonSet ready, every Job complete (kwok)
    const apps = admin().makeApiClient(k8s.AppsV1Api);
    const batch = admin().makeApiClient(k8s.BatchV1Api);
    const settled = await eventually(
      'every Deployment, StatefulSet and DaemonSet ready and every Job complete',
      async () => {
        const [d, st, ds, jobs] = await Promise.all([
          apps.listNamespacedDeployment({ namespace }),
          apps.listNamespacedStatefulSet({ namespace }),
          apps.listNamespacedDaemonSet({ namespace }),
          batch.listNamespacedJob({ namespace }),
        ]);
        const waiting = [
          ...d.items
            .filter(w => (w.status?.readyReplicas ?? 0) < (w.spec?.replicas ?? 1))
            .map(w => `Deployment ${w.metadata!.name}`),
          ...st.items
            .filter(w => (w.status?.readyReplicas ?? 0) < (w.spec?.replicas ?? 1))
            .map(w => `StatefulSet ${w.metadata!.name}`),
          ...ds.items
            .filter(
              w =>
                !w.status?.desiredNumberScheduled ||
                (w.status?.numberReady ?? 0) < w.status.desiredNumberScheduled,
            )
            .map(w => `DaemonSet ${w.metadata!.name}`),
          ...jobs.items
            .filter(
              j =>
                !j.status?.conditions?.some(
                  c => c.type === 'Complete' && c.status === 'True',
                ),
            )
            .map(j => `Job ${j.metadata!.name}`),
        ];
        return waiting.length
          ? undefined
          : {
              deployments: d.items.length,
              statefulSets: st.items.length,
              daemonSets: ds.items.length,
              jobs: jobs.items.length,
            };
      },
      240_000,
    );
    // each of them the charts rendered, and nothing else (the compute side — nova-compute,
    // libvirt, Open vSwitch, ovn-controller — runs on the bare-metal hosts: no DaemonSet here)
    expect(settled).toEqual(renderedKinds);
    expect(settled.deployments * settled.statefulSets * settled.jobs).toBeGreaterThan(0);
    // eslint-disable-next-line no-console
    console.log(
      `one cloud fully applied (direct and flux: the same chart installs): ${applied} objects of ${
        chartsFor(spec.components).length
      } charts; ready ${settled.deployments} Deployments, ${settled.statefulSets} StatefulSets, ${
        settled.daemonSets
      } DaemonSets; complete ${settled.jobs} Jobs`,
    );
    const svc = (name: string) =>
      view.status.services.find(s => s.name === name)!;
    for (const chart of charts) {
      // every chart's workloads are found by the charts' own `application` label
      expect(svc(chart).workloads.length).toBeGreaterThan(0);
    }
    for (const chart of [
      'keystone',
      'glance',
      'placement',
      'nova',
      'neutron',
      'cinder',
      'horizon',
    ])
      expect({ chart, release: svc(chart).release }).toEqual({
        chart,
        release: RELEASE,
      });
    expect(view.status.release).toBe(RELEASE);
    expect(svc('keystone')).toMatchObject({ verdict: 'Healthy', reasons: [] });
    // eslint-disable-next-line no-console
    console.log(
      `status on real chart objects: ${view.status.services
        .filter(s => (charts as string[]).includes(s.name))
        .map(
          s =>
            `${s.name} ${s.verdict} ${s.release ?? '-'} (${
              s.workloads.length
            } workloads)`,
        )
        .join(', ')}`,
    );

    // a keystone-api pod that keeps failing
    const pods = await adminCore().listNamespacedPod({
      namespace,
      labelSelector: 'application=keystone,component=api',
    });
    const pod = pods.items[0];
    const statuses = (pod.status?.containerStatuses ?? []).map(c => ({
      ...c,
      restartCount: RESTART_THRESHOLD + 1,
    }));
    await adminCore().patchNamespacedPodStatus(
      {
        name: pod.metadata!.name!,
        namespace,
        body: { status: { containerStatuses: statuses } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const degraded = await eventually('keystone Degraded', async () => {
      const k = (await read()).status.services.find(
        s => s.name === 'keystone',
      )!;
      return k.verdict === 'Degraded' ? k : undefined;
    });
    expect(degraded.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/keystone-api.*restarts/)]),
    );
  });
});
