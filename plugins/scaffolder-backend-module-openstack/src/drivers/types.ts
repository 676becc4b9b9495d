// One interface for demo and live clouds. The actions run the same steps (the same planner,
// preflight and checkpoints) on either; a driver only decides where the effects land and how
// they are observed: the backend's demo store (demo) or Kubernetes and OpenStack (live).
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { CloudDelivery, ComputeEnrollInput, StepCheck, UpgradePlan, UpgradeStep } from '@backstage-openstack/plugin-openstack-common';
import { LiveChart, LiveWorkload, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';

/** The part of the action context the drivers use. */
export type DriverContext = Pick<
  ActionContext<any, any>,
  'logger' | 'checkpoint' | 'output' | 'isDryRun' | 'workspacePath' | 'signal' | 'task'
>;

/** Outcome of one planner check, observed on the cloud. */
export interface CheckOutcome {
  id: string;
  ok: boolean;
  /** False for checks the driver cannot evaluate (reported for the operator to do by hand). */
  evaluated: boolean;
  detail: string;
  /** The check can no longer pass by waiting (e.g. the db-sync Job failed). */
  fatal?: boolean;
}

/** One cloud, opened for an upgrade. */
export interface UpgradeTarget {
  /** Where the changes land: `demo`, `direct`, `flux` or `argocd`. */
  delivery: string;
  /** Changes go through a GitOps repository (edited in the workspace), not to the cloud itself. */
  gitops: boolean;
  /** The charts and workloads the planner's snapshot is made of. */
  readState(): Promise<{ charts: LiveChart[]; workloads: LiveWorkload[] }>;
  /** GitOps: edits every step's manifest in the workspace; returns the files changed. */
  editManifests(plan: UpgradePlan): Promise<string[]>;
  /** A step's effect on the cloud; returns what it did, for the log. */
  applyStep(plan: UpgradePlan, step: UpgradeStep): Promise<string>;
  /** Evaluates one of the planner's checks on the cloud as it is now. */
  evaluate(check: StepCheck, step: UpgradeStep, plan: UpgradePlan): Promise<CheckOutcome>;
}

/** What the enroll action's read-only checks found (kept in a checkpoint: no credentials). */
export interface EnrollChecked {
  aggregateExists: boolean;
  bundleExists: boolean;
  [k: string]: boolean;
}

/** A host aggregate as the enroll steps see it. */
export interface EnrollAggregate {
  id: number;
  name: string;
  availabilityZone?: string;
  hosts: string[];
}

/** One cloud and one host, opened for an enrollment. */
export interface EnrollTarget {
  /** The Secret the host's configuration bundle goes to, `namespace/name` (live clouds). */
  bundleSecret?: string;
  /** Lines of the plan the driver adds to describe its effects (bundle, discovery, agent). */
  describe(checked: EnrollChecked): { bundle: string; discovery: string; ovnAgent: string };
  /** Every read-only check, before anything changes. */
  preflight(): Promise<EnrollChecked>;
  /** Puts the host's configuration bundle where its provisioning picks it up (created once). */
  deliverBundle(): Promise<{ created: boolean; detail: string }>;
  /**
   * Live clouds: the host's bundle files, for its one-time join token (the join script writes
   * them). Absent for clouds whose hosts do not join (the demo store simulates them).
   */
  joinFiles?(): Promise<Record<string, string>>;
  /** nova-compute of the host, as os-services lists it. */
  computeService(): Promise<{ id: string; state: 'up' | 'down'; status: 'enabled' | 'disabled' } | undefined>;
  enableComputeService(id: string): Promise<void>;
  /** True once the host is mapped to its cell (a hypervisor). */
  isMapped(): Promise<boolean>;
  /** Starts discovery attempt `attempt` (created once); returns its name. */
  startDiscovery(attempt: number): Promise<{ name: string; created: boolean }>;
  /** How a discovery run ended, or `running`. */
  discoveryOutcome(name: string): Promise<{ state: 'running' | 'succeeded' } | { state: 'failed'; reason: string }>;
  aggregates(): Promise<EnrollAggregate[]>;
  createAggregate(name: string, zone: string): Promise<{ id: number }>;
  addHostToAggregate(aggregateId: number): Promise<void>;
  /** The host's OVN chassis as Neutron lists it (its OVN Controller agent): alive, not yet, or absent (with the agents that are there). */
  ovnAgent(): Promise<{ alive: boolean; found: boolean; others: string[] }>;
  /** What to check when a wait times out, per wait. */
  hints: { computeUp: string; ovnAgent: string; discovery: (name: string) => string };
  /** Name of the OVN agent binary, for the log. */
  ovnAgentBinary: string;
  /** Discovery runs at most, and seconds to look for the mapping after each. */
  discovery: { attempts: number; waitSeconds: number };
}

/** The enroll action's input, as the drivers get it. */
export type EnrollInput = ComputeEnrollInput & { timeoutMinutes: number };

/** The create action's input, as the drivers get it (owner and cluster already checked). */
export interface CreateInput {
  /** Demo: the cloud's name, release, components, region and namespace. */
  name?: string;
  release?: string;
  components?: string[];
  region?: string;
  namespace?: string;
  /** Live: the full cloud spec (openstack-common cloudSpecSchema), still unchecked. */
  spec?: Record<string, unknown>;
  cluster?: string;
  /** Whether the create waits until the cloud is ready (the live rights check asks for the reads it needs); default true. */
  waitForReady?: boolean;
}

/** What a new cloud's catalog entity is made of. */
export interface NewCloud {
  cloudKey: string;
  cluster: string;
  namespace: string;
  release: string;
  delivery: CloudDelivery;
}

/** One effect of a create: what it makes, and how. */
export interface CreateEffect {
  /** `<Kind>.<name>` of what it makes; its checkpoint key is `create.<cloud key>.apply.<id>`. */
  id: string;
  /**
   * Runs on every attempt instead of once: a check that changes nothing (a server-side dry run),
   * or files in the workspace, which a task resumed on a fresh workspace must find again.
   */
  everyRun?: boolean;
  /** Makes it (idempotently); returns the line to log. */
  run(): Promise<string>;
}

/** A new cloud, its input validated, opened for its creation. */
export interface CreateTarget {
  cloud: NewCloud;
  /** The input field that names the cloud key (`input.name`, `input.spec.name`), for the claim's error. */
  keyField: string;
  /** What else holds the key where this driver's effects land (a demo cloud in the store; a labelled namespace). */
  heldBy(): Promise<string[]>;
  /** The read-only checks left after the claim (e.g. the chart source serves the charts); lines to log. */
  preflight(): Promise<string[]>;
  /** The cloud rendered: the plan's lines, what a dry run shows, the effects in order, the workspace files. */
  render(): {
    plan: string[];
    preview: string[];
    effects: CreateEffect[];
    manifests: string[];
    /** What the approver approves (`createApprovalPlan`): the validated input and every object the effects make (Secrets by name and keys). */
    approval: { spec: Record<string, unknown>; objects: Array<Record<string, unknown>> };
  };
  /** Waits until every service of the cloud is ready, logging each once. */
  waitReady(opts: { timeoutMs: number; intervalMs?: number }): Promise<void>;
}

/** A cloud driver: where one kind of cloud's effects land. */
export interface CloudDriver {
  kind: 'demo' | 'live';
  /** Opens a new cloud for its creation; refuses (InputError, naming the field) input it cannot create. */
  openCreate(ctx: DriverContext, input: CreateInput): Promise<CreateTarget>;
  /** Opens a cloud for an upgrade; refuses (InputError) a cloud it cannot change. */
  openUpgrade(ctx: DriverContext, cloud: ResolvedCloud, input: { argocdNamespace?: string }): Promise<UpgradeTarget>;
  /** Opens a cloud and a host for an enrollment; refuses (InputError) a cloud it cannot reach. */
  openEnroll(ctx: DriverContext, cloud: ResolvedCloud, input: EnrollInput): Promise<EnrollTarget>;
}

/** The drivers, by `cloudDriverKind`. */
export type CloudDrivers = Record<'demo' | 'live', CloudDriver>;
