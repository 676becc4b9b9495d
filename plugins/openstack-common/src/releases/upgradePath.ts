import { InputError } from '@backstage/errors';
import { findRelease, OPENSTACK_RELEASES, releaseIndex } from './catalog';

/**
 * Whether `from → to` is one valid hop. Source: OpenStack's SLURP policy
 * (governance.openstack.org, resolution 20220210 "release cadence adjustment"): an upgrade goes
 * to the next release (N → N+1), or from a SLURP release straight to the next SLURP release
 * (e.g. 2024.1 → 2025.1), skipping the non-SLURP release between them. Nothing else is tested
 * upstream, and there are no downgrades.
 *
 * @public
 */
export function isValidHop(from: string, to: string): boolean {
  const i = releaseIndex(from);
  const j = releaseIndex(to);
  if (i < 0 || j < 0 || j <= i) return false;
  if (j === i + 1) return true;
  const a = OPENSTACK_RELEASES[i];
  if (!a.slurp) return false;
  const nextSlurp = OPENSTACK_RELEASES.slice(i + 1).find(r => r.slurp);
  return nextSlurp?.version === to;
}

/** The releases one hop can reach from `from`, nearest first (for the upgrade template's picker). @public */
export function validNextHops(from: string): string[] {
  return OPENSTACK_RELEASES.map(r => r.version).filter(v => isValidHop(from, v));
}

function assertKnown(version: string, field: string) {
  if (!findRelease(version)) {
    throw new InputError(
      `${field} "${version}" is not an OpenStack release the suite knows; use one of ${OPENSTACK_RELEASES.map(r => r.version).join(', ')}`,
    );
  }
}

/**
 * The releases to pass through from `from` to `to`: shortest path, each hop valid, `from`
 * excluded, `to` included. E.g. 2023.1 → 2026.1 is [2024.1, 2025.1, 2026.1].
 * Throws `InputError` saying why for unknown releases, the same release, or a downgrade.
 *
 * @public
 */
export function upgradePath(from: string, to: string): string[] {
  assertKnown(from, 'from');
  assertKnown(to, 'to');
  if (from === to) {
    throw new InputError(`The cloud is already on ${to}; there is nothing to upgrade`);
  }
  if (releaseIndex(to) < releaseIndex(from)) {
    throw new InputError(
      `Cannot go from ${from} to ${to}: OpenStack does not support downgrades (database migrations only go forward)`,
    );
  }
  // Breadth-first search over valid hops: the first time `to` is reached is a shortest path.
  const prev = new Map<string, string>();
  const queue = [from];
  while (queue.length) {
    const cur = queue.shift()!;
    if (cur === to) break;
    for (const next of validNextHops(cur)) {
      if (!prev.has(next) && next !== from && releaseIndex(next) <= releaseIndex(to)) {
        prev.set(next, cur);
        queue.push(next);
      }
    }
  }
  const path: string[] = [];
  for (let v = to; v !== from; v = prev.get(v)!) path.unshift(v);
  return path;
}

/**
 * A nova-compute host and the release it runs; `release` undefined when nobody knows it (its
 * catalog entity has none: it never reported one through the join script).
 *
 * @public
 */
export interface ComputeHostRelease {
  host: string;
  release?: string;
}

/** The result of the compute-lag rule for one hop. @public */
export interface ComputeLagResult {
  ok: boolean;
  /** Releases a host may be on after the hop. */
  allowed: string[];
  /** Hosts behind what Nova supports after the hop (`release` "unknown" when the host has none). */
  blocking: Array<{ host: string; release: string; needsFirst: string }>;
  /** Hosts whose release is unknown (also in `blocking`). */
  unknown: string[];
  message?: string;
}

/**
 * The compute lag rule: after a hop to `to`, every nova-compute must be on `to`, on the release
 * just before it, or on the SLURP release the hop skipped from. Source: Nova's upgrade guide
 * ("Minimal downtime upgrade process" / service version checks): the control plane refuses to
 * start when computes are older than it supports (N-1, or N-2 across a SLURP hop). A host whose
 * release is unknown blocks too: it may be too old, and the hop cannot be undone.
 *
 * @public
 */
export function checkComputeLag(
  hop: { from: string; to: string },
  hosts: ComputeHostRelease[],
): ComputeLagResult {
  const j = releaseIndex(hop.to);
  const allowed = new Set([hop.to]);
  if (j > 0) allowed.add(OPENSTACK_RELEASES[j - 1].version);
  if (isValidHop(hop.from, hop.to)) allowed.add(hop.from);
  // the oldest allowed release is what a host must reach before this hop
  const needsFirst = [...allowed].sort((a, b) => releaseIndex(a) - releaseIndex(b))[0];
  const blocking = hosts
    .filter(h => !h.release || !allowed.has(h.release))
    .map(h => ({ host: h.host, release: h.release ?? 'unknown', needsFirst }));
  const unknown = hosts.filter(h => !h.release).map(h => h.host);
  const behind = blocking.filter(b => !unknown.includes(b.host));
  const ok = blocking.length === 0;
  const parts = [
    ...(behind.length
      ? [
          `The hop ${hop.from} → ${hop.to} is blocked by nova-compute hosts further behind than Nova supports: ${behind
            .map(b => `${b.host} (${b.release})`)
            .join(', ')}. Upgrade them to ${needsFirst} first.`,
        ]
      : []),
    ...(unknown.length
      ? [
          `The release of nova-compute on ${unknown.join(', ')} is unknown (their catalog entities have no openstack.backstage.io/release: hosts joined with the join script report theirs); the hop ${hop.from} → ${hop.to} needs every host on ${[...allowed].join(' or ')}. Re-join the host or decommission it first.`,
        ]
      : []),
  ];
  return {
    ok,
    allowed: [...allowed].sort((a, b) => releaseIndex(a) - releaseIndex(b)),
    blocking,
    unknown,
    message: ok ? undefined : parts.join(' '),
  };
}
