import { InputError } from '@backstage/errors';
import { CHART_ORDER, chartInfo } from '../charts/charts';
import { ChartName, releaseImageTags } from '../charts/images';
import {
  CHART_VERSION_RELEASES,
  isDeployableBy,
  OPENSTACK_HELM_CHART_VERSION,
} from '../releases/catalog';
import { upgradePath } from '../releases/upgradePath';
import { PreflightResult, runPreflight } from './preflight';
import type { CloudSnapshot } from './snapshot';

/** One value a step changes; `to: null` means the key is removed and the chart default applies. @public */
export interface ValueChange {
  /** `chart.version` or a Helm values path such as `images.tags.nova_api`. */
  path: string;
  from: string | null;
  to: string | null;
}

/** A check an executor runs before or after a step (described here, evaluated live). @public */
export interface StepCheck {
  id: string;
  description: string;
}

/** One step of a hop: one Helm upgrade of one chart. @public */
export interface UpgradeStep {
  chart: ChartName;
  /** Distinguishes the two nova steps: `conductor` (db sync, conductor, scheduler) then `api`. */
  phase?: 'conductor' | 'api';
  changes: ValueChange[];
  before: StepCheck[];
  after: StepCheck[];
}

/** Work on one bare-metal compute host, outside the cluster, after the control plane. @public */
export interface ComputeFollowUp {
  host: string;
  from: string;
  to: string;
  actions: string[];
}

/** The plan of ONE hop. @public */
export interface UpgradePlan {
  from: string;
  to: string;
  /** The release asked for; further hops remain when it is beyond `to`. */
  target: string;
  remainingHops: string[];
  chartVersion: string;
  preflight: PreflightResult[];
  /** True when a blocking preflight check failed: nothing may change. */
  blocked: boolean;
  steps: UpgradeStep[];
  /** Hosts whose ovn-controller must be upgraded before the `ovn` step (empty when OVN does not change). */
  ovnControllersFirst: string[];
  computeFollowUp: ComputeFollowUp[];
}

/** Nova's API-facing images; everything else of the chart moves in the conductor step. */
const NOVA_API_KEYS = new Set([
  'nova_api',
  'nova_novncproxy',
  'nova_novncproxy_assets',
  'nova_spiceproxy',
  'nova_spiceproxy_assets',
]);

function imageChanges(
  current: Record<string, string>,
  target: Record<string, string>,
): ValueChange[] {
  const keys = [
    ...new Set([...Object.keys(current), ...Object.keys(target)]),
  ].sort();
  return keys
    .filter(k => current[k] !== target[k])
    .map(k => ({
      path: `images.tags.${k}`,
      from: current[k] ?? null,
      to: target[k] ?? null,
    }));
}

const check = (id: string, description: string): StepCheck => ({
  id,
  description,
});

/** The checks a chart's step always has besides the generic ones, before and after it. */
const CHART_CHECKS: Partial<Record<ChartName, { before?: StepCheck[]; after?: StepCheck[] }>> = {
  mariadb: {
    before: [check('galera-synced', 'every Galera node reports wsrep_local_state_comment = Synced')],
  },
  keystone: {
    after: [check('token-issue', 'a token can be issued at the public identity endpoint')],
  },
  ovn: {
    before: [
      check('ovn-controllers-upgraded', 'every host in ovnControllersFirst runs the new ovn-controller'),
    ],
  },
};

function rabbitMajor(tag: string | null | undefined): number | undefined {
  const m = tag ? /rabbitmq:(\d+)\./.exec(tag) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Plans ONE hop of an upgrade from a snapshot towards `target` (a release, optionally with the
 * openstack-helm chart version to move to; default the pinned one).
 *
 * Order (each rule's source is on `CHARTS`): infrastructure charts first when their chart
 * version or values change, then keystone → glance → placement → nova → ovn → neutron → cinder →
 * horizon; steps for components the cloud does not have are omitted.
 *
 * Nova moves in two steps of its one chart: Nova's upgrade guide ("Upgrades": rolling upgrade
 * process) upgrades nova-conductor (with the database migrations) before the services that talk
 * to it over RPC, and the API last. With openstack-helm the image tags are per component, so the
 * conductor step sets the new conductor/scheduler/job images and keeps the API images, and the
 * api step moves the API and console proxies.
 *
 * OVN: OVN's "OVN Upgrades" document prescribes, for a rolling upgrade, ovn-controller first,
 * then the OVN databases and ovn-northd, then the integration (Neutron): an upgraded
 * ovn-controller understands the old and the new southbound schema, an old one may not understand
 * logical flows a new northd writes. The planner follows it: when the ovn chart changes, every
 * host's ovn-controller is listed in `ovnControllersFirst` and the `ovn` step waits for them; the
 * `ovn` step comes before `neutron`. The alternative (central first, with
 * `ovn-match-northd-version` pinning the controllers) freezes flow updates on every host not yet
 * upgraded, i.e. no new ports there until its turn, which is worse for a long host rollout.
 * openstack-helm's OVN images are not tied to an OpenStack release, so most hops leave OVN alone.
 *
 * Compute hosts (nova-compute and the OVN metadata agent) follow, outside the cluster, in
 * `computeFollowUp`. Throws `InputError` for an invalid hop or a release the charts cannot deploy.
 *
 * @public
 */
export function planUpgrade(
  snapshot: CloudSnapshot,
  target: string | { release: string; chartVersion?: string },
): UpgradePlan {
  const t = typeof target === 'string' ? { release: target } : target;
  const chartVersion = t.chartVersion ?? OPENSTACK_HELM_CHART_VERSION;
  if (!CHART_VERSION_RELEASES[chartVersion]) {
    throw new InputError(
      `openstack-helm chart version ${chartVersion} is not one the suite knows; use ${Object.keys(
        CHART_VERSION_RELEASES,
      ).join(', ')}`,
    );
  }
  const path = upgradePath(snapshot.release, t.release);
  const hop = { from: snapshot.release, to: path[0] };
  if (!isDeployableBy(hop.to, chartVersion)) {
    throw new InputError(
      `The hop ${hop.from} → ${hop.to} needs charts that ship ${
        hop.to
      } overrides; openstack-helm ${chartVersion} deploys ${CHART_VERSION_RELEASES[
        chartVersion
      ].join(', ')}`,
    );
  }

  const steps: UpgradeStep[] = [];
  const present = CHART_ORDER.filter(c => snapshot.charts[c]);
  const hosts = [...snapshot.computeHosts].sort((a, b) =>
    a.host.localeCompare(b.host),
  );
  let ovnChanges = false;
  for (const chart of present) {
    const cur = snapshot.charts[chart]!;
    const versionChange: ValueChange[] =
      cur.version !== chartVersion
        ? [{ path: 'chart.version', from: cur.version, to: chartVersion }]
        : [];
    const images = imageChanges(cur.imageTags, releaseImageTags(chart, hop.to));
    const changes = [...versionChange, ...images];
    if (!changes.length) continue;
    const info = chartInfo(chart);
    const before: StepCheck[] = [];
    const after: StepCheck[] = [
      check(
        'rollout-complete',
        `every ${chart} workload is ready with the new images`,
      ),
    ];
    if (steps.length)
      before.push(
        check(
          'previous-step-done',
          `the ${
            steps[steps.length - 1].chart
          } step finished and its checks passed`,
        ),
      );
    if (info.role === 'openstack')
      after.push(
        check('db-sync-succeeded', `the ${chart}-db-sync Job completed`),
      );
    before.push(...(CHART_CHECKS[chart]?.before ?? []));
    after.push(...(CHART_CHECKS[chart]?.after ?? []));
    if (chart === 'rabbitmq') {
      const rabbit = images.find(c => c.path === 'images.tags.rabbitmq');
      const fromMajor = rabbitMajor(rabbit?.from);
      if (
        rabbit &&
        fromMajor !== undefined &&
        (rabbitMajor(rabbit.to) ?? 4) > fromMajor
      ) {
        before.push(
          check(
            'rabbitmq-feature-flags',
            `all stable feature flags are enabled (rabbitmqctl enable_feature_flag all) before RabbitMQ moves to a new major version`,
          ),
        );
      }
    }
    if (chart === 'ovn') ovnChanges = true;
    if (chart === 'neutron' && ovnChanges)
      before.push(
        check(
          'ovn-central-upgraded',
          'OVN NB/SB databases and northd run the new version',
        ),
      );
    if (chart === 'nova') {
      const api = images.filter(c =>
        NOVA_API_KEYS.has(c.path.slice('images.tags.'.length)),
      );
      const rest = images.filter(c => !api.includes(c));
      steps.push({
        chart,
        phase: 'conductor',
        changes: [...versionChange, ...rest],
        before: [
          ...before,
          ...(present.includes('placement')
            ? [check('placement-upgraded', `placement serves ${hop.to}`)]
            : []),
        ],
        after: [
          ...after,
          check(
            'conductor-upgraded',
            `nova-conductor and nova-scheduler run ${hop.to}`,
          ),
        ],
      });
      if (api.length) {
        steps.push({
          chart,
          phase: 'api',
          changes: api,
          before: [
            check(
              'previous-step-done',
              'the nova conductor step finished and its checks passed',
            ),
          ],
          after: [
            check(
              'rollout-complete',
              'nova-api and the console proxies are ready with the new images',
            ),
            check('nova-status', 'nova-status upgrade check passes'),
          ],
        });
      }
      continue;
    }
    steps.push({ chart, changes, before, after });
  }

  const preflight = runPreflight(snapshot, hop);
  return {
    from: hop.from,
    to: hop.to,
    target: t.release,
    remainingHops: path.slice(1),
    chartVersion,
    preflight,
    blocked: preflight.some(p => !p.ok && p.severity === 'blocking'),
    steps,
    ovnControllersFirst: ovnChanges ? hosts.map(h => h.host) : [],
    computeFollowUp: hosts
      .filter(h => h.release !== hop.to)
      .map(h => ({
        host: h.host,
        from: h.release ?? 'unknown',
        to: hop.to,
        actions: [
          `drain or accept brief disruption, then upgrade nova-compute to ${hop.to} and restart it`,
          `upgrade neutron-ovn-metadata-agent to ${hop.to} and restart it`,
          'check the host is up in openstack compute service list and its agents are alive',
        ],
      })),
  };
}
