import { formatMaintenanceReason } from '@backstage-openstack/plugin-openstack-common';
import { hostStatusLabel } from './format';

describe('hostStatusLabel', () => {
  it('shows a maintenance as reason, by whom, since', () => {
    const disabledReason = formatMaintenanceReason({ reason: 'replace DIMM B2', by: 'user:default/alice', since: '2026-12-02T08:30:12.345Z' });
    expect(hostStatusLabel({ status: 'disabled', disabledReason })).toBe('maintenance: replace DIMM B2, by alice, since 2026-12-02 08:30 UTC');
    const other = formatMaintenanceReason({ reason: 'x', by: 'user:ops/bob', since: '2026-12-02T08:30:12.345Z' });
    expect(hostStatusLabel({ status: 'disabled', disabledReason: other })).toBe('maintenance: x, by user:ops/bob, since 2026-12-02 08:30 UTC');
  });

  it('shows other disabled hosts with their reason, and enabled ones', () => {
    expect(hostStatusLabel({ status: 'disabled', disabledReason: 'AUTO: Connection to libvirt lost' })).toBe('disabled: AUTO: Connection to libvirt lost');
    expect(hostStatusLabel({ status: 'disabled', disabledReason: null })).toBe('disabled: no reason given');
    expect(hostStatusLabel({ status: 'enabled', disabledReason: 'stale' })).toBe('enabled');
  });
});
