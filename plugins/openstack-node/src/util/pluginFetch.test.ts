import { mockCredentials, mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { pluginFetch } from './pluginFetch';

const server = setupServer();
registerMswTestHooks(server);

describe('pluginFetch', () => {
  const seen: Array<{ authorization: string | null; contentType: string | null; body: unknown }> = [];
  beforeEach(() => {
    seen.length = 0;
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
  });
  const client = (fetch: typeof globalThis.fetch) => new OpenStackPluginClient({ discoveryApi: mockServices.discovery(), fetchApi: { fetch } });

  it("calls the suite's backend with the plugin's own service token, keeping the request's own headers", async () => {
    const auth = mockServices.auth({ pluginId: 'scaffolder' });
    expect(await client(pluginFetch(auth, 'openstack')).enrollDemoHost('resource:default/demo-cloud', { host: 'cmp-9', zone: 'az1' })).toEqual({ host: 'cmp-9' });
    expect(seen).toEqual([
      {
        authorization: expect.stringMatching(/^Bearer mock-service-token:.*"sub":"plugin:scaffolder".*"target":"openstack"/),
        contentType: 'application/json',
        body: { host: 'cmp-9', zone: 'az1' },
      },
    ]);
  });

  it('calls on behalf of the given credentials (a task initiator)', async () => {
    const auth = mockServices.auth({ pluginId: 'scaffolder' });
    const initiator = mockCredentials.user('user:default/alice');
    await client(pluginFetch(auth, 'openstack', async () => initiator)).enrollDemoHost('resource:default/demo-cloud', { host: 'cmp-9', zone: 'az1' });
    // the mock auth's on-behalf-of token: the target plugin sees the user's credentials
    expect(seen.map(s => s.authorization)).toEqual(['Bearer mock-service-token:{"obo":"user:default/alice","target":"openstack"}']);
  });
});
