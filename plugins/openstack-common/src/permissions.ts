import { BasicPermission, createPermission } from '@backstage/plugin-permission-common';

/** A basic permission of the suite: its name and the CRUD action it guards. */
function suitePermission(
  name: string,
  action: 'create' | 'read' | 'update' | 'delete',
): BasicPermission {
  return createPermission({ name, attributes: { action } });
}

/** Read a cloud's status, hosts and operation history. @public */
export const openstackCloudReadPermission = suitePermission('openstack.cloud.read', 'read');

/** Create a new cloud (the "New OpenStack cloud" template's action). @public */
export const openstackCloudCreatePermission = suitePermission('openstack.cloud.create', 'create');

/** Upgrade a cloud to a newer OpenStack release. @public */
export const openstackCloudUpgradePermission = suitePermission('openstack.cloud.upgrade', 'update');

/** Enroll a bare-metal compute host into a cloud. @public */
export const openstackComputeEnrollPermission = suitePermission('openstack.compute.enroll', 'create');

/** Put a compute host into maintenance (disable it, move its instances away) and take it out again. @public */
export const openstackComputeMaintenancePermission = suitePermission('openstack.compute.maintenance', 'update');

/** Decommission a compute host: remove it from Nova, Placement, Neutron and the catalog. @public */
export const openstackComputeDecommissionPermission = suitePermission('openstack.compute.decommission', 'delete');

/** Read approval requests and their audit trail. @public */
export const openstackApprovalReadPermission = suitePermission('openstack.approval.read', 'read');

/**
 * Ask for an approval (the `openstack:approval:request` action, checked with the credentials of
 * the user who started the task). @public
 */
export const openstackApprovalRequestPermission = suitePermission('openstack.approval.request', 'create');

/** Approve or reject an approval request (never one's own). @public */
export const openstackApprovalDecidePermission = suitePermission('openstack.approval.decide', 'update');

/** Every permission of the suite, for the permission backend's integration. @public */
export const openstackPermissions = [
  openstackCloudReadPermission,
  openstackCloudCreatePermission,
  openstackCloudUpgradePermission,
  openstackComputeEnrollPermission,
  openstackComputeMaintenancePermission,
  openstackComputeDecommissionPermission,
  openstackApprovalReadPermission,
  openstackApprovalRequestPermission,
  openstackApprovalDecidePermission,
];
