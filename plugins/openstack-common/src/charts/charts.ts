import type { OpenStackComponent } from '../spec/components';
import type { ChartName } from './images';

/** What a chart is for: shared infrastructure, an OpenStack service, or OVN central. @public */
export type ChartRole = 'infrastructure' | 'openstack' | 'network';

/** One openstack-helm chart the suite deploys into the control-plane cluster. @public */
export interface ChartInfo {
  chart: ChartName;
  role: ChartRole;
  /** The component that brings the chart in; undefined for charts every cloud has. */
  component?: OpenStackComponent;
  /** Public API endpoints: `endpoints.<endpoint>` key and the host name under the public domain. */
  publicEndpoints: Array<{
    endpoint: string;
    host: string;
    service: string;
    port: number;
  }>;
  /** `labels.*` groups pinned to the control-plane node selector. */
  labelGroups: string[];
  /** `pod.replicas.*` keys scaled with the spec's API replicas. */
  apiReplicaKeys: string[];
}

/**
 * The charts in deployment and upgrade order. Each position has one reason:
 * - MariaDB, RabbitMQ, Memcached first: every OpenStack service stores its state in the database,
 *   talks over the message bus and caches tokens; a service rolled before them would start against
 *   the old infrastructure and roll again.
 * - keystone next: every service authenticates against it (keystonemiddleware validates each
 *   request's token), so it must serve the new release before any of its clients restarts.
 *   Source: OpenStack's upgrade guidance, e.g. the Keystone "Upgrading" admin guide.
 * - glance, then placement before nova: Nova's upgrade guide ("Upgrades", Placement section) says
 *   placement must be upgraded before nova's controllers, which call new placement microversions.
 * - nova: conductor before API, see the planner (two steps, one chart).
 * - ovn (OVN central: NB/SB databases and northd) before neutron: OVN's "OVN Upgrades" document
 *   (rolling upgrade: ovn-controller, then databases and ovn-northd, then "Upgrade OVN
 *   Integration", i.e. Neutron's OVN driver, last).
 * - neutron, then cinder: neither depends on the other's new release; neutron first keeps nova's
 *   port binding path short.
 * - horizon last: it only consumes the APIs above.
 *
 * @public
 */
export const CHARTS: readonly ChartInfo[] = [
  {
    chart: 'mariadb',
    role: 'infrastructure',
    publicEndpoints: [],
    labelGroups: [
      'server',
      'prometheus_mysql_exporter',
      'job',
      'test',
      'controller',
      'db_controller',
    ],
    apiReplicaKeys: [],
  },
  {
    chart: 'rabbitmq',
    role: 'infrastructure',
    publicEndpoints: [],
    labelGroups: ['server', 'test', 'jobs'],
    apiReplicaKeys: [],
  },
  {
    chart: 'memcached',
    role: 'infrastructure',
    publicEndpoints: [],
    labelGroups: ['server'],
    apiReplicaKeys: [],
  },
  {
    chart: 'keystone',
    role: 'openstack',
    component: 'keystone',
    publicEndpoints: [
      {
        endpoint: 'identity',
        host: 'keystone',
        service: 'keystone-api',
        port: 5000,
      },
    ],
    labelGroups: ['api', 'job', 'test'],
    apiReplicaKeys: ['api'],
  },
  {
    chart: 'glance',
    role: 'openstack',
    component: 'glance',
    publicEndpoints: [
      { endpoint: 'image', host: 'glance', service: 'glance-api', port: 9292 },
    ],
    labelGroups: ['api', 'job', 'test'],
    apiReplicaKeys: ['api'],
  },
  {
    chart: 'placement',
    role: 'openstack',
    component: 'placement',
    publicEndpoints: [
      {
        endpoint: 'placement',
        host: 'placement',
        service: 'placement-api',
        port: 8778,
      },
    ],
    labelGroups: ['api', 'job'],
    apiReplicaKeys: ['api'],
  },
  {
    chart: 'nova',
    role: 'openstack',
    component: 'nova',
    publicEndpoints: [
      { endpoint: 'compute', host: 'nova', service: 'nova-api', port: 8774 },
      {
        endpoint: 'compute_novnc_proxy',
        host: 'novncproxy',
        service: 'nova-novncproxy',
        port: 6080,
      },
    ],
    labelGroups: [
      'api_metadata',
      'conductor',
      'job',
      'novncproxy',
      'osapi',
      'scheduler',
      'spiceproxy',
      'test',
    ],
    apiReplicaKeys: [
      'api_metadata',
      'osapi',
      'conductor',
      'scheduler',
      'novncproxy',
    ],
  },
  {
    chart: 'ovn',
    role: 'network',
    component: 'neutron',
    publicEndpoints: [],
    labelGroups: ['ovn_ovsdb_nb', 'ovn_ovsdb_sb', 'ovn_northd'],
    apiReplicaKeys: [],
  },
  {
    chart: 'neutron',
    role: 'openstack',
    component: 'neutron',
    publicEndpoints: [
      {
        endpoint: 'network',
        host: 'neutron',
        service: 'neutron-server',
        port: 9696,
      },
    ],
    labelGroups: ['server', 'rpc_server', 'job', 'test'],
    apiReplicaKeys: ['server', 'rpc_server'],
  },
  {
    chart: 'cinder',
    role: 'openstack',
    component: 'cinder',
    publicEndpoints: [
      {
        endpoint: 'volumev3',
        host: 'cinder',
        service: 'cinder-api',
        port: 8776,
      },
    ],
    labelGroups: ['api', 'backup', 'job', 'scheduler', 'test', 'volume'],
    apiReplicaKeys: ['api', 'scheduler'],
  },
  {
    chart: 'horizon',
    role: 'openstack',
    component: 'horizon',
    publicEndpoints: [
      {
        endpoint: 'dashboard',
        host: 'horizon',
        service: 'horizon-int',
        port: 80,
      },
    ],
    labelGroups: ['dashboard', 'job', 'test'],
    apiReplicaKeys: ['server'],
  },
];

/** The chart names in deployment and upgrade order. @public */
export const CHART_ORDER: readonly ChartName[] = CHARTS.map(c => c.chart);

/** The catalog entry of a chart. @public */
export function chartInfo(chart: ChartName): ChartInfo {
  const info = CHARTS.find(c => c.chart === chart);
  if (!info) throw new Error(`${chart} is not a chart the suite deploys`);
  return info;
}

/** The charts a cloud with these components runs, in order (infrastructure always). @public */
export function chartsFor(components: readonly string[]): ChartName[] {
  return CHARTS.filter(
    c => !c.component || components.includes(c.component),
  ).map(c => c.chart);
}
