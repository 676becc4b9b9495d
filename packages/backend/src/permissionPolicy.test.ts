import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  openstackApprovalDecidePermission,
  openstackCloudReadPermission,
  openstackCloudUpgradePermission,
} from '@backstage-openstack/plugin-openstack-common';
import { OpenStackPermissionPolicy } from './permissionPolicy';

const user = (...groups: string[]) => ({
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/someone',
    ownershipEntityRefs: ['user:default/someone', ...groups],
  },
  token: 'token',
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/someone',
    ownershipEntityRefs: ['user:default/someone', ...groups],
  },
});

describe('OpenStackPermissionPolicy', () => {
  const policy = new OpenStackPermissionPolicy();
  const platform = user('group:default/platform-team');
  const appTeam = user('group:default/app-team');

  it('lets everybody signed in read clouds', async () => {
    for (const u of [platform, appTeam]) {
      const d = await policy.handle({ permission: openstackCloudReadPermission }, u);
      expect(d.result).toBe(AuthorizeResult.ALLOW);
    }
  });

  it('denies a caller without a user', async () => {
    const d = await policy.handle({ permission: openstackCloudReadPermission });
    expect(d.result).toBe(AuthorizeResult.DENY);
  });

  it.each([openstackCloudUpgradePermission, openstackApprovalDecidePermission])(
    'keeps %s to the platform team',
    async permission => {
      expect((await policy.handle({ permission }, platform)).result).toBe(AuthorizeResult.ALLOW);
      expect((await policy.handle({ permission }, appTeam)).result).toBe(AuthorizeResult.DENY);
    },
  );

  it('lets the platform team run every action, others all but upgrade and enroll', async () => {
    expect(
      (await policy.handle({ permission: actionExecutePermission }, platform)).result,
    ).toBe(AuthorizeResult.ALLOW);
    const d = await policy.handle({ permission: actionExecutePermission }, appTeam);
    expect(d.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(JSON.stringify(d)).toContain('openstack:cloud:upgrade');
    expect(JSON.stringify(d)).toContain('openstack:compute:enroll');
  });
});
