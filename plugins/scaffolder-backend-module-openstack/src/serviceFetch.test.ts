import { mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { serviceFetch } from './serviceFetch';

const server = setupServer();
registerMswTestHooks(server);

describe('serviceFetch', () => {
  it("calls the suite's backend with the scaffolder's service token, keeping the request's own headers", async () => {
    const seen: Array<{ authorization: string | null; contentType: string | null; body: unknown }> = [];
    server.use(
      http.post('http://localhost:0/api/openstack/demo/clouds/default/demo-cloud/hosts', async ({ request }) => {
        seen.push({
          authorization: request.headers.get('authorization'),
          contentType: request.headers.get('content-type'),
          body: await request.json(),
        });
        return HttpResponse.json({ host: 'cmp-9' }, { status: 202 });
      }),
    );
    const client = new OpenStackPluginClient({
      discoveryApi: mockServices.discovery(),
      fetchApi: { fetch: serviceFetch(mockServices.auth({ pluginId: 'scaffolder' }), 'openstack') },
    });
    expect(await client.enrollDemoHost('resource:default/demo-cloud', { host: 'cmp-9', zone: 'az1' })).toEqual({ host: 'cmp-9' });
    expect(seen).toEqual([
      {
        authorization: expect.stringMatching(/^Bearer mock-service-token:.*"sub":"plugin:scaffolder".*"target":"openstack"/),
        contentType: 'application/json',
        body: { host: 'cmp-9', zone: 'az1' },
      },
    ]);
  });
});
