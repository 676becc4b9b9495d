import { KubernetesObject } from '@kubernetes/client-node';
import {
  CHART_ORDER,
  chartObjectName,
  ChartName,
  CloudSnapshot,
  ComputeHostRelease,
  releaseFromImage,
  WorkloadHealth,
} from '@backstage-openstack/plugin-openstack-common';
import { ClusterAccess } from './apply';
import { applicationReadiness, helmReleaseReadiness, Readiness } from './rollout';
import { LiveWorkload } from './workloads';

/** How a live cloud's charts are delivered. @public */
export type LiveDelivery = 'flux' | 'argocd' | 'direct';

/** Where a live cloud lives: the cluster, its namespace, and (Argo CD) the Applications' namespace. @public */
export interface LiveCloudRef {
  /** The cloud key: the prefix of its chart objects (`chartObjectName`). */
  cloudKey: string;
  namespace: string;
  delivery: LiveDelivery;
  /** Namespace of the Argo CD Applications (default `argocd`). */
  argocdNamespace?: string;
}

/** One chart of a live cloud: its HelmRelease or Application as the cluster has it. @public */
export interface LiveChart {
  chart: ChartName;
  object: KubernetesObject;
  version: string;
  imageTags: Record<string, string>;
  readiness: Readiness;
}

type ArgoApp = KubernetesObject & {
  spec?: { source?: { targetRevision?: string; helm?: { valuesObject?: Record<string, unknown> } } };
};

/** Helm values of an Argo CD Application rendered by the suite (`spec.source.helm.valuesObject`). @public */
export function applicationValues(app: KubernetesObject): Record<string, any> {
  return structuredClone((app as ArgoApp).spec?.source?.helm?.valuesObject ?? {});
}

/** Returns the Application with its `valuesObject` replaced (its parameters, if any, kept). @public */
export function withApplicationValues<T extends KubernetesObject>(app: T, values: Record<string, unknown>): T {
  const copy = JSON.parse(JSON.stringify(app)) as ArgoApp;
  copy.spec!.source!.helm = { ...copy.spec!.source!.helm, valuesObject: values };
  return copy as unknown as T;
}

function chartOf(obj: KubernetesObject, ref: LiveCloudRef): LiveChart | undefined {
  const chart = obj.metadata?.labels?.['openstack.backstage.io/chart'] as ChartName | undefined;
  if (!chart) return undefined;
  if (ref.delivery === 'argocd') {
    const values = applicationValues(obj);
    return {
      chart,
      object: obj,
      version: (obj as ArgoApp).spec?.source?.targetRevision ?? '',
      imageTags: { ...(values.images?.tags ?? {}) },
      readiness: applicationReadiness(obj),
    };
  }
  const spec = (obj as { spec?: any }).spec ?? {};
  return {
    chart,
    object: obj,
    version: spec.chart?.spec?.version ?? '',
    imageTags: { ...(spec.values?.images?.tags ?? {}) },
    readiness: helmReleaseReadiness(obj),
  };
}

/**
 * Reads one chart's HelmRelease (flux, direct) or Application (argocd) by the name the renderer
 * gives it; undefined when the cloud has no such chart. Needs only `get` on the kind.
 *
 * @public
 */
export async function readLiveChart(
  client: ClusterAccess,
  ref: LiveCloudRef,
  chart: ChartName,
): Promise<LiveChart | undefined> {
  const obj =
    ref.delivery === 'argocd'
      ? await client.read({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          name: chartObjectName(ref.cloudKey, chart),
          namespace: ref.argocdNamespace ?? 'argocd',
        })
      : await client.read({
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          name: chartObjectName(ref.cloudKey, chart),
          namespace: ref.namespace,
        });
  return obj ? chartOf(obj, ref) : undefined;
}

/** Every chart of a live cloud, in upgrade order. @public */
export async function readLiveCharts(client: ClusterAccess, ref: LiveCloudRef): Promise<LiveChart[]> {
  const all = await Promise.all(CHART_ORDER.map(c => readLiveChart(client, ref, c)));
  return all.filter((c): c is LiveChart => !!c);
}

/**
 * The planner's snapshot of a live cloud: charts from its HelmReleases/Applications, workloads
 * from the cluster, compute hosts from the caller (the status backend knows their releases).
 *
 * Galera and RabbitMQ membership: the suite's role may not exec into pods, so the snapshot takes
 * the ready replicas of the mariadb-server and rabbitmq-rabbitmq StatefulSets (their readiness
 * probes check wsrep_ready and `rabbitmq-diagnostics check_running`) as the cluster sizes.
 *
 * @public
 */
export function liveCloudSnapshot(
  charts: LiveChart[],
  workloads: LiveWorkload[],
  computeHosts: ComputeHostRelease[],
): CloudSnapshot {
  const release =
    charts
      .filter(c => c.chart === 'keystone')
      .map(c => releaseFromImage(c.imageTags.keystone_api ?? ''))
      .find(Boolean) ??
    charts.map(c => Object.values(c.imageTags).map(releaseFromImage).find(Boolean)).find(Boolean);
  if (!release) {
    throw new Error(
      'the release of the cloud is unknown: no HelmRelease/Application of it sets an openstack-helm image tag (keystone images.tags.keystone_api)',
    );
  }
  const sts = (name: string) => workloads.find(w => w.kind === 'StatefulSet' && w.name === name);
  const mariadb = sts('mariadb-server');
  const rabbit = sts('rabbitmq-rabbitmq');
  return {
    release,
    charts: Object.fromEntries(
      charts.map(c => [
        c.chart,
        {
          version: c.version,
          release: Object.values(c.imageTags).map(releaseFromImage).find(Boolean),
          imageTags: c.imageTags,
        },
      ]),
    ),
    // the planner judges the charts' long-running workloads (Jobs run to completion)
    workloads: workloads.flatMap(({ chart, kind, name, ready, desired, restarts }) =>
      kind !== 'Job' && (CHART_ORDER as readonly string[]).includes(chart)
        ? [{ chart: chart as ChartName, kind, name, ready, desired, restarts: restarts ?? 0 }]
        : [],
    ) satisfies WorkloadHealth[],
    computeHosts,
    galera: mariadb ? { clusterSize: mariadb.ready, replicas: mariadb.desired } : undefined,
    rabbitmq: rabbit ? { runningNodes: rabbit.ready, replicas: rabbit.desired } : undefined,
  };
}
