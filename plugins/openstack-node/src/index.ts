/**
 * Backend clients of the backstage-openstack suite, shared by the backend plugin and the
 * scaffolder module: Kubernetes (clusters as the kubernetes backend configures them) and
 * OpenStack (Keystone, Nova, Placement, Neutron, Cinder, Glance).
 *
 * @packageDocumentation
 */
export * from './kubernetes/clusters';
export * from './openstack';
