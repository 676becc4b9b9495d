import fc from 'fast-check';
import {
  formatMaintenanceReason,
  NOVA_DISABLED_REASON_MAX,
  parseMaintenanceReason,
  validateMaintenanceInput,
} from './maintenance';

describe('maintenance reason', () => {
  it('formats reason, initiator and time, and reads them back', () => {
    const m = { reason: 'replace DIMM B2', by: 'user:default/alice', since: '2026-12-02T08:30:00.000Z' };
    const text = formatMaintenanceReason(m);
    expect(text).toBe('maintenance: replace DIMM B2 (by user:default/alice, since 2026-12-02T08:30:00.000Z)');
    expect(parseMaintenanceReason(text)).toEqual(m);
  });

  it('reads any reason back, parentheses included', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter(s => !/[\r\n]/.test(s) && s.trim() === s && s.length > 0), reason => {
        const m = { reason, by: 'user:default/bob', since: '2026-01-01T00:00:00.000Z' };
        expect(parseMaintenanceReason(formatMaintenanceReason(m))).toEqual(m);
      }),
    );
  });

  it('is undefined for other reasons and none', () => {
    expect(parseMaintenanceReason('AUTO: Connection to libvirt lost')).toBeUndefined();
    expect(parseMaintenanceReason(null)).toBeUndefined();
    expect(parseMaintenanceReason(undefined)).toBeUndefined();
    expect(parseMaintenanceReason('maintenance: no initiator')).toBeUndefined();
  });
});

describe('validateMaintenanceInput', () => {
  const by = 'user:default/alice';
  it('accepts enter with a reason, and exit without one', () => {
    expect(validateMaintenanceInput({ mode: 'enter', reason: 'firmware', parallel: 2, by })).toEqual([]);
    expect(validateMaintenanceInput({ mode: 'exit', by })).toEqual([]);
  });

  it('names each bad field', () => {
    expect(validateMaintenanceInput({ mode: 'pause', by }).map(i => i.field)).toEqual(['mode']);
    expect(validateMaintenanceInput({ mode: 'enter', reason: '  ', by }).map(i => i.field)).toEqual(['reason']);
    expect(validateMaintenanceInput({ mode: 'enter', reason: 'a\nb', by }).map(i => i.field)).toEqual(['reason']);
    for (const parallel of [0, 21, 1.5, '2']) {
      expect(validateMaintenanceInput({ mode: 'exit', parallel, by })).toEqual([expect.objectContaining({ field: 'parallel' })]);
    }
  });

  it('keeps the whole disabled_reason within Nova limit', () => {
    const ok = validateMaintenanceInput({ mode: 'enter', reason: 'x'.repeat(300), by });
    expect(ok[0].message).toMatch(/at most \d+ fit/);
    const room = Number(/at most (\d+)/.exec(ok[0].message)![1]);
    expect(validateMaintenanceInput({ mode: 'enter', reason: 'x'.repeat(room), by })).toEqual([]);
    expect(formatMaintenanceReason({ reason: 'x'.repeat(room), by, since: new Date().toISOString() }).length).toBeLessThanOrEqual(NOVA_DISABLED_REASON_MAX);
  });
});
