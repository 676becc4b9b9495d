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

/** Opens the demo cloud and a host for an enrollment. */
export function openDemoEnroll(api: SuiteApi, cloud: ResolvedCloud, input: EnrollInput): EnrollTarget {
  const { host, availabilityZone: zone } = input;
  const aggregate = enrollAggregateName(input);
  const onlyAtEnrollment = () =>
    new ConflictError(
      `The demo store puts a host in its aggregate when it enrolls it; ${host} is not in aggregate ${aggregate}. Enroll it again with input.aggregate ${aggregate}`,
    );
  const demoHost = () => api.host(cloud, host);
  return {
    ovnAgentBinary: OVN_AGENT,
    discovery: { attempts: 10, waitSeconds: 30 },
    describe: () => ({
      bundle: `hand ${host} to the demo store, which provisions it with its configuration bundle`,
      discovery: `wait for the demo store's cell discovery to map ${host}`,
      ovnAgent: `wait until the ${OVN_AGENT} agent of ${host} is alive`,
    }),
    hints: {
      computeUp: `the demo store brings an enrolled host up within seconds; check that the backend runs the demo (openstack.demo.enabled) and run the task again`,
      ovnAgent: `the demo store starts an enrolled host's OVN agent within seconds; run the task again`,
      discovery: () => 'the demo store maps an enrolled host within seconds; run the task again',
    },
    async preflight() {
      const existing = await demoHost();
      if (existing) {
        throw new ConflictError(`input.host: ${host} is already a compute host of ${cloud.entityRef} (state ${existing.state}); pick another host. Nothing was changed.`);
      }
      const status = await api.status(cloud);
      if (status.verdict !== 'Healthy') {
        throw new Error(`The cloud ${cloud.entityRef} is ${status.verdict} (${status.reasons.join('; ')}); enroll when it is Healthy. Nothing was changed.`);
      }
      const found = (await demoAggregates(api, cloud)).find(a => a.name === aggregate);
      if (found && found.availabilityZone !== zone) {
        throw new InputError(
          `input.aggregate: aggregate ${aggregate} of ${cloud.entityRef} is in zone ${found.availabilityZone ?? '(none)'}, not ${zone}; set input.availabilityZone to ${found.availabilityZone ?? 'its zone'} or pick another aggregate. Nothing was changed.`,
        );
      }
      return { aggregateExists: !!found, bundleExists: false };
    },
    async deliverBundle() {
      await api.enrollDemoHost(cloud, { host, zone, aggregate });
      return { created: true, detail: `Handed ${host} to the demo store (zone ${zone}, aggregate ${aggregate}); it provisions the host` };
    },
    async computeService() {
      const h = await demoHost();
      return h && { id: h.host, state: h.state, status: h.status };
    },
    async enableComputeService() {
      throw new ConflictError(`The demo store enrolls hosts enabled, and ${host} is disabled: someone disabled it meanwhile; enable it or enroll another host`);
    },
    async isMapped() {
      return !!(await demoHost())?.vcpu;
    },
    async startDiscovery(attempt) {
      // the demo store's discovery runs by itself; an attempt only names the wait
      return { name: `the demo store's discovery ${attempt}`, created: false };
    },
    async discoveryOutcome() {
      return { state: 'succeeded' };
    },
    aggregates: () => demoAggregates(api, cloud),
    async createAggregate() {
      throw onlyAtEnrollment();
    },
    async addHostToAggregate() {
      throw onlyAtEnrollment();
    },
    async ovnAgent() {
      const h = await demoHost();
      return { alive: !!h?.ovnAgentAlive, found: !!h, others: [] };
    },
  };
}
