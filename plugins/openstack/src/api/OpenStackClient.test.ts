/**
 * @jest-environment node
 */
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { OpenStackClient } from './OpenStackClient';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const base = 'http://backstage.test/api/openstack';
const client = new OpenStackClient({
  discoveryApi: { getBaseUrl: async () => base },
  fetchApi: { fetch: (input: any, init?: any) => fetch(input, init) },
});

describe('OpenStackClient', () => {
  it('sends the host query to the backend and returns its page', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/clouds/demo/hosts`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [], total: 0, offset: 50, limit: 25 });
      }),
    );
    const page = await client.getHosts('demo', { filter: 'down', sort: 'vcpu', order: 'desc', offset: 50, limit: 25, search: '' });
    expect(page.total).toBe(0);
    expect(Object.fromEntries(url!.searchParams)).toEqual({ filter: 'down', sort: 'vcpu', order: 'desc', offset: '50', limit: '25' });
  });

  it('turns error bodies into ResponseError with the backend message', async () => {
    server.use(
      http.get(`${base}/clouds/prod/status`, () =>
        HttpResponse.json({ error: { name: 'NotFoundError', message: 'Cloud "prod" is not configured' }, response: { statusCode: 404 } }, { status: 404 }),
      ),
    );
    const err = await client.getStatus('prod').catch(e => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect(err.statusCode).toBe(404);
    expect(err.body.error.message).toBe('Cloud "prod" is not configured');
  });

  it('posts decisions with their comment', async () => {
    let body: any;
    server.use(
      http.post(`${base}/approvals/a-1/decision`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ approval: { id: 'a-1', state: 'approved' } });
      }),
    );
    expect((await client.decide('a-1', 'approve', 'ok')).state).toBe('approved');
    expect(body).toEqual({ decision: 'approve', comment: 'ok' });
  });

  it('asks for a fresh status on refresh', async () => {
    let refresh: string | null = null;
    server.use(
      http.get(`${base}/clouds/demo/status`, ({ request }) => {
        refresh = new URL(request.url).searchParams.get('refresh');
        return HttpResponse.json({ cloud: 'demo' });
      }),
    );
    await client.getStatus('demo', { refresh: true });
    expect(refresh).toBe('true');
  });
});
