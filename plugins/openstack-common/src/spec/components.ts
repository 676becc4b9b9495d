/** The OpenStack components a cloud may run. @public */
export const OPENSTACK_COMPONENTS = ['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon'] as const;

/** An OpenStack component. @public */
export type OpenStackComponent = (typeof OPENSTACK_COMPONENTS)[number];

/**
 * What each component needs (source: the install guides of each project: every service
 * authenticates against keystone; nova schedules through placement, boots images from glance
 * and plugs ports through neutron; horizon is a keystone client).
 *
 * @public
 */
export const COMPONENT_REQUIREMENTS: Record<OpenStackComponent, OpenStackComponent[]> = {
  keystone: [],
  glance: ['keystone'],
  placement: ['keystone'],
  nova: ['keystone', 'glance', 'placement', 'neutron'],
  neutron: ['keystone'],
  cinder: ['keystone'],
  horizon: ['keystone'],
};

/**
 * The problems of a component list, each naming the fix; empty when it is consistent.
 * Cinder also needs a storage backend, which the spec checks where it knows the backend.
 *
 * @public
 */
export function componentIssues(components: string[], hasStorageBackend = true): string[] {
  const issues: string[] = [];
  const known = new Set<string>(OPENSTACK_COMPONENTS);
  for (const c of components) {
    if (!known.has(c)) issues.push(`components: "${c}" is not a component; use ${OPENSTACK_COMPONENTS.join(', ')}`);
  }
  if (components.length === 0) issues.push('components: empty; a cloud needs at least keystone');
  for (const c of components.filter(x => known.has(x)) as OpenStackComponent[]) {
    const missing = COMPONENT_REQUIREMENTS[c].filter(r => !components.includes(r));
    if (missing.length) issues.push(`components: ${c} needs ${missing.join(', ')}; add ${missing.length > 1 ? 'them' : 'it'}`);
  }
  if (components.includes('cinder') && !hasStorageBackend) {
    issues.push('storage: cinder needs a storage backend; set storage.backend to ceph-rbd, lvm or nfs');
  }
  return issues;
}
