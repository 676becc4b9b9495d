import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCloudCreateAction } from './actions/cloudCreate';
import { createCloudEntityAction } from './actions/cloudEntity';
import { createCloudUpgradeAction } from './actions/cloudUpgrade';
import { createComputeEnrollAction } from './actions/computeEnroll';
import { OpenStackBackend } from './OpenStackBackend';

/**
 * Registers the OpenStack scaffolder actions with the scaffolder backend.
 *
 * @public
 */
export const scaffolderModuleOpenstack = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'openstack',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, catalog, discovery, auth }) {
        const backend = new OpenStackBackend({ discovery, auth });
        scaffolder.addActions(
          createCloudEntityAction(),
          createCloudCreateAction({ backend }),
          createCloudUpgradeAction({ catalog, backend }),
          createComputeEnrollAction({ catalog, backend }),
        );
      },
    });
  },
});
