/**
 * The fleet view: one line per cloud (demo and live), summarized from its status and hosts, with
 * what blocks its next upgrade judged by the planner's own preflight (runPreflight).
 */
import type { ChartName } from '../charts/images';
import { validNextHops } from '../releases/upgradePath';
import type { CloudLease } from '../suite/suite';
import { runPreflight } from '../upgrade/preflight';
import type { CloudSnapshot } from '../upgrade/snapshot';
import type { CloudStatus, ComputeHostStatus, Verdict } from './types';

/** Used and schedulable amounts of one resource, summed over the cloud's zones. @public */
export interface FleetUsage {
  used: number;
  capacity: number;
}

/** One cloud of the fleet, read. @public */
export interface FleetCloud {
  /** The cloud ref, `resource:<namespace>/<name>`. */
  cloudRef: string;
  title?: string;
  cloudKey: string;
  demo: boolean;
  release?: string;
  verdict: Verdict;
  hosts: { up: number; total: number; down: number; disabled: number; lagging: number };
  vcpu: FleetUsage;
  memoryMb: FleetUsage;
  /** The releases one hop reaches from the cloud's release (nearest first). */
  nextHops: string[];
  /** What blocks the hop to the nearest next release: failed blocking preflight checks, one line each. */
  blockers: string[];
  /** Up to 10 hosts further behind than the next hop allows (nova-compute releases). */
  laggingHosts: string[];
  /** Approval requests of the cloud waiting for a decision; absent when the caller may not read approvals. */
  pendingApprovals?: number;
  /** The operation running on the cloud (its lease), if one. */
  operation?: CloudLease;
  /** Sources of the cloud that could not be read: its line is partial. */
  partial: string[];
  /** When the cloud's status was read (ISO 8601). */
  readAt: string;
}

/** A cloud of the fleet that could not be read, and why. @public */
export interface FleetCloudError {
  cloudRef: string;
  title?: string;
  error: string;
}

/** The fleet: every cloud the caller may read; a cloud that fails is in `failed`, never fails the rest. @public */
export interface FleetView {
  items: FleetCloud[];
  failed: FleetCloudError[];
  /** When the answer was put together (ISO 8601). */
  readAt: string;
}

/** What the fleet line of one cloud is made of. @public */
export interface FleetCloudInput {
  cloudRef: string;
  title?: string;
  status: CloudStatus;
  hosts: ComputeHostStatus[];
  pendingApprovals?: number;
  operation?: CloudLease;
}

/** The planner's snapshot as the status knows it: its workloads, the Galera and RabbitMQ sizes, the hosts' releases. */
function snapshotOfStatus(status: CloudStatus, hosts: ComputeHostStatus[]): CloudSnapshot {
  const workloads = status.services.flatMap(s =>
    s.workloads.flatMap(w =>
      w.kind === 'Job' ? [] : [{ chart: s.name as ChartName, kind: w.kind, name: w.name, ready: w.ready, desired: w.desired, restarts: w.restarts ?? 0 }],
    ),
  );
  const sts = (name: string) => workloads.find(w => w.kind === 'StatefulSet' && w.name === name);
  const mariadb = sts('mariadb-server');
  const rabbit = sts('rabbitmq-rabbitmq');
  return {
    release: status.release ?? '',
    charts: {},
    workloads,
    computeHosts: hosts.flatMap(h => (h.release ? [{ host: h.host, release: h.release }] : [])),
    galera: mariadb ? { clusterSize: mariadb.ready, replicas: mariadb.desired } : undefined,
    rabbitmq: rabbit ? { runningNodes: rabbit.ready, replicas: rabbit.desired } : undefined,
  };
}

/**
 * The fleet line of a cloud: its release, verdict, hosts up/total, vCPU and RAM use (Placement's
 * figures summed over zones), the next hops, and what blocks the nearest one — the failed blocking
 * checks of the planner's preflight on what the status shows (workloads ready, no restart loops,
 * Galera and RabbitMQ sizes, the compute-lag rule). @public
 */
export function fleetCloud(input: FleetCloudInput): FleetCloud {
  const { status, hosts } = input;
  const nextHops = status.release ? validNextHops(status.release) : [];
  const sum = (f: (z: CloudStatus['capacityByZone'][number]) => number) => status.capacityByZone.reduce((n, z) => n + f(z), 0);
  const blockers: string[] = [];
  let laggingHosts: string[] = [];
  if (status.release && nextHops.length) {
    const hop = { from: status.release, to: nextHops[0] };
    for (const r of runPreflight(snapshotOfStatus(status, hosts), hop)) {
      if (!r.ok && r.severity === 'blocking') blockers.push(`${r.id}: ${r.reasons.join('; ')}`);
    }
    laggingHosts = hosts.filter(h => h.blocksUpgrade).slice(0, 10).map(h => h.host);
  }
  const { total, up, down, disabled, lagging } = status.hostSummary;
  return {
    cloudRef: input.cloudRef,
    title: input.title,
    cloudKey: status.cloudKey,
    demo: status.demo,
    release: status.release,
    verdict: status.verdict,
    hosts: { total, up, down, disabled, lagging },
    vcpu: { used: sum(z => z.vcpuUsed), capacity: sum(z => z.vcpuCapacity) },
    memoryMb: { used: sum(z => z.memoryMbUsed), capacity: sum(z => z.memoryMbCapacity) },
    nextHops,
    blockers,
    laggingHosts,
    pendingApprovals: input.pendingApprovals,
    operation: input.operation,
    partial: status.errors.map(e => `${e.source}: ${e.message}`),
    readAt: status.fetchedAt,
  };
}
