// The approval routes of the suite's backend plugin under the REAL permission framework (the
// permission backend plugin with the example policy, OpenStackPermissionPolicy) and a real
// database (SQLite through the test backend's database service). Users' groups come from the
// catalog (their memberOf relations), which both the policy (ownership) and the approvals'
// group check read.
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import { approvalPlanDigest, upgradeApprovalPlan } from '@backstage-openstack/plugin-openstack-common';
import request from 'supertest';
import { permissionModuleOpenStackPolicy } from './permissionPolicy';
import { users, userInfo } from './testUsers';

jest.setTimeout(120_000);

async function start() {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      permissionPlugin,
      permissionModuleOpenStackPolicy,
      userInfo,
      catalogServiceMock.factory({ entities: users }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, permission: { enabled: true } } }),
    ],
  });
  return server;
}

const as = (name: string) => mockCredentials.user.header(`user:default/${name}`);
const service = mockCredentials.service.header();

const plan = upgradeApprovalPlan('resource:default/demo-cloud', {
  from: '2025.1',
  to: '2025.2',
  chartVersion: '2026.1.0',
  steps: [{ chart: 'keystone', changes: [{ path: 'images.tags.keystone_api', from: 'k:2025.1', to: 'k:2025.2' }], before: [], after: [] }],
});

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
      plan,
      timeoutMinutes: 60,
      ...over,
    });
  expect(res.status).toBe(201);
  return res.body.approval;
}

const decide = (server: any, id: string, who: string, decision = 'approve') =>
  request(server).post(`/api/openstack/approvals/${id}/decision`).set('Authorization', as(who)).send({ decision, comment: `${who} says ${decision}` });

describe('approval routes under the example policy', () => {
  let server: any;
  beforeAll(async () => {
    server = await start();
  });

  it('stores the digest and operation of the plan; a platform-team member approves, once, with the audit trail', async () => {
    const a = await newRequest(server);
    expect(a).toMatchObject({ operation: 'upgrade', digest: approvalPlanDigest(plan), approverGroup: 'group:default/platform-team' });
    const view = await request(server).get(`/api/openstack/approvals/${a.id}`).set('Authorization', as('alice'));
    expect(view.body).toMatchObject({ canDecide: true, canCancel: false, approval: { state: 'pending' } });
    const ok = await decide(server, a.id, 'alice');
    expect(ok.status).toBe(200);
    expect(ok.body.approval).toMatchObject({ state: 'approved', decidedBy: 'user:default/alice', comment: 'alice says approve' });
    expect((await decide(server, a.id, 'carol', 'reject')).status).toBe(409);
    const audit = await request(server).get(`/api/openstack/approvals/${a.id}`).set('Authorization', as('bob'));
    expect(audit.body.audit.map((e: any) => e.event)).toEqual(['created', 'approved']);
  });

  it('refuses someone the policy denies the decide permission (app team)', async () => {
    const a = await newRequest(server, { taskId: 't-2' });
    const view = await request(server).get(`/api/openstack/approvals/${a.id}`).set('Authorization', as('dave'));
    expect(view.body.canDecide).toBe(false);
    const res = await decide(server, a.id, 'dave');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/openstack\.approval\.decide/);
  });

  it("refuses a member of another group who holds the decide permission: only the request's group decides", async () => {
    // erin and alice hold openstack.approval.decide (platform team); the request is the security team's
    const a = await newRequest(server, { taskId: 't-3', approverGroup: 'group:default/security-team' });
    const view = await request(server).get(`/api/openstack/approvals/${a.id}`).set('Authorization', as('alice'));
    expect(view.body.canDecide).toBe(false);
    const res = await decide(server, a.id, 'alice');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Only members of group:default\/security-team may decide/);
    const pending = await request(server).get(`/api/openstack/approvals/${a.id}`).set('Authorization', as('erin'));
    expect(pending.body).toMatchObject({ canDecide: true, approval: { state: 'pending' } });
    expect((await decide(server, a.id, 'erin')).body.approval).toMatchObject({ state: 'approved', decidedBy: 'user:default/erin' });
  });

  it('refuses self-approval even to a member of the approver group', async () => {
    const a = await newRequest(server, { taskId: 't-4', requester: 'user:default/alice' });
    const res = await decide(server, a.id, 'alice');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/their own request/);
  });

  it('verifies a run: only services, only the approved plan, only one run task', async () => {
    const a = await newRequest(server, { taskId: 't-5' });
    const verify = (body: Record<string, unknown>, auth = service) =>
      request(server)
        .post('/api/openstack/approvals/verify')
        .set('Authorization', auth)
        .send({ approvalId: a.id, taskId: 't-run', operation: 'upgrade', cloud: 'resource:default/demo-cloud', plan, ...body });
    expect((await verify({}, as('alice'))).status).toBe(403);
    const pending = await verify({});
    expect(pending.status).toBe(403);
    expect(pending.body.error.message).toMatch(/is pending/);
    await decide(server, a.id, 'carol');
    const ok = await verify({});
    expect(ok.status).toBe(200);
    expect(ok.body.approval.id).toBe(a.id);
    const changed = await verify({ plan: { ...plan, to: '2026.1' } });
    expect(changed.status).toBe(409);
    expect(changed.body.error.message).toMatch(/to: "2025.2" → "2026.1".*ask for a new approval/);
    const second = await verify({ taskId: 't-other-run' });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/has run already, in task t-run/);
    const bad = await verify({ operation: 'delete' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.operation/);
  });
});
