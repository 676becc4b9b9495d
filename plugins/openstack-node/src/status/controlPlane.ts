import {
  KubernetesObject,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1LabelSelector,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  controlPlaneServiceOf,
  releaseFromImage,
  ServiceWorkload,
  WorkloadStatus,
} from '@backstage-openstack/plugin-openstack-common';
import { ClusterClient } from '../kubernetes/apply';

/** Every openstack-helm object carries `application`; the suite reads nothing else. */
const SELECTOR = 'application';

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

/**
 * When the workload last changed: its newest condition or managed-fields time (a rollout, a
 * scale, a status update by its controller), else its creation.
 */
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

function image(obj: {
  spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } };
}) {
  return obj.spec?.template?.spec?.containers?.[0]?.image;
}

/** What {@link readControlPlaneWorkloads} found. @public */
export interface ControlPlaneWorkloads {
  workloads: ServiceWorkload[];
  /** Why the pods (and so the restart counts) could not be read, naming the namespace. */
  podsError?: string;
}

type PodOwner = (V1Deployment | V1StatefulSet | V1DaemonSet | V1Job) & {
  kind: WorkloadStatus['kind'];
};

/**
 * The control-plane workloads of a cloud's namespace, found by openstack-helm's `application`
 * label (the service) and `component` label: Deployments, StatefulSets, DaemonSets and the Jobs
 * not started by a CronJob (db-sync, bootstrap, ks-user…), each with ready/desired, restarts of
 * its pods, image and the release it implies, and its last change. Five list calls in parallel,
 * each needing only `list` of the kind (deploy/rbac/backstage-openstack.yaml).
 *
 * Pods only give the restart counts: when they cannot be listed (a Role without `pods`), the
 * workloads are still returned, with restarts unknown and the reason in `podsError`. Any other
 * list failing fails the whole read.
 *
 * @public
 */
export async function readControlPlaneWorkloads(
  cluster: ClusterClient,
  namespace: string,
): Promise<ControlPlaneWorkloads> {
  // the cluster's own call: 429s repeated as the server asks, errors naming cluster and fix
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    cluster.call(`${what} in namespace ${namespace}`, fn);
  const labelSelector = SELECTOR;
  const [deployments, statefulSets, daemonSets, jobs, pods] = await Promise.all(
    [
      call('list deployments', () =>
        cluster.apps.listNamespacedDeployment({ namespace, labelSelector }),
      ),
      call('list statefulsets', () =>
        cluster.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
      ),
      call('list daemonsets', () =>
        cluster.apps.listNamespacedDaemonSet({ namespace, labelSelector }),
      ),
      call('list jobs', () =>
        cluster.batch.listNamespacedJob({ namespace, labelSelector }),
      ),
      call('list pods', () =>
        cluster.core.listNamespacedPod({ namespace, labelSelector }),
      ).catch((e: Error) => e),
    ],
  );
  const podsError = pods instanceof Error ? pods.message : undefined;

  const owners: PodOwner[] = [
    ...deployments.items.map(x => ({ ...x, kind: 'Deployment' as const })),
    ...statefulSets.items.map(x => ({ ...x, kind: 'StatefulSet' as const })),
    ...daemonSets.items.map(x => ({ ...x, kind: 'DaemonSet' as const })),
    ...jobs.items
      .filter(
        j =>
          !(j.metadata?.ownerReferences ?? []).some(o => o.kind === 'CronJob'),
      )
      .map(x => ({ ...x, kind: 'Job' as const })),
  ];

  const out: ServiceWorkload[] = [];
  for (const w of owners) {
    const labels = w.metadata?.labels ?? {};
    const service = controlPlaneServiceOf(labels.application);
    if (!service) continue;
    const restarts =
      pods instanceof Error
        ? undefined
        : pods.items
            .filter(p => selects(w.spec?.selector, p))
            .flatMap(p => [
              ...(p.status?.containerStatuses ?? []),
              ...(p.status?.initContainerStatuses ?? []),
            ])
            .reduce((n, c) => n + (c.restartCount ?? 0), 0);
    const img = image(w);
    let ready: number;
    let desired: number;
    switch (w.kind) {
      case 'DaemonSet': {
        const s = (w as V1DaemonSet).status;
        ready = s?.numberReady ?? 0;
        desired = s?.desiredNumberScheduled ?? 0;
        break;
      }
      case 'Job': {
        const s = (w as V1Job).status;
        desired = (w as V1Job).spec?.completions ?? 1;
        ready = s?.succeeded ?? 0;
        break;
      }
      default: {
        const d = w as V1Deployment | V1StatefulSet;
        ready = d.status?.readyReplicas ?? 0;
        desired = d.spec?.replicas ?? 1;
      }
    }
    out.push({
      service,
      kind: w.kind,
      name: w.metadata?.name ?? '',
      component: labels.component ?? '',
      ready,
      desired,
      restarts,
      imageTag: img,
      release: img ? releaseFromImage(img) : undefined,
      lastChange: lastChange(w),
    });
  }
  const order = { Deployment: 0, StatefulSet: 1, DaemonSet: 2, Job: 3 };
  out.sort(
    (a, b) =>
      a.service.localeCompare(b.service, 'en') ||
      order[a.kind] - order[b.kind] ||
      a.name.localeCompare(b.name, 'en'),
  );
  return podsError ? { workloads: out, podsError } : { workloads: out };
}
