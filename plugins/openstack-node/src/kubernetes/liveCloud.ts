import { KubernetesObject, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import {
  CHART_ORDER,
  ChartName,
  CloudSnapshot,
  ComputeHostRelease,
  releaseFromImage,
  WorkloadHealth,
} from '@backstage-openstack/plugin-openstack-common';
import { ClusterAccess } from './apply';
import { applicationReadiness, helmReleaseReadiness, Readiness, workloadReadiness } from './rollout';

/** How a live cloud's charts are delivered. @public */
export type LiveDelivery = 'flux' | 'argocd' | 'direct';

/** Where a live cloud lives: the cluster, its namespace, and (Argo CD) the Applications' namespace. @public */
export interface LiveCloudRef {
  cloud: string;
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

/** A control-plane workload as read from the cluster. @public */
export interface LiveWorkload extends WorkloadHealth {
  image?: string;
  readiness: Readiness;
}

/** The object name of a chart of a cloud (`<cloud>-<chart>`), as renderCloud names it. @public */
export function chartObjectName(cloud: string, chart: ChartName): string {
  return `${cloud}-${chart}`;
}

type ArgoApp = KubernetesObject & {
  spec?: { source?: { targetRevision?: string; plugin?: { env?: Array<{ name: string; value: string }> } } };
};

/** Helm values of an Argo CD Application rendered by the suite (the vault plugin's HELM_VALUES). @public */
export function applicationValues(app: KubernetesObject): Record<string, any> {
  const env = (app as ArgoApp).spec?.source?.plugin?.env ?? [];
  const raw = env.find(e => e.name === 'HELM_VALUES')?.value;
  return raw ? ((parse(raw) as Record<string, any>) ?? {}) : {};
}

/** Returns the Application with its HELM_VALUES replaced. @public */
export function withApplicationValues<T extends KubernetesObject>(app: T, values: Record<string, unknown>): T {
  const copy = JSON.parse(JSON.stringify(app)) as ArgoApp;
  const env = copy.spec!.source!.plugin!.env!;
  const i = env.findIndex(e => e.name === 'HELM_VALUES');
  env[i] = { name: 'HELM_VALUES', value: stringify(values, { lineWidth: 0, sortMapEntries: true }) };
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
          name: chartObjectName(ref.cloud, chart),
          namespace: ref.argocdNamespace ?? 'argocd',
        })
      : await client.read({
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          name: chartObjectName(ref.cloud, chart),
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
 * The openstack-helm workloads (Deployments, StatefulSets labelled `application=<chart>`) of the
 * namespace, with their pods' restarts.
 *
 * @public
 */
export async function readLiveWorkloads(
  client: ClusterAccess,
  namespace: string,
  charts: readonly ChartName[] = CHART_ORDER,
): Promise<LiveWorkload[]> {
  if (!charts.length) return [];
  const selector = `application in (${charts.join(',')})`;
  const [workloads, pods] = await Promise.all([
    client.listWorkloads(namespace, selector),
    client.listPods(namespace, selector),
  ]);
  return workloads.map(w => {
    const labels = w.metadata?.labels ?? {};
    const sel = (w as V1Deployment | V1StatefulSet).spec?.selector?.matchLabels ?? {};
    const mine = pods.filter(p =>
      Object.entries(sel).every(([k, v]) => p.metadata?.labels?.[k] === v),
    );
    const restarts = mine
      .flatMap(p => p.status?.containerStatuses ?? [])
      .reduce((n, c) => n + (c.restartCount ?? 0), 0);
    return {
      chart: labels.application as ChartName,
      kind: (w as { kind?: string }).kind as LiveWorkload['kind'],
      name: w.metadata?.name ?? '',
      ready: w.status?.readyReplicas ?? 0,
      desired: w.spec?.replicas ?? 1,
      restarts,
      image: w.spec?.template?.spec?.containers?.[0]?.image,
      readiness: workloadReadiness(w),
    };
  });
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
    workloads: workloads.map(({ chart, kind, name, ready, desired, restarts }) => ({
      chart,
      kind,
      name,
      ready,
      desired,
      restarts,
    })),
    computeHosts,
    galera: mariadb ? { clusterSize: mariadb.ready, replicas: mariadb.desired } : undefined,
    rabbitmq: rabbit ? { runningNodes: rabbit.ready, replicas: rabbit.desired } : undefined,
  };
}
