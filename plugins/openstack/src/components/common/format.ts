/** The OVN controller agent as `openstack network agent list` users read it. */
export function ovnAgentLabel(alive: boolean | undefined): string {
  if (alive === undefined) return '—';
  return alive ? 'alive' : 'dead';
}
