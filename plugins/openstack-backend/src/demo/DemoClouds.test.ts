import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DemoCloudStore } from './DemoCloudStore';
import { DemoClouds } from './DemoClouds';

jest.setTimeout(60_000);

// the charts of the planner's steps for 2025.1 → 2025.2, as the upgrade action sends them
const ORDER = ['mariadb', 'rabbitmq', 'keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon'];

describe('DemoClouds on a real database', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it.each(databases.eachSupportedId())('keeps state across restarts and acts idempotently (%p)', async id => {
    const knex = await databases.init(id);
    await knex.migrate.latest({
      directory: resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'migrations'),
    });
    let now = new Date('2026-11-25T10:00:00Z');
    const clock = () => now;
    const store = new DemoCloudStore(knex);
    await store.ensureSeeded(now);
    await store.ensureSeeded(now); // a second start keeps the first's state
    const demo = new DemoClouds(store, clock);

    await demo.enrollHost('demo', { host: 'cmp-az1-13', zone: 'az1', aggregate: 'az1-general' });
    await demo.enrollHost('demo', { host: 'cmp-az1-13', zone: 'az1' });
    await demo.startUpgrade('demo', '2025.2', ORDER, 10);
    await demo.startUpgrade('demo', '2025.2', ORDER, 10); // resumed task: same upgrade, no error
    await expect(demo.startUpgrade('demo', '2026.1', ORDER)).rejects.toThrow(/already upgrading to 2025.2/);

    // "restart": a new store and service on the same database
    const again = new DemoClouds(new DemoCloudStore(knex), clock);
    now = new Date(now.getTime() + 20_000);
    const { status, hosts } = await again.read('demo');
    expect(hosts.filter(h => h.host === 'cmp-az1-13')).toHaveLength(1);
    expect(status.hostSummary.total).toBe(25);
    expect(status.services.find(s => s.name === 'keystone')!.release).toBe('2025.2');
    now = new Date(now.getTime() + 100_000);
    expect((await again.read('demo')).status.release).toBe('2025.2');
    expect((await store.get('demo')).upgrade).toBeUndefined();

    await again.createCloud({ name: 'edge', release: '2026.1', components: ['keystone'] });
    await expect(again.createCloud({ name: 'edge', release: '2026.1', components: ['keystone'] })).rejects.toThrow(/exists already/);
    expect(await again.names()).toEqual(['demo', 'edge']);
  });
});
