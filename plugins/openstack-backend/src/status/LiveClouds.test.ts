import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
// the msw models of the cloud and the cluster: openstack-node's test utilities
import {
  APP_CRED_ID,
  APP_CRED_SECRET,
  CINDER_ROOT,
  fakeCloud,
  FakeCloudState,
  FAKE_KUBERNETES_BACKEND,
  fakeKubernetesBackendProxy,
  FakeKubernetesState,
  KEYSTONE,
  newState,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import { openstackPlugin } from '../plugin';

jest.setTimeout(60_000);

// msw answers for the cloud and the cluster; the test backend itself is reached over loopback
const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (req, print) => {
      const { hostname } = new URL(req.url);
      if (
        hostname === '127.0.0.1' ||
        hostname === 'localhost' ||
        hostname === '::1'
      )
        return;
      print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let os: FakeCloudState;
let kube: FakeKubernetesState;
beforeEach(() => {
  os = newState({
    servers: [
      { id: 's1', 'OS-EXT-SRV-ATTR:host': 'compute2' },
      { id: 's2', 'OS-EXT-SRV-ATTR:host': 'compute2' },
      { id: 's3', 'OS-EXT-SRV-ATTR:host': 'compute3' },
    ],
  });
  kube = { calls: [] };
  server.use(
    ...fakeCloud(os),
    // the cluster behind the Kubernetes backend's proxy, which the plugin reads it through
    fakeKubernetesBackendProxy(kube, { clusters: ['prod-k8s'] }),
    http.get(`${KEYSTONE}/`, () =>
      HttpResponse.json({
        version: { id: 'v3.14', status: 'stable', links: [] },
      }),
    ),
  );
});

/** Discovery that sends the kubernetes plugin's calls to the stand-in of its proxy. */
const kubernetesBackendDiscovery = createServiceFactory({
  service: coreServices.discovery,
  deps: {},
  factory: () => {
    const url = async (pluginId: string) =>
      pluginId === 'kubernetes'
        ? FAKE_KUBERNETES_BACKEND
        : `http://localhost:7007/api/${pluginId}`;
    return { getBaseUrl: url, getExternalBaseUrl: url };
  },
});

/** The catalog Resource names the cluster and namespace (the cloud's config does not). */
const zedCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'zed',
    namespace: 'default',
    annotations: {
      'openstack.backstage.io/cloud': 'zed',
      'openstack.backstage.io/cluster': 'prod-k8s',
      'openstack.backstage.io/namespace': 'openstack',
    },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};

async function start(extra: any[] = [], entities: object[] = [zedCloud]) {
  const { server: app } = await startTestBackend({
    features: [
      openstackPlugin,
      kubernetesBackendDiscovery,
      catalogServiceMock.factory({ entities: entities as any }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          openstack: {
            clouds: {
              zed: {
                authUrl: KEYSTONE,
                region: 'RegionOne',
                applicationCredentialId: APP_CRED_ID,
                applicationCredentialSecret: APP_CRED_SECRET,
                timeoutMs: 2000,
              },
            },
          },
        },
      }),
      ...extra,
    ],
  });
  return app;
}
const user = mockCredentials.user.header();

describe('a configured live cloud', () => {
  it('serves its status from OpenStack and the cluster the catalog Resource names', async () => {
    const app = await start();
    const res = await request(app)
      .get('/api/openstack/clouds/default/zed/status')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cloudKey: 'zed',
      demo: false,
      release: '2025.1',
      cluster: 'prod-k8s',
      namespace: 'openstack',
      errors: [],
      hostSummary: { total: 3, up: 3, down: 0, disabled: 0, lagging: 0 },
    });
    const keystone = res.body.services.find((s: any) => s.name === 'keystone');
    expect(keystone).toMatchObject({
      verdict: 'Healthy',
      release: '2025.1',
      api: { serviceType: 'identity', ok: true },
    });
    expect(kube.calls).toContain(
      '/apis/apps/v1/namespaces/openstack/deployments?labelSelector=application',
    );
    // a second read within the TTL is served from the cache: no new upstream call
    const calls = os.calls.length;
    const again = await request(app)
      .get('/api/openstack/clouds/default/zed/status')
      .set('Authorization', user);
    expect(again.body.fetchedAt).toBe(res.body.fetchedAt);
    expect(os.calls.length).toBe(calls);
    expect(JSON.stringify(res.body)).not.toContain(APP_CRED_SECRET);
  });

  it('pages and sorts its hosts on the server, and serves one host', async () => {
    const app = await start();
    const page = await request(app)
      .get(
        '/api/openstack/clouds/default/zed/hosts?sort=vms&order=desc&limit=2&offset=0',
      )
      .set('Authorization', user);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 3, offset: 0, limit: 2 });
    expect(page.body.items.map((h: any) => [h.host, h.runningVms])).toEqual([
      ['compute2', 2],
      ['compute3', 1],
    ]);
    const next = await request(app)
      .get(
        '/api/openstack/clouds/default/zed/hosts?sort=vms&order=desc&limit=2&offset=2',
      )
      .set('Authorization', user);
    expect(next.body.items.map((h: any) => h.host)).toEqual(['compute1']);
    const search = await request(app)
      .get('/api/openstack/clouds/default/zed/hosts?search=az1')
      .set('Authorization', user);
    expect(search.body.items.map((h: any) => h.host)).toEqual(['compute1']);

    const one = await request(app)
      .get('/api/openstack/clouds/default/zed/hosts/compute1')
      .set('Authorization', user);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      host: 'compute1',
      zone: 'nova',
      aggregates: ['az1-hosts'],
      state: 'up',
      status: 'enabled',
      vcpu: { total: 1000, allocationRatio: 16, capacity: 16000, used: 2 },
      ovnAgentAlive: true,
    });
    const missing = await request(app)
      .get('/api/openstack/clouds/default/zed/hosts/compute9')
      .set('Authorization', user);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/compute9/);
  });

  it('takes nova-compute releases from the compute-host Resources and flags the hosts behind the next hop', async () => {
    const hostEntity = (name: string, release: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'openstack.backstage.io/cloud': 'zed',
          'openstack.backstage.io/host': name,
          'openstack.backstage.io/release': release,
        },
      },
      spec: { type: 'openstack-compute-host', owner: 'platform-team', dependsOn: ['resource:default/zed'] },
    });
    const app = await start([], [
      zedCloud,
      // the cloud is on 2025.1 (keystone's images): its next hop is 2025.2, which allows computes on 2025.1
      hostEntity('compute1', '2025.1'),
      hostEntity('compute2', '2024.2'),
      hostEntity('compute3', 'epoxy'),
    ]);
    const status = await request(app)
      .get('/api/openstack/clouds/default/zed/status')
      .set('Authorization', user);
    expect(status.body.release).toBe('2025.1');
    expect(status.body.hostSummary.lagging).toBe(1);
    const page = await request(app)
      .get('/api/openstack/clouds/default/zed/hosts?sort=host')
      .set('Authorization', user);
    expect(page.body.items.map((h: any) => [h.host, h.release, h.blocksUpgrade])).toEqual([
      ['compute1', '2025.1', false],
      ['compute2', '2024.2', true],
      // not a release: ignored (and logged), as if undeclared
      ['compute3', undefined, false],
    ]);
  });

  it('answers partially when Cinder fails and the cluster refuses the token (403), never 500', async () => {
    kube.failWith = 403;
    server.use(
      http.get(`${CINDER_ROOT}/:project/os-services`, () =>
        HttpResponse.json(
          { message: 'cinder-api is restarting' },
          { status: 503 },
        ),
      ),
    );
    const app = await start();
    const res = await request(app)
      .get('/api/openstack/clouds/default/zed/status')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.verdict).toBe('Unknown');
    expect(res.body.errors.map((e: any) => [e.source, e.service])).toEqual([
      ['cinder os-services', 'cinder'],
      ['kubernetes', undefined],
    ]);
    expect(res.body.errors[0].message).toMatch(
      /^OpenStack cloud "zed": block-storage GET http:\/\/cinder\.test:8776\/v3\/\w+\/os-services failed: HTTP 503/,
    );
    expect(res.body.errors[1].message).toMatch(
      /Kubernetes cluster "prod-k8s" \(through the Kubernetes backend\).*HTTP 403/,
    );
    const cinder = res.body.services.find((s: any) => s.name === 'cinder');
    expect(cinder.verdict).toBe('Unknown');
    expect(cinder.services).toBeUndefined();
    const hosts = await request(app)
      .get('/api/openstack/clouds/default/zed/hosts')
      .set('Authorization', user);
    expect(hosts.status).toBe(200);
    expect(hosts.body.total).toBe(3);
  });

  it('refuses status, hosts and one host without openstack.cloud.read, before reading the cloud', async () => {
    const app = await start([
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    ]);
    for (const path of [
      '/clouds/default/zed/status',
      '/clouds/default/zed/hosts',
      '/clouds/default/zed/hosts/compute1',
    ]) {
      const res = await request(app)
        .get(`/api/openstack${path}`)
        .set('Authorization', user);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    }
    expect(os.calls).toEqual([]);
    expect(kube.calls).toEqual([]);
  });

  it('app-config wins over the annotations, and a cluster the Kubernetes backend does not know is named', async () => {
    const { server: app } = await startTestBackend({
      features: [
        openstackPlugin,
        catalogServiceMock.factory({ entities: [zedCloud] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            openstack: {
              clouds: {
                zed: {
                  authUrl: KEYSTONE,
                  region: 'RegionOne',
                  applicationCredentialId: APP_CRED_ID,
                  applicationCredentialSecret: APP_CRED_SECRET,
                  cluster: 'other',
                },
              },
            },
          },
        }),
      ],
    });
    const res = await request(app)
      .get('/api/openstack/clouds/default/zed/status')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      {
        source: 'kubernetes',
        message: expect.stringMatching(
          /Kubernetes cluster "other" \(through the Kubernetes backend\).*HTTP 404.*Is "other" a cluster of the Kubernetes backend \(kubernetes\.clusterLocatorMethods\)/,
        ),
      },
    ]);
    expect(res.body.hostSummary.total).toBe(3);
  });
});
