import { isPermission } from '@backstage/plugin-permission-common';
import {
  openstackApprovalDecidePermission,
  openstackApprovalRequestPermission,
  openstackCloudReadPermission,
  openstackPermissions,
} from './permissions';

describe('permissions', () => {
  it('names each permission in the openstack namespace, once', () => {
    const names = openstackPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every(n => n.startsWith('openstack.'))).toBe(true);
  });

  it('keeps the names other packages and policies refer to', () => {
    expect(isPermission(openstackCloudReadPermission, openstackCloudReadPermission)).toBe(true);
    expect(openstackCloudReadPermission.name).toBe('openstack.cloud.read');
    expect(openstackApprovalDecidePermission.name).toBe('openstack.approval.decide');
    expect(openstackApprovalDecidePermission.attributes.action).toBe('update');
    expect(openstackApprovalRequestPermission.name).toBe('openstack.approval.request');
    expect(openstackApprovalRequestPermission.attributes.action).toBe('create');
  });
});
