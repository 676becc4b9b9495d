import { mockServices } from '@backstage/backend-test-utils';
import { EntityProviderConnection, EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { SuiteEntityRecord } from '@backstage-openstack/plugin-openstack-common';
import { OpenStackEntityProvider } from './OpenStackEntityProvider';

const cloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'edge-1', namespace: 'default', annotations: { 'openstack.backstage.io/cloud': 'edge-1' } },
  spec: { type: 'openstack-cloud', owner: 'group:default/platform-team' },
};
const suiteAnnotations = {
  'backstage.io/managed-by-location': 'openstack:suite',
  'backstage.io/managed-by-origin-location': 'openstack:suite',
};

function connected(records: SuiteEntityRecord[]) {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = { applyMutation: async m => void mutations.push(m), refresh: async () => undefined };
  const scheduled: Array<{ id: string; fn: () => Promise<void> }> = [];
  const provider = new OpenStackEntityProvider({
    read: async () => records,
    schedule: { run: async task => void scheduled.push(task as any) },
    logger: mockServices.logger.mock(),
  });
  return { provider, connection, mutations, scheduled };
}

describe('OpenStackEntityProvider', () => {
  it("hands the catalog every entity the suite keeps, managed by the suite's location, on its schedule", async () => {
    const { provider, connection, mutations, scheduled } = connected([{ entityRef: 'resource:default/edge-1', entity: cloud, updatedBy: 'user:default/alice', updatedAt: 'x' }]);
    await provider.connect(connection);
    expect(scheduled.map(t => t.id)).toEqual(['openstack-suite:refresh']);
    await scheduled[0].fn();
    expect(mutations).toEqual([
      {
        type: 'full',
        entities: [
          {
            locationKey: 'openstack:suite',
            entity: { ...cloud, metadata: { ...cloud.metadata, annotations: { ...cloud.metadata.annotations, ...suiteAnnotations } } },
          },
        ],
      },
    ]);
  });

  it('applies a change of this backend at once: an upsert is added, a removal removed', async () => {
    const { provider, connection, mutations } = connected([]);
    await provider.apply({ type: 'upsert', entity: cloud }); // not connected yet: the first full read brings it
    expect(mutations).toEqual([]);
    await provider.connect(connection);
    await provider.apply({ type: 'upsert', entity: cloud });
    await provider.apply({ type: 'remove', entityRef: 'resource:default/edge-1' });
    expect(mutations).toEqual([
      { type: 'delta', added: [{ locationKey: 'openstack:suite', entity: expect.objectContaining({ metadata: expect.objectContaining({ annotations: expect.objectContaining(suiteAnnotations) }) }) }], removed: [] },
      { type: 'delta', added: [], removed: [{ entityRef: 'resource:default/edge-1', locationKey: 'openstack:suite' }] },
    ]);
  });

  it('refuses a full read before the catalog connected it', async () => {
    const { provider } = connected([]);
    await expect(provider.refresh()).rejects.toThrow(/not connected/);
  });
});
