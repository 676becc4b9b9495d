/*
 * Every renderable cloud through the real openstack-helm charts: a property-based sample of cloud
 * specs (releases, delivery modes, storage backends, exposure modes, HA sizes, component sets,
 * chart sources) is rendered by the suite's renderer, and every chart of each rendered cloud goes
 * through the real `helm template` (built by scripts/peers/helm/build.sh, named by BSO_HELM in
 * peers.env) from the charts vendored in third_party/openstack-helm. Each render uses exactly the
 * values the cloud's HelmRelease or Application carries, with its `valuesFrom` Secrets (Flux) or
 * secret-store placeholders (Argo CD) resolved from credentials generated the way the create
 * action generates them. Every render must succeed. Prints the sweep's size.
 */
import * as k8s from '@kubernetes/client-node';
import fc from 'fast-check';
import {
  chartInfo,
  ChartName,
  chartsFor,
  CloudSpec,
  cloudNamespace,
  COMPONENT_REQUIREMENTS,
  DEPLOYABLE_RELEASES,
  KubernetesObject,
  OPENSTACK_COMPONENTS,
  OpenStackComponent,
  parseCloudSpec,
  renderCloud,
  storageClassesOf,
  OPENSTACK_HELM_REPOSITORY,
} from '@backstage-openstack/plugin-openstack-common';
import {
  ChartRender,
  chartRenders,
  generateCredentials,
  RealCharts,
} from './charts';
import { dependencyClosure, ExternalNames } from './dependencyClosure';
import { adminKubeConfig, describePeers, uniqueName } from './peers';

/** Random clouds in the sample (besides the examples); each renders 4–11 charts. */
const CLOUDS = Number(process.env.BSO_HELM_SWEEP_CLOUDS ?? 15);
/** `helm template` processes at once (2 cores). */
const PARALLEL = 2;
/** Clouds (the first with ingress exposure) whose objects the kube-apiserver dry-runs. */
const DRY_RUN_CLOUDS = 4;

/**
 * The upgrade action's `db-sync-succeeded` check (cloudUpgradeLive.ts) waits for the Job
 * `<chart>-db-sync` and compares its first container's image with the values'
 * `images.tags.<chart>_db_sync`: the chart must create that Job with that image, and not as a
 * Helm hook deleted once it succeeds (the wait would never see it complete).
 */
function expectDbSyncJob(r: ChartRender, objects: KubernetesObject[]) {
  const job = objects.find(
    o => o.kind === 'Job' && o.metadata.name === `${r.chart}-db-sync`,
  ) as any;
  if (!job)
    throw new Error(
      `${r.via}: the chart creates no Job ${r.chart}-db-sync, which the upgrade waits for`,
    );
  expect(job.spec.template.spec.containers[0].image).toBe(
    (r.values as any).images.tags[`${r.chart}_db_sync`],
  );
  expect(
    job.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? '',
  ).not.toContain('hook-succeeded');
}

/** What a cloud's objects may depend on outside the cloud: only what its spec names. */
function externalNames(spec: CloudSpec): ExternalNames {
  const ceph = spec.storage?.backend === 'ceph-rbd' ? spec.storage : undefined;
  return {
    storageClasses: storageClassesOf(spec),
    secrets: ceph ? [ceph.secretName] : [],
    configMaps: ceph ? [ceph.configMapName] : [],
  };
}

/**
 * Valid component sets: any subset, closed under the components' requirements; cinder exactly when
 * the cloud has a storage backend (cinder needs one, and a backend without cinder is refused).
 */
function closeComponents(
  picked: OpenStackComponent[],
  storage: boolean,
): OpenStackComponent[] {
  const set = new Set<OpenStackComponent>(['keystone', ...picked]);
  if (storage) set.add('cinder');
  else set.delete('cinder');
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of [...set])
      for (const r of COMPONENT_REQUIREMENTS[c])
        if (!set.has(r)) {
          set.add(r);
          grew = true;
        }
  }
  return OPENSTACK_COMPONENTS.filter(c => set.has(c));
}

const quorum = fc.constantFrom(1, 3, 5);
const storageArb = fc.constantFrom(
  undefined,
  {
    backend: 'ceph-rbd',
    monitors: ['10.0.0.11:6789', '10.0.0.12:6789'],
    secretName: 'ceph-client-key',
  },
  { backend: 'lvm' },
  { backend: 'nfs', shares: ['nfs01:/srv/cinder'] },
);
const DELIVERIES = [
  { mode: 'flux' },
  { mode: 'flux', namespace: 'openstack' },
  { mode: 'argocd', repoUrl: 'https://git.example.org/platform/gitops.git' },
  {
    mode: 'argocd',
    project: 'platform',
    namespace: 'openstack',
    repoUrl: 'ssh://git@git.example.org/platform/gitops.git',
    revision: 'main',
  },
  { mode: 'direct', cluster: 'peer', namespace: 'openstack' },
];
const OCI_SOURCE = 'oci://registry.example.org/openstack-helm';

const choiceArb = fc.record({
  release: fc.constantFrom(...DEPLOYABLE_RELEASES),
  delivery: fc.constantFrom(...DELIVERIES),
  storage: storageArb,
  exposure: fc.constantFrom('ingress', 'gateway-api'),
  tlsIssuer: fc.option(fc.constant('letsencrypt'), { nil: undefined }),
  picked: fc.subarray([...OPENSTACK_COMPONENTS]),
  infrastructure: fc.record({
    mariadbReplicas: quorum,
    rabbitmqReplicas: quorum,
    memcachedReplicas: fc.integer({ min: 1, max: 3 }),
    ovnDbReplicas: quorum,
  }),
  apiReplicas: fc.integer({ min: 1, max: 3 }),
  bridgeMappings: fc.constantFrom([], ['physnet1:br-ex']),
  chartSourceUrl: fc.constantFrom(undefined, OCI_SOURCE),
});
type Choice = typeof choiceArb extends fc.Arbitrary<infer T> ? T : never;

/** The spec input a platform team would type for those choices. */
function specInput(a: Choice) {
  return {
    name: 'sweep',
    release: a.release,
    components: closeComponents(a.picked, a.storage !== undefined),
    infrastructure: a.infrastructure,
    apiReplicas: a.apiReplicas,
    networking: { bridgeMappings: a.bridgeMappings },
    ...(a.storage ? { storage: a.storage } : {}),
    publicDomain: 'cloud.example.org',
    ...(a.tlsIssuer ? { tlsIssuer: a.tlsIssuer } : {}),
    exposure: a.exposure,
    ...(a.exposure === 'gateway-api'
      ? { gateway: { name: 'openstack', namespace: 'gateway-system' } }
      : {}),
    delivery: a.delivery,
  };
}

/**
 * Besides the random sample, one cloud of every release and delivery mode for sure: every
 * component, HA sizes, the storage backends, exposure modes and chart sources in turn.
 */
const EXAMPLES: Choice[] = DEPLOYABLE_RELEASES.flatMap((release, r) =>
  ['flux', 'argocd', 'direct'].map((mode, m) => {
    const i = r * 3 + m;
    return {
      release,
      delivery: DELIVERIES.find(d => d.mode === mode)!,
      storage: [
        {
          backend: 'ceph-rbd',
          monitors: ['10.0.0.11:6789'],
          secretName: 'ceph-client-key',
        },
        { backend: 'lvm' },
        { backend: 'nfs', shares: ['nfs01:/srv/cinder'] },
      ][i % 3],
      exposure: i % 2 ? 'gateway-api' : 'ingress',
      tlsIssuer: 'letsencrypt',
      picked: [...OPENSTACK_COMPONENTS],
      infrastructure: {
        mariadbReplicas: 3,
        rabbitmqReplicas: 3,
        memcachedReplicas: 2,
        ovnDbReplicas: 3,
      },
      apiReplicas: 2,
      bridgeMappings: ['physnet1:br-ex'],
      chartSourceUrl: i % 4 === 3 ? OCI_SOURCE : undefined,
    } as Choice;
  }),
);

describePeers(
  'every renderable cloud through the real charts (helm template)',
  () => {
    let real: RealCharts;
    let helm: string;
    let vendoredVersion: string;
    let dryRunNs: string | undefined;

    beforeAll(async () => {
      real = await RealCharts.prepare();
      helm = real.helm;
      vendoredVersion = real.version;
    });

    afterAll(async () => {
      real?.close();
      if (dryRunNs)
        await k8s.KubernetesObjectApi.makeApiClient(adminKubeConfig()).delete({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: dryRunNs },
        });
    });

    /**
     * Server-side dry run (`dryRun: All`, server-side apply) of every object of a cloud in a
     * namespace of the peer cluster made for it (the apiserver refuses objects, dry-run or not, in
     * a namespace that does not exist). Returns how many objects it accepted; throws at the first
     * refusal.
     */
    async function dryRun(objects: KubernetesObject[]): Promise<number> {
      const api = k8s.KubernetesObjectApi.makeApiClient(adminKubeConfig());
      if (!dryRunNs) {
        dryRunNs = uniqueName('bso-dryrun');
        await api.create({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: dryRunNs },
        });
      }
      for (const o of objects) {
        try {
          // the client drops the namespace of cluster-scoped kinds
          await api.patch(
            { ...o, metadata: { ...o.metadata, namespace: dryRunNs } },
            undefined,
            'All',
            'bso-dry-run',
            true,
            k8s.PatchStrategy.ServerSideApply,
          );
        } catch (e: any) {
          throw new Error(
            `the kube-apiserver refused ${o.apiVersion} ${o.kind} ${
              o.metadata.name
            } (server-side dry run): ${e.code ?? ''} ${String(
              e.body?.message ?? e.body ?? e.message,
            ).slice(0, 500)}`,
          );
        }
      }
      return objects.length;
    }

    it('renders every chart of every sampled cloud with the values its objects carry; every dependency resolves; the apiserver accepts a sample', async () => {
      let clouds = 0;
      let charts = 0;
      let manifests = 0;
      let dryRunClouds = 0;
      let dbSyncJobs = 0;
      let dryRunObjects = 0;
      const closure = {
        checked: {} as Record<string, number>,
        external: 0,
        unresolved: 0,
      };
      const unresolved = new Map<string, number>();
      const modes: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(choiceArb, async choice => {
          const spec = parseCloudSpec(specInput(choice));
          const rendered = renderCloud(spec, {
            url: choice.chartSourceUrl ?? OPENSTACK_HELM_REPOSITORY,
          });
          const renders = chartRenders(
            rendered.objects,
            generateCredentials(rendered.requiredSecrets),
            spec,
          );
          // every chart of the cloud, each once, at the vendored chart version
          expect(renders.map(r => r.chart).sort()).toEqual(
            [...chartsFor(spec.components)].sort(),
          );
          for (const r of renders) expect(r.version).toBe(vendoredVersion);
          const queue = [...renders];
          const produced = await Promise.all(
            Array.from({ length: PARALLEL }, async (_, w) => {
              const out: KubernetesObject[] = [];
              for (let r = queue.shift(); r; r = queue.shift()) {
                const objects = await real.template(r, `values-${w}.yaml`);
                if (chartInfo(r.chart as ChartName).role === 'openstack') {
                  expectDbSyncJob(r, objects);
                  dbSyncJobs += 1;
                }
                for (const o of objects)
                  out.push({
                    ...o,
                    metadata: { namespace: r.namespace, ...o.metadata },
                  });
              }
              return out;
            }),
          );
          const chartObjects = produced.flat();
          clouds += 1;
          charts += renders.length;
          manifests += chartObjects.length;
          const key = `${spec.delivery.mode} ${spec.release}`;
          modes[key] = (modes[key] ?? 0) + 1;

          // the cloud = the suite's objects, the Secrets the create action writes, the charts' objects
          const ns = cloudNamespace(spec);
          const cloud = [
            ...rendered.objects,
            ...rendered.requiredSecrets.map(
              s =>
                ({
                  apiVersion: 'v1',
                  kind: 'Secret',
                  metadata: { name: s.name, namespace: ns },
                } as KubernetesObject),
            ),
            ...chartObjects,
          ];
          const c = dependencyClosure(cloud, ns, externalNames(spec));
          for (const [k, n] of Object.entries(c.checked))
            closure.checked[k] = (closure.checked[k] ?? 0) + n;
          closure.external += c.external;
          closure.unresolved += c.unresolved.length;
          for (const u of c.unresolved)
            unresolved.set(u, (unresolved.get(u) ?? 0) + 1);

          if (dryRunClouds < DRY_RUN_CLOUDS && spec.exposure === 'ingress') {
            dryRunObjects += await dryRun(cloud);
            dryRunClouds += 1;
          }
        }),
        {
          numRuns: EXAMPLES.length + CLOUDS, // the examples count among the runs
          examples: EXAMPLES.map(e => [e] as [Choice]),
          endOnFailure: true,
        },
      );
      const checked = Object.values(closure.checked).reduce((a, b) => a + b, 0);
      // eslint-disable-next-line no-console
      console.log(
        [
          `helm template sweep: ${clouds} clouds rendered, ${charts} charts rendered (${manifests} Kubernetes objects) with helm ${helm}; by delivery and release: ${JSON.stringify(
            modes,
          )}`,
          `db-sync: ${dbSyncJobs} charts create the Job <chart>-db-sync the upgrade action waits for, running the image the values name, kept after it completes`,
          `server-side dry run: ${dryRunObjects} objects of ${dryRunClouds} clouds accepted by the kube-apiserver`,
          `dependency closure: ${checked} dependencies checked (${JSON.stringify(
            closure.checked,
          )}), ${
            checked - closure.external - closure.unresolved
          } within the cloud, ${
            closure.external
          } outside it and named by the spec, ${
            unresolved.size
          } distinct unresolved`,
        ].join('\n'),
      );
      expect([...unresolved.keys()].sort()).toEqual([]);
      expect(clouds).toBe(CLOUDS + EXAMPLES.length);
      expect(dryRunClouds).toBe(DRY_RUN_CLOUDS);
      // 24 clouds × ~11 charts through helm, the closure and ~2000 dry-run requests on 2 shared cores
    }, 900_000);
  },
);
