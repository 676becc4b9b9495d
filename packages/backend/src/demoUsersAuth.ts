import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The header the development sign-in page sends with the chosen example user. */
export const DEMO_USER_HEADER = 'x-backstage-demo-user';

/**
 * Development sign-in as one of the example users (`auth.providers.demo-users.users`), so two
 * people — a requester and an approver — can try the four-eyes approvals on one development
 * portal. Like the guest provider it refuses to work outside development.
 */
export const demoUsersAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { user: string }) => ({ profile: { displayName: result.user } }),
  initialize({ config }) {
    return {
      users: config.getOptionalStringArray('users') ?? [],
      enabled: process.env.NODE_ENV === 'development' || process.env.NODE_ENV === 'test',
    };
  },
  async authenticate({ req }, ctx) {
    if (!ctx.enabled) {
      throw new NotAllowedError('The demo-users sign-in only works in a development portal');
    }
    const user = req.header(DEMO_USER_HEADER);
    if (!user || !ctx.users.includes(user)) {
      throw new AuthenticationError(`Unknown demo user "${user ?? ''}"; use one of auth.providers.demo-users.users`);
    }
    return { result: { user } };
  },
});

/** Registers the `demo-users` provider with the auth backend. */
export const authModuleDemoUsers = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-users-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint, config: coreServices.rootConfig },
      async init({ providers, config }) {
        if (!config.has('auth.providers.demo-users')) return;
        providers.registerProvider({
          providerId: 'demo-users',
          factory: createProxyAuthProviderFactory({
            authenticator: demoUsersAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({ entityRef: `user:default/${result.user}` });
            },
          }),
        });
      },
    });
  },
});
