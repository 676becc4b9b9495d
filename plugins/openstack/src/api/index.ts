export { OpenStackClient, openstackApiRef } from './OpenStackClient';
export type { OpenStackApi } from './OpenStackClient';
