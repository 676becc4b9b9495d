import { isDeepStrictEqual } from 'node:util';
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

type ArgoSource = Record<string, unknown>;

/**
 * An Argo CD source as Argo CD serializes it: Go drops empty fields (`omitempty`), so `false`,
 * `""`, `null`, `[]` and `{}` are the same as absent. Helm values (`valuesObject`, raw JSON to
 * Argo CD) are kept as they are.
 */
function normalizedSource(v: unknown, raw = false): unknown {
  if (raw || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(x => normalizedSource(x));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v as object).sort()) {
    const x = normalizedSource((v as Record<string, unknown>)[key], key === 'valuesObject');
    const empty =
      x === undefined || x === null || x === false || x === '' || (Array.isArray(x) && !x.length) || (typeof x === 'object' && x !== null && !Array.isArray(x) && !Object.keys(x).length);
    if (!empty) out[key] = x;
  }
  return out;
}

/** Whether two Argo CD sources are the same source (repo, chart, revision, Helm values and parameters). */
function sameSource(a: ArgoSource | undefined, b: ArgoSource | undefined): boolean {
  return isDeepStrictEqual(normalizedSource(a ?? {}), normalizedSource(b ?? {}));
}

/**
 * An Argo CD Application is ready when its status is about its current spec and says it is done:
 *
 * - the comparison is of the current source (`status.sync.comparedTo.source` equals
 *   `spec.source`: repo, chart, revision, Helm values and parameters), so a Synced/Healthy status
 *   from before a spec change (an upgrade's new image tags) does not count;
 * - Synced, at the revision the spec asks for (`status.sync.revision` = `spec.source.targetRevision`
 *   when both are set: a Helm chart's version);
 * - Healthy;
 * - its last sync operation Succeeded (Argo CD reports Synced and Healthy while a sync's PostSync
 *   hooks still run); an Application that never needed a sync operation has none.
 *
 * @public
 */
export function applicationReadiness(app: KubernetesObject): Readiness {
  const { spec, status } = app as {
    status?: {
      health?: { status?: string; message?: string };
      sync?: { status?: string; revision?: string; comparedTo?: { source?: ArgoSource } };
      operationState?: { phase?: string; message?: string };
    };
    spec?: { source?: ArgoSource & { targetRevision?: string } };
  };
  const health = status?.health?.status ?? 'Unknown';
  const sync = status?.sync?.status ?? 'Unknown';
  const want = spec?.source?.targetRevision;
  const revision = status?.sync?.revision;
  const onRevision = !want || !revision || revision === want;
  const compared = status?.sync?.comparedTo?.source;
  const onSpec = !!compared && sameSource(compared, spec?.source);
  const operation = status?.operationState?.phase;
  const operationDone = !status?.operationState || operation === 'Succeeded';
  const notes = [
    ...(compared && !onSpec ? ['status is of an earlier spec (not compared to the current source yet)'] : []),
    ...(!compared && status?.sync ? ['not compared to its source yet'] : []),
    ...(want && revision && !onRevision ? [`wants ${want}`] : []),
    ...(operation && !operationDone ? [`last operation ${operation}${status?.operationState?.message ? ` (${status.operationState.message})` : ''}`] : []),
  ];
  return {
    ready: health === 'Healthy' && sync === 'Synced' && onRevision && onSpec && operationDone,
    detail: `health ${health}, sync ${sync}${revision ? ` at ${revision}` : ''}${status?.health?.message ? `: ${status.health.message}` : ''}${
      notes.length ? `; ${notes.join('; ')}` : ''
    }`,
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
