import { createPermission } from '@backstage/plugin-permission-common';

/** Read a cloud's status, hosts and operation history. @public */
export const openstackCloudReadPermission = createPermission({
  name: 'openstack.cloud.read',
  attributes: { action: 'read' },
});

/** Create a new cloud (the "New OpenStack cloud" template's action). @public */
export const openstackCloudCreatePermission = createPermission({
  name: 'openstack.cloud.create',
  attributes: { action: 'create' },
});

/** Upgrade a cloud to a newer OpenStack release. @public */
export const openstackCloudUpgradePermission = createPermission({
  name: 'openstack.cloud.upgrade',
  attributes: { action: 'update' },
});

/** Enroll a bare-metal compute host into a cloud. @public */
export const openstackComputeEnrollPermission = createPermission({
  name: 'openstack.compute.enroll',
  attributes: { action: 'create' },
});

/** Read approval requests and their audit trail. @public */
export const openstackApprovalReadPermission = createPermission({
  name: 'openstack.approval.read',
  attributes: { action: 'read' },
});

/** Approve or reject an approval request (never one's own). @public */
export const openstackApprovalDecidePermission = createPermission({
  name: 'openstack.approval.decide',
  attributes: { action: 'update' },
});

/** Every permission of the suite, for the permission backend's integration. @public */
export const openstackPermissions = [
  openstackCloudReadPermission,
  openstackCloudCreatePermission,
  openstackCloudUpgradePermission,
  openstackComputeEnrollPermission,
  openstackApprovalReadPermission,
  openstackApprovalDecidePermission,
];
