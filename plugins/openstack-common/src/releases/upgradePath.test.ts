import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import { OPENSTACK_RELEASES, releaseFromImage, isDeployableRelease, releaseIndex } from './catalog';
import { checkComputeLag, isValidHop, upgradePath, validNextHops } from './upgradePath';

const versions = OPENSTACK_RELEASES.map(r => r.version);

describe('the release catalog', () => {
  it('lists the releases in order with SLURP on every .1', () => {
    expect(versions).toEqual(['2023.1', '2023.2', '2024.1', '2024.2', '2025.1', '2025.2', '2026.1', '2026.2']);
    expect(OPENSTACK_RELEASES.filter(r => r.slurp).map(r => r.version)).toEqual(['2023.1', '2024.1', '2025.1', '2026.1']);
    expect(OPENSTACK_RELEASES.map(r => r.released)).toEqual([...OPENSTACK_RELEASES.map(r => r.released)].sort());
  });

  it('deploys only what the pinned charts ship overrides for', () => {
    expect(versions.filter(isDeployableRelease)).toEqual(['2025.1', '2025.2', '2026.1']);
  });

  it.each([
    ['2025.1-ubuntu_noble', '2025.1'],
    ['quay.io/airshipit/nova:2025.2-ubuntu_noble', '2025.2'],
    ['quay.io/airshipit/keystone:2026.1-ubuntu_noble@sha256:abc', '2026.1'],
    ['registry:5000/airshipit/glance:2024.1', '2024.1'],
    ['docker.io/openstackhelm/mariadb:latest-ubuntu_noble', undefined],
    ['quay.io/airshipit/nova:2099.1-ubuntu_noble', undefined],
  ])('reads the release of %s', (image, release) => {
    expect(releaseFromImage(image)).toBe(release);
  });
});

describe('upgradePath', () => {
  it.each([
    ['2023.1', '2026.1', ['2024.1', '2025.1', '2026.1']],
    ['2023.2', '2025.1', ['2024.1', '2025.1']],
    ['2024.1', '2025.1', ['2025.1']],
    ['2024.1', '2024.2', ['2024.2']],
    ['2024.2', '2025.2', ['2025.1', '2025.2']],
    ['2025.1', '2026.2', ['2026.1', '2026.2']],
  ])('%s → %s passes %j', (from, to, path) => {
    expect(upgradePath(from, to)).toEqual(path);
  });

  it.each([
    ['2025.1', '2025.1', /already on 2025\.1/],
    ['2025.2', '2025.1', /does not support downgrades/],
    ['2025.1', '2027.1', /to "2027\.1" is not an OpenStack release/],
    ['zed', '2025.1', /from "zed" is not an OpenStack release/],
  ])('refuses %s → %s and says why', (from, to, why) => {
    expect(() => upgradePath(from, to)).toThrow(InputError);
    expect(() => upgradePath(from, to)).toThrow(why);
  });

  it('only allows N → N+1 and SLURP → next SLURP', () => {
    expect(validNextHops('2024.1')).toEqual(['2024.2', '2025.1']);
    expect(validNextHops('2024.2')).toEqual(['2025.1']);
    expect(validNextHops('2026.2')).toEqual([]);
    expect(isValidHop('2023.2', '2024.2')).toBe(false);
    expect(isValidHop('2024.1', '2025.2')).toBe(false);
  });

  it('is a shortest chain of valid hops (property)', () => {
    const pair = fc
      .tuple(fc.constantFrom(...versions), fc.constantFrom(...versions))
      .filter(([a, b]) => releaseIndex(a) < releaseIndex(b));
    fc.assert(
      fc.property(pair, ([from, to]) => {
        const path = upgradePath(from, to);
        const chain = [from, ...path];
        for (let i = 1; i < chain.length; i++) {
          if (!isValidHop(chain[i - 1], chain[i])) return false;
        }
        // shortest: no valid chain of fewer hops exists (brute force over all chains of length path-1)
        const shorter = (cur: string, left: number): boolean =>
          cur === to || (left > 0 && validNextHops(cur).some(n => shorter(n, left - 1)));
        return path[path.length - 1] === to && !shorter(from, path.length - 1);
      }),
    );
  });
});

describe('checkComputeLag', () => {
  it('allows hosts on the target, the release before, or the skipped-from SLURP', () => {
    const r = checkComputeLag({ from: '2024.1', to: '2025.1' }, [
      { host: 'a', release: '2025.1' },
      { host: 'b', release: '2024.2' },
      { host: 'c', release: '2024.1' },
    ]);
    expect(r).toMatchObject({ ok: true, allowed: ['2024.1', '2024.2', '2025.1'], blocking: [] });
  });

  it('names the hosts further behind and the release they need first', () => {
    const r = checkComputeLag({ from: '2025.1', to: '2025.2' }, [
      { host: 'cmp-1', release: '2025.1' },
      { host: 'cmp-7', release: '2024.2' },
    ]);
    expect(r.ok).toBe(false);
    expect(r.blocking).toEqual([{ host: 'cmp-7', release: '2024.2', needsFirst: '2025.1' }]);
    expect(r.message).toBe(
      'The hop 2025.1 → 2025.2 is blocked by nova-compute hosts further behind than Nova supports: cmp-7 (2024.2). Upgrade them to 2025.1 first.',
    );
  });

  it('blocks on a host of unknown release and names it (never skips it)', () => {
    const r = checkComputeLag({ from: '2025.1', to: '2025.2' }, [
      { host: 'cmp-1', release: '2025.1' },
      { host: 'cmp-new' },
      { host: 'cmp-7', release: '2024.2' },
    ]);
    expect(r.ok).toBe(false);
    expect(r.unknown).toEqual(['cmp-new']);
    expect(r.blocking).toEqual([
      { host: 'cmp-new', release: 'unknown', needsFirst: '2025.1' },
      { host: 'cmp-7', release: '2024.2', needsFirst: '2025.1' },
    ]);
    expect(r.message).toContain('cmp-7 (2024.2). Upgrade them to 2025.1 first.');
    expect(r.message).toContain('The release of nova-compute on cmp-new is unknown');
    expect(checkComputeLag({ from: '2025.1', to: '2025.2' }, [{ host: 'only' }])).toMatchObject({ ok: false, unknown: ['only'] });
  });

  it('never lets a host more than one release (or one SLURP skip) behind pass (property)', () => {
    const hop = fc.constantFrom(...versions).chain(from =>
      fc.constantFrom(...(validNextHops(from).length ? validNextHops(from) : ['-'])).map(to => ({ from, to })),
    ).filter(h => h.to !== '-');
    fc.assert(
      fc.property(hop, fc.array(fc.constantFrom(...versions), { maxLength: 10 }), (h, rels) => {
        const r = checkComputeLag(h, rels.map((release, i) => ({ host: `h${i}`, release })));
        return rels.every((rel, i) => {
          const passes = !r.blocking.some(b => b.host === `h${i}`);
          const lag = releaseIndex(h.to) - releaseIndex(rel);
          const allowedLag = lag === 0 || lag === 1 || rel === h.from;
          return passes === allowedLag;
        });
      }),
    );
  });
});
