import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { http, HttpResponse, delay } from 'msw';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { OpenStackClient } from './client';
import { parseRetryAfter, Semaphore } from './transport';
import {
  APP_CRED_ID,
  APP_CRED_SECRET,
  cloudConfig,
  fakeCloud,
  FakeCloudState,
  KEYSTONE,
  newState,
  NOVA,
  PASSWORD,
  PROJECT_ID,
} from '../testUtils/fakeCloud';

const server = setupServer();
registerMswTestHooks(server);

let state: FakeCloudState;
beforeEach(() => {
  state = newState();
  server.use(...fakeCloud(state));
});

const FAST_RETRY = { retry: { baseDelayMs: 1, maxDelayMs: 20 } };
const client = (over = {}) =>
  new OpenStackClient(cloudConfig(over), FAST_RETRY);
const callsTo = (path: string, method = 'GET') =>
  state.calls.filter(c => c.method === method && c.url.pathname === path);

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('keystone authentication', () => {
  it('authenticates with the application credential (no scope: it is implied)', async () => {
    await client().nova.listComputeServices();
    expect(state.authBodies).toEqual([
      {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: {
              id: APP_CRED_ID,
              secret: APP_CRED_SECRET,
            },
          },
        },
      },
    ]);
    const services = callsTo('/v2.1/os-services');
    expect(services[0].headers.get('x-auth-token')).toBe(state.tokens[0]);
  });

  it('authenticates with a password, project-scoped by name and domain', async () => {
    const c = client({
      applicationCredentialId: undefined,
      applicationCredentialSecret: undefined,
      username: 'admin',
      password: PASSWORD,
      projectName: 'admin',
    });
    await c.nova.listComputeServices();
    expect(state.authBodies).toEqual([
      {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: 'admin',
                domain: { name: 'Default' },
                password: PASSWORD,
              },
            },
          },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      },
    ]);
  });

  it('authenticates once for many calls, including concurrent first calls', async () => {
    const c = client();
    await Promise.all([
      c.nova.listComputeServices(),
      c.nova.listHypervisors(),
      c.placement.listResourceProviders(),
      c.neutron.listAgents(),
      c.cinder.listVolumeServices(),
    ]);
    await c.nova.listComputeServices();
    expect(state.tokens).toHaveLength(1);
    expect(c.session.keystone.authCount).toBe(1);
  });

  it('authenticates again shortly (60 s) before expires_at', async () => {
    let now = Date.now();
    const c = new OpenStackClient(cloudConfig(), {
      ...FAST_RETRY,
      now: () => now,
    });
    await c.nova.listComputeServices();
    now += 3600_000 - 61_000;
    await c.nova.listComputeServices();
    expect(state.tokens).toHaveLength(1);
    now += 2_000; // now within the margin
    await c.nova.listComputeServices();
    expect(state.tokens).toHaveLength(2);
    expect(
      callsTo('/v2.1/os-services').at(-1)!.headers.get('x-auth-token'),
    ).toBe(state.tokens[1]);
  });

  it('on a 401 from a service re-authenticates once and retries', async () => {
    const c = client();
    await c.nova.listComputeServices();
    state.tokens.splice(0, 1, 'revoked'); // the service no longer accepts token 1
    const services = await c.nova.listComputeServices();
    expect(services.length).toBeGreaterThan(0);
    expect(c.session.keystone.authCount).toBe(2);
  });

  it('a 401 after re-authentication is an AuthenticationError without the token', async () => {
    server.use(
      http.get(`${NOVA}/os-services`, () =>
        HttpResponse.json(
          {
            error: {
              code: 401,
              message: 'The request you have made requires authentication.',
            },
          },
          { status: 401 },
        ),
      ),
    );
    const c = client();
    const error = await caught(c.nova.listComputeServices());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(c.session.keystone.authCount).toBe(2);
    expect(error.message).toBe(
      'OpenStack cloud "zed": compute GET http://nova.test:8774/v2.1/os-services failed: HTTP 401 Unauthorized: The request you have made requires authentication.',
    );
    for (const t of state.tokens) expect(error.message).not.toContain(t);
  });

  it('rejected credentials: AuthenticationError naming the credential, not the secret', async () => {
    server.use(
      http.post(`${KEYSTONE}/auth/tokens`, () =>
        HttpResponse.json(
          {
            error: {
              code: 401,
              title: 'Unauthorized',
              message: `Invalid application credential ${APP_CRED_SECRET}`,
            },
          },
          { status: 401 },
        ),
      ),
    );
    const error = await caught(client().nova.listComputeServices());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain(
      'OpenStack cloud "zed": identity POST http://keystone.test:5000/v3/auth/tokens failed: HTTP 401',
    );
    expect(error.message).toContain(
      `Keystone rejected application credential ${APP_CRED_ID}`,
    );
    expect(error.message).not.toContain(APP_CRED_SECRET);
  });

  it('does not retry the token POST on 5xx', async () => {
    let posts = 0;
    server.use(
      http.post(`${KEYSTONE}/auth/tokens`, () => {
        posts++;
        return new HttpResponse('oops', { status: 503 });
      }),
    );
    const error = await caught(client().nova.listComputeServices());
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(posts).toBe(1);
  });

  it('a failed authentication is not cached: the next call tries again', async () => {
    let fail = true;
    server.use(
      http.post(`${KEYSTONE}/auth/tokens`, () =>
        fail ? new HttpResponse(null, { status: 500 }) : undefined,
      ),
    );
    const c = client();
    await expect(c.nova.listComputeServices()).rejects.toThrow(
      ServiceUnavailableError,
    );
    fail = false;
    await expect(c.nova.listComputeServices()).resolves.toHaveLength(5);
  });
});

describe('endpoint selection', () => {
  it('takes the configured interface and region from the catalog', async () => {
    const c = client();
    expect(await c.session.endpoint('compute')).toBe(NOVA);
    const internal = client({ interface: 'internal', region: 'RegionTwo' });
    expect(await internal.session.endpoint('compute')).toBe(
      'http://internal.regiontwo.nova.test:8774/v2.1',
    );
    expect(await internal.session.endpoint('placement')).toBe(
      'http://internal.regiontwo.placement.test:8778',
    );
  });

  it('fills %(project_id)s and finds cinder as block-storage or volumev3', async () => {
    const c = client();
    const url = `http://cinder.test:8776/v3/${PROJECT_ID}`;
    expect(await c.session.endpoint('block-storage')).toBe(url);
    expect(await c.session.endpoint('volumev3')).toBe(url);
    expect(await c.session.projectId()).toBe(PROJECT_ID);
  });

  it('an unknown region is a NotFoundError telling what the catalog offers', async () => {
    const error = await caught(
      client({ region: 'RegionNine' }).session.endpoint('compute'),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(
      /^OpenStack cloud "zed": the catalog has no compute endpoint with interface public in region RegionNine \(it offers compute\/public\/RegionOne,/,
    );
  });

  it('several regions and none configured is an InputError asking for the region', async () => {
    const error = await caught(
      client({ region: undefined }).session.endpoint('compute'),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('set openstack.clouds.zed.region');
  });
});

describe('transport', () => {
  it('retries a GET after 5xx and succeeds', async () => {
    let n = 0;
    server.use(
      http.get(`${NOVA}/os-services`, () => {
        n++;
        return n <= 2
          ? new HttpResponse('<html>502</html>', { status: 502 })
          : undefined;
      }),
    );
    await expect(client().nova.listComputeServices()).resolves.toHaveLength(5);
    expect(n).toBe(3);
  });

  it('gives up after the retries with a ServiceUnavailableError naming cloud, service, URL and status', async () => {
    let n = 0;
    server.use(
      http.get(`${NOVA}/os-services`, () => {
        n++;
        return HttpResponse.json(
          { computeFault: { code: 500, message: 'Unexpected API Error.' } },
          { status: 500 },
        );
      }),
    );
    const error = await caught(client().nova.listComputeServices());
    expect(n).toBe(4);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'OpenStack cloud "zed": compute GET http://nova.test:8774/v2.1/os-services failed: HTTP 500 Internal Server Error: Unexpected API Error. (after 4 attempts)',
    );
  });

  it('never retries a PUT', async () => {
    let n = 0;
    server.use(
      http.put(`${NOVA}/os-services/:id`, () => {
        n++;
        return new HttpResponse(null, { status: 503 });
      }),
    );
    const error = await caught(
      client().nova.setComputeServiceStatus('svc-1', false, 'maintenance'),
    );
    expect(n).toBe(1);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(
      'compute PUT http://nova.test:8774/v2.1/os-services/svc-1 failed: HTTP 503',
    );
  });

  it('never retries a POST', async () => {
    let n = 0;
    server.use(
      http.post(`${NOVA}/os-aggregates`, () => {
        n++;
        return new HttpResponse(null, { status: 500 });
      }),
    );
    await expect(client().nova.createAggregate('a', 'az')).rejects.toThrow(
      ServiceUnavailableError,
    );
    expect(n).toBe(1);
  });

  it('honours Retry-After on a 429', async () => {
    const times: number[] = [];
    server.use(
      http.get(`${NOVA}/os-services`, () => {
        times.push(Date.now());
        return times.length === 1
          ? new HttpResponse('slow down', {
              status: 429,
              headers: { 'Retry-After': '1' },
            })
          : undefined;
      }),
    );
    const c = new OpenStackClient(cloudConfig(), {
      retry: { baseDelayMs: 1, maxDelayMs: 5000 },
    });
    await expect(c.nova.listComputeServices()).resolves.toHaveLength(5);
    expect(times).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
  });

  it('times out a slow request, retries a GET, then reports the timeout', async () => {
    let n = 0;
    server.use(
      http.get(`${NOVA}/os-services`, async () => {
        n++;
        await delay(200);
        return HttpResponse.json({ services: [] });
      }),
    );
    const c = new OpenStackClient(cloudConfig({ timeoutMs: 50 }), {
      retry: { retries: 1, baseDelayMs: 1 },
    });
    const error = await caught(c.nova.listComputeServices());
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'OpenStack cloud "zed": compute GET http://nova.test:8774/v2.1/os-services failed: timed out after 50 ms (after 2 attempts)',
    );
    expect(n).toBe(2);
  });

  it('retries network errors of a GET', async () => {
    let n = 0;
    server.use(
      http.get(`${NOVA}/os-services`, () => {
        n++;
        return n === 1 ? HttpResponse.error() : undefined;
      }),
    );
    await expect(client().nova.listComputeServices()).resolves.toHaveLength(5);
    expect(n).toBe(2);
  });

  it.each([
    [
      403,
      NotAllowedError,
      {
        forbidden: {
          code: 403,
          message:
            "Policy doesn't allow os_compute_api:os-services:list to be performed.",
        },
      },
    ],
    [
      404,
      NotFoundError,
      { itemNotFound: { code: 404, message: 'Service not found' } },
    ],
  ])('maps %i to %p with the upstream message', async (status, type, body) => {
    server.use(
      http.get(`${NOVA}/os-services`, () =>
        HttpResponse.json(body, { status }),
      ),
    );
    const error = await caught(client().nova.listComputeServices());
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(
      `compute GET http://nova.test:8774/v2.1/os-services failed: HTTP ${status}`,
    );
    expect(error.message).toContain(Object.values(body)[0].message);
  });

  it('keeps the token out of an error even when the upstream echoes it', async () => {
    server.use(
      http.get(`${NOVA}/os-services`, ({ request }) =>
        HttpResponse.json(
          {
            badRequest: {
              code: 400,
              message: `bad token ${request.headers.get('x-auth-token')}`,
            },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await caught(client().nova.listComputeServices());
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('bad token ***');
    expect(error.message).not.toContain(state.tokens[0]);
  });

  it('bounds the requests in flight per cloud', async () => {
    let active = 0;
    let peak = 0;
    server.use(
      http.get(`${NOVA}/os-services`, async () => {
        active++;
        peak = Math.max(peak, active);
        await delay(20);
        active--;
        return HttpResponse.json({ services: [] });
      }),
    );
    const c = new OpenStackClient(
      cloudConfig({ maxConcurrency: 3 }),
      FAST_RETRY,
    );
    await Promise.all(
      Array.from({ length: 12 }, () => c.nova.listComputeServices()),
    );
    expect(peak).toBe(3);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(parseRetryAfter(inFive)).toBeGreaterThan(3000);
  });

  it('Semaphore runs at most max at once and releases on failure', async () => {
    const s = new Semaphore(1);
    await expect(
      s.run(async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    await expect(s.run(async () => 42)).resolves.toBe(42);
    expect(s.inFlight).toBe(0);
  });
});
