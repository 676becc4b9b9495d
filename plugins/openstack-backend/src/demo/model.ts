/** The persisted definition of a simulated cloud; everything shown is derived from it and the clock. */
export interface DemoHost {
  host: string;
  zone: string;
  aggregates: string[];
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  vcpuUsed: number;
  memoryMbUsed: number;
  diskGbUsed: number;
  vms: number;
  release: string;
  down?: boolean;
  disabledReason?: string;
  /** Set for hosts enrolled through the scaffolder: they come up over a few seconds. */
  enrolledAt?: string;
}

export interface DemoUpgrade {
  from: string;
  to: string;
  startedAt: string;
  /** Seconds each service takes to roll. */
  stepSeconds: number;
  /** Services in the planner's order. */
  order: string[];
}

export interface DemoCloudState {
  name: string;
  region: string;
  release: string;
  chartVersion: string;
  cluster: string;
  namespace: string;
  components: string[];
  createdAt: string;
  /** A new cloud becomes ready over this many seconds; 0 for one that exists already. */
  rolloutSeconds: number;
  controlPlaneNodes: string[];
  hosts: DemoHost[];
  upgrade?: DemoUpgrade;
}
