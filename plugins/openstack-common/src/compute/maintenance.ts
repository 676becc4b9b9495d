/**
 * A compute host in maintenance: its nova-compute service is disabled with a reason that says
 * why, by whom and since when. Nova keeps it (`disabled_reason`, at most 255 characters), so
 * every reader of the service (the status backend, the host card, `openstack compute service
 * list`) sees the same thing and it survives the portal.
 */

/** Nova's limit on `disabled_reason`. @public */
export const NOVA_DISABLED_REASON_MAX = 255;

/** Why, by whom and since when a host is in maintenance. @public */
export type HostMaintenance = {
  reason: string;
  /** The user who put it there (entity ref, e.g. `user:default/alice`). */
  by: string;
  /** ISO 8601 time it entered maintenance. */
  since: string;
};

/** The instances moved at a time when none is given, and the most allowed. @public */
export const MAINTENANCE_PARALLEL_DEFAULT = 2;
/** @public */
export const MAINTENANCE_PARALLEL_MAX = 20;

const PREFIX = 'maintenance: ';
const PATTERN = /^maintenance: (.+) \(by (\S+), since (\S+)\)$/s;

/** The `disabled_reason` of a host in maintenance: `maintenance: <reason> (by <user>, since <time>)`. @public */
export function formatMaintenanceReason(m: HostMaintenance): string {
  return `${PREFIX}${m.reason} (by ${m.by}, since ${m.since})`;
}

/** The maintenance a `disabled_reason` records, or undefined for any other reason (or none). @public */
export function parseMaintenanceReason(disabledReason: string | null | undefined): HostMaintenance | undefined {
  const m = disabledReason ? PATTERN.exec(disabledReason) : null;
  return m ? { reason: m[1], by: m[2], since: m[3] } : undefined;
}

/** One problem with the maintenance action's input: the field and what to do. @public */
export interface MaintenanceIssue {
  field: string;
  message: string;
}

/**
 * Checks a maintenance request before anything changes: a mode, a one-line reason that fits in
 * Nova's `disabled_reason` with the initiator's name and the time, and how many instances move
 * at a time.
 *
 * @public
 */
export function validateMaintenanceInput(input: { mode?: unknown; reason?: unknown; parallel?: unknown; by: string }): MaintenanceIssue[] {
  const issues: MaintenanceIssue[] = [];
  if (input.mode !== 'enter' && input.mode !== 'exit') {
    issues.push({ field: 'mode', message: `must be "enter" or "exit", not ${JSON.stringify(input.mode)}` });
  }
  if (input.mode === 'enter') {
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    // the longest a time of toISOString() is
    const room = NOVA_DISABLED_REASON_MAX - formatMaintenanceReason({ reason: '', by: input.by, since: '0000-00-00T00:00:00.000Z' }).length;
    if (!reason) issues.push({ field: 'reason', message: 'is required to enter maintenance: say why (e.g. "replace DIMM B2"); it is shown on the host' });
    else if (/[\r\n]/.test(reason)) issues.push({ field: 'reason', message: 'must be one line' });
    else if (reason.length > room) issues.push({ field: 'reason', message: `is ${reason.length} characters; at most ${room} fit in Nova's disabled_reason with your name and the time` });
  }
  const p = input.parallel;
  if (p !== undefined && (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > MAINTENANCE_PARALLEL_MAX)) {
    issues.push({ field: 'parallel', message: `must be a whole number from 1 to ${MAINTENANCE_PARALLEL_MAX} (instances live-migrated at a time), not ${JSON.stringify(p)}` });
  }
  return issues;
}
