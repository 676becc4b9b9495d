import { AuthService, BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * A fetch that calls another plugin of the backend with a fresh token from
 * `auth.getPluginRequestToken` per request: on behalf of `onBehalfOf()` (e.g. a task's initiator,
 * so the target checks that user's permissions), or by default with the calling plugin's own
 * service credentials. How the suite's actions and its catalog module reach the suite's backend
 * plugin. @public
 */
export function pluginFetch(
  auth: AuthService,
  targetPluginId: string,
  onBehalfOf: () => Promise<BackstageCredentials> = () => auth.getOwnServiceCredentials(),
): typeof fetch {
  return async (input, init) => {
    const { token } = await auth.getPluginRequestToken({ onBehalfOf: await onBehalfOf(), targetPluginId });
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}
