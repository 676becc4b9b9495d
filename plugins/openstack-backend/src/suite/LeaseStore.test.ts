import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { LeaseRequest, LeaseStore } from './LeaseStore';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL 15 from scripts/postgres/up.sh, which scripts/check.sh starts. In CI a
// missing PostgreSQL fails the run instead of quietly testing SQLite alone.
const PG = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const ids: TestDatabaseId[] = process.env[PG] ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];
if (process.env.CI && !process.env[PG]) {
  throw new Error(`${PG} is not set: start PostgreSQL with scripts/postgres/up.sh (scripts/check.sh does)`);
}
const databases = TestDatabases.create({ ids });

const cloudRef = 'resource:default/demo-cloud';
const first: LeaseRequest = { cloudRef, taskId: 'task-1', kind: 'upgrade', initiator: 'user:default/alice', ttlMs: 120_000 };
const second: LeaseRequest = { cloudRef, taskId: 'task-2', kind: 'enroll', initiator: 'user:default/bob', ttlMs: 120_000 };

/** A store over a migrated database, with a clock the test moves. */
async function stores(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await knex.migrate.latest({ directory: resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'migrations') });
  let now = Date.parse('2026-12-02T10:00:00Z');
  const clock = { advance: (ms: number) => (now += ms) };
  // two stores on one database: two backend replicas
  return { a: new LeaseStore(knex, () => now), b: new LeaseStore(knex, () => now), clock };
}

describe.each(databases.eachSupportedId())('LeaseStore on %p', id => {
  it("refuses a second operation at once, naming the running task, its kind and its initiator", async () => {
    const { a, b } = await stores(id);
    const lease = await a.acquire(first);
    expect(lease).toMatchObject({ cloudRef, taskId: 'task-1', kind: 'upgrade', initiator: 'user:default/alice', expiresAt: '2026-12-02T10:02:00.000Z' });
    await expect(b.acquire(second)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/^resource:default\/demo-cloud is busy: upgrade task task-1, started by user:default\/alice, is running on it/),
    });
    expect(await b.get(cloudRef)).toMatchObject({ taskId: 'task-1' });
  });

  it('lets exactly one of two concurrent tasks take a free cloud (two replicas)', async () => {
    const { a, b } = await stores(id);
    const results = await Promise.allSettled([a.acquire(first), b.acquire(second)]);
    const won = results.filter(r => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ taskId: string }>).value.taskId;
    expect(lost[0].reason.message).toContain(`task ${winner}`);
  });

  it('renews the holder\'s lease, and a resumed task (same id and initiator) takes its own lease back', async () => {
    const { a, b, clock } = await stores(id);
    await a.acquire(first);
    clock.advance(60_000);
    expect((await a.acquire(first)).expiresAt).toBe('2026-12-02T10:03:00.000Z');
    // the backend restarted; the scaffolder resumes task-1 on the other replica before the lease lapsed
    clock.advance(30_000);
    expect(await b.acquire(first)).toMatchObject({ taskId: 'task-1', acquiredAt: '2026-12-02T10:00:00.000Z', expiresAt: '2026-12-02T10:03:30.000Z' });
    // the same task id from another user is not the resumed task
    await expect(b.acquire({ ...first, initiator: 'user:default/mallory' })).rejects.toThrow(/task task-1, started by user:default\/alice/);
  });

  it("lets a dead task's lease lapse at its expiry, then another task takes the cloud", async () => {
    const { a, b, clock } = await stores(id);
    await a.acquire(first);
    clock.advance(119_999);
    await expect(b.acquire(second)).rejects.toThrow(/task task-1/);
    clock.advance(1);
    expect(await b.get(cloudRef)).toBeUndefined();
    expect(await b.acquire(second)).toMatchObject({ taskId: 'task-2', kind: 'enroll', initiator: 'user:default/bob' });
    // the late task-1 resumes after its lease was taken: refused, naming task-2
    await expect(a.acquire(first)).rejects.toThrow(/enroll task task-2, started by user:default\/bob/);
  });

  it('releases only the holding task\'s own lease', async () => {
    const { a, b } = await stores(id);
    await a.acquire(first);
    expect(await b.release(cloudRef, 'task-2', 'user:default/bob')).toBe(false);
    expect(await b.release(cloudRef, 'task-1', 'user:default/bob')).toBe(false);
    expect(await a.get(cloudRef)).toMatchObject({ taskId: 'task-1' });
    expect(await a.release(cloudRef, 'task-1', 'user:default/alice')).toBe(true);
    expect(await a.get(cloudRef)).toBeUndefined();
    expect(await b.acquire(second)).toMatchObject({ taskId: 'task-2' });
  });

  it('keeps one lease per cloud: another cloud is free', async () => {
    const { a, b } = await stores(id);
    await a.acquire(first);
    expect(await b.acquire({ ...second, cloudRef: 'resource:team-a/prod' })).toMatchObject({ cloudRef: 'resource:team-a/prod', taskId: 'task-2' });
  });
});
