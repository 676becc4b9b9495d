export { OpenStackClient, openstackApiRef } from './OpenStackClient';
export type { Approval, ApprovalDetail, OpenStackApi } from './OpenStackClient';
