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
});
