/**
 * Scaffolder actions of the backstage-openstack suite.
 *
 * @packageDocumentation
 */
export { scaffolderModuleOpenstack as default } from './module';
export { createCloudEntityAction } from './actions/cloudEntity';
