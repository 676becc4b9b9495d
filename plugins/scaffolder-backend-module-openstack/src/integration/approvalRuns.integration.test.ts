/*
 * Two-phase approvals with the REAL scaffolder backend (@backstage/plugin-scaffolder-backend, its
 * task worker limited to 2 concurrent tasks), the suite's backend plugin and its scaffolder
 * module, on SQLite files that outlive a backend restart. bob files requests with the real
 * new-cloud template (demo delivery, lifecycle production: the create needs an approval); alice,
 * of the platform team, approves.
 *
 * - 20 pending requests hold no task slot: an unrelated template still starts and completes.
 * - A restart (a new backend on the same database files) loses none of them, and approving one
 *   afterwards starts its run as alice's task, which completes, names both people in its log and
 *   links to the request both ways.
 * - A second run of the same approval is refused by the create action.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import { ApprovalRequest } from '@backstage-openstack/plugin-openstack-common';
// the real scaffolder backend plugin is what this test runs the module in
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import * as scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { scaffolderModuleOpenstack } from '../module';
import { scaffolderTasks, userEntity } from '../__testUtils__/scaffolderTasks';

jest.setTimeout(600_000);

const BOB = 'user:default/bob';
const ALICE = 'user:default/alice';
const PENDING = 20;
const run = `apr${Date.now() % 100000}`;

const newCloudTemplate = yaml.parse(fs.readFileSync(path.resolve(__dirname, '../../../../templates/new-cloud/template.yaml'), 'utf8')) as Entity;
/** A template that has nothing to do with approvals: one log line. */
const unrelatedTemplate: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/app-team',
    parameters: [{ properties: { who: { type: 'string' } } }],
    steps: [{ id: 'log', action: 'debug:log', input: { message: 'hello ${{ parameters.who }}' } }],
  },
};
/** The suite's backend, the real scaffolder and the suite's actions, on SQLite files in `dir`. */
async function startBackend(dir: string) {
  return startTestBackend({
    features: [
      scaffolderBackend.default,
      scaffolderModuleOpenstack,
      openstackPlugin,
      catalogServiceMock.factory({
        entities: [
          { ...newCloudTemplate, metadata: { ...newCloudTemplate.metadata, namespace: 'default' } },
          unrelatedTemplate,
          userEntity('bob', 'app-team'),
          userEntity('alice', 'platform-team'),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { database: { client: 'better-sqlite3', connection: { directory: dir } } },
          scaffolder: { concurrentTasksLimit: 2 },
          openstack: { demo: { enabled: true } },
        },
      }),
    ],
  });
}

type Server = Awaited<ReturnType<typeof startBackend>>['server'];
const as = (ref: string) => mockCredentials.user.header(ref);

async function pendingOf(server: Server): Promise<ApprovalRequest[]> {
  const res = await request(server).get('/api/openstack/approvals').query({ state: 'pending', requester: BOB }).set('Authorization', as(ALICE));
  expect(res.status).toBe(200);
  return (res.body.items as ApprovalRequest[]).filter(a => a.title.includes(run));
}

const cloudValues = (name: string) => ({
  name,
  release: '2026.1',
  components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
  region: 'RegionOne',
  lifecycle: 'production',
  delivery: 'demo',
  waitForReady: false,
});

describe('two-phase approvals with the real scaffolder (concurrentTasksLimit 2)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-approvals-'));
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`files ${PENDING} requests that hold no task slot: an unrelated template still starts and completes`, async () => {
    backend = await startBackend(dir);
    const requests = [];
    for (let i = 0; i < PENDING; i++) {
      requests.push(await scaffolderTasks(backend.server).start(BOB, 'template:default/openstack-new-cloud', cloudValues(`${run}-${i}`)));
    }
    // each request task plans, files its request and ENDS
    for (const id of requests) {
      const task = await scaffolderTasks(backend.server).finished(ALICE, id);
      // the log of a task that did not complete says why
      expect({ id, status: task.status, log: task.status === 'completed' ? '' : await scaffolderTasks(backend.server).log(ALICE, id) }).toEqual({ id, status: 'completed', log: '' });
    }
    const pending = await pendingOf(backend.server);
    expect(pending).toHaveLength(PENDING);
    expect(new Set(pending.map(a => a.taskId))).toEqual(new Set(requests));
    expect(pending[0]).toMatchObject({ templateRef: 'template:default/openstack-new-cloud', operation: 'create', requester: BOB });
    expect(pending[0].runParameters).not.toHaveProperty('approvalId');
    // what one waiting request stores: its row (the plan, the run's form values and the fields), as JSON
    // eslint-disable-next-line no-console
    console.log(`one pending request stores about ${JSON.stringify(pending[0]).length} bytes (its API form: plan, runParameters and fields)`);

    // with 20 requests waiting, the 2 task slots are free: another template runs at once
    const before = Date.now();
    const hello = await scaffolderTasks(backend.server).finished(ALICE, await scaffolderTasks(backend.server).start(BOB, 'template:default/hello', { who: 'world' }));
    const tookMs = Date.now() - before;
    expect(hello.status).toBe('completed');
    expect(await scaffolderTasks(backend.server).log(ALICE, hello.id)).toContain('hello world');
    // the figure for the README ("What a waiting approval costs"); reported, not asserted
    // eslint-disable-next-line no-console
    console.log(`unrelated template with ${PENDING} pending approvals and concurrentTasksLimit 2: started and completed in ${tookMs} ms`);
  });

  it('loses no request in a backend restart, and approving one afterwards starts its run as the approver, which completes', async () => {
    await backend!.stop();
    backend = await startBackend(dir);
    const { server } = backend;
    const pending = await pendingOf(server);
    expect(pending).toHaveLength(PENDING);

    const chosen = pending[0];
    const name = chosen.runParameters!.name as string;
    // bob may not decide his own request; alice of the platform team may
    expect((await request(server).post(`/api/openstack/approvals/${chosen.id}/decision`).set('Authorization', as(BOB)).send({ decision: 'approve' })).status).toBe(403);
    const decided = await request(server)
      .post(`/api/openstack/approvals/${chosen.id}/decision`)
      .set('Authorization', as(ALICE))
      .send({ decision: 'approve', comment: 'ok for the pilot' });
    expect(decided.status).toBe(200);
    const approval = decided.body.approval as ApprovalRequest;
    expect(approval).toMatchObject({ state: 'approved', decidedBy: ALICE, runState: 'started' });
    expect(approval.runTaskId).toEqual(expect.any(String));

    // the run: a new task of the same template, alice's, with the approved values and the approval id
    const runTask = await scaffolderTasks(server).finished(ALICE, approval.runTaskId!);
    const log = await scaffolderTasks(server).log(ALICE, runTask.id);
    expect({ status: runTask.status, log }).toMatchObject({ status: 'completed' });
    expect(runTask.createdBy).toBe(ALICE);
    expect(runTask.spec.parameters).toEqual({ ...chosen.runParameters, approvalId: chosen.id });
    // the run's log names both people and links to the request's task
    expect(log).toContain(`Requested by ${BOB} (task ${chosen.taskId}), approved by ${ALICE} ("ok for the pilot"): request ${chosen.id}`);
    // the request links to its run
    const detail = await request(server).get(`/api/openstack/approvals/${chosen.id}`).set('Authorization', as(BOB));
    expect(detail.body.approval).toMatchObject({ runTaskId: runTask.id, runState: 'started' });
    expect(detail.body.audit.map((e: { event: string }) => e.event)).toEqual(['created', 'approved', 'run-started']);
    // the cloud was created and registered
    expect(log).toContain(`resource:default/${name}`);
    // the others still wait
    expect(await pendingOf(server)).toHaveLength(PENDING - 1);

    // a second run of the same approval (its values and id posted again) fails, and the approval
    // still names its one run (the action's refusal of a second run of an approval is in
    // packages/backend/src/approvalGate.test.ts; here the cloud's name, taken now, stops it first)
    const again = await scaffolderTasks(server).finished(ALICE, await scaffolderTasks(server).start(ALICE, 'template:default/openstack-new-cloud', { ...chosen.runParameters, approvalId: chosen.id }));
    expect(again.status).toBe('failed');
    const after = await request(server).get(`/api/openstack/approvals/${chosen.id}`).set('Authorization', as(ALICE));
    expect(after.body.approval.runTaskId).toBe(runTask.id);
  });
});
