import { coreServices, createBackendModule, readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { pluginFetch, suiteEntityChangesServiceRef } from '@backstage-openstack/plugin-openstack-node';
import { OpenStackEntityProvider } from './OpenStackEntityProvider';

/**
 * Installs the suite's entity provider in the catalog: the clouds and compute hosts the suite's
 * actions made, read from the suite's backend plugin (`/api/openstack/catalog/entities`, with the
 * catalog's service credentials) on a schedule, and at once when this backend stores a change.
 *
 * @public
 */
export const catalogModuleOpenstack = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'openstack',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        changes: suiteEntityChangesServiceRef,
      },
      async init({ catalog, config, scheduler, discovery, auth, logger, changes }) {
        const suite = new OpenStackPluginClient({ discoveryApi: discovery, fetchApi: { fetch: pluginFetch(auth, 'openstack') } });
        const scheduleConfig = config.getOptionalConfig('catalog.providers.openstack.schedule');
        const schedule = scheduler.createScheduledTaskRunner(
          scheduleConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
            : { frequency: { seconds: 30 }, timeout: { minutes: 1 }, initialDelay: { seconds: 5 } },
        );
        const provider = new OpenStackEntityProvider({ read: () => suite.listSuiteEntities(), schedule, logger });
        catalog.addEntityProvider(provider);
        changes.subscribe(async change => {
          try {
            await provider.apply(change);
          } catch (e) {
            logger.warn(`Could not apply a suite entity change at once (the next full read will): ${(e as Error).message}`);
          }
        });
      },
    });
  },
});
