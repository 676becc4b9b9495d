/*
 * Against the real Kubernetes peer (kube-apiserver + controllers + kwok nodes, Flux and Argo CD
 * CRDs installed), with the suite's production identity: the backstage-openstack ServiceAccount
 * bound to deploy/rbac/backstage-openstack.yaml. The admin identity only sets up and cleans up.
 */
import * as k8s from '@kubernetes/client-node';
import {
  adminKubeConfig,
  describePeers,
  lazy,
  eventually,
  failureStatus,
  onboardCloudNamespace,
  suiteKubeConfig,
  uniqueName,
} from './peers';

const FIELD_MANAGER = 'backstage-openstack';
// clients are made on first use: the unit-test runner also collects this file (and skips it)
const admin = lazy(adminKubeConfig);
const suite = lazy(suiteKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminApps = lazy(() => admin().makeApiClient(k8s.AppsV1Api));
const core = lazy(() => suite().makeApiClient(k8s.CoreV1Api));
const apps = lazy(() => suite().makeApiClient(k8s.AppsV1Api));
const batch = lazy(() => suite().makeApiClient(k8s.BatchV1Api));
const objects = lazy(() => k8s.KubernetesObjectApi.makeApiClient(suite()));

function serverSideApply(
  obj: k8s.KubernetesObject & Record<string, unknown>,
): Promise<k8s.KubernetesObject> {
  return objects().patch(
    obj,
    undefined,
    undefined,
    FIELD_MANAGER,
    true,
    k8s.PatchStrategy.ServerSideApply,
  );
}

describePeers('kubernetes peer, as the suite', () => {
  // a cloud's namespace, onboarded by the platform team (deploy/rbac/cloud-namespace.yaml), and
  // a namespace that is no cloud's; admin deletes both
  const ns = uniqueName('bso-it');
  const other = uniqueName('bso-other');
  beforeAll(async () => {
    await onboardCloudNamespace(ns, ns);
    await adminCore().createNamespace({ body: { metadata: { name: other } } });
  });
  afterAll(async () => {
    for (const name of [ns, other]) {
      await adminCore()
        .deleteNamespace({ name })
        .catch(() => undefined);
    }
  });

  describe('minimal RBAC role (deploy/rbac/backstage-openstack.yaml)', () => {
    it('may not list namespaces, but may get one and learn that a name is free', async () => {
      expect(await failureStatus(() => core().listNamespace())).toBe(403);
      const own = await core().readNamespace({ name: 'backstage-openstack' });
      expect(own.metadata?.name).toBe('backstage-openstack');
      expect(
        await failureStatus(() =>
          core().readNamespace({ name: uniqueName('free') }),
        ),
      ).toBe(404);
    });

    it('may neither create nor delete namespaces: the platform team makes them', async () => {
      const got = await core().readNamespace({ name: ns });
      expect(got.metadata?.labels?.['openstack.backstage.io/cloud']).toBe(ns);
      expect(
        await failureStatus(() =>
          core().createNamespace({
            body: { metadata: { name: uniqueName('bso-new') } },
          }),
        ),
      ).toBe(403);
      expect(
        await failureStatus(() => core().deleteNamespace({ name: ns })),
      ).toBe(403);
    });

    it('has no Secret rights outside a cloud namespace (cluster-wide or in another namespace)', async () => {
      const name = uniqueName('not-yours');
      await adminCore().createNamespacedSecret({
        namespace: other,
        body: { metadata: { name }, stringData: { password: 'p' } },
      });
      expect(
        await failureStatus(() =>
          core().readNamespacedSecret({ name, namespace: other }),
        ),
      ).toBe(403);
      expect(
        await failureStatus(() =>
          core().createNamespacedSecret({
            namespace: other,
            body: { metadata: { name: uniqueName('mine') } },
          }),
        ),
      ).toBe(403);
      expect(
        await failureStatus(() => core().listSecretForAllNamespaces()),
      ).toBe(403);
      // the ServiceAccount's own namespace is no cloud's either
      expect(
        await failureStatus(() =>
          core().readNamespacedSecret({
            name: 'any',
            namespace: 'backstage-openstack',
          }),
        ),
      ).toBe(403);
    });

    it('creates, reads, patches and deletes Secrets in a cloud namespace, but never lists them', async () => {
      const name = uniqueName('credentials');
      await core().createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name }, stringData: { 'clouds.yaml': 'a: 1' } },
      });
      await serverSideApply({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: ns },
        stringData: { 'clouds.yaml': 'a: 2' },
      });
      const secret = await core().readNamespacedSecret({ name, namespace: ns });
      expect(
        Buffer.from(secret.data!['clouds.yaml'], 'base64').toString(),
      ).toBe('a: 2');
      expect(
        await failureStatus(() =>
          core().listNamespacedSecret({ namespace: ns }),
        ),
      ).toBe(403);
      // delete: the bundle Secret of a decommissioned host (openstack:compute:decommission)
      await core().deleteNamespacedSecret({ name, namespace: ns });
      expect(
        await failureStatus(() =>
          core().readNamespacedSecret({ name, namespace: ns }),
        ),
      ).toBe(404);
    });

    it('reads the control plane cluster-wide: pods, workloads, jobs, events, nodes, services', async () => {
      const nodes = await core().listNode();
      expect(nodes.items.map(n => n.metadata?.name)).toEqual(
        expect.arrayContaining(['kwok-node-0', 'kwok-node-1', 'kwok-node-2']),
      );
      await core().listPodForAllNamespaces();
      await core().listEventForAllNamespaces();
      await core().listServiceForAllNamespaces();
      await apps().listDeploymentForAllNamespaces();
      await apps().listStatefulSetForAllNamespaces();
      await apps().listDaemonSetForAllNamespaces();
      await apps().listReplicaSetForAllNamespaces();
      await batch().listJobForAllNamespaces();
      await batch().listCronJobForAllNamespaces();
    });

    it('writes no workloads and reads no ConfigMaps', async () => {
      expect(
        await failureStatus(() =>
          apps().createNamespacedDeployment({
            namespace: ns,
            body: {
              metadata: { name: 'nope' },
              spec: {
                selector: { matchLabels: { app: 'nope' } },
                template: {
                  metadata: { labels: { app: 'nope' } },
                  spec: { containers: [{ name: 'c', image: 'busybox' }] },
                },
              },
            },
          }),
        ),
      ).toBe(403);
      expect(
        await failureStatus(() => core().listConfigMapForAllNamespaces()),
      ).toBe(403);
    });

    it('creates Jobs in the openstack namespace only; kwok completes them', async () => {
      const job = (namespace: string, name: string): k8s.V1Job => ({
        metadata: { name, namespace },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                { name: 'cell-setup', image: 'registry.invalid/nova:test' },
              ],
            },
          },
        },
      });
      const name = uniqueName('nova-cell-setup-manual');
      await batch().createNamespacedJob({
        namespace: 'openstack',
        body: job('openstack', name),
      });
      try {
        const done = await eventually(`Job ${name} to succeed`, async () => {
          const j = await batch().readNamespacedJob({
            name,
            namespace: 'openstack',
          });
          return (j.status?.succeeded ?? 0) >= 1 ? j : undefined;
        });
        expect(done.status?.succeeded).toBe(1);
      } finally {
        await admin()
          .makeApiClient(k8s.BatchV1Api)
          .deleteNamespacedJob({
            name,
            namespace: 'openstack',
            propagationPolicy: 'Background',
          })
          .catch(() => undefined);
      }
      expect(
        await failureStatus(() =>
          batch().createNamespacedJob({
            namespace: ns,
            body: job(ns, uniqueName('job')),
          }),
        ),
      ).toBe(403);
    });
  });

  describe('Flux and Argo CD objects by server-side apply (real upstream CRDs)', () => {
    it('applies a HelmRepository and a HelmRelease, and applying it again changes nothing', async () => {
      const repo = {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: { name: 'openstack-helm', namespace: ns },
        spec: {
          interval: '1h',
          url: 'https://tarballs.opendev.org/openstack/openstack-helm/',
        },
      };
      const release = {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'keystone', namespace: ns },
        spec: {
          interval: '10m',
          chart: {
            spec: {
              chart: 'keystone',
              version: '2025.2.0',
              sourceRef: { kind: 'HelmRepository', name: 'openstack-helm' },
            },
          },
          values: { endpoints: { identity: { name: 'keystone' } } },
        },
      };
      await serverSideApply(repo);
      const first = await serverSideApply(release);
      const again = await serverSideApply(release);
      expect(again.metadata?.generation).toBe(first.metadata?.generation);
      const read = await objects().read({
        apiVersion: release.apiVersion,
        kind: release.kind,
        metadata: { name: 'keystone', namespace: ns },
      });
      expect((read as any).spec.chart.spec.chart).toBe('keystone');
    });

    it('rejects a HelmRelease that breaks the CRD schema (422)', async () => {
      const status = await failureStatus(() =>
        serverSideApply({
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: 'broken', namespace: ns },
          spec: {
            interval: 'every ten minutes',
            chart: {
              spec: {
                chart: 'keystone',
                sourceRef: { kind: 'HelmRepository', name: 'x' },
              },
            },
          },
        }),
      );
      expect(status).toBe(422);
    });

    it('applies an Argo CD Application and rejects one without a project (422)', async () => {
      const app = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'openstack-keystone', namespace: ns },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://tarballs.opendev.org/openstack/openstack-helm/',
            chart: 'keystone',
            targetRevision: '2025.2.0',
          },
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: 'openstack',
          },
        },
      };
      const applied = await serverSideApply(app);
      expect(applied.metadata?.uid).toBeTruthy();
      const { project, ...noProject } = app.spec;
      expect(project).toBe('default');
      expect(
        await failureStatus(() =>
          serverSideApply({
            ...app,
            metadata: { name: 'broken', namespace: ns },
            spec: noProject,
          }),
        ),
      ).toBe(422);
    });
  });

  describe('workloads on kwok nodes', () => {
    it('a Deployment becomes Ready and its pods Running on fake nodes', async () => {
      const name = 'keystone-api';
      await adminApps().createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: {
                containers: [
                  { name: 'api', image: 'registry.invalid/keystone:test' },
                ],
              },
            },
          },
        },
      });
      // read back with the suite's identity, as the control-plane status does
      const ready = await eventually(`Deployment ${name} Ready`, async () => {
        const d = await apps().readNamespacedDeployment({
          name,
          namespace: ns,
        });
        return d.status?.readyReplicas === 2 ? d : undefined;
      });
      expect(
        ready.status?.conditions?.find(c => c.type === 'Available')?.status,
      ).toBe('True');
      const pods = await core().listNamespacedPod({
        namespace: ns,
        labelSelector: `app=${name}`,
      });
      expect(pods.items).toHaveLength(2);
      for (const pod of pods.items) {
        expect(pod.status?.phase).toBe('Running');
        expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
      }
    });

    it('reports 404, not a crash, for a missing object', async () => {
      expect(
        await failureStatus(() =>
          apps().readNamespacedDeployment({ name: 'absent', namespace: ns }),
        ),
      ).toBe(404);
    });
  });
});
