import { AuthService } from '@backstage/backend-plugin-api';

/**
 * A fetch that calls another plugin with this plugin's own service credentials (a fresh token
 * from `auth.getPluginRequestToken` per request): how the actions reach the suite's backend
 * plugin, whose demo routes accept services only.
 */
export function serviceFetch(auth: AuthService, targetPluginId: string): typeof fetch {
  return async (input, init) => {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId,
    });
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}
