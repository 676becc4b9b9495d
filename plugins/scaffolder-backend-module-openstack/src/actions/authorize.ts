import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';

/**
 * The guard every state-changing action runs first, before it reads or writes anything (dry run
 * included): asks the permission framework, with the credentials of the user who started the
 * task, for the action's permission. Any policy decides; a template or a sample policy that
 * forgets the suite's rules does not open the action. Returns the credentials for the reads that
 * follow.
 */
export async function authorizeAction(
  permissions: PermissionsService,
  ctx: { getInitiatorCredentials(): Promise<BackstageCredentials> },
  action: string,
  permission: BasicPermission,
): Promise<BackstageCredentials> {
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await permissions.authorize([{ permission }], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${action}: permission ${permission.name} is required and the permission policy denied it to the user who started this task; nothing was changed`,
    );
  }
  return credentials;
}
