import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { JoinTokenStore, tokenHash } from './JoinTokenStore';

jest.setTimeout(60_000);

const PG = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const ids: TestDatabaseId[] = process.env[PG] ? ['SQLITE_3', 'POSTGRES_15'] : ['SQLITE_3'];
if (process.env.CI && !process.env[PG]) {
  throw new Error(`${PG} is not set: start PostgreSQL with scripts/postgres/up.sh (scripts/check.sh does)`);
}
const databases = TestDatabases.create({ ids });
const files = { 'nova-compute.conf': '[DEFAULT]\ntransport_url = rabbit://nova:very-secret-mq@mq/nova\n' };
const issue = { cloudRef: 'resource:default/lab', cloudKey: 'lab', host: 'cmp-1', managementIp: '10.0.0.1', files, createdBy: 'user:default/alice', ttlMs: 3_600_000 };

async function stores(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await knex.migrate.latest({ directory: resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'migrations') });
  let now = Date.parse('2026-12-02T10:00:00Z');
  const clock = { advance: (ms: number) => (now += ms) };
  return { knex, a: new JoinTokenStore(knex, () => now), b: new JoinTokenStore(knex, () => now), clock };
}

describe.each(databases.eachSupportedId())('JoinTokenStore on %p', id => {
  it('keeps only the hash and the encrypted bundle; two replicas fetching at once get it once; the bundle is gone after', async () => {
    const { knex, a, b } = await stores(id);
    const { token, expiresAt } = await a.issue(issue);
    expect(expiresAt).toBe('2026-12-02T11:00:00.000Z');
    const dump = JSON.stringify(await knex('openstack_join_tokens').select());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain('very-secret-mq');
    expect(dump).toContain(tokenHash(token));
    const [x, y] = await Promise.all([a.use(token, '10.0.0.1', 900_000), b.use(token, '10.0.0.1', 900_000)]);
    expect([x, y].filter(Boolean)).toEqual([{ cloudRef: 'resource:default/lab', cloudKey: 'lab', host: 'cmp-1', files }]);
    expect((await knex('openstack_join_tokens').first()).payload).toBe('');
    expect(await a.use(token, '10.0.0.1', 900_000)).toBeUndefined();
  });

  it('an expired token fails and says expired; a report after its window fails', async () => {
    const { a, clock } = await stores(id);
    const { token } = await a.issue(issue);
    clock.advance(3_600_000);
    expect(await a.boundAddress(token)).toBeUndefined();
    expect(await a.use(token, '10.0.0.1', 900_000)).toBeUndefined();
    expect(await a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ state: 'expired' });

    const second = await a.issue(issue);
    expect(await a.use(second.token, '10.0.0.1', 900_000)).toBeDefined();
    clock.advance(900_000);
    expect(await a.report(second.token, '31.0.1')).toBeUndefined();
    expect(await a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ state: 'used', usedFrom: '10.0.0.1' });
  });

  it('a token that was never fetched cannot report', async () => {
    const { a } = await stores(id);
    const { token } = await a.issue(issue);
    expect(await a.report(token, '31.0.1')).toBeUndefined();
    expect(await a.use(token, '10.0.0.1', 900_000)).toBeDefined();
    expect(await a.report(token, '31.0.1')).toEqual({ cloudRef: 'resource:default/lab', host: 'cmp-1' });
    expect(await a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ state: 'reported', reportedVersion: '31.0.1', reportedAt: '2026-12-02T10:00:00.000Z' });
  });

  describe('the continuation of a joining host', () => {
    const continuation = { templateRef: 'template:default/openstack-enroll-host', parameters: { cloud: 'resource:default/lab', host: 'cmp-1', availabilityZone: 'az1' } };

    async function reported(s: Awaited<ReturnType<typeof stores>>) {
      const { token, joinId } = await s.a.issue({ ...issue, continuation });
      await s.a.use(token, '10.0.0.1', 900_000);
      expect(await s.a.dueContinuation(joinId, 60_000)).toBeUndefined(); // not before the report
      await s.a.report(token, '31.0.1');
      return joinId;
    }

    it('is due once the host reports; exactly one of two replicas claims it; a stale claim is taken over; a failed start is given back', async () => {
      const s = await stores(id);
      const joinId = await reported(s);
      expect(await s.a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ joinId, continuation: { state: 'to-start', templateRef: continuation.templateRef } });
      expect(await s.a.dueContinuation(joinId, 60_000)).toMatchObject({ joinId, host: 'cmp-1', templateRef: continuation.templateRef, parameters: continuation.parameters, createdBy: 'user:default/alice' });
      const claims = await Promise.all([s.a.claimContinuation(joinId, 'user:default/alice', 60_000), s.b.claimContinuation(joinId, 'user:default/bob', 60_000)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // the claimant died: within the lease nobody else takes it, after it one does (and knows whom to look under)
      expect(await s.b.claimContinuation(joinId, 'user:default/carol', 60_000)).toBe(false);
      s.clock.advance(60_000);
      expect((await s.b.dueContinuation(joinId, 60_000))?.claimedBy).toMatch(/^user:default\/(alice|bob)$/);
      expect(await s.b.claimContinuation(joinId, 'user:default/carol', 60_000)).toBe(true);
      await s.b.continuationFailed(joinId, 'the scaffolder answered 503');
      expect(await s.a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ continuation: { state: 'to-start', error: 'the scaffolder answered 503' } });
      expect(await s.a.claimContinuation(joinId, 'user:default/alice', 60_000)).toBe(true);
      await s.a.continuationStarted(joinId, 'task-9');
      expect(await s.a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ continuation: { state: 'started', taskId: 'task-9' } });
      expect(await s.a.claimContinuation(joinId, 'user:default/alice', 60_000)).toBe(false);
      expect(await s.a.dueContinuation(joinId, 0)).toBeUndefined();
    });

    it('binds to the first task that presents it with the stored values; refuses another task, other values, an unreported host', async () => {
      const s = await stores(id);
      const early = await s.a.issue({ ...issue, host: 'cmp-2', continuation });
      await expect(s.a.bindContinuation({ joinId: early.joinId, cloudRef: 'resource:default/lab', host: 'cmp-2', taskId: 't-1', parameters: continuation.parameters })).rejects.toThrow(/has not reported its join yet/);
      const joinId = await reported(s);
      const bind = (taskId: string, parameters: Record<string, unknown> = continuation.parameters, host = 'cmp-1') =>
        s.a.bindContinuation({ joinId, cloudRef: 'resource:default/lab', host, taskId, parameters });
      await expect(bind('t-1', { ...continuation.parameters, aggregate: 'x' })).rejects.toThrow(/differ from those of the enrollment/);
      await expect(bind('t-1', continuation.parameters, 'cmp-9')).rejects.toThrow(/no join record/);
      expect(await bind('t-1')).toMatchObject({ reportedVersion: '31.0.1', continuation: { state: 'started', taskId: 't-1' } });
      expect(await bind('t-1')).toMatchObject({ continuation: { taskId: 't-1' } }); // the same task, resumed
      await expect(bind('t-2')).rejects.toThrow(/continued already, in task t-1/);
      // the starter then finds it bound: it records nothing else
      await s.a.continuationStarted(joinId, 't-3');
      expect(await s.a.latest('resource:default/lab', 'cmp-1')).toMatchObject({ continuation: { taskId: 't-1' } });
    });

    it('decommission deletes the unused tokens of a host only', async () => {
      const s = await stores(id);
      await s.a.issue({ ...issue, host: 'cmp-3' });
      await reported(s);
      expect(await s.a.deleteUnused('resource:default/lab', 'cmp-3')).toBe(1);
      expect(await s.a.latest('resource:default/lab', 'cmp-3')).toBeUndefined();
      expect(await s.a.deleteUnused('resource:default/lab', 'cmp-1')).toBe(0);
      expect(await s.a.list('resource:default/lab', 3_600_000)).toEqual([expect.objectContaining({ host: 'cmp-1', state: 'reported' })]);
    });
  });
});
