import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { resolveCloud, resolveCloudEntity } from './resolveCloud';

function cloud(name: string, namespace: string, annotations: Record<string, string>, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, namespace, annotations },
    spec: { type: 'openstack-cloud', owner: 'group:default/platform-team', ...spec },
  };
}

const catalog = catalogServiceMock({
  entities: [
    cloud('demo-cloud', 'default', { 'openstack.backstage.io/cloud': 'demo', 'openstack.backstage.io/delivery': 'demo' }),
    cloud('edge-1', 'team-a', {
      'openstack.backstage.io/cloud': 'edge-1',
      'openstack.backstage.io/delivery': 'flux',
      'openstack.backstage.io/cluster': 'prod',
      'openstack.backstage.io/namespace': 'edge-1',
    }, { lifecycle: 'production' }),
    cloud('edge-1', 'default', { 'openstack.backstage.io/cloud': 'edge-1-default' }),
    cloud('odd', 'default', { 'openstack.backstage.io/cloud': 'odd', 'openstack.backstage.io/delivery': 'ftp' }),
    cloud('nokey', 'default', {}),
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'svc', namespace: 'default' }, spec: {} },
    { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'db', namespace: 'default' }, spec: { type: 'database' } },
  ],
});
const credentials = mockCredentials.user();

describe('resolveCloud', () => {
  it('resolves a demo cloud by its ref', async () => {
    await expect(resolveCloud(catalog, 'resource:default/demo-cloud', credentials)).resolves.toMatchObject({
      entityRef: 'resource:default/demo-cloud',
      cloudKey: 'demo',
      driver: 'demo',
      delivery: 'demo',
    });
  });

  it('keeps the namespace: two clouds named alike in two namespaces are two clouds', async () => {
    const a = await resolveCloud(catalog, 'resource:team-a/edge-1', credentials);
    const b = await resolveCloud(catalog, 'resource:default/edge-1', credentials);
    expect(a).toMatchObject({ cloudKey: 'edge-1', driver: 'live', delivery: 'flux', cluster: 'prod', namespace: 'edge-1', lifecycle: 'production' });
    expect(b).toMatchObject({ cloudKey: 'edge-1-default', driver: 'live', delivery: undefined });
  });

  it.each([
    ['resource:default/missing', /input\.cloud: no catalog entity resource:default\/missing/],
    ['resource:default/db', /input\.cloud: resource:default\/db is not an OpenStack cloud/],
    ['component:default/svc', /input\.cloud: .* is a component, not a cloud/],
    ['resource:default/nokey', /input\.cloud: .* has no openstack\.backstage\.io\/cloud annotation/],
    ['resource:default/odd', /input\.cloud: .*delivery: "ftp"; use one of demo, direct, flux, argocd/],
  ])('refuses %s naming the field', async (ref, message) => {
    await expect(resolveCloud(catalog, ref, credentials, 'input.cloud')).rejects.toThrow(message);
  });
});

describe('resolveCloudEntity', () => {
  it('resolves an entity already read (e.g. of a catalog query) as resolveCloud does', async () => {
    const { items } = await catalog.getEntities({ filter: { kind: 'Resource', 'spec.type': 'openstack-cloud' } }, { credentials });
    const edge = items.find(e => e.metadata.name === 'edge-1' && e.metadata.namespace === 'team-a')!;
    expect(resolveCloudEntity(edge, 'entity')).toEqual(await resolveCloud(catalog, 'resource:team-a/edge-1', credentials, 'entity'));
  });

  it('refuses an entity that is no cloud, or has no cloud key, naming the field', () => {
    expect(() => resolveCloudEntity(cloud('nokey', 'default', {}) as any, 'entity')).toThrow(/^entity: resource:default\/nokey has no openstack\.backstage\.io\/cloud annotation/);
    expect(() =>
      resolveCloudEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'db', namespace: 'default' }, spec: { type: 'database' } }, 'entity'),
    ).toThrow(/^entity: resource:default\/db is not an OpenStack cloud/);
  });
});
