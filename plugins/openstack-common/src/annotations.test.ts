import {
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
} from './annotations';

describe('entity type predicates', () => {
  const resource = (type: string) => ({
    kind: 'Resource',
    metadata: {},
    spec: { type },
  });

  it('recognises a cloud Resource and only that', () => {
    expect(isOpenStackCloudEntity(resource('openstack-cloud'))).toBe(true);
    expect(isOpenStackCloudEntity(resource('openstack-compute-host'))).toBe(
      false,
    );
    expect(
      isOpenStackCloudEntity({
        kind: 'Component',
        metadata: {},
        spec: { type: 'openstack-cloud' },
      }),
    ).toBe(false);
  });

  it('recognises a compute-host Resource, whatever the kind casing', () => {
    expect(
      isOpenStackComputeHostEntity({
        kind: 'resource',
        metadata: {},
        spec: { type: 'openstack-compute-host' },
      }),
    ).toBe(true);
    expect(isOpenStackComputeHostEntity(resource('database'))).toBe(false);
  });
});
