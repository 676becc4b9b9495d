import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ApprovalStore, NewApprovalRequest } from './ApprovalStore';

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
    const d = await s.decide(a.id, 'user:default/alice', 'approved', 'looks good');
    expect(d).toMatchObject({ state: 'approved', decidedBy: 'user:default/alice', comment: 'looks good' });
    await expect(s.decide(a.id, 'user:default/carol', 'rejected')).rejects.toThrow(/approved \(by user:default\/alice\); it cannot be decided again/);
    expect((await s.audit(a.id)).map(e => e.event)).toEqual(['created', 'approved']);
  });

  it('never lets the requester decide their own request', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    await expect(s.decide(a.id, 'user:default/bob', 'approved')).rejects.toThrow(/Nobody may decide their own request/);
    expect((await s.get(a.id)).state).toBe('pending');
  });

  it('gives exactly one decision when two approvers click at once', async () => {
    const s = await store(id);
    const a = await s.createOrGet(request());
    const results = await Promise.allSettled([
      s.decide(a.id, 'user:default/alice', 'approved'),
      s.decide(a.id, 'user:default/carol', 'rejected'),
      s.decide(a.id, 'user:default/guest', 'approved'),
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
    await expect(s.decide(a.id, 'user:default/alice', 'approved')).rejects.toThrow(/expired/);
    await expect(s.cancel(b.id, 'user:default/alice')).rejects.toThrow(/Only the requester/);
    expect((await s.cancel(b.id, 'user:default/bob')).state).toBe('cancelled');
    expect((await s.audit(a.id)).map(e => e.event)).toEqual(['created', 'expired']);
  });
});
