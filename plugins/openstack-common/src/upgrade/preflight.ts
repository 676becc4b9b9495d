import { checkComputeLag } from '../releases/upgradePath';
import { RESTART_THRESHOLD } from '../status/verdict';
import type { CloudSnapshot } from './snapshot';

/** How a failed check weighs: blocking stops the hop, warning is shown and accepted. @public */
export type CheckSeverity = 'blocking' | 'warning';

/** A preflight check as data. @public */
export interface PreflightCheck {
  id: string;
  description: string;
  severity: CheckSeverity;
}

/** A preflight check evaluated on a snapshot. @public */
export interface PreflightResult extends PreflightCheck {
  ok: boolean;
  /** Why it failed (or what it saw), one line per finding. */
  reasons: string[];
}

/** Every preflight check the planner runs, in the order it reports them. @public */
export const PREFLIGHT_CHECKS: readonly PreflightCheck[] = [
  {
    id: 'workloads-ready',
    description:
      'All control-plane workloads are ready (ready = desired replicas)',
    severity: 'blocking',
  },
  {
    id: 'no-restart-loops',
    description: `No workload restarts repeatedly (${RESTART_THRESHOLD} restarts or more, the status page's threshold)`,
    severity: 'blocking',
  },
  {
    id: 'galera-cluster-size',
    description: 'The Galera cluster size equals the MariaDB replicas',
    severity: 'blocking',
  },
  {
    id: 'rabbitmq-nodes-running',
    description: 'Every RabbitMQ node is running',
    severity: 'blocking',
  },
  {
    id: 'compute-lag',
    description:
      'Every nova-compute host is recent enough for the hop (target, target-1, or the skipped-from SLURP)',
    severity: 'blocking',
  },
  {
    id: 'spare-replicas',
    description:
      'Each Deployment has a spare replica, so rolling it keeps the service up',
    severity: 'warning',
  },
];

function result(
  id: string,
  reasons: string[],
  okReason: string,
): PreflightResult {
  const check = PREFLIGHT_CHECKS.find(c => c.id === id)!;
  return {
    ...check,
    ok: reasons.length === 0,
    reasons: reasons.length ? reasons : [okReason],
  };
}

function galeraReasons({ galera }: CloudSnapshot): string[] {
  if (!galera)
    return [
      'the Galera cluster size is unknown; read wsrep_cluster_size before upgrading',
    ];
  if (galera.clusterSize !== galera.replicas) {
    return [
      `wsrep_cluster_size is ${galera.clusterSize} but MariaDB has ${galera.replicas} replicas`,
    ];
  }
  return [];
}

function rabbitReasons({ rabbitmq }: CloudSnapshot): string[] {
  if (!rabbitmq)
    return [
      'the RabbitMQ cluster status is unknown; read rabbitmqctl cluster_status before upgrading',
    ];
  if (rabbitmq.runningNodes !== rabbitmq.replicas)
    return [
      `${rabbitmq.runningNodes} of ${rabbitmq.replicas} RabbitMQ nodes running`,
    ];
  return [];
}

/**
 * Evaluates every preflight check on a snapshot for the hop `from → to`.
 *
 * @public
 */
export function runPreflight(
  snapshot: CloudSnapshot,
  hop: { from: string; to: string },
): PreflightResult[] {
  const w = snapshot.workloads;
  const lag = checkComputeLag(hop, snapshot.computeHosts);
  return [
    result(
      'workloads-ready',
      w
        .filter(x => x.ready < x.desired)
        .map(
          x =>
            `${x.kind} ${x.name} (${x.chart}): ${x.ready}/${x.desired} ready`,
        ),
      `${w.length} workloads ready`,
    ),
    result(
      'no-restart-loops',
      w
        .filter(x => x.restarts >= RESTART_THRESHOLD)
        .map(x => `${x.kind} ${x.name} (${x.chart}): ${x.restarts} restarts`),
      'no workload restarts repeatedly',
    ),
    result(
      'galera-cluster-size',
      galeraReasons(snapshot),
      `Galera cluster of ${snapshot.galera?.replicas}`,
    ),
    result(
      'rabbitmq-nodes-running',
      rabbitReasons(snapshot),
      `${snapshot.rabbitmq?.replicas} RabbitMQ nodes running`,
    ),
    result(
      'compute-lag',
      lag.ok ? [] : [lag.message!],
      `every nova-compute is on ${lag.allowed.join(' or ')}`,
    ),
    result(
      'spare-replicas',
      w
        .filter(x => x.kind === 'Deployment' && x.desired < 2)
        .map(
          x =>
            `Deployment ${x.name} (${x.chart}) has ${x.desired} replica; it is down while it rolls`,
        ),
      'every Deployment has a spare replica',
    ),
  ];
}
