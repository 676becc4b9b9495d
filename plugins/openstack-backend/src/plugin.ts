import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createRouter } from './service/router';

/**
 * The OpenStack backend plugin: the cloud status API, operation history and approvals.
 *
 * @public
 */
export const openstackPlugin = createBackendPlugin({
  pluginId: 'openstack',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({ logger, httpRouter, httpAuth, permissions, catalog }) {
        httpRouter.use(
          await createRouter({ logger, httpAuth, permissions, catalog }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
