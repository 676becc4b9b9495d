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
  createSecretOnce,
  jobOutcome,
  OpenStackClient,
  readCronJob,
  readSecretLabels,
  readSecretValues,
  ResolvedCloud,
  runJobFromCronJob,
} from '@backstage-openstack/plugin-openstack-node';
import { ComputeEnrollSettings } from '../computeEnrollSettings';
import { liveDelivery } from '../drivers/liveDelivery';
import { DriverContext, EnrollChecked, EnrollInput, EnrollTarget } from '../drivers/types';

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
function placement(cloud: ResolvedCloud, settings: ComputeEnrollSettings): { cluster: string; namespace: string } {
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

/** Opens a live cloud and a host for an enrollment. */
export function openLiveEnroll(deps: LiveEnrollDeps, ctx: DriverContext, cloud: ResolvedCloud, input: EnrollInput): EnrollTarget {
  liveDelivery(cloud);
  const settings = settingsOf(deps, cloud);
  const where = placement(cloud, settings);
  const { namespace } = where;
  const { host, availabilityZone: zone } = input;
  const key = cloud.cloudKey;
  const aggregate = enrollAggregateName(input);
  const os = deps.openstack(key);
  const k8s = deps.cluster(where.cluster);
  const sources = computeCredentialSources(settings.secretPrefix);
  const bundleName = computeBundleSecretName(host);
  const notBundleOf = (labels: Record<string, string>) =>
    `Secret ${namespace}/${bundleName} exists and is not the bundle of ${host} (label ${COMPUTE_HOST_LABEL}=${labels[COMPUTE_HOST_LABEL] ?? '(none)'}); remove it or pick another host name`;

  async function checkNova(): Promise<void> {
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

  async function checkNeutronAndAggregate(): Promise<boolean> {
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

  async function checkCluster(): Promise<boolean> {
    await k8s.version();
    if (!(await readCronJob(k8s, namespace, settings.cellSetupCronJob))) {
      throw new NotFoundError(
        `Kubernetes cluster "${k8s.name}": no CronJob ${namespace}/${settings.cellSetupCronJob}, which discovers new hosts; install openstack-helm's nova chart with manifests.cron_job_cell_setup, or set openstack.clouds.${key}.computeEnrollment.cellSetupCronJob. Nothing was changed.`,
      );
    }
    for (const s of sources) {
      const got = await readSecretValues(k8s, namespace, s.secret, [s.key]);
      if (!got.found) {
        throw new NotFoundError(
          `Kubernetes cluster "${k8s.name}": Secret ${namespace}/${s.secret} (key ${s.key}) is missing; the host's ${s.purpose} credential comes from it (the nova chart's Secrets, named <prefix>-<secret> as openstack:cloud:create makes them). Create it, or set openstack.clouds.${key}.computeEnrollment.secretPrefix. Nothing was changed.`,
        );
      }
    }
    const labels = await readSecretLabels(k8s, namespace, bundleName);
    if (labels && labels[COMPUTE_HOST_LABEL] !== host) {
      throw new ConflictError(`input.host: ${notBundleOf(labels)}. Nothing was changed.`);
    }
    return !!labels;
  }

  async function readCredentials(): Promise<ComputeBundleCredentials> {
    const out: Partial<ComputeBundleCredentials> = {};
    for (const s of sources) {
      const got = await readSecretValues(k8s, namespace, s.secret, [s.key]);
      if (!got.found) throw new NotFoundError(`Secret ${namespace}/${s.secret} (key ${s.key}) disappeared; restore it and run the task again`);
      out[s.purpose] = got.values[s.key];
    }
    return out as ComputeBundleCredentials;
  }

  const jobTag = createHash('sha256').update(`${ctx.task.id}/${host}`).digest('hex').slice(0, 8);
  return {
    bundleSecret: `${namespace}/${bundleName}`,
    ovnAgentBinary: settings.ovnAgentBinary,
    discovery: { attempts: settings.discoveryAttempts, waitSeconds: settings.discoveryWaitSeconds },
    describe: (checked: EnrollChecked) => ({
      bundle: checked.bundleExists
        ? `keep Secret ${namespace}/${bundleName} (the host's configuration bundle, made by an earlier run)`
        : `create Secret ${namespace}/${bundleName} once: the host's configuration bundle (nova-compute.conf, ovn-external-ids.conf, host.yaml) with credentials from ${sources.map(s => s.secret).join(', ')}`,
      discovery: `run host discovery: Jobs from CronJob ${namespace}/${settings.cellSetupCronJob}, until ${host} is mapped to its cell (up to ${settings.discoveryAttempts} Jobs)`,
      ovnAgent: `wait until the ${settings.ovnAgentBinary} agent of ${host} is alive`,
    }),
    hints: {
      computeUp: `check that the provisioning of ${host} pulled Secret ${namespace}/${bundleName}, that nova-compute runs there and reaches the message queue (${settings.bundle.messageQueue.hosts.join(', ')}); then run the task again`,
      ovnAgent: `check ovn-controller on ${host}: its external ids from ovn-external-ids.conf of the bundle (ovn-remote ${settings.bundle.ovnRemote}, ovn-encap-ip ${input.overlayIp}) and that the overlay network reaches the OVN southbound DB`,
      discovery: name => `look at the Job's pods in ${namespace} (kubectl -n ${namespace} logs job/${name})`,
    },
    async preflight() {
      await checkNova();
      const aggregateExists = await checkNeutronAndAggregate();
      const bundleExists = await checkCluster();
      ctx.logger.info(
        `Checked ${key}: Nova API, conductor and scheduler up; ${host} is not a compute host yet; Neutron API up; CronJob ${namespace}/${settings.cellSetupCronJob} and the credential Secrets present`,
      );
      return { aggregateExists, bundleExists };
    },
    async deliverBundle() {
      const files = renderComputeBundle({ ...input, cloud: key }, settings.bundle, await readCredentials());
      const r = await createSecretOnce(k8s, {
        name: bundleName,
        namespace,
        labels: { ...MANAGED_BY_LABELS, [COMPUTE_HOST_LABEL]: host, [LABEL_OPENSTACK_CLOUD]: key },
        stringData: files,
      });
      if (!r.created && r.labels[COMPUTE_HOST_LABEL] !== host) throw new ConflictError(notBundleOf(r.labels));
      return {
        created: r.created,
        detail: r.created
          ? `Created Secret ${namespace}/${bundleName} with the configuration bundle of ${host} (${Object.keys(files).join(', ')}); the host's provisioning pulls it`
          : `Secret ${namespace}/${bundleName} (the configuration bundle of ${host}) exists; kept as it is`,
      };
    },
    async computeService() {
      const [s] = await os.nova.listComputeServices({ binary: 'nova-compute', host });
      return s;
    },
    async enableComputeService(id) {
      await os.nova.setComputeServiceStatus(id, true);
    },
    async isMapped() {
      return (await os.nova.findHypervisors(host)).length > 0;
    },
    async startDiscovery(attempt) {
      const name = `${settings.cellSetupCronJob.slice(0, 40)}-${jobTag}-${attempt}`;
      const r = await runJobFromCronJob(k8s, {
        namespace,
        cronJob: settings.cellSetupCronJob,
        name,
        labels: { ...MANAGED_BY_LABELS, [COMPUTE_HOST_LABEL]: host },
      });
      return { name, created: r.created };
    },
    async discoveryOutcome(name) {
      const j = await k8s.readJob(namespace, name);
      if (!j) throw new NotFoundError(`Job ${namespace}/${name} disappeared`);
      const o = jobOutcome(j);
      if (o.state === 'failed') return { state: 'failed', reason: o.reason };
      return { state: o.state === 'running' ? 'running' : 'succeeded' };
    },
    async aggregates() {
      return (await os.nova.listAggregates()).map(a => ({
        id: a.id,
        name: a.name,
        availabilityZone: a.availabilityZone ?? undefined,
        hosts: a.hosts,
      }));
    },
    async createAggregate(name, az) {
      return { id: (await os.nova.createAggregate(name, az)).id };
    },
    async addHostToAggregate(id) {
      await os.nova.addHostToAggregate(id, host);
    },
    async ovnAgent() {
      const agents = await os.neutron.listAgents({ host });
      const a = agents.find(x => x.binary === settings.ovnAgentBinary);
      return { alive: !!a?.alive, found: !!a, others: agents.map(x => x.binary) };
    },
  };
}
