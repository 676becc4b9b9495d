import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { openstackPlugin } from './plugin';

jest.setTimeout(60_000);

const demoCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'demo',
    namespace: 'default',
    annotations: {
      'openstack.backstage.io/cloud': 'demo',
      'openstack.backstage.io/cluster': 'demo-cluster',
      'openstack.backstage.io/namespace': 'openstack',
    },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
const database = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'db', namespace: 'default' },
  spec: { type: 'database', owner: 'platform-team' },
};

async function start(extra: any[] = []) {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      catalogServiceMock.factory({ entities: [demoCloud, database] }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, openstack: { demo: { enabled: true } } } }),
      ...extra,
    ],
  });
  return server;
}
const user = mockCredentials.user.header();

describe('openstack backend plugin', () => {
  it('answers its health check and OpenAPI description without credentials', async () => {
    const server = await start();
    expect((await request(server).get('/api/openstack/health')).body).toEqual({ status: 'ok' });
    const api = await request(server).get('/api/openstack/openapi.json');
    expect(api.status).toBe(200);
    expect(Object.keys(api.body.paths)).toContain('/clouds/{cloud}/hosts');
    expect(api.body.openapi).toBe('3.0.3');
  });

  it('lists the catalog clouds with their annotations', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/clouds').set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { entityRef: 'resource:default/demo', name: 'demo', cloud: 'demo', cluster: 'demo-cluster', namespace: 'openstack' },
    ]);
  });

  it("serves the demo cloud's status, marked as demo", async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/clouds/demo/status').set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cloud: 'demo', demo: true, release: '2025.1', verdict: 'Healthy' });
    expect(res.body.hostSummary).toEqual({ total: 24, up: 23, down: 1, disabled: 1, lagging: 2 });
  });

  it('filters, sorts and pages hosts on the server', async () => {
    const server = await start();
    const page = await request(server)
      .get('/api/openstack/clouds/demo/hosts?sort=vms&order=desc&limit=5&offset=0')
      .set('Authorization', user);
    expect(page.body).toMatchObject({ total: 24, offset: 0, limit: 5 });
    expect(page.body.items).toHaveLength(5);
    const vms = page.body.items.map((h: any) => h.runningVms);
    expect([...vms].sort((a, b) => b - a)).toEqual(vms);
    const down = await request(server).get('/api/openstack/clouds/demo/hosts?filter=down').set('Authorization', user);
    expect(down.body.items.map((h: any) => h.host)).toEqual(['cmp-az2-07']);
    const bad = await request(server).get('/api/openstack/clouds/demo/hosts?limit=5000').set('Authorization', user);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/query\.limit/);
  });

  it('serves one host, and names a missing host or cloud', async () => {
    const server = await start();
    const one = await request(server).get('/api/openstack/clouds/demo/hosts/cmp-az1-04').set('Authorization', user);
    expect(one.body).toMatchObject({ host: 'cmp-az1-04', status: 'disabled' });
    const missing = await request(server).get('/api/openstack/clouds/demo/hosts/nope').set('Authorization', user);
    expect(missing.status).toBe(404);
    const cloud = await request(server).get('/api/openstack/clouds/prod/status').set('Authorization', user);
    expect(cloud.status).toBe(404);
    expect(cloud.body.error.message).toMatch(/openstack\.clouds\.prod/);
  });

  it('refuses every read when the policy denies openstack.cloud.read', async () => {
    const server = await start([mockServices.permissions.factory({ result: AuthorizeResult.DENY })]);
    for (const path of ['/clouds', '/clouds/demo/status', '/clouds/demo/hosts', '/clouds/demo/operations']) {
      const res = await request(server).get(`/api/openstack${path}`).set('Authorization', user);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    }
  });

  it('accepts demo operations from services only', async () => {
    const server = await start();
    const asUser = await request(server)
      .post('/api/openstack/demo/clouds/demo/hosts')
      .set('Authorization', user)
      .send({ host: 'cmp-az1-13', zone: 'az1' });
    expect(asUser.status).toBe(403);
    const asService = await request(server)
      .post('/api/openstack/demo/clouds/demo/hosts')
      .set('Authorization', mockCredentials.service.header())
      .send({ host: 'cmp-az1-13', zone: 'az1' });
    expect(asService.status).toBe(202);
    const hosts = await request(server).get('/api/openstack/clouds/demo/hosts?search=cmp-az1-13').set('Authorization', user);
    expect(hosts.body.total).toBe(1);
    const badBody = await request(server)
      .post('/api/openstack/demo/clouds')
      .set('Authorization', mockCredentials.service.header())
      .send({ name: 'Bad_Name', release: '2026.1', components: [] });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toMatch(/body\.name/);
  });
});

describe('lagging hosts', () => {
  it('flags the demo hosts still on 2024.2 as blocking the next hop', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/clouds/demo/hosts?filter=lagging').set('Authorization', user);
    expect(res.body.items.map((h: any) => [h.host, h.release, h.blocksUpgrade])).toEqual([
      ['cmp-az2-11', '2024.2', true],
      ['cmp-az2-12', '2024.2', true],
    ]);
  });
});
