/**
 * Catalog module of the backstage-openstack suite: the entity provider of the clouds and compute
 * hosts the suite's actions made (kept in the suite's backend plugin's database, no files).
 *
 * @packageDocumentation
 */
export { catalogModuleOpenstack as default } from './module';
export { OpenStackEntityProvider, type OpenStackEntityProviderOptions } from './OpenStackEntityProvider';
