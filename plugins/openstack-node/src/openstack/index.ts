/*
 * OpenStack client of the suite: Keystone v3, Nova, Placement, Neutron, Cinder and Glance over
 * plain fetch (there is no well-kept TypeScript OpenStack client).
 */
export * from './config';
export * from './transport';
export * from './keystone';
export * from './session';
export * from './types';
export * from './nova';
export * from './placement';
export * from './neutron';
export * from './cinder';
export * from './glance';
export * from './client';
