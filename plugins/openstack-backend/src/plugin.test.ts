import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { openstackPermissions } from '@backstage-openstack/plugin-openstack-common';
import { openstackPlugin } from './plugin';

jest.setTimeout(60_000);

const demoCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'demo-cloud',
    namespace: 'default',
    annotations: {
      'openstack.backstage.io/cloud': 'demo',
      'openstack.backstage.io/cluster': 'demo-cluster',
      'openstack.backstage.io/namespace': 'openstack',
      'openstack.backstage.io/delivery': 'demo',
    },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
/** A live cloud (no delivery annotation) in another namespace, whose key app-config lacks. */
const liveCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'prod', namespace: 'team-a', annotations: { 'openstack.backstage.io/cloud': 'prod' } },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
const database = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'db', namespace: 'default' },
  spec: { type: 'database', owner: 'platform-team' },
};

/** openstack.chartSources of the test backend: one public, one internal with its CA. */
const chartSources = {
  'openstack-helm': { url: 'https://tarballs.opendev.org/openstack/openstack-helm/' },
  mirror: { url: 'oci://10.0.0.5:5000/osh', caData: 'PEM' },
};

async function start(extra: any[] = []) {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      catalogServiceMock.factory({ entities: [demoCloud, liveCloud, database] }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, openstack: { demo: { enabled: true }, chartSources } } }),
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
    expect(Object.keys(api.body.paths)).toContain('/clouds/{namespace}/{name}/hosts');
    expect(api.body.openapi).toBe('3.0.3');
  });

  it('lists the names of the configured chart sources, never their URLs or CAs', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/chart-sources').set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [{ name: 'mirror' }, { name: 'openstack-helm' }] });
  });

  it('lists the chart sources only to who may create a cloud (openstack.cloud.create)', async () => {
    const server = await start([mockServices.permissions.factory({ result: AuthorizeResult.DENY })]);
    const res = await request(server).get('/api/openstack/chart-sources').set('Authorization', user);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Permission openstack.cloud.create is required');
  });

  it('lists the catalog clouds with their annotations', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/clouds').set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { cloudRef: 'resource:default/demo-cloud', cloudKey: 'demo', cluster: 'demo-cluster', namespace: 'openstack' },
      { cloudRef: 'resource:team-a/prod', cloudKey: 'prod' },
    ]);
  });

  it('serves the fleet: each cloud the caller reads in one line, and a cloud that cannot be read with why, without failing the rest', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/fleet').set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        cloudRef: 'resource:default/demo-cloud',
        cloudKey: 'demo',
        demo: true,
        release: '2025.1',
        verdict: 'Healthy',
        hosts: { total: 24, up: 23, down: 1, disabled: 1, lagging: 2 },
        nextHops: ['2025.2', '2026.1'],
        pendingApprovals: 0,
      }),
    ]);
    const [demo] = res.body.items;
    expect(demo.vcpu.used).toBeGreaterThan(0);
    expect(demo.vcpu.capacity).toBeGreaterThan(demo.vcpu.used);
    expect(demo.memoryMb.capacity).toBeGreaterThan(0);
    // the two lagging hosts block the next hop, by the planner's compute-lag rule
    expect(demo.laggingHosts).toHaveLength(2);
    expect(demo.blockers).toEqual(expect.arrayContaining([expect.stringMatching(/^compute-lag: The hop 2025\.1 → 2025\.2 is blocked/)]));
    expect(Date.parse(demo.readAt)).not.toBeNaN();
    // the live cloud whose key app-config lacks: listed as failed, saying why
    expect(res.body.failed).toEqual([{ cloudRef: 'resource:team-a/prod', error: expect.stringContaining('prod') }]);
  });

  it('serves the fleet only to who may read clouds (openstack.cloud.read)', async () => {
    const server = await start([mockServices.permissions.factory({ result: AuthorizeResult.DENY })]);
    const res = await request(server).get('/api/openstack/fleet').set('Authorization', user);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Permission openstack.cloud.read is required');
  });

  it("serves the demo cloud's status, marked as demo", async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/clouds/default/demo-cloud/status').set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cloudKey: 'demo', demo: true, release: '2025.1', verdict: 'Healthy' });
    expect(res.body.hostSummary).toEqual({ total: 24, up: 23, down: 1, disabled: 1, lagging: 2 });
  });

  it('filters, sorts and pages hosts on the server', async () => {
    const server = await start();
    const page = await request(server)
      .get('/api/openstack/clouds/default/demo-cloud/hosts?sort=vms&order=desc&limit=5&offset=0')
      .set('Authorization', user);
    expect(page.body).toMatchObject({ total: 24, offset: 0, limit: 5 });
    expect(page.body.items).toHaveLength(5);
    const vms = page.body.items.map((h: any) => h.runningVms);
    expect([...vms].sort((a, b) => b - a)).toEqual(vms);
    const down = await request(server).get('/api/openstack/clouds/default/demo-cloud/hosts?filter=down').set('Authorization', user);
    expect(down.body.items.map((h: any) => h.host)).toEqual(['cmp-az2-07']);
    const bad = await request(server).get('/api/openstack/clouds/default/demo-cloud/hosts?limit=5000').set('Authorization', user);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/query\.limit/);
  });

  it('serves the same page again from its serialized copy, gzipped when the client takes gzip', async () => {
    const server = await start();
    const path = '/api/openstack/clouds/default/demo-cloud/hosts?sort=vcpu&order=desc&limit=10';
    const plain = await request(server).get(path).set('Authorization', user).set('Accept-Encoding', 'identity');
    const zipped = await request(server).get(path).set('Authorization', user).set('Accept-Encoding', 'gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toMatch(/^application\/json/);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    // supertest gunzips: the same answer either way
    expect(zipped.body).toEqual(plain.body);
    expect(plain.body.items).toHaveLength(10);
    // another query is another page
    const other = await request(server).get(`${path}&offset=10`).set('Authorization', user);
    expect(other.body.items.map((h: any) => h.host)).not.toEqual(plain.body.items.map((h: any) => h.host));
  });

  it('serves one host, and names a missing host or cloud', async () => {
    const server = await start();
    const one = await request(server).get('/api/openstack/clouds/default/demo-cloud/hosts/cmp-az1-04').set('Authorization', user);
    expect(one.body).toMatchObject({ host: 'cmp-az1-04', status: 'disabled', entityRef: 'resource:default/demo.cmp-az1-04' });
    const missing = await request(server).get('/api/openstack/clouds/default/demo-cloud/hosts/nope').set('Authorization', user);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('resource:default/demo-cloud has no compute host "nope" (openstack compute service list --service nova-compute)');
    // a live cloud whose key app-config lacks
    const live = await request(server).get('/api/openstack/clouds/team-a/prod/status').set('Authorization', user);
    expect(live.status).toBe(404);
    expect(live.body.error.message).toMatch(/^resource:team-a\/prod: cloud "prod" is not configured: add openstack\.clouds\.prod /);
    // no such entity; the same name in another namespace is another cloud
    const unknown = await request(server).get('/api/openstack/clouds/default/prod/status').set('Authorization', user);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/^path: no catalog entity resource:default\/prod;/);
    // an entity that is no cloud
    const notACloud = await request(server).get('/api/openstack/clouds/default/db/hosts').set('Authorization', user);
    expect(notACloud.status).toBe(400);
    expect(notACloud.body.error.message).toMatch(/^path: resource:default\/db is not an OpenStack cloud/);
  });

  it('refuses every read when the policy denies openstack.cloud.read', async () => {
    const server = await start([mockServices.permissions.factory({ result: AuthorizeResult.DENY })]);
    for (const path of ['/clouds', '/clouds/default/demo-cloud/status', '/clouds/default/demo-cloud/hosts', '/clouds/default/demo-cloud/hosts/cmp-az1-01', '/clouds/default/demo-cloud/operations']) {
      const res = await request(server).get(`/api/openstack${path}`).set('Authorization', user);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    }
  });

  it('accepts demo operations from services only', async () => {
    const server = await start();
    const asUser = await request(server)
      .post('/api/openstack/demo/clouds/default/demo-cloud/hosts')
      .set('Authorization', user)
      .send({ host: 'cmp-az1-13', zone: 'az1' });
    expect(asUser.status).toBe(403);
    const asService = await request(server)
      .post('/api/openstack/demo/clouds/default/demo-cloud/hosts')
      .set('Authorization', mockCredentials.service.header())
      .send({ host: 'cmp-az1-13', zone: 'az1' });
    expect(asService.status).toBe(202);
    const hosts = await request(server).get('/api/openstack/clouds/default/demo-cloud/hosts?search=cmp-az1-13').set('Authorization', user);
    expect(hosts.body.total).toBe(1);
    const badBody = await request(server)
      .post('/api/openstack/demo/clouds')
      .set('Authorization', mockCredentials.service.header())
      .send({ name: 'Bad_Name', release: '2026.1', components: [] });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toMatch(/body\.name/);
  });

  it('changes demo clouds only through the demo routes, naming them by cloud ref', async () => {
    const server = await start();
    const live = await request(server)
      .post('/api/openstack/demo/clouds/team-a/prod/upgrade')
      .set('Authorization', mockCredentials.service.header())
      .send({ to: '2025.2', order: ['keystone'] });
    expect(live.status).toBe(400);
    expect(live.body.error.message).toMatch(/^path: resource:team-a\/prod is a live cloud/);
    const upgrade = await request(server)
      .post('/api/openstack/demo/clouds/default/demo-cloud/upgrade')
      .set('Authorization', mockCredentials.service.header())
      .send({ to: '2025.2', order: ['keystone', 'nova'], stepSeconds: 0 });
    expect(upgrade.status).toBe(200);
    expect(upgrade.body).toMatchObject({ name: 'demo', upgrade: { to: '2025.2', order: ['keystone', 'nova'] } });
    // a new demo cloud, before its entity is registered: by its cloud key, for services only
    const byKey = await request(server).get('/api/openstack/demo/clouds/demo/status').set('Authorization', mockCredentials.service.header());
    expect(byKey.body).toMatchObject({ cloudKey: 'demo', demo: true });
    expect((await request(server).get('/api/openstack/demo/clouds/demo/status').set('Authorization', user)).status).toBe(403);
    const none = await request(server).get('/api/openstack/demo/clouds/lab/status').set('Authorization', mockCredentials.service.header());
    expect(none.status).toBe(404);
  });
});

describe('lagging hosts', () => {
  it('flags the demo hosts still on 2024.2 as blocking the next hop', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/clouds/default/demo-cloud/hosts?filter=lagging').set('Authorization', user);
    expect(res.body.items.map((h: any) => [h.host, h.release, h.blocksUpgrade])).toEqual([
      ['cmp-az2-11', '2024.2', true],
      ['cmp-az2-12', '2024.2', true],
    ]);
  });
});

describe('permissions registry', () => {
  it('registers every permission of the suite', async () => {
    const server = await start();
    const res = await request(server).get('/api/openstack/.well-known/backstage/permissions/metadata');
    expect(res.status).toBe(200);
    expect(res.body.permissions.map((p: { name: string }) => p.name).sort()).toEqual(
      openstackPermissions.map(p => p.name).sort(),
    );
  });
});
