import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCloudEntityAction } from './actions/cloudEntity';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createCloudEntityAction());
      },
    });
  },
});
