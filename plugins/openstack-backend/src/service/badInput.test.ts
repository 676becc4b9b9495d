// The bad-input table of the routes that store what they are sent (the demo store's and the
// approvals'): each body field is refused where it enters (the route's zod body) with a 400 naming
// exactly that field, and nothing reaches the store (no create, no update). What is stored is
// bounded: a 10,000-character value is a 400, never a database error (varchar(255) on PostgreSQL).
// The actions' rows are in the scaffolder module's badInput.test.ts.
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { ApprovalStore } from '../approvals/ApprovalStore';
import { DemoCloudStore } from '../demo/DemoCloudStore';
import { openstackPlugin } from '../plugin';

jest.setTimeout(60_000);

/** The demo cloud's entity: the routes resolve the cloud the path names in the catalog. */
const demoCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'demo-cloud',
    namespace: 'default',
    annotations: { 'openstack.backstage.io/cloud': 'demo', 'openstack.backstage.io/delivery': 'demo' },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
const LONG = 'a'.repeat(300);
const create = { name: 'edge-7', release: '2026.1', components: ['keystone'] };
const upgrade = { to: '2025.2', order: ['keystone'] };
const enroll = { host: 'cmp-az1-13', zone: 'az1' };
const HUGE = 'a'.repeat(10_000);
/** What the openstack:approval:request action sends (with the scaffolder's service credentials). */
const approval = {
  taskId: 'task-1',
  stepId: 'approval',
  requester: 'user:default/bob',
  approverGroup: 'group:default/platform-team',
  title: 'Upgrade demo-cloud',
  plan: { targetRelease: '2025.2' },
  timeoutMinutes: 60,
};

type Row = [string, string, Record<string, unknown>, string];
const rows: Row[] = [
  ['empty name', '/demo/clouds', { ...create, name: '' }, 'body.name'],
  ['too long name', '/demo/clouds', { ...create, name: LONG }, 'body.name'],
  ['../ in the name', '/demo/clouds', { ...create, name: '../x' }, 'body.name'],
  ['unicode name', '/demo/clouds', { ...create, name: 'édge' }, 'body.name'],
  ['line break in the release', '/demo/clouds', { ...create, release: '2026.1\n' }, 'body.release'],
  ['unknown release', '/demo/clouds', { ...create, release: 'zed' }, 'body.release'],
  ['INI injection in the region', '/demo/clouds', { ...create, region: 'One\n[DEFAULT]' }, 'body.region'],
  ['empty region', '/demo/clouds', { ...create, region: '' }, 'body.region'],
  ['too long region', '/demo/clouds', { ...create, region: LONG }, 'body.region'],
  ['../ in the cluster', '/demo/clouds', { ...create, cluster: '../../x' }, 'body.cluster'],
  ['YAML in the namespace', '/demo/clouds', { ...create, namespace: 'ns: {a: 1}' }, 'body.namespace'],
  ['unknown component', '/demo/clouds', { ...create, components: ['keystone', 'evil\n'] }, 'body.components.1'],
  ['the key of a configured live cloud', '/demo/clouds', { ...create, name: 'prod-eu' }, 'body.name'],
  ["the key of a catalog cloud (the demo cloud's)", '/demo/clouds', { ...create, name: 'demo' }, 'body.name'],
  ['a downgrade', '/demo/clouds/default/demo-cloud/upgrade', { ...upgrade, to: '2024.2' }, 'body.to'],
  ['a skipped release', '/demo/clouds/default/demo-cloud/upgrade', { ...upgrade, to: '2026.2' }, 'body.to'],
  ['unknown target release', '/demo/clouds/default/demo-cloud/upgrade', { ...upgrade, to: '2099.1' }, 'body.to'],
  ['line break in the target release', '/demo/clouds/default/demo-cloud/upgrade', { ...upgrade, to: '2025.2\nx' }, 'body.to'],
  ['shell in the chart order', '/demo/clouds/default/demo-cloud/upgrade', { ...upgrade, order: ['nova; reboot'] }, 'body.order.0'],
  ['empty chart order', '/demo/clouds/default/demo-cloud/upgrade', { ...upgrade, order: [] }, 'body.order'],
  ['line break in the host', '/demo/clouds/default/demo-cloud/hosts', { ...enroll, host: 'cmp\n1' }, 'body.host'],
  ['too long host', '/demo/clouds/default/demo-cloud/hosts', { ...enroll, host: LONG }, 'body.host'],
  ['zone:host in the zone', '/demo/clouds/default/demo-cloud/hosts', { ...enroll, zone: 'az1:cmp' }, 'body.zone'],
  ['unicode zone', '/demo/clouds/default/demo-cloud/hosts', { ...enroll, zone: 'ゾーン' }, 'body.zone'],
  ['shell in the aggregate', '/demo/clouds/default/demo-cloud/hosts', { ...enroll, aggregate: '$(id)' }, 'body.aggregate'],
  ['10,000-character name', '/demo/clouds', { ...create, name: HUGE }, 'body.name'],
  ['10,000-character host', '/demo/clouds/default/demo-cloud/hosts', { ...enroll, host: HUGE }, 'body.host'],
  ['10,000-character task id', '/approvals', { ...approval, taskId: HUGE }, 'body.taskId'],
  ['10,000-character step id', '/approvals', { ...approval, stepId: HUGE }, 'body.stepId'],
  ['10,000-character template ref', '/approvals', { ...approval, templateRef: HUGE }, 'body.templateRef'],
  ['10,000-character requester', '/approvals', { ...approval, requester: `user:default/${HUGE}` }, 'body.requester'],
  ['10,000-character approver group', '/approvals', { ...approval, approverGroup: `group:default/${HUGE}` }, 'body.approverGroup'],
  ['10,000-character cloud', '/approvals', { ...approval, cloud: HUGE }, 'body.cloud'],
  ['10,000-character title', '/approvals', { ...approval, title: HUGE }, 'body.title'],
  ['10,000-character summary', '/approvals', { ...approval, summary: HUGE }, 'body.summary'],
  ['a plan of more than 64 KiB', '/approvals', { ...approval, plan: { notes: 'a'.repeat(70_000) } }, 'body.plan'],
  ['empty title', '/approvals', { ...approval, title: '' }, 'body.title'],
  ['not a user as requester', '/approvals', { ...approval, requester: 'group:default/x' }, 'body.requester'],
];

describe('bad input to the routes that store it', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        openstackPlugin,
        catalogServiceMock.factory({ entities: [demoCloud] }),
        mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, openstack: { demo: { enabled: true }, clouds: { 'prod-eu': { authUrl: 'https://keystone.prod-eu.example.org:5000', applicationCredentialId: 'id', applicationCredentialSecret: 'secret' } } } } }),
      ],
    }));
  });

  it.each(rows)('%s (POST %s %j): 400 naming %s, the store untouched', async (_what, path, body, field) => {
    const created = jest.spyOn(DemoCloudStore.prototype, 'create');
    const updated = jest.spyOn(DemoCloudStore.prototype, 'update');
    const requested = jest.spyOn(ApprovalStore.prototype, 'createOrGet');
    try {
      const res = await request(server)
        .post(`/api/openstack${path}`)
        .set('Authorization', mockCredentials.service.header())
        .send(body);
      expect(res.status).toBe(400);
      const named = String(res.body.error.message)
        .split('; ')
        .map(m => m.split(':')[0]);
      expect(named).toEqual([field]);
      expect(created).not.toHaveBeenCalled();
      expect(updated).not.toHaveBeenCalled();
      expect(requested).not.toHaveBeenCalled();
    } finally {
      created.mockRestore();
      updated.mockRestore();
      requested.mockRestore();
    }
  });

  it.each([
    ['/demo/clouds', create],
    ['/demo/clouds/default/demo-cloud/hosts', enroll],
    ['/approvals', approval],
  ])('accepts the valid base body of POST %s', async (path, body) => {
    const res = await request(server).post(`/api/openstack${path}`).set('Authorization', mockCredentials.service.header()).send(body);
    expect(res.status).toBeLessThan(300);
  });
});
