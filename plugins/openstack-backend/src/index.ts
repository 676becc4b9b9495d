/**
 * Backend plugin of the backstage-openstack suite.
 *
 * @packageDocumentation
 */
export { openstackPlugin as default } from './plugin';
