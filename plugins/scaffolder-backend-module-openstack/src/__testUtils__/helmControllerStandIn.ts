/*
 * The peers run no Flux controller, so the integration tests play helm-controller: for each
 * HelmRelease of a namespace whose generation it has not reconciled, it creates or updates the
 * chart's openstack-helm workloads (labels application/component/release_group, images from the
 * release's images.tags) and the <chart>-db-sync Job; kwok makes the pods Ready and completes the
 * Job; when they are, it sets the HelmRelease's Ready condition through the status subresource.
 * Admin credentials: this is the controller's identity, not the suite's.
 */
import * as k8s from '@kubernetes/client-node';
import { ChartName, chartInfo, chartWorkloads } from '@backstage-openstack/plugin-openstack-common';

interface HelmRelease {
  metadata: { name: string; namespace: string; generation: number; labels?: Record<string, string> };
  spec: { values?: { images?: { tags?: Record<string, string> } }; chart?: { spec?: { version?: string } } };
  status?: { observedGeneration?: number };
}

const status = (e: unknown) => (e as { code?: number }).code;

export class HelmControllerStandIn {
  private stopped = false;
  private loop?: Promise<void>;
  readonly reconciled: string[] = [];
  /** Unexpected errors of the loop (it keeps running, so a test fails on them, not on a timeout). */
  readonly errors: string[] = [];
  private readonly custom: k8s.CustomObjectsApi;
  private readonly apps: k8s.AppsV1Api;
  private readonly batch: k8s.BatchV1Api;

  constructor(kc: k8s.KubeConfig, private readonly namespace: string) {
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    this.apps = kc.makeApiClient(k8s.AppsV1Api);
    this.batch = kc.makeApiClient(k8s.BatchV1Api);
  }

  start(intervalMs = 500) {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          await this.tick();
        } catch (e) {
          // conflicts, races and an API server asking to come back (429: "storage is
          // (re)initializing" just after a cold start) are retried by the next tick, as the real
          // controller would; anything else is kept for the test
          if (![404, 409, 429].includes(status(e) ?? 0)) this.errors.push(String((e as { body?: unknown }).body ?? e));
        }
        await new Promise(r => setTimeout(r, intervalMs));
      }
    })();
  }

  async stop() {
    this.stopped = true;
    await this.loop;
  }

  private async tick() {
    const list = (await this.custom.listNamespacedCustomObject({
      group: 'helm.toolkit.fluxcd.io',
      version: 'v2',
      namespace: this.namespace,
      plural: 'helmreleases',
    })) as { items: HelmRelease[] };
    for (const hr of list.items) {
      if (hr.status?.observedGeneration === hr.metadata.generation) continue;
      const chart = hr.metadata.labels?.['openstack.backstage.io/chart'] as ChartName | undefined;
      if (!chart) continue;
      if (await this.rollOut(chart, hr)) await this.markReady(hr);
    }
  }

  /** Writes the chart's workloads and db-sync Job; true once they are all ready/complete. */
  private async rollOut(chart: ChartName, hr: HelmRelease): Promise<boolean> {
    const tags = hr.spec.values?.images?.tags ?? {};
    const version = hr.spec.chart?.spec?.version ?? '0';
    let ready = true;
    for (const w of chartWorkloads(chart)) {
      const labels = { application: chart, component: w.component, release_group: chart };
      const template = {
        metadata: { labels },
        spec: {
          containers: [{ name: w.component.replace(/[^a-z0-9-]/g, '-'), image: tags[w.imageKey] ?? `registry.invalid/${chart}:${version}` }],
        },
      };
      const body = { metadata: { name: w.name, labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template } };
      const api =
        w.kind === 'Deployment'
          ? {
              read: () => this.apps.readNamespacedDeployment({ name: w.name, namespace: this.namespace }),
              create: () => this.apps.createNamespacedDeployment({ namespace: this.namespace, body }),
              replace: (rv: string) =>
                this.apps.replaceNamespacedDeployment({ name: w.name, namespace: this.namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: rv } } }),
            }
          : {
              read: () => this.apps.readNamespacedStatefulSet({ name: w.name, namespace: this.namespace }),
              create: () =>
                this.apps.createNamespacedStatefulSet({ namespace: this.namespace, body: { ...body, spec: { ...body.spec, serviceName: w.name } } }),
              replace: (rv: string) =>
                this.apps.replaceNamespacedStatefulSet({
                  name: w.name,
                  namespace: this.namespace,
                  body: { ...body, metadata: { ...body.metadata, resourceVersion: rv }, spec: { ...body.spec, serviceName: w.name } },
                }),
            };
      let current: k8s.V1Deployment | k8s.V1StatefulSet | undefined;
      try {
        current = await api.read();
      } catch (e) {
        if (status(e) !== 404) throw e;
      }
      if (!current) {
        await api.create();
        ready = false;
        continue;
      }
      if (current.spec?.template?.spec?.containers?.[0]?.image !== template.spec.containers[0].image) {
        await api.replace(current.metadata!.resourceVersion!);
        ready = false;
        continue;
      }
      const st = current.status;
      const gen = current.metadata?.generation ?? 0;
      if ((st?.observedGeneration ?? 0) < gen || (st?.readyReplicas ?? 0) < 1 || (st?.updatedReplicas ?? 0) < 1) ready = false;
    }
    if (chartInfo(chart).role === 'openstack') ready = (await this.dbSync(chart, tags)) && ready;
    return ready;
  }

  private async dbSync(chart: ChartName, tags: Record<string, string>): Promise<boolean> {
    const name = `${chart}-db-sync`;
    const image = tags[`${chart}_db_sync`] ?? `registry.invalid/${chart}-db-sync:latest`;
    let job: k8s.V1Job | undefined;
    try {
      job = await this.batch.readNamespacedJob({ name, namespace: this.namespace });
    } catch (e) {
      if (status(e) !== 404) throw e;
    }
    if (job && job.spec?.template.spec?.containers[0].image !== image) {
      // a Job's template is immutable: Helm replaces it on upgrade
      await this.batch.deleteNamespacedJob({ name, namespace: this.namespace, propagationPolicy: 'Background' });
      return false;
    }
    if (!job) {
      await this.batch.createNamespacedJob({
        namespace: this.namespace,
        body: {
          metadata: { name, labels: { application: chart, component: 'db-sync' } },
          spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'db-sync', image }] } } },
        },
      });
      return false;
    }
    return (job.status?.succeeded ?? 0) >= 1;
  }

  private async markReady(hr: HelmRelease) {
    await this.custom.patchNamespacedCustomObjectStatus(
      {
        group: 'helm.toolkit.fluxcd.io',
        version: 'v2',
        namespace: this.namespace,
        plural: 'helmreleases',
        name: hr.metadata.name,
        body: {
          status: {
            observedGeneration: hr.metadata.generation,
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'UpgradeSucceeded',
                message: `Helm upgrade succeeded for release ${hr.metadata.namespace}/${hr.metadata.name}`,
                observedGeneration: hr.metadata.generation,
                lastTransitionTime: new Date().toISOString(),
              },
            ],
          },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    this.reconciled.push(`${hr.metadata.name}@${hr.metadata.generation}`);
  }
}
