/*
 * The suite's OpenStack client (OpenStackClient and its Nova/Placement/Neutron/Cinder/Glance
 * clients) against the real services of the OpenStack peer, configured through the same reader
 * as app-config's openstack.clouds.<key>. openstack.integration.test.ts proves the peer itself
 * with raw HTTP; this file proves the client's calls, negotiation, paging and errors on it.
 */
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import { OpenStackClient } from '../openstack/client';
import { describePeers, peerOpenStackCloud } from './peers';

const COMPUTES = ['compute1', 'compute2'];

function client(over: Record<string, unknown> = {}, fetchImpl?: typeof fetch) {
  return new OpenStackClient(peerOpenStackCloud(over), { fetch: fetchImpl });
}

describePeers('OpenStack client against the real services', () => {
  const requests: Array<{ method: string; url: string }> = [];
  const counting: typeof fetch = (input, init) => {
    requests.push({ method: init?.method ?? 'GET', url: String(input) });
    return fetch(input, init);
  };
  let os: OpenStackClient;
  beforeAll(() => {
    os = client({}, counting);
  });
  afterAll(() => os.close());

  it('authenticates with the application credential once and resolves catalog endpoints by type and alias', async () => {
    const compute = await os.session.endpoint('compute');
    expect(compute).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\.1/);
    // block-storage is registered as volumev3 with %(project_id)s: the alias and the project are filled in
    const volume = await os.session.endpoint('block-storage');
    expect(volume).toContain(await os.session.projectId());
    expect(volume).not.toContain('%(');
    await os.session.endpoint('network');
    expect(
      requests.filter(
        r => r.method === 'POST' && r.url.endsWith('/auth/tokens'),
      ),
    ).toHaveLength(1);
  });

  it('negotiates the compute microversion with Zed (2.93) and lists services and hypervisors with it', async () => {
    const doc = await os.nova.versionDocument();
    expect(doc).toMatchObject({
      id: 'v2.1',
      maxVersion: '2.93',
      minVersion: '2.1',
    });
    expect(await os.nova.microversion()).toBe('2.93');
    const services = await os.nova.listComputeServices({
      binary: 'nova-compute',
    });
    expect(services.map(s => s.host)).toEqual(expect.arrayContaining(COMPUTES));
    for (const s of services.filter(x => COMPUTES.includes(x.host))) {
      expect(s).toMatchObject({
        binary: 'nova-compute',
        state: 'up',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(s.updatedAt).toMatch(/Z$/);
    }
    const hypervisors = await os.nova.listHypervisors();
    expect(hypervisors.map(h => h.serviceHost)).toEqual(
      expect.arrayContaining(COMPUTES),
    );
    // 2.88+: capacity comes from Placement, not from the hypervisor
    expect(hypervisors[0].vcpus).toBeUndefined();
  });

  it('follows Nova marker pagination to the last page without duplicates', async () => {
    const all = await os.nova.listHypervisors();
    const before = requests.length;
    const paged = await os.nova.listHypervisors({ pageSize: 1 });
    expect(paged.map(h => h.id).sort()).toEqual(all.map(h => h.id).sort());
    expect(new Set(paged.map(h => h.id)).size).toBe(paged.length);
    // one request per page, plus the empty last page at most
    expect(requests.length - before).toBeGreaterThanOrEqual(all.length);
    expect(requests.slice(before).some(r => r.url.includes('marker='))).toBe(
      true,
    );
  });

  it('counts servers per host and lists aggregates (admin calls)', async () => {
    const counts = await os.nova.countServersByHost();
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(0);
    expect(Array.isArray(await os.nova.listAggregates())).toBe(true);
    const [h] = await os.nova.findHypervisors('compute1');
    expect(h).toMatchObject({ serviceHost: 'compute1', state: 'up' });
    // the hypervisors asked at 2.87 count the same VMs per host as the servers do
    const hypervisors = await os.nova.listHypervisors({ stats: true });
    for (const host of COMPUTES) {
      const hyp = hypervisors.find(x => x.serviceHost === host);
      expect(hyp?.runningVms).toBe(counts[host] ?? 0);
    }
  });

  it('reads Placement capacity of each compute: inventories, usages, allocation ratios', async () => {
    const providers = await os.placement.listResourceProviders();
    for (const host of COMPUTES) {
      const rp = providers.find(p => p.name === host);
      expect(rp).toBeDefined();
      const capacity = await os.placement.getCapacity(rp!.uuid);
      for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) {
        const c = capacity[rc];
        expect(c.total).toBeGreaterThan(0);
        expect(c.allocationRatio).toBeGreaterThan(0);
        expect(c.capacity).toBe(
          Math.floor((c.total - c.reserved) * c.allocationRatio),
        );
        expect(c.free).toBe(c.capacity - c.used);
      }
    }
    const [byName] = await os.placement.listResourceProviders({
      name: 'compute1',
    });
    expect(byName.name).toBe('compute1');
  });

  it("reads every compute node's capacity in a few requests, equal to Placement's per-provider answers", async () => {
    const first = await os.placement.readComputeCapacities();
    // the real Placement answers the allocation-candidate summaries (1.29) the bulk read uses
    const summaries = await os.placement.getProviderSummaries('VCPU:1');
    expect(summaries.size).toBeGreaterThan(0);
    const again = await os.placement.readComputeCapacities();
    for (const read of [first, again]) {
      expect(read.failed).toBe(0);
      expect(read.providers.map(p => p.provider.name)).toEqual(
        expect.arrayContaining(COMPUTES),
      );
      for (const p of read.providers) {
        expect(p.capacity).toEqual(
          await os.placement.getCapacity(p.provider.uuid),
        );
      }
    }
    // the first read fetches each node's inventories; the next only what moved
    expect(first.requests).toBeGreaterThanOrEqual(4 + first.roots);
    expect(again.requests).toBeLessThan(first.requests);
  });

  it('lists Neutron agents and Cinder services', async () => {
    const agents = await os.neutron.listAgents();
    for (const host of COMPUTES) {
      expect(agents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            host,
            agentType: 'OVN Controller agent',
            binary: 'ovn-controller',
            alive: true,
          }),
        ]),
      );
    }
    const volume = await os.cinder.listVolumeServices();
    expect(volume).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ binary: 'cinder-volume', state: 'up' }),
      ]),
    );
  });

  it('reads Glance versions and images', async () => {
    expect((await os.glance.versionDocument()).id).toMatch(/^v2\.\d+$/);
    expect(Array.isArray(await os.glance.listImages(5))).toBe(true);
  });

  it('checks every API: each catalog endpoint answers its version document', async () => {
    const health = await os.checkApis();
    expect(health.map(h => [h.service, h.ok])).toEqual([
      ['identity', true],
      ['compute', true],
      ['placement', true],
      ['network', true],
      ['block-storage', true],
      ['image', true],
    ]);
  });

  it('names the cloud, service and URL of a 404, and refuses a wrong secret without echoing it', async () => {
    const err = await os.placement
      .getInventories('00000000-0000-4000-8000-000000000000')
      .catch(e => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toMatch(
      /^OpenStack cloud "peers": placement GET http:\/\/127\.0\.0\.1:\d+\/resource_providers\/00000000-0000-4000-8000-000000000000\/inventories failed: HTTP 404/,
    );
    const wrong = 'definitely-not-the-secret';
    const bad = client({ applicationCredentialSecret: wrong });
    const refused = await bad.nova.listComputeServices().catch(e => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused.message).toContain('OpenStack cloud "peers"');
    expect(refused.message).not.toContain(wrong);
    await bad.close();
  });
});
