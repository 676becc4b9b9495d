import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { NotImplementedError } from '@backstage/errors';
import { OpenStackClient } from './client';
import {
  cloudConfig,
  CINDER_ROOT,
  fakeCloud,
  FakeCloudState,
  GLANCE,
  microversionOf,
  newState,
  NEUTRON,
  NOVA,
  PROJECT_ID,
} from '../testUtils/fakeCloud';

const server = setupServer();
registerMswTestHooks(server);

let state: FakeCloudState;
beforeEach(() => {
  state = newState();
  server.use(...fakeCloud(state));
});

const client = () =>
  new OpenStackClient(cloudConfig(), {
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
  });
const callsTo = (path: string, method = 'GET') =>
  state.calls.filter(c => c.method === method && c.url.pathname === path);

describe('nova microversions', () => {
  it('server max 2.93: asks for 2.93 in both headers', async () => {
    const c = client();
    expect(await c.nova.microversion()).toBe('2.93');
    await c.nova.listComputeServices();
    const [call] = callsTo('/v2.1/os-services');
    expect(call.headers.get('openstack-api-version')).toBe('compute 2.93');
    expect(call.headers.get('x-openstack-nova-api-version')).toBe('2.93');
  });

  it('server newer than the client: asks for the client max (2.96)', async () => {
    state.novaMax = '2.100';
    expect(await client().nova.microversion()).toBe('2.96');
  });

  it('server max 2.60: uses 2.60, and the hypervisors still carry vcpus/memory', async () => {
    state.novaMax = '2.60';
    state.servers = [{ id: 's1', 'OS-EXT-SRV-ATTR:host': 'compute1' }];
    const c = client();
    expect(await c.nova.microversion()).toBe('2.60');
    const [h] = await c.nova.listHypervisors();
    expect(h).toMatchObject({ vcpus: 1000, memoryMb: 800000, runningVms: 1 });
    expect(h.uptime).toBeUndefined();
  });

  it('reads the version document once per client', async () => {
    const c = client();
    await Promise.all([
      c.nova.listComputeServices(),
      c.nova.listAggregates(),
      c.nova.listHypervisors(),
    ]);
    expect(callsTo('/v2.1/')).toHaveLength(1);
    expect(await c.nova.versionDocument()).toEqual({
      id: 'v2.1',
      status: 'CURRENT',
      maxVersion: '2.93',
      minVersion: '2.1',
    });
  });

  it('below 2.53 a status update fails clearly, without calling nova', async () => {
    state.novaMax = '2.52';
    const error = await client()
      .nova.setComputeServiceStatus('17', false)
      .catch(e => e);
    expect(error).toBeInstanceOf(NotImplementedError);
    expect(error.message).toBe(
      'OpenStack cloud "zed": compute PUT http://nova.test:8774/v2.1/os-services/17 needs compute microversion 2.53 or later; the cloud offers up to 2.52',
    );
    expect(callsTo('/v2.1/os-services/17', 'PUT')).toHaveLength(0);
  });
});

describe('nova calls', () => {
  it('lists compute services like `openstack compute service list`', async () => {
    const services = await client().nova.listComputeServices();
    expect(services.map(s => `${s.binary}@${s.host}`)).toEqual([
      'nova-conductor@controller',
      'nova-scheduler@controller',
      'nova-compute@compute1',
      'nova-compute@compute2',
      'nova-compute@compute3',
    ]);
    expect(services[2]).toEqual({
      id: '0b7e5e1c-0000-4000-8000-000000000003',
      binary: 'nova-compute',
      host: 'compute1',
      zone: 'nova',
      status: 'enabled',
      state: 'up',
      updatedAt: '2026-11-25T10:00:00.000000Z',
      disabledReason: null,
      forcedDown: false,
    });
  });

  it('passes binary/host filters', async () => {
    await client().nova.listComputeServices({
      binary: 'nova-compute',
      host: 'compute2',
    });
    const [call] = callsTo('/v2.1/os-services');
    expect(call.url.searchParams.get('binary')).toBe('nova-compute');
    expect(call.url.searchParams.get('host')).toBe('compute2');
  });

  it('disables with a reason and enables (PUT status, not retried)', async () => {
    const c = client();
    const disabled = await c.nova.setComputeServiceStatus(
      'svc-3',
      false,
      'maintenance',
    );
    expect(disabled).toMatchObject({
      id: 'svc-3',
      status: 'disabled',
      disabledReason: 'maintenance',
    });
    const enabled = await c.nova.setComputeServiceStatus('svc-3', true);
    expect(enabled).toMatchObject({ status: 'enabled', disabledReason: null });
    const puts = callsTo('/v2.1/os-services/svc-3', 'PUT');
    expect(puts.map(p => p.body)).toEqual([
      { status: 'disabled', disabled_reason: 'maintenance' },
      { status: 'enabled' },
    ]);
    expect(puts[0].headers.get('openstack-api-version')).toBe('compute 2.93');
  });

  it('the fake Nova, as Nova, pages hypervisors only from 2.33: an older client gets all of them at once', async () => {
    state.tokens.push('a-token');
    const ask = async (microversion: string) => {
      const res = await fetch(`${NOVA}/os-hypervisors/detail?limit=2`, {
        headers: {
          'X-Auth-Token': 'a-token',
          'OpenStack-API-Version': `compute ${microversion}`,
        },
      });
      return res.json();
    };
    const old = await ask('2.1');
    expect(old.hypervisors).toHaveLength(3);
    expect(old.hypervisors_links).toBeUndefined();
    const paged = await ask('2.33');
    expect(paged.hypervisors).toHaveLength(2);
    expect(paged.hypervisors_links[0].rel).toBe('next');
  });

  it('pages through hypervisors by marker, against the catalog URL not the link host', async () => {
    const hypervisors = await client().nova.listHypervisors({ pageSize: 2 });
    expect(hypervisors.map(h => h.hostname)).toEqual([
      'compute1',
      'compute2',
      'compute3',
    ]);
    const pages = callsTo('/v2.1/os-hypervisors/detail');
    expect(pages).toHaveLength(2);
    expect(pages.every(p => p.url.host === 'nova.test:8774')).toBe(true);
    expect(pages[0].url.searchParams.get('limit')).toBe('2');
    expect(pages[1].url.searchParams.get('marker')).toBe(
      '5a0c1e7e-0000-4000-8000-000000000004',
    );
    // ≥ 2.88: no vcpus/memory (placement has them), uptime null with FakeDriver
    expect(hypervisors[0]).toEqual({
      id: '5a0c1e7e-0000-4000-8000-000000000003',
      hostname: 'compute1',
      type: 'fake',
      version: 1000,
      hostIp: '127.0.0.1',
      state: 'up',
      status: 'enabled',
      serviceId: '0b7e5e1c-0000-4000-8000-000000000003',
      serviceHost: 'compute1',
      disabledReason: null,
      uptime: null,
    });
  });

  it('counts servers per host over every page, all tenants', async () => {
    state.servers = [
      ...Array.from({ length: 5 }, (_, i) => ({
        id: `s${i}`,
        'OS-EXT-SRV-ATTR:host': 'compute1',
      })),
      ...Array.from({ length: 3 }, (_, i) => ({
        id: `t${i}`,
        'OS-EXT-SRV-ATTR:host': 'compute2',
      })),
      { id: 'err', 'OS-EXT-SRV-ATTR:host': null },
    ];
    const counts = await client().nova.countServersByHost({ pageSize: 4 });
    expect(counts).toEqual({ compute1: 5, compute2: 3 });
    const pages = callsTo('/v2.1/servers/detail');
    expect(pages).toHaveLength(3);
    expect(
      pages.every(p => p.url.searchParams.get('all_tenants') === '1'),
    ).toBe(true);
  });

  it('lists aggregates, creates one and adds a host (POSTs)', async () => {
    const c = client();
    expect(await c.nova.listAggregates()).toEqual([
      {
        id: 1,
        uuid: '9b7f1c1e-aaaa-4bbb-8ccc-000000000001',
        name: 'az1-hosts',
        availabilityZone: 'az1',
        hosts: ['compute1'],
        metadata: { availability_zone: 'az1' },
      },
    ]);
    expect(await c.nova.createAggregate('az2-hosts', 'az2')).toMatchObject({
      id: 2,
      name: 'az2-hosts',
      availabilityZone: 'az2',
      hosts: [],
    });
    expect(callsTo('/v2.1/os-aggregates', 'POST')[0].body).toEqual({
      aggregate: { name: 'az2-hosts', availability_zone: 'az2' },
    });
    expect((await c.nova.addHostToAggregate(1, 'compute3')).hosts).toEqual([
      'compute1',
      'compute3',
    ]);
    expect(callsTo('/v2.1/os-aggregates/1/action', 'POST')[0].body).toEqual({
      add_host: { host: 'compute3' },
    });
  });
});

describe('placement', () => {
  it('lists providers, inventories, usages and capacity (FakeDriver numbers)', async () => {
    const c = client();
    const rps = await c.placement.listResourceProviders();
    expect(rps.map(r => r.name)).toEqual(['compute1', 'compute2', 'compute3']);
    expect(rps[0]).toEqual({
      uuid: 'rp-compute1',
      name: 'compute1',
      generation: 3,
      parentProviderUuid: null,
      rootProviderUuid: 'rp-compute1',
    });
    expect((await c.placement.getInventories('rp-compute1')).MEMORY_MB).toEqual(
      {
        total: 800000,
        reserved: 512,
        minUnit: 1,
        maxUnit: 800000,
        stepSize: 1,
        allocationRatio: 1.5,
      },
    );
    expect(await c.placement.getUsages('rp-compute1')).toEqual({
      VCPU: 2,
      MEMORY_MB: 1024,
      DISK_GB: 2,
    });
    const capacity = await c.placement.getCapacity('rp-compute1');
    expect(capacity.VCPU).toEqual({
      total: 1000,
      reserved: 0,
      allocationRatio: 16,
      used: 2,
      capacity: 16000,
      free: 15998,
    });
    expect(capacity.MEMORY_MB.capacity).toBe(1199232);
    const call = callsTo('/resource_providers/rp-compute1/usages')[0];
    expect(call.headers.get('openstack-api-version')).toBe('placement 1.14');
  });
});

describe('neutron', () => {
  it('lists agents like `openstack network agent list`', async () => {
    const agents = await client().neutron.listAgents();
    expect(agents).toHaveLength(2);
    expect(agents[0]).toEqual({
      id: 'agent-0',
      agentType: 'Open vSwitch agent',
      binary: 'neutron-openvswitch-agent',
      host: 'compute1',
      alive: true,
      adminStateUp: true,
      availabilityZone: null,
      heartbeatTimestamp: '2026-11-25T10:00:05Z',
      topic: 'N/A',
      description: null,
    });
  });

  it('follows agents_links pages', async () => {
    server.use(
      http.get(`${NEUTRON}/v2.0/agents`, ({ request }) => {
        const marker = new URL(request.url).searchParams.get('marker');
        const agent = (id: string) => ({
          id,
          agent_type: 'DHCP agent',
          binary: 'neutron-dhcp-agent',
          host: 'net1',
          alive: false,
          admin_state_up: true,
          heartbeat_timestamp: null,
        });
        return HttpResponse.json(
          marker
            ? { agents: [agent('b')] }
            : {
                agents: [agent('a')],
                agents_links: [
                  { rel: 'next', href: `${NEUTRON}/v2.0/agents?marker=a` },
                ],
              },
        );
      }),
    );
    const agents = await client().neutron.listAgents();
    expect(agents.map(a => [a.id, a.alive, a.heartbeatTimestamp])).toEqual([
      ['a', false, null],
      ['b', false, null],
    ]);
  });
});

describe('cinder', () => {
  it('lists volume services on the project-scoped endpoint', async () => {
    const services = await client().cinder.listVolumeServices();
    expect(
      services.map(s => `${s.binary}@${s.host} ${s.status}/${s.state}`),
    ).toEqual([
      'cinder-scheduler@ctl enabled/up',
      'cinder-volume@ctl@fake enabled/up',
    ]);
    expect(services[1]).toMatchObject({
      zone: 'nova',
      updatedAt: '2026-11-25T10:00:02.000000Z',
      disabledReason: null,
      frozen: false,
    });
    expect(
      state.calls.some(
        c => c.url.toString() === `${CINDER_ROOT}/${PROJECT_ID}/os-services`,
      ),
    ).toBe(true);
  });
});

describe('glance', () => {
  it('reads the current version and a page of images', async () => {
    const c = client();
    expect(await c.glance.versionDocument()).toMatchObject({
      id: 'v2.15',
      status: 'CURRENT',
    });
    const images = await c.glance.listImages(1);
    expect(images).toEqual([
      {
        id: 'img-1',
        name: 'cirros',
        status: 'active',
        visibility: 'public',
        size: 1048576,
        diskFormat: 'raw',
        createdAt: '2026-11-25T10:00:00Z',
      },
    ]);
    expect(callsTo('/v2/images')[0].url.searchParams.get('limit')).toBe('1');
  });
});

describe('checkApi', () => {
  it('reports every service up with its version and latency', async () => {
    const results = await client().checkApis([
      'compute',
      'placement',
      'network',
      'block-storage',
      'image',
    ]);
    expect(
      results.map(r => [
        r.service,
        r.ok,
        r.status,
        r.version?.maxVersion ?? r.version?.id,
      ]),
    ).toEqual([
      ['compute', true, 200, '2.93'],
      ['placement', true, 200, '1.39'],
      ['network', true, 200, 'v2.0'],
      ['block-storage', true, 200, '3.70'],
      ['image', true, 200, 'v2.15'],
    ]);
    expect(results.find(r => r.service === 'block-storage')!.url).toBe(
      `${CINDER_ROOT}/`,
    );
    for (const r of results) expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a failing API once (no retry) with the error, and never throws', async () => {
    let n = 0;
    server.use(
      http.get(`${NOVA}/`, () => {
        n++;
        return new HttpResponse(null, {
          status: 503,
          statusText: 'Service Unavailable',
        });
      }),
    );
    const result = await client().checkApi('compute');
    expect(n).toBe(1);
    expect(result).toMatchObject({
      service: 'compute',
      ok: false,
      status: 503,
      url: `${NOVA}/`,
      error: `OpenStack cloud "zed": compute GET ${NOVA}/ failed: HTTP 503 Service Unavailable`,
    });
  });

  it('reports a service missing from the catalog', async () => {
    const result = await client().checkApi('orchestration');
    expect(result.ok).toBe(false);
    expect(result.error).toContain('the catalog has no orchestration endpoint');
  });

  it('answers for identity from its /v3/ document', async () => {
    server.use(
      http.get('http://keystone.test:5000/v3/', () =>
        HttpResponse.json({
          version: {
            id: 'v3.14',
            status: 'stable',
            updated: '2020-04-07T00:00:00Z',
          },
        }),
      ),
    );
    const result = await client().checkApi('identity');
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      version: { id: 'v3.14' },
    });
  });
});

it('microversionOf helper reads the compute header (fake cloud sanity)', () => {
  expect(
    microversionOf(new Headers({ 'OpenStack-API-Version': 'compute 2.88' })),
  ).toBe('2.88');
  expect(GLANCE).toBe('http://glance.test:9292');
});
