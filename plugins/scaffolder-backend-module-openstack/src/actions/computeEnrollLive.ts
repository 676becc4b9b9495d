// The live half of openstack:compute:enroll: a bare-metal host joins a real cloud whose control
// plane runs on Kubernetes (openstack-helm). Every side effect sits in ctx.checkpoint.
import { createHash } from 'node:crypto';
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  COMPUTE_HOST_LABEL,
  ComputeBundleCredentials,
  ComputeEnrollInput,
  computeBundleSecretName,
  computeCredentialSources,
  enrollAggregateName,
  renderComputeBundle,
} from '@backstage-openstack/plugin-openstack-common';
import {
  ClusterClient,
  createSecretOnce,
  jobOutcome,
  OpenStackClient,
  pollUntil,
  readCronJob,
  readSecretLabels,
  readSecretValues,
  runJobFromCronJob,
} from '@backstage-openstack/plugin-openstack-node';
import { ComputeEnrollSettings } from '../computeEnrollSettings';

/** What the live enrollment needs besides its input. */
export interface LiveEnrollDeps {
  /** The enrollment settings of a cloud, or undefined when `openstack.clouds.<key>` is not configured. */
  settings: (cloudKey: string) => ComputeEnrollSettings | undefined;
  /** The OpenStack client of `openstack.clouds.<key>`. */
  openstack: (cloudKey: string) => OpenStackClient;
  /** The configured cluster of this name (kubernetes.clusterLocatorMethods); throws when unknown. */
  cluster: (name: string) => ClusterClient;
  /** Poll interval, default 5 s. */
  pollMs?: number;
  /** Progress lines while waiting, at most one per this many ms; default 30 s. */
  progressMs?: number;
  /** Overrides input.timeoutMinutes (tests). */
  waitTimeoutMs?: number;
}

export interface LiveCloud {
  key: string;
  entityRef: string;
  cluster?: string;
  namespace?: string;
}

type Ctx = Pick<ActionContext<any, any>, 'logger' | 'checkpoint' | 'isDryRun' | 'signal' | 'task'>;

/** What the read-only checks found (kept in the checkpoint: no credentials). */
interface Checked {
  aggregateExists: boolean;
  bundleExists: boolean;
  [k: string]: boolean;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'backstage-openstack' };

/**
 * Enrolls `input.host` into a live cloud: checks (read only) → bundle Secret → nova-compute up →
 * discovery Jobs until the host is mapped → enabled → in its aggregate → OVN agent alive.
 * Returns the bundle Secret's `namespace/name`. A dry run stops after the checks and the plan.
 */
export async function enrollLiveHost(
  ctx: Ctx,
  deps: LiveEnrollDeps,
  cloud: LiveCloud,
  settings: ComputeEnrollSettings,
  input: ComputeEnrollInput & { timeoutMinutes: number },
): Promise<{ bundleSecret: string }> {
  const { host, availabilityZone: zone } = input;
  const aggregate = enrollAggregateName(input);
  const clusterName = settings.cluster ?? cloud.cluster;
  const namespaceName = settings.namespace ?? cloud.namespace;
  if (!clusterName || !namespaceName) {
    const what = !clusterName ? 'cluster' : 'namespace';
    throw new InputError(
      `input.cloud: ${cloud.entityRef} lacks the openstack.backstage.io/${what} annotation and openstack.clouds.${cloud.key}.${what} is not set; add one (the Kubernetes cluster of kubernetes.clusterLocatorMethods and the namespace of the cloud's control plane), so the action knows where the bundle Secret and the discovery Job go`,
    );
  }
  const namespace: string = namespaceName;
  const os = deps.openstack(cloud.key);
  const k8s = deps.cluster(clusterName);
  const sources = computeCredentialSources(settings.secretPrefix);
  const bundleName = computeBundleSecretName(host);
  const pollMs = deps.pollMs ?? 5000;
  const timeoutMs = deps.waitTimeoutMs ?? input.timeoutMinutes * 60_000;
  const prefix = `enroll.${cloud.key}.${host}`;

  const checked: Checked = await ctx.checkpoint({
    key: `${prefix}.checked`,
    fn: async () => preflight(),
  });

  const plan = [
    checked.bundleExists
      ? `keep Secret ${namespace}/${bundleName} (the host's configuration bundle, made by an earlier run)`
      : `create Secret ${namespace}/${bundleName} once: the host's configuration bundle (nova-compute.conf, ovn-external-ids.conf, host.yaml) with credentials from ${sources.map(s => s.secret).join(', ')}`,
    `wait until nova-compute on ${host} reports up (the host's provisioning pulls the bundle and starts it)`,
    `run host discovery: Jobs from CronJob ${namespace}/${settings.cellSetupCronJob}, until ${host} is mapped to its cell (up to ${settings.discoveryAttempts} Jobs)`,
    `enable the nova-compute service of ${host}`,
    checked.aggregateExists
      ? `add ${host} to aggregate ${aggregate} (zone ${zone})`
      : `create aggregate ${aggregate} in zone ${zone}, add ${host} to it`,
    `wait until the ${settings.ovnAgentBinary} agent of ${host} is alive`,
  ];
  ctx.logger.info(`Plan for ${host} in ${cloud.key}:\n${plan.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}`);
  if (ctx.isDryRun) {
    ctx.logger.info('Dry run: nothing was changed.');
    return { bundleSecret: `${namespace}/${bundleName}` };
  }

  // 1. the bundle Secret, created once
  const bundle = await ctx.checkpoint({
    key: `${prefix}.bundle`,
    fn: async () => {
      const credentials = await readCredentials();
      const files = renderComputeBundle({ ...input, cloud: cloud.key }, settings.bundle, credentials);
      const r = await createSecretOnce(k8s, {
        name: bundleName,
        namespace,
        labels: { ...MANAGED_BY, [COMPUTE_HOST_LABEL]: host, 'openstack.backstage.io/cloud': cloud.key },
        stringData: files,
      });
      if (!r.created && r.labels[COMPUTE_HOST_LABEL] !== host) {
        throw new ConflictError(
          `Secret ${namespace}/${bundleName} exists and is not the bundle of ${host} (label ${COMPUTE_HOST_LABEL}=${r.labels[COMPUTE_HOST_LABEL] ?? '(none)'}); remove it or pick another host name`,
        );
      }
      return { name: bundleName, created: r.created, files: Object.keys(files) };
    },
  });
  ctx.logger.info(
    bundle.created
      ? `Created Secret ${namespace}/${bundle.name} with the configuration bundle of ${host} (${bundle.files.join(', ')}); the host's provisioning pulls it`
      : `Secret ${namespace}/${bundle.name} (the configuration bundle of ${host}) exists; kept as it is`,
  );

  // 2. nova-compute up
  const service = await wait(
    `nova-compute on ${host} to report up`,
    async () => {
      const [s] = await os.nova.listComputeServices({ binary: 'nova-compute', host });
      if (s?.state === 'up') return s;
      return { progress: s ? `nova-compute on ${host} is ${s.state}` : `no nova-compute service of ${host} yet` };
    },
    `check that the provisioning of ${host} pulled Secret ${namespace}/${bundleName}, that nova-compute runs there and reaches the message queue (${settings.bundle.messageQueue.hosts.join(', ')}); then run the task again`,
  );
  ctx.logger.info(`nova-compute on ${host} is up (service ${service.id}, ${service.status})`);

  // 3. discovery until mapped
  await discoverUntilMapped();

  // 4. enabled
  await ctx.checkpoint({
    key: `${prefix}.enable`,
    fn: async () => {
      const [s] = await os.nova.listComputeServices({ binary: 'nova-compute', host });
      if (!s) throw new NotFoundError(`nova-compute of ${host} disappeared from ${cloud.key}'s os-services`);
      if (s.status !== 'enabled') await os.nova.setComputeServiceStatus(s.id, true);
      ctx.logger.info(s.status !== 'enabled' ? `Enabled the nova-compute service of ${host}` : `The nova-compute service of ${host} is enabled`);
    },
  });

  // 5. aggregate (with its zone), then the host in it
  const agg = await ctx.checkpoint({
    key: `${prefix}.aggregate`,
    fn: async () => {
      const existing = (await os.nova.listAggregates()).find(a => a.name === aggregate);
      if (existing) return { id: existing.id, created: false };
      try {
        const made = await os.nova.createAggregate(aggregate, zone);
        ctx.logger.info(`Created aggregate ${aggregate} in zone ${zone}`);
        return { id: made.id, created: true };
      } catch (e) {
        // made by someone else meanwhile
        const again = (await os.nova.listAggregates()).find(a => a.name === aggregate);
        if (again) return { id: again.id, created: false };
        throw e;
      }
    },
  });
  await ctx.checkpoint({
    key: `${prefix}.aggregate.host`,
    fn: async () => {
      const a = (await os.nova.listAggregates()).find(x => x.id === agg.id);
      if (a && a.availabilityZone !== zone) {
        throw new ConflictError(
          `input.aggregate: aggregate ${aggregate} is in zone ${a.availabilityZone ?? '(none)'}, not ${zone}; pick zone ${a.availabilityZone} or another aggregate. ${host} is enrolled and enabled but in no aggregate yet`,
        );
      }
      if (a?.hosts.includes(host)) {
        ctx.logger.info(`${host} is in aggregate ${aggregate} (zone ${zone})`);
        return;
      }
      await os.nova.addHostToAggregate(agg.id, host);
      ctx.logger.info(`Added ${host} to aggregate ${aggregate} (zone ${zone})`);
    },
  });

  // 6. the OVN agent
  await wait(
    `the ${settings.ovnAgentBinary} agent of ${host} to be alive`,
    async () => {
      const agents = await os.neutron.listAgents({ host });
      const a = agents.find(x => x.binary === settings.ovnAgentBinary);
      if (a?.alive) return a;
      return {
        progress: a
          ? `the ${settings.ovnAgentBinary} agent of ${host} is not alive yet`
          : `no ${settings.ovnAgentBinary} agent of ${host} yet${agents.length ? ` (agents there: ${agents.map(x => x.binary).join(', ')})` : ''}`,
      };
    },
    `check ovn-controller on ${host}: its external ids from ovn-external-ids.conf of the bundle (ovn-remote ${settings.bundle.ovnRemote}, ovn-encap-ip ${input.overlayIp}) and that the overlay network reaches the OVN southbound DB`,
  );
  ctx.logger.info(`The ${settings.ovnAgentBinary} agent of ${host} is alive`);
  return { bundleSecret: `${namespace}/${bundleName}` };

  // ---------------------------------------------------------------- helpers

  /** Every read-only check, before anything changes. */
  async function preflight(): Promise<Checked> {
    const compute = await os.checkApi('compute');
    if (!compute.ok) {
      throw new ServiceUnavailableError(
        `The Nova API of ${cloud.key} (${compute.url ?? 'no compute endpoint'}) does not answer: ${compute.error}; enroll when it is back. Nothing was changed.`,
      );
    }
    const services = await os.nova.listComputeServices();
    for (const binary of ['nova-conductor', 'nova-scheduler']) {
      const all = services.filter(s => s.binary === binary);
      if (!all.some(s => s.state === 'up' && s.status === 'enabled')) {
        throw new ServiceUnavailableError(
          `${cloud.key} has no ${binary} up and enabled (${all.map(s => `${s.host}: ${s.state}/${s.status}`).join(', ') || 'none registered'}); a new host cannot be scheduled to or mapped. Fix the control plane first. Nothing was changed.`,
        );
      }
    }
    const same = services.find(s => s.binary === 'nova-compute' && s.host === host);
    const hyp = await os.nova.findHypervisors(host);
    if (same || hyp.length) {
      throw new ConflictError(
        `input.host: ${host} is already a compute host of ${cloud.key} (${same ? `nova-compute ${same.state}, ${same.status}` : `hypervisor ${hyp[0].hostname}`}); pick another host name, or decommission it first. Nothing was changed.`,
      );
    }
    const ipUser = (await os.nova.listHypervisors()).find(h => h.hostIp === input.managementIp);
    if (ipUser) {
      throw new InputError(
        `input.managementIp: ${input.managementIp} is already the address of hypervisor ${ipUser.hostname} in ${cloud.key}; give this host's own management address. Nothing was changed.`,
      );
    }
    const network = await os.checkApi('network');
    if (!network.ok) {
      throw new ServiceUnavailableError(
        `The Neutron API of ${cloud.key} (${network.url ?? 'no network endpoint'}) does not answer: ${network.error}; enroll when it is back. Nothing was changed.`,
      );
    }
    const existing = (await os.nova.listAggregates()).find(a => a.name === aggregate);
    if (existing && existing.availabilityZone !== zone) {
      throw new InputError(
        `input.aggregate: aggregate ${aggregate} of ${cloud.key} is in zone ${existing.availabilityZone ?? '(none)'}, not ${zone}; set input.availabilityZone to ${existing.availabilityZone ?? 'its zone'} or pick another aggregate. Nothing was changed.`,
      );
    }
    await k8s.version();
    if (!(await readCronJob(k8s, namespace, settings.cellSetupCronJob))) {
      throw new NotFoundError(
        `Kubernetes cluster "${k8s.name}": no CronJob ${namespace}/${settings.cellSetupCronJob}, which discovers new hosts; install openstack-helm's nova chart with manifests.cron_job_cell_setup, or set openstack.clouds.${cloud.key}.computeEnrollment.cellSetupCronJob. Nothing was changed.`,
      );
    }
    for (const s of sources) {
      const got = await readSecretValues(k8s, namespace, s.secret, [s.key]);
      if (!got.found) {
        throw new NotFoundError(
          `Kubernetes cluster "${k8s.name}": Secret ${namespace}/${s.secret} (key ${s.key}) is missing; the host's ${s.purpose} credential comes from it (the nova chart's Secrets, named <prefix>-<secret> as openstack:cloud:create makes them). Create it, or set openstack.clouds.${cloud.key}.computeEnrollment.secretPrefix. Nothing was changed.`,
        );
      }
    }
    const labels = await readSecretLabels(k8s, namespace, bundleName);
    if (labels && labels[COMPUTE_HOST_LABEL] !== host) {
      throw new ConflictError(
        `input.host: Secret ${namespace}/${bundleName} exists and is not the bundle of ${host} (label ${COMPUTE_HOST_LABEL}=${labels[COMPUTE_HOST_LABEL] ?? '(none)'}); remove it or pick another host name. Nothing was changed.`,
      );
    }
    ctx.logger.info(
      `Checked ${cloud.key}: Nova API, conductor and scheduler up; ${host} is not a compute host yet; Neutron API up; CronJob ${namespace}/${settings.cellSetupCronJob} and the credential Secrets present`,
    );
    return { aggregateExists: !!existing, bundleExists: !!labels };
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

  async function isMapped(): Promise<boolean> {
    return (await os.nova.findHypervisors(host)).length > 0;
  }

  /**
   * Discovery is a snapshot: a host whose nova-compute registered after the Job looked is missed.
   * So: Job, wait for it, look for the mapping for a while, and again, until mapped.
   */
  async function discoverUntilMapped(): Promise<void> {
    const tag = createHash('sha256').update(`${ctx.task.id}/${host}`).digest('hex').slice(0, 8);
    for (let attempt = 1; ; attempt++) {
      if (await isMapped()) {
        ctx.logger.info(`${host} is mapped to its cell (listed in os-hypervisors)`);
        return;
      }
      if (attempt > settings.discoveryAttempts) break;
      const name = `${settings.cellSetupCronJob.slice(0, 40)}-${tag}-${attempt}`;
      const job = await ctx.checkpoint({
        key: `${prefix}.discover.${attempt}`,
        fn: async () => {
          const r = await runJobFromCronJob(k8s, {
            namespace,
            cronJob: settings.cellSetupCronJob,
            name,
            labels: { ...MANAGED_BY, [COMPUTE_HOST_LABEL]: host },
          });
          return { name, created: r.created };
        },
      });
      ctx.logger.info(`Discovery ${attempt}/${settings.discoveryAttempts}: ${job.created ? 'created' : 'found'} Job ${namespace}/${job.name} from CronJob ${settings.cellSetupCronJob}`);
      const outcome = await wait(
        `discovery Job ${namespace}/${job.name} to finish`,
        async () => {
          const j = await k8s.readJob(namespace, job.name);
          if (!j) throw new NotFoundError(`Job ${namespace}/${job.name} disappeared`);
          const o = jobOutcome(j);
          return o.state === 'running' ? { progress: `Job ${job.name} is running` } : o;
        },
        `look at the Job's pods in ${namespace} (kubectl -n ${namespace} logs job/${job.name})`,
      );
      if (outcome.state === 'failed') {
        ctx.logger.warn(`Discovery Job ${job.name} failed (${outcome.reason}); trying again`);
        continue;
      }
      const mapped = await pollUntil(
        `${host} to be mapped`,
        async () => ((await isMapped()) ? true : undefined),
        { timeoutMs: settings.discoveryWaitSeconds * 1000, intervalMs: pollMs, signal: ctx.signal },
      ).catch(() => false);
      if (mapped) {
        ctx.logger.info(`${host} is mapped to its cell (listed in os-hypervisors) after discovery ${attempt}`);
        return;
      }
      ctx.logger.info(
        `${host} is not mapped after discovery Job ${job.name} completed (discovery is a snapshot: the host registered after it looked, or its compute node record is late); running discovery again`,
      );
    }
    throw new ServiceUnavailableError(
      `${host} is still not mapped to a cell of ${cloud.key} after ${settings.discoveryAttempts} discovery Jobs; check that nova-compute on ${host} created its compute node (os-hypervisors lists mapped hosts only) and the Jobs' logs in ${namespace}; run the task again to continue`,
    );
  }

  /**
   * Polls `check` until it returns a value without `progress`; logs the latest progress at most
   * every `progressMs`; on timeout fails with what it waited for, the last state and the fix.
   */
  async function wait<T extends object>(
    what: string,
    check: () => Promise<T | { progress: string }>,
    fix: string,
  ): Promise<T> {
    const started = Date.now();
    let lastLog = started;
    let last = '';
    try {
      return await pollUntil(
        what,
        async () => {
          const v = await check();
          if ('progress' in v && typeof v.progress === 'string') {
            last = v.progress;
            if (Date.now() - lastLog >= (deps.progressMs ?? 30_000)) {
              lastLog = Date.now();
              ctx.logger.info(`Waiting for ${what}: ${last} (${Math.round((Date.now() - started) / 1000)} s)`);
            }
            return undefined;
          }
          return v as T;
        },
        { timeoutMs, intervalMs: pollMs, signal: ctx.signal },
      );
    } catch (e) {
      if (/^Timed out/.test((e as Error).message)) {
        throw new ServiceUnavailableError(
          `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last: ${last})` : ''}; ${fix}`,
        );
      }
      throw e;
    }
  }
}
