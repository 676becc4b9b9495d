import fc from 'fast-check';
import {
  chartObjectName,
  cloudEntityPath,
  cloudRefOfEntity,
  hostEntityName,
  hostEntityRef,
  parseCloudRef,
  stringifyCloudRef,
} from './cloudRef';

const ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

describe('cloud refs', () => {
  it.each([
    ['resource:default/demo-cloud', 'resource:default/demo-cloud'],
    ['Resource:Team-A/Edge-1', 'resource:team-a/edge-1'],
    ['team-a/edge-1', 'resource:team-a/edge-1'],
    ['edge-1', 'resource:default/edge-1'],
  ])('%s is %s', (input, out) => {
    expect(stringifyCloudRef(parseCloudRef(input))).toBe(out);
  });

  it.each([
    ['', /give the cloud's entity ref/],
    ['component:default/x', /is a component, not a cloud/],
    ['resource:a/b/c', /not an entity ref/],
    ['resource:default/../x', /not an entity ref/],
    ['resource:default/..', /not a valid entity name/],
    ['resource:/x', /not a valid entity namespace/],
    ['resource:default/x\ny', /not a valid entity name/],
    [`resource:default/${'a'.repeat(64)}`, /at most 63/],
  ])('refuses %j naming the field', (input, message) => {
    expect(() => parseCloudRef(input, 'input.cloud')).toThrow(/^input\.cloud: /);
    expect(() => parseCloudRef(input, 'input.cloud')).toThrow(message);
  });

  it('keeps the namespace everywhere (no split on "/")', () => {
    const ref = cloudRefOfEntity({ kind: 'Resource', metadata: { name: 'edge-1', namespace: 'team-a' } });
    expect(stringifyCloudRef(ref)).toBe('resource:team-a/edge-1');
    expect(cloudEntityPath(ref)).toBe('/catalog/team-a/resource/edge-1');
  });

  it('round-trips any valid ref', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, label, (ns, name) => {
        const s = `resource:${ns}/${name}`;
        expect(stringifyCloudRef(parseCloudRef(s))).toBe(s);
      }),
    );
  });
});

describe('chartObjectName', () => {
  it('is <cloud key>-<chart>', () => {
    expect(chartObjectName('edge-1', 'keystone')).toBe('edge-1-keystone');
  });
});

describe('hostEntityName', () => {
  it('keeps a plain FQDN as it is, under its cloud', () => {
    expect(hostEntityName('edge-1', 'cmp-1.edge.example.org')).toBe('edge-1.cmp-1.edge.example.org');
  });

  it('is a valid entity name for any host name, and two hosts never share one', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 120 }).filter(s => /[a-zA-Z0-9]/.test(s)), { minLength: 2, maxLength: 8 }),
        (key, hosts) => {
          const names = hosts.map(h => hostEntityName(key, h));
          for (const n of names) {
            expect(n.length).toBeLessThanOrEqual(63);
            expect(n).toMatch(ENTITY_NAME);
          }
          // lower-casing folds names that differ only by case: those are one host to Nova too
          const distinct = new Set(hosts.map(h => h.toLocaleLowerCase('en-US')));
          expect(new Set(names).size).toBe(distinct.size);
        },
      ),
    );
  });

  it('refers to the entity the enroll action names, in the namespace of its cloud', () => {
    expect(hostEntityRef('resource:team-a/edge-1', 'edge-1', 'CMP_1.Example.org')).toBe(
      `resource:team-a/${hostEntityName('edge-1', 'CMP_1.Example.org')}`,
    );
    expect(hostEntityRef('resource:team-a/edge-1', 'edge-1', 'cmp-1.example.org')).toBe('resource:team-a/edge-1.cmp-1.example.org');
  });
});
