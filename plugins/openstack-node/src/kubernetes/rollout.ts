import { KubernetesObject, V1Deployment, V1Job, V1StatefulSet } from '@kubernetes/client-node';

/** Whether an object finished what it was asked to do, and what it reports. @public */
export interface Readiness {
  ready: boolean;
  detail: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/**
 * A Flux HelmRelease is ready when its `Ready` condition is True for the current generation
 * (helm-controller sets `status.observedGeneration` and the condition after each reconcile).
 *
 * @public
 */
export function helmReleaseReadiness(hr: KubernetesObject): Readiness {
  const status = (hr as { status?: { observedGeneration?: number; conditions?: Condition[] } }).status;
  const generation = hr.metadata?.generation ?? 0;
  const ready = status?.conditions?.find(c => c.type === 'Ready');
  const observed = ready?.observedGeneration ?? status?.observedGeneration ?? -1;
  if (!ready) return { ready: false, detail: 'no Ready condition yet (not reconciled)' };
  if (observed < generation) {
    return { ready: false, detail: `generation ${generation} not reconciled yet (observed ${observed})` };
  }
  const text = `${ready.reason ?? ''}${ready.message ? `: ${ready.message}` : ''}`;
  return { ready: ready.status === 'True', detail: `Ready=${ready.status} ${text}`.trim() };
}

/**
 * An Argo CD Application is ready when it is Synced to its current source and Healthy.
 *
 * @public
 */
export function applicationReadiness(app: KubernetesObject): Readiness {
  const status = (app as {
    status?: { health?: { status?: string; message?: string }; sync?: { status?: string; revision?: string } };
    spec?: { source?: { targetRevision?: string } };
  }).status;
  const health = status?.health?.status ?? 'Unknown';
  const sync = status?.sync?.status ?? 'Unknown';
  const want = (app as { spec?: { source?: { targetRevision?: string } } }).spec?.source?.targetRevision;
  const revision = status?.sync?.revision;
  const onRevision = !want || !revision || revision === want;
  return {
    ready: health === 'Healthy' && sync === 'Synced' && onRevision,
    detail: `health ${health}, sync ${sync}${revision ? ` at ${revision}` : ''}${status?.health?.message ? `: ${status.health.message}` : ''}`,
  };
}

/**
 * A Deployment or StatefulSet is rolled out when the controller saw its current spec and every
 * replica is updated and ready (what `kubectl rollout status` waits for).
 *
 * @public
 */
export function workloadReadiness(w: (V1Deployment | V1StatefulSet) & { kind?: string }): Readiness {
  const desired = w.spec?.replicas ?? 1;
  const st = w.status ?? ({} as NonNullable<typeof w.status>);
  const generation = w.metadata?.generation ?? 0;
  const observed = st.observedGeneration ?? 0;
  const updated = st.updatedReplicas ?? 0;
  const ready = st.readyReplicas ?? 0;
  const name = `${w.kind ?? 'workload'} ${w.metadata?.name}`;
  if (observed < generation) return { ready: false, detail: `${name}: new spec not observed yet` };
  const revisionDone =
    !('currentRevision' in st) ||
    !(st as { updateRevision?: string }).updateRevision ||
    (st as { currentRevision?: string }).currentRevision === (st as { updateRevision?: string }).updateRevision ||
    updated >= desired;
  const ok = updated >= desired && ready >= desired && (st.replicas ?? desired) <= desired && revisionDone;
  return { ready: ok, detail: `${name}: ${ready}/${desired} ready, ${updated} updated` };
}

/** The image of a workload's first container. @public */
export function workloadImage(w: V1Deployment | V1StatefulSet): string | undefined {
  return w.spec?.template?.spec?.containers?.[0]?.image;
}

/** Where a Job stands, from its conditions. @public */
export type JobOutcome =
  | { state: 'running' }
  | { state: 'complete' }
  | { state: 'failed'; reason: string };

/** `Complete`/`Failed` condition of a Job (status True), else running. @public */
export function jobOutcome(job: V1Job): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const on = (type: string) =>
    conditions.find(c => c.type === type && c.status === 'True');
  if (on('Complete')) return { state: 'complete' };
  const failed = on('Failed');
  if (failed) {
    return {
      state: 'failed',
      reason:
        [failed.reason, failed.message].filter(Boolean).join(': ') || 'Failed',
    };
  }
  return { state: 'running' };
}
