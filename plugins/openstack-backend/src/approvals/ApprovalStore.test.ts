import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { approvalPlanDigest, upgradeApprovalPlan } from '@backstage-openstack/plugin-openstack-common';
import { ApprovalStore, NewApprovalRequest } from './ApprovalStore';

const PLATFORM = ['group:default/platform-team'];

jest.setTimeout(60_000);

// SQLite always; PostgreSQL 15 from scripts/postgres/up.sh, which scripts/check.sh starts. In CI a
// missing PostgreSQL fails the run instead of quietly testing SQLite alone.
const PG = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const ids: TestDatabaseId[] = process.env[PG] ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];
if (process.env.CI && !process.env[PG]) {
  throw new Error(`${PG} is not set: start PostgreSQL with scripts/postgres/up.sh (scripts/check.sh does)`);
}
const databases = TestDatabases.create({ ids });

const request = (over: Partial<NewApprovalRequest> = {}): NewApprovalRequest => ({
  taskId: 'task-1',
  stepId: 'approve',
  templateRef: 'template:default/openstack-upgrade-cloud',
  requester: 'user:default/bob',
  approverGroup: 'group:default/platform-team',
  cloud: 'demo',
  title: 'Upgrade demo 2025.1 → 2025.2',
  summary: 'One hop',
  plan: { steps: ['keystone', 'nova'] },
  timeoutMinutes: 60,
  ...over,
});

async function store(id: TestDatabaseId, clock?: () => Date) {
  const knex = await databases.init(id);
  await knex.migrate.latest({ directory: resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'migrations') });
  return new ApprovalStore(knex, clock);
}

describe.each(databases.eachSupportedId())('ApprovalStore on %p', id => {
  it.each([
    ['taskId', { taskId: 'a'.repeat(10_000) }],
    ['stepId', { stepId: 'a'.repeat(10_000) }],
    ['templateRef', { templateRef: `template:default/${'a'.repeat(10_000)}` }],
    ['requester', { requester: `user:default/${'a'.repeat(10_000)}` }],
    ['approverGroup', { approverGroup: `group:default/${'a'.repeat(10_000)}` }],
    ['cloud', { cloud: 'a'.repeat(10_000) }],
    ['title', { title: 'a'.repeat(10_000) }],
    ['summary', { summary: 'a'.repeat(10_000) }],
    ['plan', { plan: { notes: 'a'.repeat(70_000) } }],
  ])('refuses a too long %s with an InputError naming it, and stores nothing', async (field, over) => {
    const s = await store(id);
    await expect(s.createOrGet(request(over as Partial<NewApprovalRequest>))).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(new RegExp(`^${field}: `)),
    });
    expect(await s.list({})).toEqual([]);
  });

  it('creates one request per task step, also when a resumed task asks again', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    const b = await s.createOrGet(request());
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({ state: 'pending', requester: 'user:default/bob', plan: { steps: ['keystone', 'nova'] } });
    expect((await s.list({ state: 'pending' })).map(r => r.id)).toEqual([a.id]);
    expect(await s.audit(a.id)).toEqual([expect.objectContaining({ event: 'created', actor: 'user:default/bob', toState: 'pending' })]);
  });

  it('records a decision with who, when and the comment, and refuses a second one', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    const d = await s.decide(a.id, 'user:default/alice', 'approved', 'looks good', PLATFORM);
    expect(d).toMatchObject({ state: 'approved', decidedBy: 'user:default/alice', comment: 'looks good' });
    await expect(s.decide(a.id, 'user:default/carol', 'rejected', undefined, PLATFORM)).rejects.toThrow(/approved \(by user:default\/alice\); it cannot be decided again/);
    expect((await s.audit(a.id)).map(e => e.event)).toEqual(['created', 'approved']);
  });

  it('never lets the requester decide their own request', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    await expect(s.decide(a.id, 'user:default/bob', 'approved', undefined, PLATFORM)).rejects.toThrow(/Nobody may decide their own request/);
    expect((await s.get(a.id)).state).toBe('pending');
  });

  it('gives exactly one decision when two approvers click at once', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    const results = await Promise.allSettled([
      s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM),
      s.decide(a.id, 'user:default/carol', 'rejected', undefined, PLATFORM),
      s.decide(a.id, 'user:default/guest', 'approved', undefined, PLATFORM),
    ]);
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter(r => r.status === 'rejected').map(r => (r as PromiseRejectedResult).reason.name)).toEqual(['ConflictError', 'ConflictError']);
    const events = (await s.audit(a.id)).map(e => e.event);
    expect(events).toHaveLength(2);
  });

  it('expires a request whose time ran out, and lets the requester cancel a pending one', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const s = await store(id, () => now);
    const a = await s.createOrGet(request({ timeoutMinutes: 5 }));
    const b = await s.createOrGet(request({ taskId: 'task-2' }));
    now = new Date('2026-11-25T10:06:00Z');
    expect((await s.get(a.id)).state).toBe('expired');
    await expect(s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM)).rejects.toThrow(/expired/);
    await expect(s.cancel(b.id, 'user:default/alice')).rejects.toThrow(/Only the requester/);
    expect((await s.cancel(b.id, 'user:default/bob')).state).toBe('cancelled');
    expect((await s.audit(a.id)).map(e => e.event)).toEqual(['created', 'expired']);
  });

  it('lets only a member of the approver group decide, whatever else they hold', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    await expect(s.decide(a.id, 'user:default/dave', 'approved', undefined, ['group:default/app-team'])).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('Only members of group:default/platform-team may decide'),
    });
    await expect(s.decide(a.id, 'user:default/dave', 'approved', undefined, [])).rejects.toThrow(/Only members/);
    expect((await s.get(a.id)).state).toBe('pending');
    expect((await s.decide(a.id, 'user:default/alice', 'approved', undefined, ['group:default/app-team', ...PLATFORM])).state).toBe('approved');
  });

  it('refuses a decision at the instant of expiry, in the deciding statement, and takes one a millisecond before', async () => {
    const start = new Date('2026-11-25T10:00:00Z');
    let now = start;
    const s = await store(id, () => now);
    const a = await s.createOrGet(request({ timeoutMinutes: 5 }));
    const b = await s.createOrGet(request({ taskId: 'task-2', timeoutMinutes: 5 }));
    const boundary = new Date(start.getTime() + 5 * 60_000);
    expect(a.expiresAt).toBe(boundary.toISOString());
    now = new Date(boundary.getTime() - 1);
    expect((await s.decide(b.id, 'user:default/alice', 'approved', undefined, PLATFORM)).state).toBe('approved');
    // at the boundary: the decision and the expiry sweep race; the decision never wins
    now = boundary;
    const [decision, swept] = await Promise.allSettled([s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM), s.expireDue()]);
    expect(decision).toMatchObject({ status: 'rejected', reason: { name: 'ConflictError', message: expect.stringMatching(/expired/) } });
    expect(swept.status).toBe('fulfilled');
    expect((await s.get(a.id)).state).toBe('expired');
    expect((await s.audit(a.id)).map(e => e.event)).toEqual(['created', 'expired']);
  });

  it('refuses a decision the sweep has not reached yet when its time is up (the UPDATE checks expires_at)', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const s = await store(id, () => now);
    const a = await s.createOrGet(request({ timeoutMinutes: 5 }));
    // the sweep runs at the clock of its call; the decision's UPDATE at its own: make them differ
    const sweepFirst = s.expireDue.bind(s);
    s.expireDue = async () => 0;
    now = new Date('2026-11-25T10:05:00.001Z');
    await expect(s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM)).rejects.toThrow(/expired at 2026-11-25T10:05:00.000Z; it cannot be decided/);
    s.expireDue = sweepFirst;
    expect((await s.get(a.id)).state).toBe('expired');
  });

  const upgradePlan = upgradeApprovalPlan('resource:default/demo', {
    from: '2025.1',
    to: '2025.2',
    chartVersion: '2026.1.0',
    steps: [{ chart: 'keystone', changes: [{ path: 'images.tags.keystone_api', from: 'a:2025.1', to: 'a:2025.2' }], before: [], after: [] }],
  });
  const runParameters = { cloud: 'resource:default/demo', targetRelease: '2025.2' };

  it('lets a run act on an approved, unexpired approval of its operation, cloud and digest, and binds the approval to that one run', async () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const s = await store(id, () => now);
    const plan = upgradePlan;
    const a = await s.createOrGet(request({ cloud: 'resource:default/demo', plan, timeoutMinutes: 60, runParameters }));
    expect(a).toMatchObject({ operation: 'upgrade', digest: approvalPlanDigest(plan), runParameters });
    const v = { approvalId: a.id, taskId: 'run-1', operation: 'upgrade' as const, cloud: 'resource:default/demo', plan };
    // no approval: refused
    await expect(s.verify({ ...v, approvalId: 'no-such-request' })).rejects.toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('does not exist') });
    // pending: refused
    await expect(s.verify(v)).rejects.toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('is pending') });
    await s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM);
    // another plan: refused, naming the change, and the approval stays unbound
    const other = structuredClone(plan) as any;
    other.steps[0].changes[0].to = 'a:2025.3';
    await expect(s.verify({ ...v, plan: other })).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('steps[0].changes[0].to: "a:2025.2" → "a:2025.3"'),
    });
    // another operation or cloud: refused
    await expect(s.verify({ ...v, operation: 'enroll' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(s.verify({ ...v, cloud: 'resource:default/other' })).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect((await s.get(a.id)).runTaskId).toBeUndefined();
    // approved, same digest: runs, and binds the approval to this task
    expect(await s.verify(v)).toMatchObject({ id: a.id, runTaskId: 'run-1', runState: 'started' });
    // the same task resumed: runs again; a second run of the same approval: refused
    expect((await s.verify(v)).runTaskId).toBe('run-1');
    await expect(s.verify({ ...v, taskId: 'run-2' })).rejects.toMatchObject({ name: 'ConflictError', message: expect.stringContaining('has run already, in task run-1') });
    expect((await s.audit(a.id)).map(e => e.event)).toEqual(['created', 'approved', 'run-started']);
  });

  it('refuses a run of an approval that expired before it ran', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const s = await store(id, () => now);
    const a = await s.createOrGet(request({ cloud: 'resource:default/demo', plan: upgradePlan, timeoutMinutes: 60, runParameters }));
    await s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM);
    now = new Date('2026-11-25T11:00:00Z');
    const v = { approvalId: a.id, taskId: 'run-1', operation: 'upgrade' as const, cloud: 'resource:default/demo', plan: upgradePlan };
    await expect(s.verify(v)).rejects.toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('expired at 2026-11-25T11:00:00.000Z') });
  });

  it('gives the start of an approved run to exactly one caller; a stale claim is taken over; the first recorded task wins', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const s = await store(id, () => now);
    const a = await s.createOrGet(request({ cloud: 'resource:default/demo', plan: upgradePlan, runParameters }));
    // pending, or approved without a run to start: nothing to claim
    expect(await s.claimRunStart(a.id, 60_000)).toBe(false);
    const noRun = await s.createOrGet(request({ taskId: 'task-2', cloud: 'resource:default/demo', plan: upgradePlan }));
    expect((await s.decide(noRun.id, 'user:default/alice', 'approved', undefined, PLATFORM)).runState).toBeUndefined();
    expect(await s.claimRunStart(noRun.id, 60_000)).toBe(false);
    // approved: to start, in the deciding statement
    expect((await s.decide(a.id, 'user:default/alice', 'approved', undefined, PLATFORM)).runState).toBe('to-start');
    const claims = await Promise.all([s.claimRunStart(a.id, 60_000), s.claimRunStart(a.id, 60_000), s.claimRunStart(a.id, 60_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // the claimant died: within the lease nobody takes it, after it one caller does
    now = new Date('2026-11-25T10:00:59Z');
    expect(await s.claimRunStart(a.id, 60_000)).toBe(false);
    now = new Date('2026-11-25T10:01:00Z');
    expect(await s.claimRunStart(a.id, 60_000)).toBe(true);
    // a failed start gives the claim back with the reason
    expect(await s.runStartFailed(a.id, 'scaffolder down')).toMatchObject({ runState: 'to-start', runError: 'scaffolder down' });
    expect(await s.claimRunStart(a.id, 60_000)).toBe(true);
    expect(await s.runStarted(a.id, 'run-1', 'user:default/alice')).toMatchObject({ runState: 'started', runTaskId: 'run-1' });
    // recorded once: a later record, or claim, changes nothing
    expect((await s.runStarted(a.id, 'run-2', 'user:default/alice')).runTaskId).toBe('run-1');
    expect(await s.claimRunStart(a.id, 0)).toBe(false);
    expect((await s.audit(a.id)).filter(e => e.event === 'run-started')).toHaveLength(1);
  });
});
