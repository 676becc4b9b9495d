import { componentIssues, OPENSTACK_COMPONENTS } from './components';

describe('componentIssues', () => {
  it('accepts a full cloud and keystone alone', () => {
    expect(componentIssues([...OPENSTACK_COMPONENTS])).toEqual([]);
    expect(componentIssues(['keystone'])).toEqual([]);
  });

  it.each([
    [['keystone', 'nova'], 'components: nova needs glance, placement, neutron; add them'],
    [['horizon'], 'components: horizon needs keystone; add it'],
    [['keystone', 'swift'], 'components: "swift" is not a component; use keystone, glance, placement, nova, neutron, cinder, horizon'],
    [[], 'components: empty; a cloud needs at least keystone'],
  ])('names the fix for %j', (components, issue) => {
    expect(componentIssues(components)).toContain(issue);
  });

  it('wants a storage backend for cinder', () => {
    expect(componentIssues(['keystone', 'cinder'], false)).toEqual([
      'storage: cinder needs a storage backend; set storage.backend to ceph-rbd, lvm or nfs',
    ]);
  });
});
