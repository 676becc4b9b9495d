import type { ChartName } from '../charts/images';
import type { ComputeHostRelease } from '../releases/upgradePath';

/** Health of one Kubernetes workload of the control plane. @public */
export interface WorkloadHealth {
  chart: ChartName;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  ready: number;
  desired: number;
  /** Container restarts of its pods over the observation window. */
  restarts: number;
}

/** What a chart of the cloud runs now: its chart version and `images.tags` values. @public */
export interface ChartSnapshot {
  version: string;
  /** The release its images imply, if any (see `releaseFromImage`). */
  release?: string;
  imageTags: Record<string, string>;
}

/**
 * A snapshot of a running cloud, the planner's only input besides the target (the status backend
 * builds it from Kubernetes and the OpenStack APIs).
 *
 * @public
 */
export interface CloudSnapshot {
  /** The control plane's release (keystone's, which moves first). */
  release: string;
  /** The charts the cloud runs; a chart missing here is a component the cloud does not have. */
  charts: Partial<Record<ChartName, ChartSnapshot>>;
  workloads: WorkloadHealth[];
  /** nova-compute hosts and the release each runs. */
  computeHosts: ComputeHostRelease[];
  /** `wsrep_cluster_size` as MariaDB reports it, and the StatefulSet's replicas. */
  galera?: { clusterSize: number; replicas: number };
  /** Running nodes as `rabbitmqctl cluster_status` reports them, and the StatefulSet's replicas. */
  rabbitmq?: { runningNodes: number; replicas: number };
}
