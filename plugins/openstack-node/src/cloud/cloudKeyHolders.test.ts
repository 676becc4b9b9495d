import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { cloudKeyHolders } from './cloudKeyHolders';

const cloud = (namespace: string, name: string, key: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { namespace, name, annotations: { 'openstack.backstage.io/cloud': key } },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
});
const catalog = catalogServiceMock({
  entities: [
    cloud('default', 'demo-cloud', 'demo'),
    cloud('team-a', 'edge', 'edge-1'),
    // a host entity carries the cloud annotation too: it does not hold the key
    { ...cloud('default', 'edge-1-cmp-01', 'edge-1'), spec: { type: 'openstack-compute-host', owner: 'x' } },
  ],
});
const credentials = mockCredentials.service();

describe('cloudKeyHolders', () => {
  it.each([
    ['edge-1', [], ['the catalog cloud resource:team-a/edge']],
    ['prod-eu', ['prod-eu'], ['the live cloud openstack.clouds.prod-eu (app-config)']],
    ['demo', ['demo'], ['the live cloud openstack.clouds.demo (app-config)', 'the catalog cloud resource:default/demo-cloud']],
    ['free-1', ['prod-eu'], []],
  ])('%s (live keys %j) is held by %j', async (key, live, holders) => {
    expect(await cloudKeyHolders(catalog, key, credentials, live)).toEqual(holders);
  });
});
