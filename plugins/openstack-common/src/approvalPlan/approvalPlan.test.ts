import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { OPENSTACK_HELM_REPOSITORY, parseCloudSpec } from '../spec/cloudSpec';
import { renderCloud } from '../render/renderCloud';
import { planUpgrade } from '../upgrade/planner';
import { CHART_ORDER } from '../charts/charts';
import { releaseImageTags } from '../charts/images';
import type { CloudSnapshot } from '../upgrade/snapshot';
import { computeCredentialSources, renderComputeBundle } from '../compute/enroll';
import {
  approvalPlanDifferences,
  approvalPlanDigest,
  approvalPlanOperation,
  canonicalJson,
  COMPUTE_BUNDLE_KEYS,
  createApprovalPlan,
  enrollApprovalPlan,
  upgradeApprovalPlan,
} from './approvalPlan';
import { sha256Hex } from './sha256';

const json = fc.jsonValue({ maxDepth: 4 });

/** A copy of a JSON value with every object's keys inserted in reverse order. */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
  }
  return v;
}

/** Every leaf path of a JSON value, with a setter that changes that leaf. */
function leaves(v: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  // an empty array or object is a leaf too
  if (Array.isArray(v) && v.length) return v.flatMap((x, i) => leaves(x, [...path, i]));
  if (v && typeof v === 'object' && Object.keys(v).length) return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [path];
}
/** A different value of the same kind (an object or array becomes null). */
function mutated(v: unknown): unknown {
  if (v === null) return 0;
  if (typeof v === 'object') return null;
  if (typeof v === 'string') return `${v}x`;
  if (typeof v === 'number') return v === 0 ? 1 : -v;
  if (typeof v === 'boolean') return !v;
  return 'x';
}

function changeAt(v: unknown, path: Array<string | number>): unknown {
  const copy = structuredClone(v) as any;
  if (!path.length) return { changed: copy };
  let o = copy;
  for (const p of path.slice(0, -1)) o = o[p];
  const last = path[path.length - 1];
  o[last] = mutated(o[last]);
  return copy;
}

/** A cloud running `release` with every chart of the suite. */
function snapshot(release: string): CloudSnapshot {
  return {
    release,
    charts: Object.fromEntries(CHART_ORDER.map(c => [c, { version: '2026.1.0', release, imageTags: releaseImageTags(c, release) }])),
    workloads: [],
    computeHosts: [],
  };
}

const spec = parseCloudSpec({
  name: 'ap1',
  release: '2025.2',
  components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
  publicDomain: 'ap1.example.org',
  delivery: { mode: 'flux', namespace: 'ap1' },
});

describe('sha256Hex', () => {
  it('equals node:crypto for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), s => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
    );
    // block boundaries: 55, 56, 63, 64 and 119 bytes
    for (const n of [0, 55, 56, 63, 64, 119, 1000]) {
      expect(sha256Hex('a'.repeat(n))).toBe(createHash('sha256').update('a'.repeat(n)).digest('hex'));
    }
  });
});

describe('approvalPlanDigest', () => {
  it('is the same for the same plan, whatever the order of its keys', () => {
    fc.assert(
      fc.property(json, v => {
        expect(approvalPlanDigest(reorder(v))).toBe(approvalPlanDigest(structuredClone(v)));
        expect(approvalPlanDigest(v)).toMatch(/^sha256:[0-9a-f]{64}$/);
      }),
    );
  });

  it('changes when any field changes, and names the field', () => {
    fc.assert(
      fc.property(json, fc.nat(), (v, pick) => {
        const paths = leaves(v);
        const path = paths[pick % paths.length];
        const changed = changeAt(v, path);
        expect(approvalPlanDigest(changed)).not.toBe(approvalPlanDigest(v));
        expect(approvalPlanDifferences(v, changed).length).toBeGreaterThan(0);
        expect(approvalPlanDifferences(v, structuredClone(v))).toEqual([]);
      }),
    );
  });

  it('changes when any field of a real create, upgrade or enroll plan changes', () => {
    const plans = [
      createApprovalPlan({ cloud: 'resource:default/ap1', lifecycle: 'production', spec, objects: renderCloud(spec, { url: OPENSTACK_HELM_REPOSITORY }).objects }),
      upgradeApprovalPlan('resource:default/ap1', planUpgrade(snapshot('2025.1'), '2025.2')),
      enrollApprovalPlan(
        'resource:default/ap1',
        { host: 'cmp-1.example.org', managementIp: '10.0.0.5', overlayIp: '10.1.0.5', availabilityZone: 'az1', aggregate: 'az1' },
        computeCredentialSources('ap1'),
      ),
    ];
    for (const plan of plans) {
      const paths = leaves(plan);
      expect(paths.length).toBeGreaterThan(3);
      fc.assert(
        fc.property(fc.constantFrom(...paths), path => {
          const changed = changeAt(plan, path);
          expect(approvalPlanDigest(changed)).not.toBe(approvalPlanDigest(plan));
          expect(approvalPlanDifferences(plan, changed)).toEqual([expect.stringContaining(path.join('.').replace(/\.(\d+)/g, '[$1]'))]);
        }),
      );
    }
  });
});

describe('the plan builders', () => {
  it('create: the validated spec and the rendered objects, with the lifecycle', () => {
    const rendered = renderCloud(spec, { url: OPENSTACK_HELM_REPOSITORY });
    const plan = createApprovalPlan({ cloud: 'resource:default/ap1', lifecycle: 'production', spec, objects: rendered.objects });
    expect(approvalPlanOperation(plan)).toBe('create');
    expect(plan).toMatchObject({ lifecycle: 'production', spec: { name: 'ap1' } });
    expect((plan as any).objects).toHaveLength(rendered.objects.length);
    // the spec's storage and delivery details are in it (nothing of the spec is left out)
    expect(canonicalJson(plan)).toContain(canonicalJson(spec));
  });

  it('never carries a credential value, whatever the objects hold', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ minLength: 8, maxLength: 30 }).map(s => `SECRET-${s}`), { minKeys: 1 }),
        fc.boolean(),
        (values, asData) => {
          const secret = {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'ap1-keystone-admin', namespace: 'ap1' },
            ...(asData ? { data: values } : { stringData: values }),
          };
          const plan = createApprovalPlan({ cloud: 'resource:default/ap1', lifecycle: 'development', spec, objects: [secret] });
          const text = canonicalJson(plan);
          for (const v of Object.values(values)) expect(text).not.toContain(v);
          expect((plan as any).objects[0].keys).toEqual(Object.keys(values).sort());
        },
      ),
    );
  });

  it('enroll: the bundle keys are the files renderComputeBundle makes; no credential value', () => {
    const input = { host: 'cmp-1', managementIp: '10.0.0.5', overlayIp: '10.1.0.5', availabilityZone: 'az1', cloudKey: 'ap1' };
    const bundle = renderComputeBundle(
      input,
      {
        keystoneUrl: 'http://keystone',
        endpointInterface: 'internal',
        messageQueue: { hosts: ['mq:5672'], vhost: 'nova', user: 'nova', tls: false },
        users: { nova: 'nova', placement: 'placement', neutron: 'neutron' },
        serviceProject: 'service',
        serviceDomain: 'default',
        ovnRemote: 'tcp:10.0.0.10:6642',
        libvirt: { virtType: 'kvm', cpuMode: 'host-model' },
        metadata: { host: 'nova-metadata', port: 8775, protocol: 'http' },
      },
      { messageQueue: 'mq-pass-1', nova: 'nova-pass-1', placement: 'pl-pass-1', neutron: 'ne-pass-1', metadataProxy: 'md-pass-1' },
    );
    expect(Object.keys(bundle).sort()).toEqual([...COMPUTE_BUNDLE_KEYS].sort());
    const plan = enrollApprovalPlan('resource:default/ap1', input, computeCredentialSources('ap1'));
    expect(canonicalJson(plan)).not.toMatch(/pass-1/);
    expect(plan).toMatchObject({ operation: 'enroll', host: { host: 'cmp-1' }, credentialSources: expect.arrayContaining([{ secret: 'ap1-nova-rabbitmq', key: 'password' }]) });
  });

  it('upgrade: the steps in order with their value changes', () => {
    const planned = planUpgrade(snapshot('2025.1'), '2025.2');
    const plan = upgradeApprovalPlan('resource:default/ap1', planned) as Extract<ReturnType<typeof upgradeApprovalPlan>, { operation: 'upgrade' }>;
    expect(plan.steps.map(s => s.chart)).toEqual(planned.steps.map(s => s.chart));
    expect(plan).toMatchObject({ from: '2025.1', to: '2025.2', chartVersion: planned.chartVersion });
    expect(plan.steps.flatMap(s => s.changes).length).toBeGreaterThan(0);
  });
});
