/**
 * Backend clients of the backstage-openstack suite, shared by the backend plugin and the
 * scaffolder module: Kubernetes (clusters as the kubernetes backend configures them, server-side
 * apply, create-once Secrets, rollout checks, the live state of a cloud), Helm chart sources and
 * OpenStack (Keystone, Nova, Placement, Neutron, Cinder, Glance).
 *
 * @packageDocumentation
 */
export * from './kubernetes/clusters';
export * from './kubernetes/apply';
export * from './kubernetes/retry';
export * from './kubernetes/rollout';
export * from './kubernetes/liveCloud';
export * from './kubernetes/jobs';
export * from './kubernetes/secrets';
export * from './helm/chartSource';
export { resolveCloud } from './cloud/resolveCloud';
export type { ResolvedCloud } from './cloud/resolveCloud';
export * from './openstack';
export * from './status';
