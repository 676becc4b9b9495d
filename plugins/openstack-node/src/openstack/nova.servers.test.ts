import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { NotImplementedError } from '@backstage/errors';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { OpenStackClient } from './client';
import { cloudConfig, fakeCloud, FakeCloudState, microversionOf, NEUTRON, newState, NOVA } from '../testUtils/fakeCloud';

const server = setupServer();
registerMswTestHooks(server);

let state: FakeCloudState;
const posted: Array<{ path: string; body: unknown; microversion: string }> = [];
const deleted: string[] = [];
const server1 = (over: Record<string, unknown> = {}) => ({
  id: 'vm-1',
  name: 'web-1',
  status: 'ACTIVE',
  'OS-EXT-STS:task_state': null,
  'OS-EXT-SRV-ATTR:host': 'compute1',
  ...over,
});

beforeEach(() => {
  state = newState();
  posted.length = 0;
  deleted.length = 0;
  server.use(
    http.get(`${NOVA}/servers/detail`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      // every project's servers (admin), or nothing
      if (q.get('all_tenants') !== '1') return HttpResponse.json({ servers: [] });
      // a host filter Nova ignored (non-admin) would list other hosts' servers too
      return HttpResponse.json({ servers: [server1({ 'OS-EXT-SRV-ATTR:host': q.get('host') }), server1({ id: 'vm-9', 'OS-EXT-SRV-ATTR:host': 'compute2' })] });
    }),
    http.get(`${NOVA}/servers/:id`, ({ params }) =>
      params.id === 'gone'
        ? HttpResponse.json({ itemNotFound: { code: 404, message: 'Instance gone could not be found.' } }, { status: 404 })
        : HttpResponse.json({ server: server1({ status: 'ERROR', fault: { code: 500, message: 'No valid host was found.' } }) }),
    ),
    http.post(`${NOVA}/servers/:id/action`, async ({ request, params }) => {
      posted.push({ path: `servers/${params.id}/action`, body: await request.json(), microversion: microversionOf(request.headers) });
      return new HttpResponse(null, { status: 202 });
    }),
    http.get(`${NOVA}/servers/:id/os-instance-actions`, () =>
      HttpResponse.json({
        instanceActions: [
          { action: 'create', request_id: 'req-1', start_time: '2026-12-02T08:00:00.000000', message: null },
          { action: 'live-migration', request_id: 'req-2', start_time: '2026-12-02T08:10:00.000000', message: 'No valid host was found.' },
        ],
      }),
    ),
    http.get(`${NOVA}/servers/:id/os-instance-actions/:req`, ({ params }) =>
      HttpResponse.json({
        instanceAction: {
          action: 'live-migration',
          request_id: params.req,
          message: 'No valid host was found.',
          events: [
            { event: 'conductor_live_migrate_instance', result: 'Error', details: 'No valid host was found. There are not enough hosts available.' },
            { event: 'compute_check_can_live_migrate_source', result: 'Success' },
          ],
        },
      }),
    ),
    http.delete(`${NOVA}/os-services/:id`, ({ params }) => {
      deleted.push(`service ${params.id}`);
      return params.id === 'gone' ? HttpResponse.json({ itemNotFound: { code: 404, message: 'Service gone not found.' } }, { status: 404 }) : new HttpResponse(null, { status: 204 });
    }),
    http.delete(`${NEUTRON}/v2.0/agents/:id`, ({ params }) => {
      deleted.push(`agent ${params.id}`);
      return new HttpResponse(null, { status: 204 });
    }),
    ...fakeCloud(state),
  );
});

const client = () => new OpenStackClient(cloudConfig(), { retry: { baseDelayMs: 1, maxDelayMs: 20 } });

describe('nova: the instances of a host', () => {
  it('lists the servers of every project on the host, only that host', async () => {
    expect(await client().nova.listServersOnHost('compute1')).toEqual([{ id: 'vm-1', name: 'web-1', status: 'ACTIVE', taskState: null, host: 'compute1' }]);
  });

  it('reads one server with its fault, and undefined when it is gone', async () => {
    expect(await client().nova.getServer('vm-1')).toMatchObject({ status: 'ERROR', fault: 'No valid host was found.' });
    expect(await client().nova.getServer('gone')).toBeUndefined();
  });

  it('live-migrates where the scheduler picks (host null, block_migration auto) and evacuates', async () => {
    const c = client();
    await c.nova.liveMigrateServer('vm-1');
    await c.nova.evacuateServer('vm-2');
    expect(posted).toEqual([
      { path: 'servers/vm-1/action', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } }, microversion: expect.any(String) },
      { path: 'servers/vm-2/action', body: { evacuate: {} }, microversion: expect.any(String) },
    ]);
  });

  it('refuses to live-migrate on a cloud older than 2.30, naming it', async () => {
    state.novaMax = '2.25';
    await expect(client().nova.liveMigrateServer('vm-1')).rejects.toThrow(NotImplementedError);
    expect(posted).toEqual([]);
  });

  it("gives Nova's reason of the latest failed migration: the message and the failed events' details", async () => {
    expect(await client().nova.lastActionFailure('vm-1', ['live-migration'])).toEqual({
      action: 'live-migration',
      requestId: 'req-2',
      reason: 'No valid host was found.; conductor_live_migrate_instance: Error (No valid host was found. There are not enough hosts available.)',
    });
    expect(await client().nova.lastActionFailure('vm-1', ['evacuate'])).toBeUndefined();
  });
});

describe('removing a host', () => {
  it('deletes a compute service and a Neutron agent; ones already gone are fine', async () => {
    const c = client();
    await c.nova.deleteComputeService('svc-1');
    await c.nova.deleteComputeService('gone');
    await c.neutron.deleteAgent('compute3');
    expect(deleted).toEqual(['service svc-1', 'service gone', 'agent compute3']);
  });
});
