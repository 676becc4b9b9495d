import {
  AgentRecord,
  ApiHealth,
  CloudStatus,
  ComputeHostStatus,
  ControlPlaneServiceName,
  ServiceRecord,
  ServiceWorkload,
  API_SERVICE_TYPES,
  CONTROL_PLANE_SERVICES,
  assembleCloudView,
  chartWorkloads,
  mergeComputeHosts,
} from '@backstage-openstack/plugin-openstack-common';
import { DemoCloudState } from './model';
import { prng } from './seed';

/**
 * The demo runs the workloads the real charts make (openstack-common's CHART_WORKLOADS), with
 * these replica counts: 3 unless listed here.
 */
const DEMO_REPLICAS: Readonly<Record<string, number>> = {
  'nova-novncproxy': 2,
  'cinder-scheduler': 2,
  'cinder-volume': 2,
  horizon: 2,
  'memcached-memcached': 1,
};

const INFRA: ControlPlaneServiceName[] = ['mariadb', 'rabbitmq', 'memcached'];
/** The order a new cloud comes up in, as its HelmReleases' dependsOn order it. */
const BRING_UP: ControlPlaneServiceName[] = ['mariadb', 'rabbitmq', 'memcached', 'keystone', 'glance', 'placement', 'ovn', 'neutron', 'nova', 'cinder', 'horizon'];
const OPENSTACK_SERVICES = new Set(['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon', 'ovn']);

const seconds = (from: string, now: Date) => (now.getTime() - new Date(from).getTime()) / 1000;

/** Release of a service at `now`, given an upgrade under way. */
function serviceRelease(state: DemoCloudState, name: string, now: Date): { release: string; rolling: boolean } {
  const up = state.upgrade;
  if (!up) return { release: state.release, rolling: false };
  const i = up.order.indexOf(name);
  // a chart the hop does not change runs the new release's overrides once the hop is done
  if (i < 0) return { release: upgradeFinished(state, now) ? up.to : up.from, rolling: false };
  const t = seconds(up.startedAt, now);
  const start = i * up.stepSeconds;
  if (t < start) return { release: up.from, rolling: false };
  if (t < start + up.stepSeconds) return { release: up.to, rolling: true };
  return { release: up.to, rolling: false };
}

/** True when the cloud's upgrade has rolled every service. */
export function upgradeFinished(state: DemoCloudState, now: Date): boolean {
  const up = state.upgrade;
  return !!up && seconds(up.startedAt, now) >= up.order.length * up.stepSeconds;
}

function present(state: DemoCloudState): ControlPlaneServiceName[] {
  return CONTROL_PLANE_SERVICES.filter(
    s => INFRA.includes(s) || s === 'ovn' ? state.components.includes('neutron') || INFRA.includes(s) : state.components.includes(s),
  );
}

function readyFraction(state: DemoCloudState, name: ControlPlaneServiceName, now: Date): number {
  if (state.rolloutSeconds <= 0) return 1;
  const order = BRING_UP.filter(s => present(state).includes(s));
  const slot = state.rolloutSeconds / order.length;
  const t = seconds(state.createdAt, now) - order.indexOf(name) * slot;
  return Math.max(0, Math.min(1, t / slot));
}

function hostState(h: DemoCloudState['hosts'][number], now: Date) {
  const age = h.enrolledAt ? seconds(h.enrolledAt, now) : Infinity;
  return {
    up: !h.down && age >= 5,
    ovnAlive: !h.down && age >= 10,
    mapped: age >= 8,
  };
}

/** The status and hosts of a simulated cloud at `now`. */
export function simulate(state: DemoCloudState, now: Date): { status: CloudStatus; hosts: ComputeHostStatus[] } {
  const rnd = prng(state.name.length * 7919 + Math.floor(now.getTime() / 30000));
  const heartbeat = (ago: number) => new Date(now.getTime() - ago * 1000).toISOString();
  const nodes = state.controlPlaneNodes;

  const computeServices: ServiceRecord[] = state.hosts.map(h => {
    const s = hostState(h, now);
    return {
      id: `svc-${h.host}`,
      binary: 'nova-compute',
      host: h.host,
      zone: h.zone,
      status: h.disabledReason ? 'disabled' : 'enabled',
      state: s.up ? 'up' : 'down',
      updatedAt: heartbeat(s.up ? Math.floor(rnd() * 10) : 3600 + 17 * 60),
      disabledReason: h.disabledReason,
    };
  });
  const agents: AgentRecord[] = state.hosts.flatMap(h => {
    const s = hostState(h, now);
    return [
      { id: `ovn-${h.host}`, agentType: 'OVN Controller agent', binary: 'ovn-controller', host: h.host, zone: h.zone, alive: s.ovnAlive, adminStateUp: true, heartbeatAt: heartbeat(s.ovnAlive ? 5 : 3700) },
      { id: `meta-${h.host}`, agentType: 'OVN Metadata agent', binary: 'neutron-ovn-metadata-agent', host: h.host, zone: h.zone, alive: s.ovnAlive, adminStateUp: true, heartbeatAt: heartbeat(s.ovnAlive ? 7 : 3700) },
    ];
  });

  // `openstack compute service list` / `volume service list` of the control plane, with the
  // nova-compute rows of the hosts under nova.
  const controlServices = (name: ControlPlaneServiceName, up: boolean): ServiceRecord[] | undefined => {
    const state_ = up ? ('up' as const) : ('down' as const);
    if (name === 'nova') {
      return [
        ...nodes.flatMap(n => [
          { binary: 'nova-conductor', host: `nova-conductor-${n}`, zone: 'internal', status: 'enabled' as const, state: state_, updatedAt: heartbeat(3) },
          { binary: 'nova-scheduler', host: `nova-scheduler-${n}`, zone: 'internal', status: 'enabled' as const, state: state_, updatedAt: heartbeat(4) },
        ]),
        ...computeServices,
      ];
    }
    if (name === 'cinder') {
      return [
        ...nodes.slice(0, 2).map(n => ({ binary: 'cinder-scheduler', host: `cinder-scheduler-${n}`, zone: 'nova', status: 'enabled' as const, state: state_, updatedAt: heartbeat(6) })),
        ...nodes.slice(0, 2).map(n => ({ binary: 'cinder-volume', host: `cinder-volume-${n}@rbd1`, zone: 'nova', status: 'enabled' as const, state: state_, updatedAt: heartbeat(6) })),
      ];
    }
    return undefined;
  };

  const bringingUp = (name: ControlPlaneServiceName) => readyFraction(state, name, now) < 1;
  const listed = present(state);
  const workloads: ServiceWorkload[] = listed.flatMap(name => {
    const { release, rolling } = serviceRelease(state, name, now);
    const frac = readyFraction(state, name, now);
    const isOpenStack = OPENSTACK_SERVICES.has(name);
    return chartWorkloads(name).map(({ kind, name: wname, component }) => {
      const replicas = DEMO_REPLICAS[wname] ?? 3;
      // Infrastructure images are not tied to an OpenStack release.
      const tag = isOpenStack ? `${release}-ubuntu_noble` : 'latest-ubuntu_noble';
      let ready = Math.floor(replicas * frac);
      if (rolling) ready = Math.max(0, replicas - 1);
      return {
        service: name,
        kind,
        name: wname,
        component,
        ready,
        desired: replicas,
        restarts: name === 'rabbitmq' ? 2 : Math.floor(rnd() * 2),
        imageTag: `quay.io/airshipit/${name}:${tag}`,
        // infrastructure charts run their release's overrides too (openstack-helm pins their job images per release)
        release,
        lastChange: state.upgrade && state.upgrade.order.includes(name) && release === state.upgrade.to
          ? new Date(new Date(state.upgrade.startedAt).getTime() + state.upgrade.order.indexOf(name) * state.upgrade.stepSeconds * 1000).toISOString()
          : state.createdAt,
      };
    });
  });
  const apis: ApiHealth[] = listed.flatMap(name => {
    const type = API_SERVICE_TYPES[name];
    if (!type) return [];
    const up = !bringingUp(name);
    return [{ serviceType: type, url: `https://${type}.${state.name}.example.org`, ok: up, latencyMs: up ? Math.round(8 + rnd() * 30) : undefined, error: up ? undefined : 'connection refused' }];
  });
  const has = (name: ControlPlaneServiceName) => listed.includes(name);

  const mappedHosts = state.hosts.filter(h => hostState(h, now).mapped);
  const merged = mergeComputeHosts({
    hypervisors: mappedHosts.map(h => ({ hypervisorHostname: `${h.host}.${state.name}.example.org`, serviceHost: h.host })),
    computeServices,
    providers: mappedHosts.map(h => ({
      name: `${h.host}.${state.name}.example.org`,
      inventories: {
        VCPU: { total: h.vcpus, reserved: 0, allocation_ratio: 4 },
        MEMORY_MB: { total: h.memoryMb, reserved: 8192, allocation_ratio: 1 },
        DISK_GB: { total: h.diskGb, reserved: 0, allocation_ratio: 1 },
      },
      usages: { VCPU: h.vcpuUsed, MEMORY_MB: h.memoryMbUsed, DISK_GB: h.diskGbUsed },
    })),
    agents,
    aggregates: Object.fromEntries(state.hosts.map(h => [h.host, h.aggregates])),
    serversByHost: Object.fromEntries(state.hosts.map(h => [h.host, h.vms])),
    releases: Object.fromEntries(state.hosts.map(h => [h.host, h.release])),
  });

  // the same assembly as a live cloud's: verdicts, summary, capacity and lagging hosts
  const upgrading = state.upgrade && !upgradeFinished(state, now) ? state.upgrade : undefined;
  const view = assembleCloudView({
    cloudKey: state.name,
    cluster: state.cluster,
    namespace: state.namespace,
    // the demo knows its release the way a GitOps manifest does: the one it was created with
    // until an upgrade has rolled every service
    release: state.upgrade && !upgrading ? state.upgrade.to : state.release,
    chartVersion: state.chartVersion,
    demo: true,
    workloads,
    apis,
    computeServices: has('nova') ? controlServices('nova', !bringingUp('nova')) : undefined,
    volumeServices: has('cinder') ? controlServices('cinder', !bringingUp('cinder')) : undefined,
    agents: has('neutron') ? agents : undefined,
    hosts: merged,
    errors: [],
    fetchedAt: now.toISOString(),
  });
  if (upgrading) view.status.reasons.unshift(`upgrade ${upgrading.from} → ${upgrading.to} in progress`);
  return view;
}

