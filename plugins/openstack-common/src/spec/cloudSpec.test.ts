import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import {
  cloudSpecJsonSchema,
  parseCloudSpec,
  validateCloudSpec,
} from './cloudSpec';

const minimal = {
  name: 'edge-1',
  release: '2026.1',
  publicDomain: 'edge-1.cloud.example.org',
  storage: { backend: 'lvm' },
  delivery: { mode: 'flux' },
};

describe('the cloud spec', () => {
  it('fills openstack-helm defaults', () => {
    const spec = parseCloudSpec(minimal);
    expect(spec).toMatchObject({
      region: 'RegionOne',
      components: [
        'keystone',
        'glance',
        'placement',
        'nova',
        'neutron',
        'cinder',
        'horizon',
      ],
      infrastructure: {
        mariadbReplicas: 3,
        rabbitmqReplicas: 3,
        memcachedReplicas: 1,
      },
      nodeSelector: { key: 'openstack-control-plane', value: 'enabled' },
      networking: { backend: 'ovn', bridgeMappings: [] },
      storage: { backend: 'lvm', volumeGroup: 'cinder-volumes' },
      exposure: 'ingress',
      delivery: { mode: 'flux', repositoryPath: 'clusters/openstack' },
      chartSource: { version: '2026.1.0' },
    });
  });

  it.each([
    [{ name: 'Edge_1' }, 'spec.name', /DNS-1123/],
    [
      { name: 'a'.repeat(41) },
      'spec.name',
      /longer than 40 characters\. Use a shorter name/,
    ],
    [
      { release: '2024.1' },
      'spec.release',
      /cannot be deployed by the pinned openstack-helm charts 2026\.1\.0\. Use 2025\.1, 2025\.2, 2026\.1/,
    ],
    [{ release: 'zed' }, 'spec.release', /not an OpenStack release/],
    [
      { infrastructure: { mariadbReplicas: 2 } },
      'spec.infrastructure.mariadbReplicas',
      /odd number ≥ 3/,
    ],
    [
      { infrastructure: { rabbitmqReplicas: 4 } },
      'spec.infrastructure.rabbitmqReplicas',
      /odd number ≥ 3.*\. Use 1, 3 or 5/,
    ],
    [
      { components: ['keystone', 'nova'] },
      'spec.components',
      /nova needs glance, placement, neutron/,
    ],
    [{ storage: undefined }, 'spec.storage', /cinder needs a storage backend/],
    [
      { storage: { backend: 'ceph-rbd', monitors: [], secretName: 'ceph' } },
      'spec.storage.monitors',
      /at least one Ceph monitor/,
    ],
    [
      { storage: { backend: 'nfs', shares: ['nfs01'] } },
      'spec.storage.shares.0',
      /host:\/export/,
    ],
    [
      { networking: { bridgeMappings: ['br-ex'] } },
      'spec.networking.bridgeMappings.0',
      /physnet1:br-ex/,
    ],
    [{ publicDomain: 'localhost' }, 'spec.publicDomain', /DNS name/],
    [
      { delivery: { mode: 'direct', cluster: 'prod' } },
      'spec.delivery.namespace',
      /is required\./,
    ],
    [{ exposure: 'gateway-api' }, 'spec.gateway', /missing while exposure is gateway-api\. Name the Gateway/],
    [{ components: ['keystone'] }, 'spec.storage', /no cinder\. Add cinder to components or remove storage/],
    [{ storage: { backend: 'lvm', password: 'x' } }, 'spec.storage.password', /looks like a credential/],
    [{ regoin: 'eu' }, 'spec.regoin', /not a field of the cloud spec\. Remove it/],
    [{ chartSource: { name: 'openstack-helm', version: '2099.1.0' } }, 'spec.release', /charts 2099\.1\.0/],
    [
      { chartSource: { url: 'https://charts.example.org/' } },
      'spec.chartSource.url',
      /is not taken: a chart source is named, never typed\. Remove it and set chartSource\.name .*openstack\.chartSources/,
    ],
    [
      { chartSource: { name: 'https://10.0.0.5/charts' } },
      'spec.chartSource.name',
      /must be 1-64 letters, digits/,
    ],
  ])('refuses %j at %s, saying how to fix it', (change, path, message) => {
    const { issues } = validateCloudSpec({ ...minimal, ...change });
    const issue = issues.find(i => i.path === path);
    expect(issue?.message).toMatch(message);
  });

  it('throws an InputError listing every issue with its field', () => {
    expect(() =>
      parseCloudSpec({ ...minimal, name: 'X', release: '2023.1' }),
    ).toThrow(InputError);
    expect(() =>
      parseCloudSpec({ ...minimal, name: 'X', release: '2023.1' }),
    ).toThrow(/spec\.name: .*\nspec\.release: /s);
  });

  it('accepts every odd quorum size and refuses every even one (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), n => {
        const ok =
          validateCloudSpec({
            ...minimal,
            infrastructure: { mariadbReplicas: n },
          }).issues.length === 0;
        return ok === (n === 1 || (n >= 3 && n % 2 === 1));
      }),
    );
  });

  it('exports a JSON Schema for templates', () => {
    const schema = cloudSpecJsonSchema() as any;
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(
      expect.arrayContaining(['name', 'release', 'publicDomain', 'delivery']),
    );
  });
});
