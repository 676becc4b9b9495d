import {
  KubernetesObject,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1LabelSelector,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { jobOutcome, Readiness, workloadReadiness } from './rollout';

/** A workload kind the suite reads. @public */
export type LiveWorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

/** A Deployment, StatefulSet, DaemonSet or Job as the API server returns it, with its kind. @public */
export type KubeWorkload = (
  | V1Deployment
  | V1StatefulSet
  | V1DaemonSet
  | V1Job
) & { kind: LiveWorkloadKind };

/** An openstack-helm workload as read from the cluster. @public */
export interface LiveWorkload {
  /** openstack-helm's `application` label: the chart (`nova`, `mariadb`, `openvswitch`…). */
  chart: string;
  /** openstack-helm's `component` label (`api`, `server`, `db-sync`…), empty when absent. */
  component: string;
  kind: LiveWorkloadKind;
  name: string;
  /** Ready replicas (DaemonSet: ready pods; Job: succeeded pods). */
  ready: number;
  /** Desired replicas (DaemonSet: scheduled pods; Job: completions). */
  desired: number;
  /** Container restarts of its pods; undefined when the pods could not be listed. */
  restarts?: number;
  /** The image of its first container. */
  image?: string;
  /** When it last changed (newest condition or managed-fields time, else creation), ISO 8601. */
  lastChange?: string;
  /** Rolled out (Deployment, StatefulSet, DaemonSet) or complete (Job). */
  readiness: Readiness;
}

/** What {@link readLiveWorkloads} found. @public */
export interface LiveWorkloads {
  workloads: LiveWorkload[];
  /** Why the pods (and so the restart counts) could not be read, naming the namespace. */
  podsError?: string;
}

/** True when the pod's labels match the selector's matchLabels (openstack-helm sets only those). */
function selects(selector: V1LabelSelector | undefined, pod: V1Pod): boolean {
  const want = Object.entries(selector?.matchLabels ?? {});
  if (want.length === 0) return false;
  const labels = pod.metadata?.labels ?? {};
  return want.every(([k, v]) => labels[k] === v);
}

/** The newest of some timestamps (Date or ISO string), ISO 8601. */
function newest(
  values: Array<Date | string | undefined | null>,
): string | undefined {
  let best: number | undefined;
  for (const v of values) {
    if (!v) continue;
    const t = new Date(v).getTime();
    if (Number.isFinite(t) && (best === undefined || t > best)) best = t;
  }
  return best === undefined ? undefined : new Date(best).toISOString();
}

function lastChange(
  obj: KubernetesObject & { status?: { conditions?: any[] } },
): string | undefined {
  const conditions = obj.status?.conditions ?? [];
  return newest([
    ...conditions.flatMap(c => [c.lastUpdateTime, c.lastTransitionTime]),
    ...(obj.metadata?.managedFields ?? []).map(f => f.time),
    obj.metadata?.creationTimestamp,
  ]);
}

function counts(w: KubeWorkload): { ready: number; desired: number } {
  switch (w.kind) {
    case 'DaemonSet': {
      const s = (w as V1DaemonSet).status;
      return {
        ready: s?.numberReady ?? 0,
        desired: s?.desiredNumberScheduled ?? 0,
      };
    }
    case 'Job':
      return {
        ready: (w as V1Job).status?.succeeded ?? 0,
        desired: (w as V1Job).spec?.completions ?? 1,
      };
    default: {
      const d = w as V1Deployment | V1StatefulSet;
      return {
        ready: d.status?.readyReplicas ?? 0,
        desired: d.spec?.replicas ?? 1,
      };
    }
  }
}

function readiness(w: KubeWorkload): Readiness {
  const name = `${w.kind} ${w.metadata?.name}`;
  switch (w.kind) {
    case 'Job': {
      const o = jobOutcome(w as V1Job);
      return {
        ready: o.state === 'complete',
        detail: `${name}: ${o.state}${o.state === 'failed' ? ` (${o.reason})` : ''}`,
      };
    }
    case 'DaemonSet': {
      const d = w as V1DaemonSet;
      const desired = d.status?.desiredNumberScheduled ?? 0;
      const updated = d.status?.updatedNumberScheduled ?? 0;
      const ready = d.status?.numberReady ?? 0;
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        return { ready: false, detail: `${name}: new spec not observed yet` };
      }
      return {
        ready: updated >= desired && ready >= desired,
        detail: `${name}: ${ready}/${desired} ready, ${updated} updated`,
      };
    }
    default:
      return workloadReadiness(w as V1Deployment | V1StatefulSet);
  }
}

/**
 * The openstack-helm workloads of a namespace, found by the `application` label (`charts`
 * narrows it to those charts): Deployments, StatefulSets, DaemonSets and the Jobs not started
 * by a CronJob (db-sync, bootstrap, ks-user…), each with ready/desired, rollout readiness,
 * restarts of its pods, image and last change. The list calls run in parallel, each needing only
 * `list` of the kind (deploy/rbac/backstage-openstack.yaml).
 *
 * Pods only give the restart counts: when they cannot be listed (a Role without `pods`), the
 * workloads are still returned, with restarts unknown and the reason in `podsError`. Any other
 * list failing fails the whole read.
 *
 * @public
 */
export async function readLiveWorkloads(
  client: {
    listWorkloads(namespace: string, labelSelector: string): Promise<KubeWorkload[]>;
    listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  },
  namespace: string,
  charts?: readonly string[],
): Promise<LiveWorkloads> {
  if (charts && !charts.length) return { workloads: [] };
  const selector = charts ? `application in (${charts.join(',')})` : 'application';
  const [objects, pods] = await Promise.all([
    client.listWorkloads(namespace, selector),
    client.listPods(namespace, selector).catch((e: Error) => e),
  ]);
  const podsError = pods instanceof Error ? pods.message : undefined;
  const workloads = objects
    .filter(
      w =>
        w.kind !== 'Job' ||
        !(w.metadata?.ownerReferences ?? []).some(o => o.kind === 'CronJob'),
    )
    .map((w): LiveWorkload => {
      const labels = w.metadata?.labels ?? {};
      const restarts =
        pods instanceof Error
          ? undefined
          : pods
              .filter(p => selects(w.spec?.selector, p))
              .flatMap(p => [
                ...(p.status?.containerStatuses ?? []),
                ...(p.status?.initContainerStatuses ?? []),
              ])
              .reduce((n, c) => n + (c.restartCount ?? 0), 0);
      return {
        chart: labels.application ?? '',
        component: labels.component ?? '',
        kind: w.kind,
        name: w.metadata?.name ?? '',
        ...counts(w),
        restarts,
        image: w.spec?.template?.spec?.containers?.[0]?.image,
        lastChange: lastChange(w),
        readiness: readiness(w),
      };
    });
  return podsError ? { workloads, podsError } : { workloads };
}
