import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { openstackPlugin } from '../plugin';

jest.setTimeout(60_000);

/** An entity registered from a file by someone else: the suite never overwrites it. */
const foreign = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'prod', namespace: 'team-a', annotations: { 'backstage.io/managed-by-location': 'url:https://git.example.org/catalog.yaml' } },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
const cloud = (name: string, over: Record<string, unknown> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations: { 'openstack.backstage.io/cloud': name, 'openstack.backstage.io/delivery': 'demo' } },
  spec: { type: 'openstack-cloud', owner: 'group:default/platform-team' },
  ...over,
});

/** The plugin on its real (in-memory SQLite) database, the catalog mocked. */
async function start(extra: any[] = []) {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      catalogServiceMock.factory({ entities: [foreign] }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' } } }),
      ...extra,
    ],
  });
  return server;
}
const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');
const catalogService = mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:catalog'), targetPluginId: 'openstack' });
const lease = '/api/openstack/clouds/default/demo-cloud/lease';

describe('leases: one operation per cloud', () => {
  it('refuses the second of two concurrent upgrades of one cloud with the first one\'s task id and initiator', async () => {
    const server = await start();
    const [r1, r2] = await Promise.all([
      request(server).post(lease).set('Authorization', alice).send({ taskId: 'task-1', kind: 'upgrade' }),
      request(server).post(lease).set('Authorization', bob).send({ taskId: 'task-2', kind: 'upgrade' }),
    ]);
    const [ok, refused] = r1.status === 200 ? [r1, r2] : [r2, r1];
    expect(ok.status).toBe(200);
    expect(refused.status).toBe(409);
    const holder = ok.body.lease;
    expect(refused.body.error).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`upgrade task ${holder.taskId}, started by ${holder.initiator}, is running on it`),
    });
    // the cloud page reads the running operation
    const shown = await request(server).get(lease).set('Authorization', bob);
    expect(shown.body.lease).toMatchObject({ cloudRef: 'resource:default/demo-cloud', kind: 'upgrade', taskId: holder.taskId, initiator: holder.initiator });
    // only the holder releases it; then the other may start
    const other = holder.taskId === 'task-1' ? { auth: bob, taskId: 'task-2' } : { auth: alice, taskId: 'task-1' };
    const mine = holder.taskId === 'task-1' ? alice : bob;
    expect((await request(server).delete(`${lease}/${other.taskId}`).set('Authorization', other.auth)).body).toEqual({ released: false });
    expect((await request(server).delete(`${lease}/${holder.taskId}`).set('Authorization', other.auth)).status).toBe(409);
    expect((await request(server).delete(`${lease}/${holder.taskId}`).set('Authorization', mine)).body).toEqual({ released: true });
    expect((await request(server).get(lease).set('Authorization', bob)).body).toEqual({ lease: null });
    expect((await request(server).post(lease).set('Authorization', other.auth).send({ taskId: other.taskId, kind: 'enroll' })).status).toBe(200);
  });

  it('checks the permission of the kind of operation with the caller\'s credentials', async () => {
    const server = await start([mockServices.permissions.factory({ result: AuthorizeResult.DENY })]);
    const res = await request(server).post(lease).set('Authorization', alice).send({ taskId: 'task-1', kind: 'upgrade' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/permission openstack\.cloud\.upgrade is required/);
  });

  it.each([
    [{ taskId: '', kind: 'upgrade' }, /body\.taskId/],
    [{ taskId: 'x'.repeat(65), kind: 'upgrade' }, /body\.taskId/],
    [{ taskId: 'a/../b', kind: 'upgrade' }, /body\.taskId: is not a task id/],
    [{ taskId: 't', kind: 'delete' }, /body\.kind/],
    [{ taskId: 't', kind: 'upgrade', ttlSeconds: 86400 }, /body\.ttlSeconds/],
  ])('refuses the body %j naming the field', async (body, message) => {
    const server = await start();
    const res = await request(server).post(lease).set('Authorization', alice).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('refuses a path that names no cloud', async () => {
    const server = await start();
    const res = await request(server).post('/api/openstack/clouds/Bad_NS/x/lease').set('Authorization', alice).send({ taskId: 't', kind: 'upgrade' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^path: /);
  });
});

describe('suite entities', () => {
  it('stores the entities the actions made, for the catalog module only to list', async () => {
    const server = await start();
    const put = await request(server).post('/api/openstack/catalog/entities').set('Authorization', alice).send({ entity: cloud('edge-1') });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ entityRef: 'resource:default/edge-1' });
    // users do not read the provider's source
    expect((await request(server).get('/api/openstack/catalog/entities').set('Authorization', alice)).status).toBe(403);
    const listed = await request(server).get('/api/openstack/catalog/entities').set('Authorization', catalogService);
    expect(listed.body.items).toEqual([
      { entityRef: 'resource:default/edge-1', entity: cloud('edge-1', { metadata: { ...cloud('edge-1').metadata, namespace: 'default' } }), updatedBy: 'user:default/alice', updatedAt: expect.any(String) },
    ]);
    const removed = await request(server).delete('/api/openstack/catalog/entities/resource/default/edge-1').set('Authorization', alice);
    expect(removed.body).toEqual({ removed: true });
    expect((await request(server).get('/api/openstack/catalog/entities').set('Authorization', catalogService)).body.items).toEqual([]);
  });

  it.each([
    [{ ...cloud('x'), metadata: { name: 'config.local', namespace: '/../../../app' } }, 400, /body\.entity\.metadata\.namespace: not a valid entity namespace/],
    [{ ...cloud('x'), metadata: { name: '../../etc' } }, 400, /body\.entity\.metadata\.name: not a valid entity name/],
    [{ ...cloud('x'), metadata: { name: 'x'.repeat(64) } }, 400, /body\.entity\.metadata\.name/],
    [{ ...cloud('x'), kind: 'Component' }, 400, /body\.entity: only a Resource/],
    [{ ...cloud('x'), spec: { type: 'database', owner: 'x' } }, 400, /body\.entity: only a Resource/],
    [{ ...cloud('x'), metadata: { name: 'x', labels: { app: 'a value with spaces' } } }, 400, /body\.entity: .*label/i],
    [{ ...cloud('x'), status: { hacked: true } }, 400, /body\.entity: /],
    [{ ...cloud('x'), metadata: { name: 'x', annotations: { 'bad key!': 'v' } } }, 400, /body\.entity: .*annotation/i],
    [{ ...cloud('x'), metadata: { name: 'x', description: 'd'.repeat(70_000) } }, 400, /body\.entity: larger than 65536 bytes/],
    [foreign, 409, /resource:team-a\/prod is already in the catalog from url:https:\/\/git\.example\.org\/catalog\.yaml/],
  ])('refuses %#: nothing is stored', async (entity, status, message) => {
    const server = await start();
    const res = await request(server).post('/api/openstack/catalog/entities').set('Authorization', alice).send({ entity });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect((await request(server).get('/api/openstack/catalog/entities').set('Authorization', catalogService)).body.items).toEqual([]);
  });

  it('checks the permission of the action that made the entity, with the caller\'s credentials', async () => {
    const server = await start([mockServices.permissions.factory({ result: AuthorizeResult.DENY })]);
    const res = await request(server).post('/api/openstack/catalog/entities').set('Authorization', alice).send({ entity: cloud('edge-1') });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/permission openstack\.cloud\.create is required/);
    const host = { ...cloud('edge-1.cmp-1'), spec: { type: 'openstack-compute-host', owner: 'x' } };
    const res2 = await request(server).post('/api/openstack/catalog/entities').set('Authorization', alice).send({ entity: host });
    expect(res2.body.error.message).toMatch(/permission openstack\.compute\.enroll is required/);
  });
});
