/**
 * Isomorphic core of the backstage-openstack suite: catalog annotations, permissions, the cloud
 * spec schema, the OpenStack release catalog and upgrade rules, the upgrade planner and the
 * manifest renderer. Pure TypeScript, no I/O.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './approvals';
export * from './cloudRef';
export * from './client';
export * from './charts';
export * from './compute';
export * from './permissions';
export * from './releases';
export * from './render';
export * from './spec';
export * from './status';
export * from './upgrade';
