// Where the demo driver's enroll effects land: the backend's demo store, which provisions the
// host (its bundle), brings nova-compute up, maps it and starts its OVN agent on its own clock.
// The steps observe it through the suite's status routes, as they observe a live cloud's APIs.
import { ConflictError, InputError } from '@backstage/errors';
import { enrollAggregateName } from '@backstage-openstack/plugin-openstack-common';
import { ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { SuiteApi } from './suiteApi';
import { EnrollAggregate, EnrollInput, EnrollTarget } from './types';

const OVN_AGENT = 'ovn-controller';

/** The demo cloud's aggregates, from its hosts (the demo store keeps them per host). */
async function demoAggregates(api: SuiteApi, cloud: ResolvedCloud): Promise<EnrollAggregate[]> {
  const byName = new Map<string, EnrollAggregate>();
  for (const h of await api.hosts(cloud)) {
    for (const name of h.aggregates) {
      const a = byName.get(name) ?? { id: 0, name, availabilityZone: h.zone, hosts: [] };
      a.hosts.push(h.host);
      byName.set(name, a);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map((a, i) => ({ ...a, id: i + 1 }));
}

/** The demo cloud and a host, opened for an enrollment: each step's effect is one method. */
class DemoEnrollTarget implements EnrollTarget {
  readonly ovnAgentBinary = OVN_AGENT;
  readonly discovery = { attempts: 10, waitSeconds: 30 };
  readonly hints = {
    computeUp: `the demo store brings an enrolled host up within seconds; check that the backend runs the demo (openstack.demo.enabled) and run the task again`,
    ovnAgent: `the demo store starts an enrolled host's OVN agent within seconds; run the task again`,
    discovery: () => 'the demo store maps an enrolled host within seconds; run the task again',
  };
  private readonly host: string;
  private readonly zone: string;
  private readonly aggregate: string;

  constructor(
    private readonly api: SuiteApi,
    private readonly cloud: ResolvedCloud,
    input: EnrollInput,
  ) {
    this.host = input.host;
    this.zone = input.availabilityZone;
    this.aggregate = enrollAggregateName(input);
  }

  private demoHost() {
    return this.api.host(this.cloud, this.host);
  }

  private onlyAtEnrollment() {
    return new ConflictError(
      `The demo store puts a host in its aggregate when it enrolls it; ${this.host} is not in aggregate ${this.aggregate}. Enroll it again with input.aggregate ${this.aggregate}`,
    );
  }

  describe() {
    return {
      bundle: `hand ${this.host} to the demo store, which provisions it with its configuration bundle`,
      discovery: `wait for the demo store's cell discovery to map ${this.host}`,
      ovnAgent: `wait until the ${OVN_AGENT} agent of ${this.host} is alive`,
    };
  }

  async preflight() {
    const { cloud, host, zone, aggregate } = this;
    const existing = await this.demoHost();
    if (existing) {
      throw new ConflictError(`input.host: ${host} is already a compute host of ${cloud.entityRef} (state ${existing.state}); pick another host. Nothing was changed.`);
    }
    const status = await this.api.status(cloud);
    if (status.verdict !== 'Healthy') {
      throw new Error(`The cloud ${cloud.entityRef} is ${status.verdict} (${status.reasons.join('; ')}); enroll when it is Healthy. Nothing was changed.`);
    }
    const found = (await this.aggregates()).find(a => a.name === aggregate);
    if (found && found.availabilityZone !== zone) {
      throw new InputError(
        `input.aggregate: aggregate ${aggregate} of ${cloud.entityRef} is in zone ${found.availabilityZone ?? '(none)'}, not ${zone}; set input.availabilityZone to ${found.availabilityZone ?? 'its zone'} or pick another aggregate. Nothing was changed.`,
      );
    }
    return { aggregateExists: !!found, bundleExists: false };
  }

  async deliverBundle() {
    const { host, zone, aggregate } = this;
    await this.api.enrollDemoHost(this.cloud, { host, zone, aggregate });
    return { created: true, detail: `Handed ${host} to the demo store (zone ${zone}, aggregate ${aggregate}); it provisions the host` };
  }

  async computeService() {
    const h = await this.demoHost();
    return h && { id: h.host, state: h.state, status: h.status };
  }

  async enableComputeService(): Promise<void> {
    throw new ConflictError(`The demo store enrolls hosts enabled, and ${this.host} is disabled: someone disabled it meanwhile; enable it or enroll another host`);
  }

  async isMapped() {
    return !!(await this.demoHost())?.vcpu;
  }

  async startDiscovery(attempt: number) {
    // the demo store's discovery runs by itself; an attempt only names the wait
    return { name: `the demo store's discovery ${attempt}`, created: false };
  }

  async discoveryOutcome() {
    return { state: 'succeeded' as const };
  }

  aggregates() {
    return demoAggregates(this.api, this.cloud);
  }

  async createAggregate(): Promise<{ id: number }> {
    throw this.onlyAtEnrollment();
  }

  async addHostToAggregate(): Promise<void> {
    throw this.onlyAtEnrollment();
  }

  async ovnAgent() {
    const h = await this.demoHost();
    return { alive: !!h?.ovnAgentAlive, found: !!h, others: [] };
  }
}

/** Opens the demo cloud and a host for an enrollment. */
export function openDemoEnroll(api: SuiteApi, cloud: ResolvedCloud, input: EnrollInput): EnrollTarget {
  return new DemoEnrollTarget(api, cloud, input);
}
