import type { KubernetesObject } from '../render/objects';
import type { UpgradePlan, ValueChange } from '../upgrade/planner';
import type { ComputeCredentialSource, ComputeEnrollInput } from '../compute/enroll';
import { COMPUTE_BUNDLE_FILES } from '../compute/enroll';
import { sha256Hex } from './sha256';

/** The operations an approval can guard. @public */
export const APPROVAL_OPERATIONS = ['create', 'upgrade', 'enroll', 'decommission'] as const;

/** An operation an approval can guard. @public */
export type ApprovalOperation = (typeof APPROVAL_OPERATIONS)[number];

/** One chart's step of an upgrade plan: the values it changes, each `from` → `to`. @public */
export interface ApprovalPlanStep {
  chart: string;
  phase?: string;
  changes: ValueChange[];
}

/**
 * Exactly what an action will do, as the approver approves it and as the action recomputes it
 * when it runs. Never holds a credential value. Its digest ({@link approvalPlanDigest}) binds
 * the approval to it.
 *
 * @public
 */
export type ApprovalPlan =
  | {
      operation: 'create';
      cloud: string;
      lifecycle: string;
      /** The validated spec (live) or the demo cloud's inputs. */
      spec: unknown;
      /** The rendered objects (live clouds; empty for a demo cloud), Secrets without data. */
      objects: unknown[];
    }
  | {
      operation: 'upgrade';
      cloud: string;
      from: string;
      to: string;
      chartVersion: string;
      /** The planner's steps, in the order they run. */
      steps: ApprovalPlanStep[];
    }
  | {
      operation: 'enroll';
      cloud: string;
      /** What was asked of the host. */
      host: Record<string, unknown>;
      /** The files of the host's configuration bundle. */
      bundleKeys: string[];
      /** The cloud's Secrets and keys the bundle's credentials come from (never the values). */
      credentialSources: Array<{ secret: string; key: string }>;
    }
  | {
      operation: 'decommission';
      cloud: string;
      /** The host's nova-compute name. */
      host: string;
      /** Whether instances left on a down host are evacuated (rebuilt elsewhere). */
      evacuate: boolean;
      /** What is removed, in order. */
      removes: string[];
    };

/**
 * JSON with object keys sorted at every level and `undefined` members left out, so equal
 * values give equal text whatever the order their keys were built in.
 *
 * @public
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(v => (v === undefined ? null : sortKeys(v)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** `sha256:<hex>` of the plan's canonical JSON. @public */
export function approvalPlanDigest(plan: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(plan))}`;
}

/** The plan's operation when it is an {@link ApprovalPlan}, else undefined. @public */
export function approvalPlanOperation(plan: unknown): ApprovalOperation | undefined {
  const op = (plan as { operation?: unknown } | null)?.operation;
  return APPROVAL_OPERATIONS.find(o => o === op);
}

/** A Kubernetes object as it may appear in a plan: a Secret keeps its name and keys, never its values. */
function withoutCredentialValues(o: KubernetesObject | Record<string, unknown>): unknown {
  const obj = o as Record<string, unknown>;
  if (obj.kind !== 'Secret') return obj;
  const { data, stringData, ...rest } = obj as { data?: object; stringData?: object };
  const keys = [...new Set([...Object.keys(data ?? {}), ...Object.keys(stringData ?? {})])].sort();
  return { ...rest, keys };
}

/**
 * The plan of a new cloud: its spec (validated, or the demo inputs), its lifecycle and the
 * objects the renderer made, Secrets reduced to their keys.
 *
 * @public
 */
export function createApprovalPlan(args: { cloud: string; lifecycle: string; spec: unknown; objects: Array<KubernetesObject | Record<string, unknown>> }): ApprovalPlan {
  return {
    operation: 'create',
    cloud: args.cloud,
    lifecycle: args.lifecycle,
    spec: args.spec,
    objects: args.objects.map(withoutCredentialValues),
  };
}

/** The plan of one upgrade hop: from → to, the chart version and each step's value changes. @public */
export function upgradeApprovalPlan(cloud: string, plan: Pick<UpgradePlan, 'from' | 'to' | 'chartVersion' | 'steps'>): ApprovalPlan {
  return {
    operation: 'upgrade',
    cloud,
    from: plan.from,
    to: plan.to,
    chartVersion: plan.chartVersion,
    steps: plan.steps.map(s => ({ chart: s.chart, ...(s.phase ? { phase: s.phase } : {}), changes: s.changes.map(c => ({ path: c.path, from: c.from, to: c.to })) })),
  };
}

/** The files of every compute host's configuration bundle (`renderComputeBundle`'s keys; Ceph clouds add the Ceph files). @public */
export const COMPUTE_BUNDLE_KEYS = [
  COMPUTE_BUNDLE_FILES.nova,
  COMPUTE_BUNDLE_FILES.libvirt,
  COMPUTE_BUNDLE_FILES.ovn,
  COMPUTE_BUNDLE_FILES.ovnMetadata,
  COMPUTE_BUNDLE_FILES.host,
] as const;

/** The plan of enrolling a host: its inputs, the bundle's files and where its credentials come from. @public */
export function enrollApprovalPlan(cloud: string, input: ComputeEnrollInput, credentialSources: ComputeCredentialSource[]): ApprovalPlan {
  const { host, managementIp, overlayIp, availabilityZone, aggregate, bmcAddress } = input;
  return {
    operation: 'enroll',
    cloud,
    host: { host, managementIp, overlayIp, availabilityZone, aggregate, bmcAddress },
    bundleKeys: [...COMPUTE_BUNDLE_KEYS],
    credentialSources: credentialSources.map(s => ({ secret: s.secret, key: s.key })),
  };
}

/** The plan of decommissioning a host: the host, whether its instances may be evacuated, and what goes. @public */
export function decommissionApprovalPlan(cloud: string, host: string, evacuate: boolean): ApprovalPlan {
  return {
    operation: 'decommission',
    cloud,
    host,
    evacuate,
    removes: [
      `nova-compute service of ${host} (with its compute node and Placement resource provider)`,
      `Neutron agents of ${host} (its OVN chassis)`,
      `${host} from every host aggregate`,
      `the configuration bundle Secret of ${host}`,
      `the catalog entity of ${host}`,
    ],
  };
}

/**
 * Where two plans differ, as `path: before → after` lines (at most `limit`), for the message
 * that refuses a run whose plan is not the approved one.
 *
 * @public
 */
export function approvalPlanDifferences(approved: unknown, now: unknown, limit = 10): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? '(absent)' : canonicalJson(v));
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= limit) return;
    const objA = a && typeof a === 'object';
    const objB = b && typeof b === 'object';
    if (objA && objB && Array.isArray(a) === Array.isArray(b)) {
      const keys = Array.isArray(a)
        ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i))
        : [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
      for (const k of keys) {
        let sub = path ? `${path}.${k}` : k;
        if (Array.isArray(a)) sub = `${path}[${k}]`;
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub);
      }
      return;
    }
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null) || (a === undefined) !== (b === undefined)) {
      out.push(`${path || '(plan)'}: ${show(a)} → ${show(b)}`);
    }
  };
  walk(approved, now, '');
  return out;
}
