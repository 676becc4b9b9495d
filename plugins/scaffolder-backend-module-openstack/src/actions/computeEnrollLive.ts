// The live enroll driver: where openstack:compute:enroll's effects land on a live cloud. The
// host's bundle goes to a Secret in the control plane's namespace, discovery runs as Jobs from
// openstack-helm's cell-setup CronJob, and Nova and Neutron are asked through their APIs.
import { createHash } from 'node:crypto';
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  COMPUTE_HOST_LABEL,
  ComputeBundleCredentials,
  computeBundleSecretName,
  computeCredentialSources,
  enrollAggregateName,
  LABEL_OPENSTACK_CLOUD,
  MANAGED_BY_LABELS,
  renderComputeBundle,
} from '@backstage-openstack/plugin-openstack-common';
import {
  ClusterClient,
  jobOutcome,
  KubeRight,
  OpenStackClient,
  readCronJob,
  readSecretLabels,
  readSecretValues,
  ResolvedCloud,
  runJobFromCronJob,
} from '@backstage-openstack/plugin-openstack-node';
import { ComputeEnrollSettings } from '../computeEnrollSettings';
import { liveDelivery } from '../drivers/liveDelivery';
import { requireClusterRights } from './clusterRights';
import { DriverContext, EnrollChecked, EnrollInput, EnrollTarget } from '../drivers/types';

/** Neutron's agent type of a chassis's ovn-controller (ML2/OVN). */
export const OVN_CONTROLLER_AGENT = 'OVN Controller agent';

/** What the live enrollment needs besides its input. */
export interface LiveEnrollDeps {
  /** The enrollment settings of a cloud, or undefined when `openstack.clouds.<key>` is not configured. */
  settings: (cloudKey: string) => ComputeEnrollSettings | undefined;
  /** The OpenStack client of `openstack.clouds.<key>`. */
  openstack: (cloudKey: string) => OpenStackClient;
  /** The configured cluster of this name (kubernetes.clusterLocatorMethods); throws when unknown. */
  cluster: (name: string) => ClusterClient;
}

/** Where the bundle and discovery go: the settings' cluster/namespace, else the entity's. */
export function placement(cloud: ResolvedCloud, settings: ComputeEnrollSettings): { cluster: string; namespace: string } {
  const cluster = settings.cluster ?? cloud.cluster;
  const namespace = settings.namespace ?? cloud.namespace;
  if (!cluster || !namespace) {
    const what = !cluster ? 'cluster' : 'namespace';
    throw new InputError(
      `input.cloud: ${cloud.entityRef} lacks the openstack.backstage.io/${what} annotation and openstack.clouds.${cloud.cloudKey}.${what} is not set; add one (the Kubernetes cluster of kubernetes.clusterLocatorMethods and the namespace of the cloud's control plane), so the action knows where the bundle Secret and the discovery Job go`,
    );
  }
  return { cluster, namespace };
}

/** The enrollment settings of a live cloud; a cloud this backend has no openstack.clouds entry for cannot be reached. */
function settingsOf(deps: LiveEnrollDeps, cloud: ResolvedCloud): ComputeEnrollSettings {
  const settings = deps.settings(cloud.cloudKey);
  if (!settings) {
    throw new InputError(
      `input.cloud: ${cloud.entityRef} is a live cloud, but this backend has no openstack.clouds.${cloud.cloudKey} (with computeEnrollment) to reach it; configure it (README: "Enrolling compute hosts"). Nothing was changed.`,
    );
  }
  return settings;
}

/** A live cloud and a host, opened for an enrollment: each step's effect is one method. */
class LiveEnrollTarget implements EnrollTarget {
  readonly bundleSecret: string;
  readonly ovnAgentBinary: string;
  readonly discovery: { attempts: number; waitSeconds: number };
  readonly hints: EnrollTarget['hints'];
  private readonly key: string;
  private readonly host: string;
  private readonly namespace: string;
  private readonly aggregate: string;
  private readonly os: OpenStackClient;
  private readonly k8s: ClusterClient;
  private readonly sources: ReturnType<typeof computeCredentialSources>;
  private readonly bundleName: string;
  private readonly jobTag: string;

  constructor(
    deps: LiveEnrollDeps,
    private readonly ctx: DriverContext,
    cloud: ResolvedCloud,
    private readonly settings: ComputeEnrollSettings,
    private readonly input: EnrollInput,
  ) {
    const where = placement(cloud, settings);
    this.key = cloud.cloudKey;
    this.host = input.host;
    this.namespace = where.namespace;
    this.aggregate = enrollAggregateName(input);
    this.os = deps.openstack(this.key);
    this.k8s = deps.cluster(where.cluster);
    this.sources = computeCredentialSources(settings.secretPrefix);
    this.bundleName = computeBundleSecretName(input.host);
    this.bundleSecret = `${this.namespace}/${this.bundleName}`;
    this.jobTag = createHash('sha256').update(`${ctx.task.id}/${input.host}`).digest('hex').slice(0, 8);
    this.ovnAgentBinary = settings.ovnAgentBinary;
    this.discovery = { attempts: settings.discoveryAttempts, waitSeconds: settings.discoveryWaitSeconds };
    const { host, namespace } = this;
    this.hints = {
      computeUp: `check that the provisioning of ${host} pulled Secret ${this.bundleSecret}, that nova-compute runs there and reaches the message queue (${settings.bundle.messageQueue.hosts.join(', ')}); then run the task again`,
      ovnAgent: `check ovn-controller on ${host}: its external ids from ovn-external-ids.conf of the bundle (ovn-remote ${settings.bundle.ovnRemote}, ovn-encap-ip ${input.overlayIp}) and that the overlay network reaches the OVN southbound DB`,
      discovery: name => `look at the Job's pods in ${namespace} (kubectl -n ${namespace} logs job/${name})`,
    };
  }

  describe(checked: EnrollChecked) {
    const { host, namespace, settings } = this;
    return {
      bundle: checked.bundleExists
        ? `keep Secret ${this.bundleSecret} (the host's configuration bundle, made by an earlier run)`
        : `create Secret ${this.bundleSecret} once: the host's configuration bundle (nova-compute, libvirtd, ovn-controller, the OVN metadata agent${this.settings.bundle.storage?.backend === 'ceph-rbd' ? ', Ceph' : ''}) with credentials from ${this.credentialSecrets().map(s => s.secret).join(', ')}`,
      discovery: `run host discovery: Jobs from CronJob ${namespace}/${settings.cellSetupCronJob}, until ${host} is mapped to its cell (up to ${settings.discoveryAttempts} Jobs)`,
      ovnAgent: `wait until the OVN chassis of ${host} is alive (Neutron's ${OVN_CONTROLLER_AGENT} of ${host}, ${settings.ovnAgentBinary})`,
    };
  }

  private notBundleOf(labels: Record<string, string>) {
    return `Secret ${this.bundleSecret} exists and is not the bundle of ${this.host} (label ${COMPUTE_HOST_LABEL}=${labels[COMPUTE_HOST_LABEL] ?? '(none)'}); remove it or pick another host name`;
  }

  /** Nova answers, conductor and scheduler run, the host and its management IP are new. */
  private async checkNova(): Promise<void> {
    const { os, key, host, input } = this;
    const compute = await os.checkApi('compute');
    if (!compute.ok) {
      throw new ServiceUnavailableError(
        `The Nova API of ${key} (${compute.url ?? 'no compute endpoint'}) does not answer: ${compute.error}; enroll when it is back. Nothing was changed.`,
      );
    }
    const services = await os.nova.listComputeServices();
    for (const binary of ['nova-conductor', 'nova-scheduler']) {
      const all = services.filter(s => s.binary === binary);
      if (!all.some(s => s.state === 'up' && s.status === 'enabled')) {
        throw new ServiceUnavailableError(
          `${key} has no ${binary} up and enabled (${all.map(s => `${s.host}: ${s.state}/${s.status}`).join(', ') || 'none registered'}); a new host cannot be scheduled to or mapped. Fix the control plane first. Nothing was changed.`,
        );
      }
    }
    const same = services.find(s => s.binary === 'nova-compute' && s.host === host);
    const hyp = await os.nova.findHypervisors(host);
    if (same || hyp.length) {
      throw new ConflictError(
        `input.host: ${host} is already a compute host of ${key} (${same ? `nova-compute ${same.state}, ${same.status}` : `hypervisor ${hyp[0].hostname}`}); pick another host name, or decommission it first. Nothing was changed.`,
      );
    }
    const ipUser = (await os.nova.listHypervisors()).find(h => h.hostIp === input.managementIp);
    if (ipUser) {
      throw new InputError(
        `input.managementIp: ${input.managementIp} is already the address of hypervisor ${ipUser.hostname} in ${key}; give this host's own management address. Nothing was changed.`,
      );
    }
  }

  /** Neutron answers, and an existing aggregate of the name is in the zone; returns whether it exists. */
  private async checkNeutronAndAggregate(): Promise<boolean> {
    const { os, key, aggregate } = this;
    const zone = this.input.availabilityZone;
    const network = await os.checkApi('network');
    if (!network.ok) {
      throw new ServiceUnavailableError(
        `The Neutron API of ${key} (${network.url ?? 'no network endpoint'}) does not answer: ${network.error}; enroll when it is back. Nothing was changed.`,
      );
    }
    const existing = (await os.nova.listAggregates()).find(a => a.name === aggregate);
    if (existing && existing.availabilityZone !== zone) {
      throw new InputError(
        `input.aggregate: aggregate ${aggregate} of ${key} is in zone ${existing.availabilityZone ?? '(none)'}, not ${zone}; set input.availabilityZone to ${existing.availabilityZone ?? 'its zone'} or pick another aggregate. Nothing was changed.`,
      );
    }
    return !!existing;
  }

  /** The cluster answers, the discovery CronJob and the credential Secrets exist; returns whether the bundle exists. */
  private async checkCluster(): Promise<boolean> {
    const { k8s, key, namespace, settings } = this;
    await k8s.version();
    if (!(await readCronJob(k8s, namespace, settings.cellSetupCronJob))) {
      throw new NotFoundError(
        `Kubernetes cluster "${k8s.name}": no CronJob ${namespace}/${settings.cellSetupCronJob}, which discovers new hosts; install openstack-helm's nova chart with manifests.cron_job_cell_setup, or set openstack.clouds.${key}.computeEnrollment.cellSetupCronJob. Nothing was changed.`,
      );
    }
    for (const s of this.credentialSecrets()) {
      const got = await readSecretValues(k8s, namespace, s.secret, [s.key]);
      if (!got.found) {
        throw new NotFoundError(
          `Kubernetes cluster "${k8s.name}": Secret ${namespace}/${s.secret} (key ${s.key}) is missing; the host's ${s.purpose} credential comes from it (the nova chart's Secrets, named <prefix>-<secret> as openstack:cloud:create makes them). Create it, or set openstack.clouds.${key}.computeEnrollment.secretPrefix. Nothing was changed.`,
        );
      }
    }
    const labels = await readSecretLabels(k8s, namespace, this.bundleName);
    if (labels && labels[COMPUTE_HOST_LABEL] !== this.host) {
      throw new ConflictError(`input.host: ${this.notBundleOf(labels)}. Nothing was changed.`);
    }
    return !!labels;
  }

  async preflight(): Promise<EnrollChecked> {
    // least privilege, before anything is read or changed: every right the enrollment will use
    await requireClusterRights(this.k8s, {
      cluster: this.k8s.name,
      field: 'input.cloud',
      cloudKey: this.key,
      wanted: rightsForEnroll(this.namespace),
    });
    await this.checkNova();
    const aggregateExists = await this.checkNeutronAndAggregate();
    const bundleExists = await this.checkCluster();
    this.ctx.logger.info(
      `Checked ${this.key}: Nova API, conductor and scheduler up; ${this.host} is not a compute host yet; Neutron API up; CronJob ${this.namespace}/${this.settings.cellSetupCronJob} and the credential Secrets present`,
    );
    return { aggregateExists, bundleExists };
  }

  /** The credential Secrets the bundle reads: the nova chart's, and the Ceph client key on Ceph clouds. */
  private credentialSecrets(): Array<{ purpose: keyof ComputeBundleCredentials; secret: string; key: string }> {
    const ceph = this.settings.cephClientKeySecret;
    return [...this.sources, ...(ceph ? [{ purpose: 'cephClientKey' as const, secret: ceph.name, key: ceph.key }] : [])];
  }

  private async readCredentials(): Promise<ComputeBundleCredentials> {
    const out: Partial<ComputeBundleCredentials> = {};
    for (const s of this.credentialSecrets()) {
      const got = await readSecretValues(this.k8s, this.namespace, s.secret, [s.key]);
      if (!got.found) throw new NotFoundError(`Secret ${this.namespace}/${s.secret} (key ${s.key}) disappeared; restore it and run the task again`);
      out[s.purpose] = got.values[s.key];
    }
    return out as ComputeBundleCredentials;
  }

  /** The host's bundle, rendered from the cloud's settings and credentials (the Secret's and the join token's content). */
  private async files(): Promise<Record<string, string>> {
    return renderComputeBundle({ ...this.input, cloudKey: this.key }, this.settings.bundle, await this.readCredentials());
  }

  joinFiles() {
    return this.files();
  }

  async deliverBundle() {
    const { host, key } = this;
    const files = await this.files();
    const r = await this.k8s.ensureSecret({
      name: this.bundleName,
      namespace: this.namespace,
      labels: { ...MANAGED_BY_LABELS, [COMPUTE_HOST_LABEL]: host, [LABEL_OPENSTACK_CLOUD]: key },
      stringData: files,
      existing: 'keep',
    });
    if (!r.created && r.labels[COMPUTE_HOST_LABEL] !== host) throw new ConflictError(this.notBundleOf(r.labels));
    return {
      created: r.created,
      detail: r.created
        ? `Created Secret ${this.bundleSecret} with the configuration bundle of ${host} (${Object.keys(files).join(', ')}); the host's provisioning pulls it`
        : `Secret ${this.bundleSecret} (the configuration bundle of ${host}) exists; kept as it is`,
    };
  }

  async computeService() {
    const [s] = await this.os.nova.listComputeServices({ binary: 'nova-compute', host: this.host });
    return s;
  }

  async enableComputeService(id: string) {
    await this.os.nova.setComputeServiceStatus(id, true);
  }

  async isMapped() {
    return (await this.os.nova.findHypervisors(this.host)).length > 0;
  }

  async startDiscovery(attempt: number) {
    const cronJob = this.settings.cellSetupCronJob;
    const name = `${cronJob.slice(0, 40)}-${this.jobTag}-${attempt}`;
    const r = await runJobFromCronJob(this.k8s, {
      namespace: this.namespace,
      cronJob,
      name,
      labels: { ...MANAGED_BY_LABELS, [COMPUTE_HOST_LABEL]: this.host },
    });
    return { name, created: r.created };
  }

  async discoveryOutcome(name: string) {
    const j = await this.k8s.readJob(this.namespace, name);
    if (!j) throw new NotFoundError(`Job ${this.namespace}/${name} disappeared`);
    const o = jobOutcome(j);
    if (o.state === 'failed') return { state: 'failed' as const, reason: o.reason };
    return { state: o.state === 'running' ? ('running' as const) : ('succeeded' as const) };
  }

  async aggregates() {
    return (await this.os.nova.listAggregates()).map(a => ({
      id: a.id,
      name: a.name,
      availabilityZone: a.availabilityZone ?? undefined,
      hosts: a.hosts,
    }));
  }

  async createAggregate(name: string, zone: string) {
    return { id: (await this.os.nova.createAggregate(name, zone)).id };
  }

  async addHostToAggregate(id: number) {
    await this.os.nova.addHostToAggregate(id, this.host);
  }

  async ovnAgent() {
    const agents = await this.os.neutron.listAgents({ host: this.host });
    // the host's OVN chassis: Neutron's ML2/OVN lists its ovn-controller as an "OVN Controller agent"
    const a = agents.find(x => x.agentType === OVN_CONTROLLER_AGENT && x.binary === this.ovnAgentBinary);
    return { alive: !!a?.alive, found: !!a, others: agents.map(x => x.binary) };
  }
}

/** Opens a live cloud and a host for an enrollment; refuses a read-only or unconfigured cloud. */
/**
 * The rights the enrollment uses in the control plane's namespace: read the discovery CronJob,
 * read the credential Secrets and create the host's bundle Secret once, run discovery Jobs.
 */
export function rightsForEnroll(namespace: string): KubeRight[] {
  return [
    { verb: 'get', apiVersion: 'batch/v1', kind: 'CronJob', namespace },
    { verb: 'get', apiVersion: 'v1', kind: 'Secret', namespace },
    { verb: 'create', apiVersion: 'v1', kind: 'Secret', namespace },
    { verb: 'create', apiVersion: 'batch/v1', kind: 'Job', namespace },
    { verb: 'get', apiVersion: 'batch/v1', kind: 'Job', namespace },
  ];
}

export function openLiveEnroll(deps: LiveEnrollDeps, ctx: DriverContext, cloud: ResolvedCloud, input: EnrollInput): EnrollTarget {
  liveDelivery(cloud);
  return new LiveEnrollTarget(deps, ctx, cloud, settingsOf(deps, cloud), input);
}
