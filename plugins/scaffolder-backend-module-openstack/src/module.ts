import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createApprovalRequestAction } from './actions/approvalRequest';
import { createCatalogRegisterAction } from './actions/catalogRegister';
import { createCloudCreateAction } from './actions/cloudCreate';
import { createCloudEntityAction } from './actions/cloudEntity';
import { createCloudUpgradeAction } from './actions/cloudUpgrade';
import { createComputeEnrollAction } from './actions/computeEnroll';
import { OpenStackBackend } from './OpenStackBackend';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, catalog, discovery, auth, config }) {
        const backend = new OpenStackBackend({ discovery, auth });
        scaffolder.addActions(
          createCloudEntityAction(),
          createCloudCreateAction({ backend }),
          createCloudUpgradeAction({ catalog, backend }),
          createComputeEnrollAction({ catalog, backend }),
          createApprovalRequestAction({ backend, appBaseUrl: config.getString('app.baseUrl') }),
          createCatalogRegisterAction({
            catalog,
            directory:
              config.getOptionalString('openstack.scaffolder.catalogDirectory') ??
              join(tmpdir(), 'backstage-openstack-catalog'),
          }),
        );
      },
    });
  },
});
