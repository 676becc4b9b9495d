import type { ChartName } from './images';

/**
 * One long-running workload an openstack-helm chart creates: its kind, name, the `component`
 * label, and the `images.tags` key its main container runs.
 *
 * @public
 */
export interface ChartWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  component: string;
  imageKey: string;
}

/** A constructor of the workloads of one kind, positional for the table below. */
const workloadOf =
  (kind: ChartWorkload['kind']) =>
  (name: string, component: string, imageKey: string): ChartWorkload => ({
    kind,
    name,
    component,
    imageKey,
  });
const d = workloadOf('Deployment');
const s = workloadOf('StatefulSet');
/**
 * Deployments named by openstack-helm's convention: `<chart>-<component>`, image key
 * `<chart>_<component>` (with `_` for `-`).
 */
const deployments = (chart: string, ...components: string[]): ChartWorkload[] =>
  components.map(c => d(`${chart}-${c}`, c, `${chart}_${c.replace(/-/g, '_')}`));

/**
 * The control-plane workloads of each chart, as the openstack-helm charts name and label them
 * (`application: <chart>`, `component: <component>`; images from each chart's
 * `templates/deployment-*.yaml` / `statefulset-*.yaml`). Optional workloads that the suite does not
 * enable (cinder-backup, spice proxy, neutron agents in the cluster) are left out. Used to judge
 * whether a step of an upgrade rolled out with the new images, and by the test controller that
 * plays Flux's helm-controller in the integration tests.
 *
 * @public
 */
export const CHART_WORKLOADS: Readonly<Partial<Record<ChartName, readonly ChartWorkload[]>>> = {
  mariadb: [s('mariadb-server', 'server', 'mariadb')],
  rabbitmq: [s('rabbitmq-rabbitmq', 'server', 'rabbitmq')],
  memcached: [s('memcached-memcached', 'server', 'memcached')],
  keystone: deployments('keystone', 'api'),
  glance: deployments('glance', 'api'),
  placement: [d('placement-api', 'api', 'placement')],
  nova: [
    ...deployments('nova', 'conductor', 'scheduler'),
    d('nova-api-osapi', 'os-api', 'nova_api'),
    d('nova-api-metadata', 'metadata', 'nova_api'),
    d('nova-novncproxy', 'novnc-proxy', 'nova_novncproxy'),
  ],
  ovn: [
    s('ovn-ovsdb-nb', 'ovn-ovsdb-nb', 'ovn_ovsdb_nb'),
    s('ovn-ovsdb-sb', 'ovn-ovsdb-sb', 'ovn_ovsdb_sb'),
    d('ovn-northd', 'ovn-northd', 'ovn_northd'),
  ],
  neutron: deployments('neutron', 'server', 'rpc-server'),
  cinder: deployments('cinder', 'api', 'scheduler', 'volume'),
  horizon: [d('horizon', 'server', 'horizon')],
};

/** The workloads of a chart (empty for charts without long-running workloads here). @public */
export function chartWorkloads(chart: ChartName): readonly ChartWorkload[] {
  return CHART_WORKLOADS[chart] ?? [];
}
