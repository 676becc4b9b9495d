/*
 * An msw model of a Zed cloud shaped like the openstack-debian peer (RECIPE.md): Keystone v3
 * (fernet token in X-Subject-Token), Nova 2.1–2.93 with FakeDriver hosts, Placement 1.39,
 * Neutron ML2/OVS agents, Cinder 3.70 with the project id in its endpoint, Glance 2.15.
 */
import { http, HttpResponse, delay } from 'msw';
import { OpenStackCloudConfig } from '../openstack/config';
import { markerPage as page } from './markerPage';
import {
  fakePlacement,
  FakePlacementState,
  uniformPlacement,
} from './fakePlacement';

/** @public */
export const KEYSTONE = 'http://keystone.test:5000/v3';
/** @public */
export const NOVA = 'http://nova.test:8774/v2.1';
/** @public */
export const PLACEMENT = 'http://placement.test:8778';
/** @public */
export const NEUTRON = 'http://neutron.test:9696';
/** @public */
export const CINDER_ROOT = 'http://cinder.test:8776/v3';
/** @public */
export const GLANCE = 'http://glance.test:9292';
/** @public */
export const PROJECT_ID = '3f1d2c6e5b7a4c0f9e8d7c6b5a493827';
/** @public */
export const APP_CRED_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
/** @public */
export const APP_CRED_SECRET = 'sup3r-s3cret-app-cred';
/** @public */
export const PASSWORD = 'ADMIN_PASS_very_secret';

/** Where the fake cloud's services answer. @public */
export interface FakeCloudUrls {
  keystone: string;
  nova: string;
  placement: string;
  neutron: string;
  cinderRoot: string;
  glance: string;
}

/** The unit tests' URLs: one host name per service. @public */
export const FAKE_CLOUD_URLS: FakeCloudUrls = {
  keystone: KEYSTONE,
  nova: NOVA,
  placement: PLACEMENT,
  neutron: NEUTRON,
  cinderRoot: CINDER_ROOT,
  glance: GLANCE,
};

/**
 * Every service under one origin (devstack's paths), for a fake cloud served by one local HTTP
 * server (the benchmarks).
 *
 * @public
 */
export function fakeCloudUrlsAt(base: string): FakeCloudUrls {
  return {
    keystone: `${base}/identity/v3`,
    nova: `${base}/compute/v2.1`,
    placement: `${base}/placement`,
    neutron: `${base}/network`,
    cinderRoot: `${base}/volume/v3`,
    glance: `${base}/image`,
  };
}

/** @public */
export interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  body?: any;
}

/** @public */
export function cloudConfig(
  over: Partial<OpenStackCloudConfig> = {},
): OpenStackCloudConfig {
  return {
    key: 'zed',
    authUrl: KEYSTONE,
    region: 'RegionOne',
    interface: 'public',
    applicationCredentialId: APP_CRED_ID,
    applicationCredentialSecret: APP_CRED_SECRET,
    userDomainName: 'Default',
    projectDomainName: 'Default',
    timeoutMs: 2000,
    maxConcurrency: 8,
    ...over,
  };
}

function endpoints(
  type: string,
  url: (region: string, iface: string) => string,
) {
  const out = [];
  for (const region of ['RegionOne', 'RegionTwo']) {
    for (const iface of ['public', 'internal', 'admin']) {
      out.push({
        id: `${type}-${region}-${iface}`,
        interface: iface,
        region_id: region,
        region,
        url: url(region, iface),
      });
    }
  }
  return out;
}

/** Host part per region/interface: RegionOne public = the bare name, the rest are tagged. */
function tag(base: string, region: string, iface: string): string {
  if (region === 'RegionOne' && iface === 'public') return base;
  const u = new URL(base);
  u.hostname = `${iface}.${region.toLowerCase()}.${u.hostname}`;
  return u.toString().replace(/\/$/, '');
}

/** @public */
export function catalog(urls: FakeCloudUrls = FAKE_CLOUD_URLS) {
  return [
    {
      type: 'identity',
      name: 'keystone',
      endpoints: endpoints(
        'identity',
        (r, i) => `${tag(urls.keystone, r, i)}/`,
      ),
    },
    {
      type: 'compute',
      name: 'nova',
      endpoints: endpoints('compute', (r, i) => tag(urls.nova, r, i)),
    },
    {
      type: 'placement',
      name: 'placement',
      endpoints: endpoints('placement', (r, i) => tag(urls.placement, r, i)),
    },
    {
      type: 'network',
      name: 'neutron',
      endpoints: endpoints('network', (r, i) => tag(urls.neutron, r, i)),
    },
    // keystone leaves %(project_id)s in when the seed registered it so; the client fills it
    {
      type: 'volumev3',
      name: 'cinderv3',
      endpoints: endpoints(
        'volumev3',
        (r, i) => `${tag(urls.cinderRoot, r, i)}/%(project_id)s`,
      ),
    },
    {
      type: 'image',
      name: 'glance',
      endpoints: endpoints('image', (r, i) => tag(urls.glance, r, i)),
    },
  ];
}

/** @public */
export const HOSTS = ['compute1', 'compute2', 'compute3'];

/** @public */
export function novaService(i: number, host: string, binary = 'nova-compute') {
  return {
    id: `0b7e5e1c-0000-4000-8000-${String(i).padStart(12, '0')}`,
    binary,
    host,
    zone: binary === 'nova-compute' ? 'nova' : 'internal',
    status: 'enabled',
    state: 'up',
    updated_at: '2026-11-25T10:00:00.000000',
    disabled_reason: null,
    forced_down: false,
  };
}

/** A hypervisor as nova shows it at `microversion`; below 2.88 with `runningVms` VMs. @public */
export function hypervisor(
  i: number,
  host: string,
  microversion: string,
  runningVms = 1,
) {
  const h: any = {
    id: `5a0c1e7e-0000-4000-8000-${String(i).padStart(12, '0')}`,
    hypervisor_hostname: host,
    hypervisor_type: 'fake',
    hypervisor_version: 1000,
    host_ip: '127.0.0.1',
    state: 'up',
    status: 'enabled',
    service: { host, id: novaService(i, host).id, disabled_reason: null },
  };
  const [, minor] = microversion.split('.').map(Number);
  if (minor >= 88) {
    h.uptime = null; // FakeDriver: NotImplementedError → null
  } else {
    Object.assign(h, {
      vcpus: 1000,
      memory_mb: 800000,
      local_gb: 600000,
      vcpus_used: 1,
      memory_mb_used: 1024,
      local_gb_used: 1,
      running_vms: runningVms,
      free_ram_mb: 798976,
      free_disk_gb: 599999,
      current_workload: 0,
      disk_available_least: 0,
      cpu_info: '{"arch": "x86_64"}',
    });
  }
  return h;
}

/** @public */
export interface FakeCloudState {
  calls: Recorded[];
  tokens: string[];
  authBodies: any[];
  novaMax: string;
  tokenTtlMs: number;
  servers: Array<{ id: string; 'OS-EXT-SRV-ATTR:host': string | null }>;
  /** The compute hosts; default {@link HOSTS}. */
  hosts?: string[];
  /** Where the services answer; default {@link FAKE_CLOUD_URLS}. */
  urls?: FakeCloudUrls;
  /** Record every call in `calls` (default true; off for the benchmarks' thousands of calls). */
  record?: boolean;
  /**
   * Placement's providers and allocations; default {@link uniformPlacement} of the hosts (made
   * on the first request).
   */
  placement?: FakePlacementState;
}

/** @public */
export function microversionOf(headers: Headers): string {
  return (headers.get('openstack-api-version') ?? 'compute 2.1').split(' ')[1];
}

/** msw handlers of a healthy cloud; `state` records every call. @public */
export function fakeCloud(state: FakeCloudState) {
  const urls = state.urls ?? FAKE_CLOUD_URLS;
  const hosts = state.hosts ?? HOSTS;
  const record = async (request: Request) => {
    if (state.record === false) return;
    let body: any;
    if (request.method !== 'GET') {
      const text = await request.clone().text();
      body = text ? JSON.parse(text) : undefined;
    }
    state.calls.push({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body,
    });
  };
  const authed = (request: Request) =>
    state.tokens.includes(request.headers.get('x-auth-token') ?? '');
  const unauthorized = () =>
    HttpResponse.json(
      {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      },
      { status: 401 },
    );

  return [
    http.post(`${urls.keystone}/auth/tokens`, async ({ request }) => {
      await record(request);
      const body = await request.json();
      state.authBodies.push(body);
      const token = `gAAAAABtoken${state.tokens.length + 1}-${'x'.repeat(40)}`;
      state.tokens.push(token);
      const methods = (body as any).auth.identity.methods;
      return HttpResponse.json(
        {
          token: {
            methods,
            user: {
              id: 'u1',
              name: 'admin',
              domain: { id: 'default', name: 'Default' },
            },
            audit_ids: ['abc'],
            expires_at: new Date(Date.now() + state.tokenTtlMs)
              .toISOString()
              .replace('Z', '000Z'),
            issued_at: new Date().toISOString(),
            project: {
              id: PROJECT_ID,
              name: 'admin',
              domain: { id: 'default', name: 'Default' },
            },
            is_domain: false,
            roles: [{ id: 'r1', name: 'admin' }],
            catalog: catalog(urls),
          },
        },
        { status: 201, headers: { 'X-Subject-Token': token } },
      );
    }),

    http.get(`${urls.nova}/`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        version: {
          id: 'v2.1',
          status: 'CURRENT',
          version: state.novaMax,
          min_version: '2.1',
          updated: '2013-07-23T11:33:21Z',
          links: [{ rel: 'self', href: `${urls.nova}/` }],
          'media-types': [
            {
              base: 'application/json',
              type: 'application/vnd.openstack.compute+json;version=2.1',
            },
          ],
        },
      });
    }),
    http.get(`${urls.nova}/os-services`, async ({ request }) => {
      await record(request);
      if (!authed(request)) return unauthorized();
      return HttpResponse.json({
        services: [
          novaService(1, 'controller', 'nova-conductor'),
          novaService(2, 'controller', 'nova-scheduler'),
          ...hosts.map((h, i) => novaService(i + 3, h)),
        ],
      });
    }),
    http.put(`${urls.nova}/os-services/:id`, async ({ request, params }) => {
      await record(request);
      if (!authed(request)) return unauthorized();
      const body: any = await request.json();
      return HttpResponse.json({
        service: {
          ...novaService(3, 'compute1'),
          id: params.id,
          status: body.status,
          disabled_reason:
            body.status === 'disabled' ? body.disabled_reason ?? null : null,
        },
      });
    }),
    http.get(`${urls.nova}/os-hypervisors/detail`, async ({ request }) => {
      await record(request);
      if (!authed(request)) return unauthorized();
      const url = new URL(request.url);
      // running_vms as nova's resource tracker counts them: the servers on the host
      const vms = new Map<string, number>();
      for (const s of state.servers) {
        const on = s['OS-EXT-SRV-ATTR:host'];
        if (on) vms.set(on, (vms.get(on) ?? 0) + 1);
      }
      const microversion = microversionOf(request.headers);
      const all = hosts.map((h, i) =>
        hypervisor(i + 3, h, microversion, vms.get(h) ?? 0),
      );
      // Nova pages hypervisors (limit, marker, next links) only from microversion 2.33; an
      // older client (python-openstackclient's default 2.1) gets every one in one answer
      if (Number(microversion.split('.')[1]) < 33) {
        return HttpResponse.json({ hypervisors: all });
      }
      return HttpResponse.json(
        page(
          all,
          url,
          'hypervisors',
          `http://proxy.internal:8774/v2.1/os-hypervisors/detail`,
        ),
      );
    }),
    http.get(`${urls.nova}/servers/detail`, async ({ request }) => {
      await record(request);
      if (!authed(request)) return unauthorized();
      const url = new URL(request.url);
      return HttpResponse.json(
        page(state.servers, url, 'servers', `${urls.nova}/servers/detail`),
      );
    }),
    http.get(`${urls.nova}/os-aggregates`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        aggregates: [
          {
            id: 1,
            uuid: '9b7f1c1e-aaaa-4bbb-8ccc-000000000001',
            name: 'az1-hosts',
            availability_zone: 'az1',
            hosts: ['compute1'],
            metadata: { availability_zone: 'az1' },
            created_at: '2026-11-25T10:00:00.000000',
            updated_at: null,
            deleted_at: null,
            deleted: false,
          },
        ],
      });
    }),
    http.post(`${urls.nova}/os-aggregates`, async ({ request }) => {
      await record(request);
      const { aggregate } = (await request.json()) as any;
      return HttpResponse.json({
        aggregate: {
          id: 2,
          uuid: '9b7f1c1e-aaaa-4bbb-8ccc-000000000002',
          name: aggregate.name,
          availability_zone: aggregate.availability_zone ?? null,
          created_at: '2026-11-25T10:00:00.000000',
          updated_at: null,
          deleted_at: null,
          deleted: false,
        },
      });
    }),
    http.post(
      `${urls.nova}/os-aggregates/:id/action`,
      async ({ request, params }) => {
        await record(request);
        const body = (await request.json()) as any;
        return HttpResponse.json({
          aggregate: {
            id: Number(params.id),
            name: 'az1-hosts',
            availability_zone: 'az1',
            hosts: ['compute1', body.add_host.host],
            metadata: { availability_zone: 'az1' },
          },
        });
      },
    ),

    ...fakePlacement(
      (state.placement ??= uniformPlacement(hosts)),
      urls.placement,
      record,
    ),
    http.get(`${urls.placement}/`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        versions: [
          {
            id: 'v1.0',
            max_version: '1.39',
            min_version: '1.0',
            status: 'CURRENT',
            links: [],
          },
        ],
      });
    }),

    http.get(`${urls.neutron}/v2.0/agents`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        agents: hosts
          .filter((_, i) => i % 3 !== 2)
          .map((h, i) => ({
            id: `agent-${i}`,
            agent_type: 'Open vSwitch agent',
            binary: 'neutron-openvswitch-agent',
            topic: 'N/A',
            host: h,
            admin_state_up: true,
            created_at: '2026-11-25 09:00:00',
            started_at: '2026-11-25 09:00:00',
            heartbeat_timestamp: '2026-11-25 10:00:05',
            description: null,
            resources_synced: null,
            availability_zone: null,
            alive: true,
            configurations: {},
            resource_versions: {},
          })),
      });
    }),
    http.get(`${urls.neutron}/`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        versions: [{ id: 'v2.0', status: 'CURRENT', links: [] }],
      });
    }),

    http.get(
      `${urls.cinderRoot}/${PROJECT_ID}/os-services`,
      async ({ request }) => {
        await record(request);
        return HttpResponse.json({
          services: [
            {
              binary: 'cinder-scheduler',
              host: 'ctl',
              zone: 'nova',
              status: 'enabled',
              state: 'up',
              updated_at: '2026-11-25T10:00:01.000000',
              cluster: null,
              disabled_reason: null,
            },
            {
              binary: 'cinder-volume',
              host: 'ctl@fake',
              zone: 'nova',
              status: 'enabled',
              state: 'up',
              updated_at: '2026-11-25T10:00:02.000000',
              cluster: null,
              disabled_reason: null,
              replication_status: 'disabled',
              active_backend_id: null,
              frozen: false,
              backend_state: 'up',
            },
          ],
        });
      },
    ),
    http.get(`${urls.cinderRoot}/`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        versions: [
          {
            id: 'v3.0',
            status: 'CURRENT',
            version: '3.70',
            min_version: '3.0',
            links: [],
          },
        ],
      });
    }),

    http.get(`${urls.glance}/versions`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({
        versions: [
          { id: 'v2.15', status: 'CURRENT', links: [] },
          { id: 'v2.14', status: 'SUPPORTED', links: [] },
        ],
      });
    }),
    http.get(`${urls.glance}/v2/images`, async ({ request }) => {
      await record(request);
      const limit = Number(new URL(request.url).searchParams.get('limit'));
      const images = [
        {
          id: 'img-1',
          name: 'cirros',
          status: 'active',
          visibility: 'public',
          size: 1048576,
          disk_format: 'raw',
          container_format: 'bare',
          created_at: '2026-11-25T10:00:00Z',
        },
        {
          id: 'img-2',
          name: 'debian',
          status: 'queued',
          visibility: 'private',
          size: null,
          disk_format: null,
          container_format: null,
          created_at: '2026-11-25T10:01:00Z',
        },
      ];
      return HttpResponse.json({
        images: images.slice(0, limit),
        first: '/v2/images',
        schema: '/v2/schemas/images',
      });
    }),
  ];
}

/** @public */
export function newState(over: Partial<FakeCloudState> = {}): FakeCloudState {
  return {
    calls: [],
    tokens: [],
    authBodies: [],
    novaMax: '2.93',
    tokenTtlMs: 3600_000,
    servers: [],
    ...over,
  };
}

export { delay };
