import { parseMaintenanceReason } from '@backstage-openstack/plugin-openstack-common';

/** The OVN controller agent as `openstack network agent list` users read it. */
export function ovnAgentLabel(alive: boolean | undefined): string {
  if (alive === undefined) return '—';
  return alive ? 'alive' : 'dead';
}

/**
 * A host's nova-compute status as an operator reads it: `enabled`; a host in maintenance (the
 * reason openstack:compute:maintenance records) as `maintenance: <reason>, by <user>, since
 * <time>`; any other disabled host as `disabled: <reason>`.
 */
export function hostStatusLabel(h: { status: 'enabled' | 'disabled'; disabledReason?: string | null }): string {
  if (h.status !== 'disabled') return 'enabled';
  const m = parseMaintenanceReason(h.disabledReason);
  if (m) {
    const since = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(m.since);
    return `maintenance: ${m.reason}, by ${m.by.replace(/^user:default\//, '')}, since ${since ? `${since[1]} ${since[2]} UTC` : m.since}`;
  }
  return `disabled: ${h.disabledReason || 'no reason given'}`;
}
