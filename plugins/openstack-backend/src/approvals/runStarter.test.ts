import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, registerMswTestHooks, TestDatabases } from '@backstage/backend-test-utils';
import { upgradeApprovalPlan } from '@backstage-openstack/plugin-openstack-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ApprovalStore } from './ApprovalStore';
import { RunStarter } from './runStarter';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const SCAFFOLDER = 'http://localhost:0/api/scaffolder/v2/tasks';
const ALICE = 'user:default/alice';
const plan = upgradeApprovalPlan('resource:default/demo', { from: '2025.1', to: '2025.2', chartVersion: '1', steps: [] });
const runParameters = { cloud: 'resource:default/demo', targetRelease: '2025.2' };

/** A store with one approved request (alice approved bob's), the starter and the scaffolder's recorded calls. */
async function rig(tasks: { id: string; spec: { parameters: Record<string, unknown> } }[] = []) {
  const knex = await databases.init('SQLITE_3');
  await knex.migrate.latest({ directory: resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'migrations') });
  const store = new ApprovalStore(knex);
  const created = await store.createOrGet({
    taskId: 'request-task',
    stepId: 'approval',
    templateRef: 'template:default/openstack-upgrade-cloud',
    requester: 'user:default/bob',
    approverGroup: 'group:default/platform-team',
    cloud: 'resource:default/demo',
    title: 'Upgrade demo',
    summary: '',
    plan,
    timeoutMinutes: 60,
    runParameters,
  });
  const approved = await store.decide(created.id, ALICE, 'approved', undefined, ['group:default/platform-team']);
  const posts: { authorization: string | null; body: any }[] = [];
  const lists: string[] = [];
  server.use(
    http.get(SCAFFOLDER, ({ request }) => {
      lists.push(new URL(request.url).searchParams.get('createdBy') ?? '');
      return HttpResponse.json({ tasks });
    }),
    http.post(SCAFFOLDER, async ({ request }) => {
      posts.push({ authorization: request.headers.get('authorization'), body: await request.json() });
      return HttpResponse.json({ id: `run-${posts.length}` }, { status: 201 });
    }),
  );
  const starter = new RunStarter({ store, auth: mockServices.auth(), discovery: mockServices.discovery(), logger: mockServices.logger.mock() });
  return { store, starter, approved, posts, lists };
}

describe('RunStarter', () => {
  it("starts the approved request's template as the approver, with its values and approvalId, once", async () => {
    const { store, starter, approved, posts, lists } = await rig();
    const started = await starter.ensureStarted(approved, mockCredentials.user(ALICE));
    expect(started).toMatchObject({ runState: 'started', runTaskId: 'run-1' });
    expect(lists).toEqual([ALICE]);
    expect(posts.map(p => p.body)).toEqual([{ templateRef: 'template:default/openstack-upgrade-cloud', values: { ...runParameters, approvalId: approved.id } }]);
    // a token on behalf of alice, for the scaffolder
    expect(posts[0].authorization).toMatch(/^Bearer .*user:default\/alice/);
    // asked again (the approver reads the request): nothing more starts
    expect(await starter.ensureStarted(await store.get(approved.id), mockCredentials.user(ALICE))).toMatchObject({ runTaskId: 'run-1' });
    expect(posts).toHaveLength(1);
  });

  it('starts nothing for anyone but the approver, nor for a request that is not approved', async () => {
    const { starter, approved, posts } = await rig();
    expect(await starter.ensureStarted(approved, mockCredentials.user('user:default/bob'))).toMatchObject({ runState: 'to-start', runTaskId: undefined });
    expect(await starter.ensureStarted({ ...approved, state: 'pending' }, mockCredentials.user(ALICE))).toMatchObject({ state: 'pending' });
    expect(posts).toEqual([]);
  });

  it('records the task a claimant that died had started already, instead of starting a second', async () => {
    const { store, starter, approved, posts } = await rig([]);
    // the task it started, found in the approver's task list by its approvalId
    server.use(http.get(SCAFFOLDER, () => HttpResponse.json({ tasks: [{ id: 'earlier', spec: { parameters: { ...runParameters, approvalId: approved.id } } }] })));
    expect(await starter.ensureStarted(approved, mockCredentials.user(ALICE))).toMatchObject({ runTaskId: 'earlier' });
    expect(posts).toEqual([]);
    expect((await store.audit(approved.id)).map(e => e.event)).toEqual(['created', 'approved', 'run-started']);
  });

  it('keeps the reason of a failed start and starts the run on the next try', async () => {
    const { starter, approved, posts } = await rig();
    server.use(http.post(SCAFFOLDER, () => HttpResponse.json({ error: { message: 'down' } }, { status: 503 }), { once: true }));
    const failed = await starter.ensureStarted(approved, mockCredentials.user(ALICE));
    expect(failed).toMatchObject({ runState: 'to-start', runError: expect.stringContaining('503') });
    expect(await starter.ensureStarted(failed, mockCredentials.user(ALICE))).toMatchObject({ runState: 'started', runTaskId: 'run-1' });
    expect(posts).toHaveLength(1);
  });

  it('leaves a start that another caller claimed to that caller', async () => {
    const { store, starter, approved, posts } = await rig();
    expect(await store.claimRunStart(approved.id, 60_000)).toBe(true);
    expect(await starter.ensureStarted(approved, mockCredentials.user(ALICE))).toMatchObject({ runState: 'starting', runTaskId: undefined });
    expect(posts).toEqual([]);
  });
});
