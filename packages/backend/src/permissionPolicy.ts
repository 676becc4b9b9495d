import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  createScaffolderActionConditionalDecision,
  scaffolderActionConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  openstackApprovalDecidePermission,
  openstackCloudCreatePermission,
  openstackCloudUpgradePermission,
  openstackComputeDecommissionPermission,
  openstackComputeEnrollPermission,
  openstackComputeMaintenancePermission,
} from '@backstage-openstack/plugin-openstack-common';

/** The group whose members may change clouds and decide approvals. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/** Scaffolder actions that change a running cloud: platform-team only. */
const UPGRADE_ACTION = 'openstack:cloud:upgrade';
const ENROLL_ACTION = 'openstack:compute:enroll';
const HOST_ACTIONS = ['openstack:compute:maintenance', 'openstack:compute:decommission'];

/**
 * The example policy of the suite (not allow-all):
 * - everybody signed in may read (catalog, cloud status, approvals) and run the create template,
 *   whose action waits for a platform-team approval;
 * - only members of group:default/platform-team may upgrade clouds, enroll compute hosts, put
 *   them into maintenance and decommission them
 *   (the permissions and the scaffolder actions behind those templates) and decide approvals;
 * - a request that is not from a signed-in user (no user info) is denied.
 */
export class OpenStackPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const isPlatform = user.info.ownershipEntityRefs.includes(PLATFORM_TEAM);
    const platformOnly = [
      openstackCloudUpgradePermission,
      openstackComputeEnrollPermission,
      openstackComputeMaintenancePermission,
      openstackComputeDecommissionPermission,
      openstackApprovalDecidePermission,
    ];
    if (platformOnly.some(p => isPermission(request.permission, p))) {
      return { result: isPlatform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isPermission(request.permission, openstackCloudCreatePermission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isPermission(request.permission, actionExecutePermission) && !isPlatform) {
      return createScaffolderActionConditionalDecision(request.permission, {
        not: {
          anyOf: [
            scaffolderActionConditions.hasActionId({ actionId: UPGRADE_ACTION }),
            scaffolderActionConditions.hasActionId({ actionId: ENROLL_ACTION }),
            ...HOST_ACTIONS.map(actionId => scaffolderActionConditions.hasActionId({ actionId })),
          ],
        },
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link OpenStackPermissionPolicy} in the permission backend. */
export const permissionModuleOpenStackPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'openstack-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new OpenStackPermissionPolicy());
      },
    });
  },
});
