import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { createMockDirectory, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
// the test runs the suite's real backend plugin (routes and database) next to this module
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import catalogModuleOpenstack from './index';

// two real backends with the catalog's processing loop: slow on a loaded 2-core machine
jest.setTimeout(300_000);

const cloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'edge-1',
    annotations: { 'openstack.backstage.io/cloud': 'edge-1', 'openstack.backstage.io/delivery': 'demo' },
  },
  spec: { type: 'openstack-cloud', owner: 'group:default/platform-team', system: 'openstack' },
};
const host = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'edge-1.cmp-1',
    namespace: 'default',
    annotations: { 'openstack.backstage.io/cloud': 'edge-1', 'openstack.backstage.io/host': 'cmp-1' },
  },
  spec: { type: 'openstack-compute-host', owner: 'group:default/platform-team', dependsOn: ['resource:default/edge-1'] },
};

const alice = mockCredentials.user.header('user:default/alice');

/**
 * The real catalog backend with the suite's module, and the suite's backend plugin, every plugin
 * on its own SQLite file in `directory` (as the embedded defaults keep them): a restart keeps them.
 */
async function startPortal(directory: string) {
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleOpenstack,
      openstackPlugin,
      databaseServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { database: { client: 'better-sqlite3', connection: { directory } } },
          catalog: { rules: [{ allow: ['Resource', 'Location'] }] },
        },
      }),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}

/** What the catalog lists of the suite's entities (through its own API), by name. */
async function listed(server: Parameters<typeof request>[0]) {
  const res = await request(server)
    .get('/api/catalog/entities/by-query')
    .query({ filter: 'kind=resource,metadata.annotations.openstack.backstage.io/cloud=edge-1' })
    .set('Authorization', alice);
  expect(res.status).toBe(200);
  // by name: the catalog answers in no particular order (its rows' random ids), and a loop that
  // waits for one order waits forever when the rows come the other way round
  return (res.body.items as Array<{ metadata: { name: string; annotations: Record<string, string> } }>)
    .map(e => ({
      name: e.metadata.name,
      location: e.metadata.annotations['backstage.io/managed-by-location'],
      origin: e.metadata.annotations['backstage.io/managed-by-origin-location'],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Asks the catalog until it lists `expected` (its processing loop runs in the background). */
async function untilListed(server: Parameters<typeof request>[0], expected: unknown) {
  for (;;) {
    const now = await listed(server);
    if (JSON.stringify(now) === JSON.stringify(expected)) return now;
    await new Promise(r => setTimeout(r, 200));
  }
}

const both = [
  { name: 'edge-1', location: 'openstack:suite', origin: 'openstack:suite' },
  { name: 'edge-1.cmp-1', location: 'openstack:suite', origin: 'openstack:suite' },
];

describe('the suite entity provider with the real catalog', () => {
  const dir = createMockDirectory();

  it('lists the clouds and hosts the actions stored, also after a backend restart, and drops a removed one', async () => {
    dir.clear();
    const first = await startPortal(dir.path);
    for (const entity of [cloud, host]) {
      // what openstack:catalog:register sends, as the task's initiator
      const res = await request(first.server).post('/api/openstack/catalog/entities').set('Authorization', alice).send({ entity });
      expect(res.status).toBe(201);
    }
    expect(await untilListed(first.server, both)).toEqual(both);
    await first.stop();

    // a restart: the same database files, a new process state
    const second = await startPortal(dir.path);
    expect(await listed(second.server)).toEqual(both);
    // the provider's source is the suite's table: the stored entities are still there
    const source = await request(second.server)
      .get('/api/openstack/catalog/entities')
      .set('Authorization', mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:catalog'), targetPluginId: 'openstack' }));
    expect(source.body.items.map((i: { entityRef: string }) => i.entityRef)).toEqual(['resource:default/edge-1', 'resource:default/edge-1.cmp-1']);
    // removed from the suite: gone from the catalog
    const removed = await request(second.server).delete('/api/openstack/catalog/entities/resource/default/edge-1.cmp-1').set('Authorization', alice);
    expect(removed.body).toEqual({ removed: true });
    expect(await untilListed(second.server, both.slice(0, 1))).toEqual(both.slice(0, 1));
    await second.stop();
  });
});
