import { CLOUD_OPERATION_KINDS, CLOUD_OPERATION_PERMISSIONS, suiteEntityPermission } from './suite';

describe('suiteEntityPermission', () => {
  it('names the permission of the action that made a suite entity', () => {
    expect(suiteEntityPermission({ kind: 'Resource', spec: { type: 'openstack-cloud' } })?.name).toBe('openstack.cloud.create');
    expect(suiteEntityPermission({ kind: 'resource', spec: { type: 'openstack-compute-host' } })?.name).toBe('openstack.compute.enroll');
  });

  it.each([
    [{ kind: 'Component', spec: { type: 'openstack-cloud' } }],
    [{ kind: 'Resource', spec: { type: 'database' } }],
    [{ kind: 'Resource' }],
    [{ kind: 42, spec: { type: 'openstack-cloud' } }],
    [{}],
  ])('answers undefined for %j: the suite registers nothing else', entity => {
    expect(suiteEntityPermission(entity)).toBeUndefined();
  });
});

describe('CLOUD_OPERATION_PERMISSIONS', () => {
  it('has the permission of each kind of operation', () => {
    expect(Object.fromEntries(CLOUD_OPERATION_KINDS.map(k => [k, CLOUD_OPERATION_PERMISSIONS[k].name]))).toEqual({
      create: 'openstack.cloud.create',
      upgrade: 'openstack.cloud.upgrade',
      enroll: 'openstack.compute.enroll',
      maintenance: 'openstack.compute.maintenance',
      decommission: 'openstack.compute.decommission',
    });
  });
});
