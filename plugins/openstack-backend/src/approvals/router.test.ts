import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { openstackPlugin } from '../plugin';

jest.setTimeout(60_000);

const PLATFORM = ['user:default/alice', 'user:default/carol'];

/**
 * A policy of the example policy's shape: the platform team decides, everybody reads. The real
 * framework with the example policy itself: packages/backend/src/approvalRoutes.test.ts.
 */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(reqs: any[], { credentials }: any) {
      const user = credentials.principal?.userEntityRef;
      return reqs.map(r => ({
        result:
          r.permission.name !== 'openstack.approval.decide' || PLATFORM.includes(user) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional(reqs: any[]) {
      return reqs.map(() => ({ result: AuthorizeResult.ALLOW }));
    },
  }),
});

async function start() {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      // the deciding users' groups: the catalog's memberOf relations
      catalogServiceMock.factory({
        entities: ['alice', 'carol', 'bob', 'dave'].map(name => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name, namespace: 'default' },
          spec: {},
          relations: [{ type: 'memberOf', targetRef: PLATFORM.includes(`user:default/${name}`) ? 'group:default/platform-team' : 'group:default/app-team' }],
        })),
      }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' } } }),
      permissions,
    ],
  });
  return server;
}

const as = (user: string) => mockCredentials.user.header(user);
const service = mockCredentials.service.header();

async function newRequest(server: any, over: Record<string, unknown> = {}) {
  const res = await request(server)
    .post('/api/openstack/approvals')
    .set('Authorization', service)
    .send({
      taskId: 't-1',
      stepId: 'approval',
      requester: 'user:default/bob',
      approverGroup: 'group:default/platform-team',
      cloud: 'resource:default/demo-cloud',
      title: 'Upgrade demo',
      summary: '2025.1 → 2025.2',
      plan: { hop: ['2025.1', '2025.2'] },
      timeoutMinutes: 60,
      ...over,
    });
  expect(res.status).toBe(201);
  return res.body.approval.id as string;
}

describe('approval routes', () => {
  it('lets a platform-team member approve, once, with the audit trail', async () => {
    const server = await start();
    const id = await newRequest(server);
    const view = await request(server).get(`/api/openstack/approvals/${id}`).set('Authorization', as('user:default/alice'));
    expect(view.body).toMatchObject({ canDecide: true, canCancel: false, approval: { state: 'pending' } });
    const ok = await request(server)
      .post(`/api/openstack/approvals/${id}/decision`)
      .set('Authorization', as('user:default/alice'))
      .send({ decision: 'approve', comment: 'ok' });
    expect(ok.status).toBe(200);
    expect(ok.body.approval).toMatchObject({ state: 'approved', decidedBy: 'user:default/alice' });
    const again = await request(server)
      .post(`/api/openstack/approvals/${id}/decision`)
      .set('Authorization', as('user:default/carol'))
      .send({ decision: 'reject' });
    expect(again.status).toBe(409);
    const audit = await request(server).get(`/api/openstack/approvals/${id}`).set('Authorization', as('user:default/bob'));
    expect(audit.body.audit.map((e: any) => e.event)).toEqual(['created', 'approved']);
  });

  it('refuses a decision from outside the approver group', async () => {
    const server = await start();
    const id = await newRequest(server);
    const view = await request(server).get(`/api/openstack/approvals/${id}`).set('Authorization', as('user:default/dave'));
    expect(view.body.canDecide).toBe(false);
    const res = await request(server)
      .post(`/api/openstack/approvals/${id}/decision`)
      .set('Authorization', as('user:default/dave'))
      .send({ decision: 'approve' });
    expect(res.status).toBe(403);
  });

  it('refuses self-approval even to a member of the approver group', async () => {
    const server = await start();
    const id = await newRequest(server, { requester: 'user:default/alice' });
    const view = await request(server).get(`/api/openstack/approvals/${id}`).set('Authorization', as('user:default/alice'));
    expect(view.body).toMatchObject({ canDecide: false, canCancel: true });
    const res = await request(server)
      .post(`/api/openstack/approvals/${id}/decision`)
      .set('Authorization', as('user:default/alice'))
      .send({ decision: 'approve' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/their own request/);
  });

  it('lets only the requester cancel, and only services create', async () => {
    const server = await start();
    const id = await newRequest(server);
    expect((await request(server).post(`/api/openstack/approvals/${id}/cancel`).set('Authorization', as('user:default/alice'))).status).toBe(403);
    expect((await request(server).post(`/api/openstack/approvals/${id}/cancel`).set('Authorization', as('user:default/bob'))).body.approval.state).toBe('cancelled');
    const byUser = await request(server).post('/api/openstack/approvals').set('Authorization', as('user:default/bob')).send({});
    expect(byUser.status).toBe(403);
  });

  it('validates bodies and filters the list', async () => {
    const server = await start();
    await newRequest(server);
    await newRequest(server, { taskId: 't-2', cloud: 'resource:team-a/edge' });
    // a cloud of the same name in another namespace is another cloud
    await newRequest(server, { taskId: 't-3', cloud: 'edge' });
    const bad = await request(server).post('/api/openstack/approvals').set('Authorization', service).send({ taskId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.stepId/);
    const notACloud = await request(server)
      .post('/api/openstack/approvals')
      .set('Authorization', service)
      .send({ taskId: 't-4', stepId: 'a', requester: 'user:default/bob', approverGroup: 'group:default/platform-team', cloud: 'component:default/x', title: 't', plan: null, timeoutMinutes: 5 });
    expect(notACloud.status).toBe(400);
    expect(notACloud.body.error.message).toMatch(/body\.cloud: "component:default\/x" is a component, not a cloud/);
    const list = await request(server).get('/api/openstack/approvals?state=pending&cloud=resource:team-a/edge').set('Authorization', as('user:default/bob'));
    expect(list.body.items.map((a: any) => a.cloud)).toEqual(['resource:team-a/edge']);
    const byShortRef = await request(server).get('/api/openstack/approvals?cloud=Edge').set('Authorization', as('user:default/bob'));
    expect(byShortRef.body.items.map((a: any) => [a.taskId, a.cloud])).toEqual([['t-3', 'resource:default/edge']]);
    const badDecision = await request(server)
      .post(`/api/openstack/approvals/${list.body.items[0].id}/decision`)
      .set('Authorization', as('user:default/alice'))
      .send({ decision: 'maybe' });
    expect(badDecision.body.error.message).toMatch(/body\.decision/);
  });
});
