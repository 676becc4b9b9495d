import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import { CHART_ORDER } from '../charts/charts';
import { ChartName, releaseImageTags } from '../charts/images';
import { isDeployableRelease, OPENSTACK_RELEASES } from '../releases/catalog';
import {
  checkComputeLag,
  isValidHop,
  upgradePath,
} from '../releases/upgradePath';
import { planUpgrade } from './planner';
import { runPreflight } from './preflight';
import type { CloudSnapshot, WorkloadHealth } from './snapshot';

const ALL: ChartName[] = [...CHART_ORDER];

function snapshot(
  release: string,
  over: Partial<CloudSnapshot> = {},
  charts: ChartName[] = ALL,
): CloudSnapshot {
  return {
    release,
    charts: Object.fromEntries(
      charts.map(c => [
        c,
        {
          version: '2026.1.0',
          release,
          imageTags: releaseImageTags(c, release),
        },
      ]),
    ),
    workloads: charts.map(c => ({
      chart: c,
      kind: 'Deployment',
      name: `${c}-api`,
      ready: 2,
      desired: 2,
      restarts: 0,
    })),
    computeHosts: [
      { host: 'cmp-2', release },
      { host: 'cmp-1', release },
    ],
    galera: { clusterSize: 3, replicas: 3 },
    rabbitmq: { runningNodes: 3, replicas: 3 },
    ...over,
  };
}

describe('planUpgrade', () => {
  it('plans one hop in the service order, nova conductor before nova API', () => {
    const plan = planUpgrade(snapshot('2025.2'), '2026.2');
    expect(plan).toMatchObject({
      from: '2025.2',
      to: '2026.1',
      target: '2026.2',
      remainingHops: ['2026.2'],
      blocked: false,
    });
    expect(planUpgrade(snapshot('2025.1'), '2026.1')).toMatchObject({
      to: '2026.1',
      remainingHops: [],
    }); // SLURP → SLURP
    expect(
      plan.steps.map(s => (s.phase ? `${s.chart}:${s.phase}` : s.chart)),
    ).toEqual([
      'mariadb',
      'rabbitmq',
      'keystone',
      'glance',
      'placement',
      'nova:conductor',
      'nova:api',
      'neutron',
      'cinder',
      'horizon',
    ]);
  });

  it('names each value that changes, including keys that fall back to the chart default', () => {
    const plan = planUpgrade(snapshot('2025.1'), '2025.2');
    const keystone = plan.steps.find(s => s.chart === 'keystone')!;
    expect(keystone.changes).toContainEqual({
      path: 'images.tags.keystone_api',
      from: 'quay.io/airshipit/keystone:2025.1-ubuntu_noble',
      to: 'quay.io/airshipit/keystone:2025.2-ubuntu_noble',
    });
    expect(keystone.changes).toContainEqual({
      path: 'images.tags.rabbit_init',
      from: 'docker.io/rabbitmq:3.13-management',
      to: null,
    });
    const novaApi = plan.steps.find(s => s.phase === 'api')!;
    expect(novaApi.changes.map(c => c.path)).toEqual(
      expect.arrayContaining([
        'images.tags.nova_api',
        'images.tags.nova_novncproxy',
      ]),
    );
    const conductor = plan.steps.find(s => s.phase === 'conductor')!;
    expect(conductor.changes.map(c => c.path)).toContain(
      'images.tags.nova_conductor',
    );
    expect(conductor.changes.map(c => c.path)).not.toContain(
      'images.tags.nova_api',
    );
    expect(conductor.before.map(c => c.id)).toContain('placement-upgraded');
  });

  it('asks for RabbitMQ feature flags before its major version moves (3.13 in the 2025.1 overrides, 4.x after)', () => {
    const rabbit = planUpgrade(snapshot('2025.1'), '2025.2').steps.find(
      s => s.chart === 'rabbitmq',
    )!;
    expect(rabbit.changes).toContainEqual({
      path: 'images.tags.rabbitmq',
      from: 'docker.io/rabbitmq:3.13',
      to: null,
    });
    expect(rabbit.before.map(c => c.id)).toContain('rabbitmq-feature-flags');
  });

  it('moves infrastructure charts only when their chart version or values change', () => {
    const steps = planUpgrade(snapshot('2025.2'), '2026.1').steps.map(
      s => s.chart,
    );
    expect(steps).not.toContain('memcached');
    expect(steps).not.toContain('ovn');
    const withNewCharts = snapshot('2025.2');
    withNewCharts.charts.memcached!.version = '2025.2.0';
    expect(
      planUpgrade(withNewCharts, '2026.1').steps.find(
        x => x.chart === 'memcached',
      ),
    ).toEqual({
      chart: 'memcached',
      changes: [{ path: 'chart.version', from: '2025.2.0', to: '2026.1.0' }],
      before: [
        {
          id: 'previous-step-done',
          description: 'the rabbitmq step finished and its checks passed',
        },
      ],
      after: [
        {
          id: 'rollout-complete',
          description: 'every memcached workload is ready with the new images',
        },
      ],
    });
  });

  it('upgrades ovn-controllers on the hosts before OVN central, and OVN central before neutron', () => {
    const s = snapshot('2025.2');
    s.charts.ovn!.version = '2025.2.0';
    const plan = planUpgrade(s, '2026.1');
    expect(plan.ovnControllersFirst).toEqual(['cmp-1', 'cmp-2']);
    const order = plan.steps.map(x => x.chart);
    expect(order.indexOf('ovn')).toBeLessThan(order.indexOf('neutron'));
    expect(
      plan.steps.find(x => x.chart === 'ovn')!.before.map(c => c.id),
    ).toContain('ovn-controllers-upgraded');
    expect(
      plan.steps.find(x => x.chart === 'neutron')!.before.map(c => c.id),
    ).toContain('ovn-central-upgraded');
  });

  it('omits the steps of components the cloud does not have', () => {
    const plan = planUpgrade(
      snapshot('2025.1', {}, [
        'mariadb',
        'rabbitmq',
        'memcached',
        'keystone',
        'horizon',
      ]),
      '2025.2',
    );
    expect(plan.steps.map(s => s.chart)).toEqual([
      'mariadb',
      'rabbitmq',
      'keystone',
      'horizon',
    ]);
  });

  it('lists the compute hosts as a follow-up outside the cluster', () => {
    const plan = planUpgrade(snapshot('2025.1'), '2025.2');
    expect(plan.computeFollowUp.map(h => [h.host, h.from, h.to])).toEqual([
      ['cmp-1', '2025.1', '2025.2'],
      ['cmp-2', '2025.1', '2025.2'],
    ]);
  });

  it.each([
    ['2025.1', '2025.1', /already on 2025\.1/],
    ['2025.2', '2025.1', /downgrades/],
    [
      '2024.1',
      '2024.2',
      /needs charts that ship 2024\.2 overrides; openstack-helm 2026\.1\.0 deploys 2025\.1, 2025\.2, 2026\.1/,
    ],
    ['2025.1', 'Flamingo', /not an OpenStack release/],
  ])('refuses %s → %s and says why', (from, to, why) => {
    expect(() => planUpgrade(snapshot(from), to)).toThrow(InputError);
    expect(() => planUpgrade(snapshot(from), to)).toThrow(why);
  });

  it('refuses a chart version it does not know', () => {
    expect(() =>
      planUpgrade(snapshot('2025.1'), {
        release: '2025.2',
        chartVersion: '9.9.9',
      }),
    ).toThrow(/9\.9\.9 is not one the suite knows/);
  });
});

describe('preflight', () => {
  const sick: WorkloadHealth = {
    chart: 'nova',
    kind: 'Deployment',
    name: 'nova-conductor',
    ready: 1,
    desired: 2,
    restarts: 7,
  };
  it.each([
    [
      'workloads-ready',
      { workloads: [sick] },
      /nova-conductor \(nova\): 1\/2 ready/,
    ],
    [
      'no-restart-loops',
      { workloads: [sick] },
      /nova-conductor \(nova\): 7 restarts/,
    ],
    [
      'galera-cluster-size',
      { galera: { clusterSize: 2, replicas: 3 } },
      /wsrep_cluster_size is 2 but MariaDB has 3 replicas/,
    ],
    ['galera-cluster-size', { galera: undefined }, /unknown/],
    [
      'rabbitmq-nodes-running',
      { rabbitmq: { runningNodes: 2, replicas: 3 } },
      /2 of 3 RabbitMQ nodes running/,
    ],
    [
      'compute-lag',
      { computeHosts: [{ host: 'cmp-9', release: '2024.1' }] },
      /cmp-9 \(2024\.1\)\. Upgrade them to 2025\.1 first/,
    ],
    [
      'compute-lag',
      { computeHosts: [{ host: 'cmp-1', release: '2025.1' }, { host: 'cmp-joined-by-hand' }] },
      /The release of nova-compute on cmp-joined-by-hand is unknown/,
    ],
    [
      'spare-replicas',
      { workloads: [{ ...sick, ready: 1, desired: 1, restarts: 0 }] },
      /has 1 replica/,
    ],
  ] as const)('%s fails with its reason', (id, over, reason) => {
    const results = runPreflight(
      snapshot('2025.1', over as Partial<CloudSnapshot>),
      { from: '2025.1', to: '2025.2' },
    );
    const r = results.find(x => x.id === id)!;
    expect(r.ok).toBe(false);
    expect(r.reasons.join('\n')).toMatch(reason);
  });

  it('passes every check on a healthy cloud, and a warning does not block', () => {
    const s = snapshot('2025.1', {
      workloads: [
        {
          chart: 'horizon',
          kind: 'Deployment',
          name: 'horizon',
          ready: 1,
          desired: 1,
          restarts: 0,
        },
      ],
    });
    const plan = planUpgrade(s, '2025.2');
    expect(plan.preflight.filter(p => !p.ok).map(p => p.id)).toEqual([
      'spare-replicas',
    ]);
    expect(plan.blocked).toBe(false);
  });

  it('blocks the plan on a compute host too far behind', () => {
    const plan = planUpgrade(
      snapshot('2025.1', {
        computeHosts: [{ host: 'old', release: '2024.1' }],
      }),
      '2025.2',
    );
    expect(plan.blocked).toBe(true);
  });
});

describe('planUpgrade properties', () => {
  const versions = OPENSTACK_RELEASES.map(r => r.version);
  const componentsArb = fc.subarray([
    'glance',
    'placement',
    'nova',
    'ovn',
    'neutron',
    'cinder',
    'horizon',
  ] as ChartName[]);
  const snapshotArb = fc
    .record({
      from: fc.constantFrom(...versions),
      target: fc.constantFrom(...versions),
      extra: componentsArb,
      hosts: fc.array(fc.constantFrom(...versions), { maxLength: 6 }),
      oldCharts: fc.subarray(ALL),
      workloads: fc.array(
        fc.record({
          chart: fc.constantFrom(...ALL),
          kind: fc.constantFrom<'Deployment' | 'StatefulSet' | 'DaemonSet'>(
            'Deployment',
            'StatefulSet',
            'DaemonSet',
          ),
          name: fc.constantFrom('a', 'b', 'c'),
          ready: fc.integer({ min: 0, max: 3 }),
          desired: fc.integer({ min: 0, max: 3 }),
          restarts: fc.integer({ min: 0, max: 9 }),
        }),
        { maxLength: 6 },
      ),
    })
    .map(r => {
      const charts: ChartName[] = [
        'mariadb',
        'rabbitmq',
        'memcached',
        'keystone',
        ...r.extra,
      ];
      const s = snapshot(
        r.from,
        {
          workloads: r.workloads,
          computeHosts: r.hosts.map((release, i) => ({
            host: `h${i}`,
            release,
          })),
        },
        charts,
      );
      for (const c of r.oldCharts)
        if (s.charts[c]) s.charts[c]!.version = '2025.2.0';
      return { s, target: r.target };
    });

  it('never violates the hop rule, the compute lag rule or the service order', () => {
    fc.assert(
      fc.property(snapshotArb, ({ s, target }) => {
        let plan;
        try {
          plan = planUpgrade(s, target);
        } catch (e) {
          // refused requests are InputErrors: same release, downgrade, or a hop the charts cannot deploy
          return e instanceof InputError;
        }
        const hopOk = isValidHop(plan.from, plan.to) && plan.from === s.release;
        const lagOk = checkComputeLag(plan, s.computeHosts).ok || plan.blocked;
        const idx = plan.steps.map(st => CHART_ORDER.indexOf(st.chart));
        const ordered = idx.every((v, i) => i === 0 || v >= idx[i - 1]);
        const novaPhases = plan.steps
          .filter(st => st.chart === 'nova')
          .map(st => st.phase);
        const novaOk =
          novaPhases.length === 0 || novaPhases.join() === 'conductor,api';
        const onlyPresent = plan.steps.every(st => s.charts[st.chart]);
        const infraFirst = plan.steps.findIndex(
          st => !['mariadb', 'rabbitmq', 'memcached'].includes(st.chart),
        );
        const infraOk =
          infraFirst < 0 ||
          plan.steps
            .slice(infraFirst)
            .every(
              st => !['mariadb', 'rabbitmq', 'memcached'].includes(st.chart),
            );
        return hopOk && lagOk && ordered && novaOk && onlyPresent && infraOk;
      }),
      { numRuns: 300 },
    );
  });

  it('refuses exactly the requests upgradePath or the pinned charts refuse', () => {
    fc.assert(
      fc.property(snapshotArb, ({ s, target }) => {
        let firstHop: string | undefined;
        try {
          firstHop = upgradePath(s.release, target)[0];
        } catch {
          firstHop = undefined;
        }
        const expectRefused =
          firstHop === undefined || !isDeployableRelease(firstHop);
        let refused = false;
        try {
          planUpgrade(s, target);
        } catch (e) {
          refused = e instanceof InputError;
        }
        return refused === expectRefused;
      }),
      { numRuns: 300 },
    );
  });
});
