import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { OpenStackClient } from './client';
import {
  cloudConfig,
  fakeCloud,
  FakeCloudState,
  hypervisor,
  microversionOf,
  newState,
  NOVA,
} from '../testUtils/fakeCloud';

const server = setupServer();
registerMswTestHooks(server);

let state: FakeCloudState;
/** Hypervisors nova lists (mapped hosts); `cmp-new` reports in os-services but is not mapped. */
const mapped = ['compute1', 'compute2', 'compute10.example.org'];
beforeEach(() => {
  state = newState();
  server.use(
    // nova: LIKE %pattern% over hypervisor_hostname, 404 when nothing matches
    http.get(`${NOVA}/os-hypervisors/detail`, ({ request }) => {
      state.calls.push({
        method: 'GET',
        url: new URL(request.url),
        headers: request.headers,
      });
      const pattern = new URL(request.url).searchParams.get(
        'hypervisor_hostname_pattern',
      );
      const all = mapped.map((h, i) =>
        hypervisor(i + 3, h, microversionOf(request.headers)),
      );
      all[2].service.host = 'compute10';
      const hits = pattern
        ? all.filter(h => h.hypervisor_hostname.includes(pattern))
        : all;
      if (pattern && !hits.length) {
        return HttpResponse.json(
          {
            itemNotFound: {
              code: 404,
              message: `No hypervisor matching '${pattern}' could be found.`,
            },
          },
          { status: 404 },
        );
      }
      return HttpResponse.json({ hypervisors: hits });
    }),
    ...fakeCloud(state),
  );
});

const client = () =>
  new OpenStackClient(cloudConfig(), {
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
  });
const callsTo = (path: string) =>
  state.calls.filter(c => c.method === 'GET' && c.url.pathname === path);

describe('nova: is a host mapped (findHypervisors)', () => {
  it('finds a mapped host by exact service host, not by substring', async () => {
    const c = client();
    const found = await c.nova.findHypervisors('compute1');
    // "compute1" also matches compute10.example.org as a LIKE pattern; only the exact host counts
    expect(found.map(h => h.hostname)).toEqual(['compute1']);
    expect(found[0].serviceHost).toBe('compute1');
  });

  it('matches an FQDN node name by its short service host', async () => {
    const found = await client().nova.findHypervisors('compute10');
    expect(found.map(h => h.hostname)).toEqual(['compute10.example.org']);
  });

  it('returns [] for a host nova does not list (404: not mapped yet)', async () => {
    expect(await client().nova.findHypervisors('cmp-new')).toEqual([]);
  });

  it('filters the whole list on clouds older than 2.53', async () => {
    state.novaMax = '2.52';
    state.calls.length = 0;
    const found = await client().nova.findHypervisors('compute2');
    expect(found.map(h => h.hostname)).toEqual(['compute2']);
    // no pattern filter before 2.53: the whole (paginated) list
    const [call] = callsTo('/v2.1/os-hypervisors/detail');
    expect(call.url.searchParams.get('hypervisor_hostname_pattern')).toBeNull();
  });
});

describe('nova: aggregate cleanup', () => {
  it('removes a host and deletes an aggregate', async () => {
    const removed: unknown[] = [];
    let deleted = '';
    server.use(
      http.post(
        `${NOVA}/os-aggregates/:id/action`,
        async ({ request, params }) => {
          removed.push(await request.json());
          return HttpResponse.json({
            aggregate: {
              id: Number(params.id),
              name: 'az9',
              availability_zone: 'az9',
              hosts: [],
              metadata: {},
            },
          });
        },
      ),
      http.delete(`${NOVA}/os-aggregates/:id`, ({ params }) => {
        deleted = String(params.id);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const c = client();
    expect((await c.nova.removeHostFromAggregate(7, 'cmp-9')).hosts).toEqual(
      [],
    );
    expect(removed).toEqual([{ remove_host: { host: 'cmp-9' } }]);
    await c.nova.deleteAggregate(7);
    expect(deleted).toBe('7');
  });
});
