import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createApprovalRequestAction } from './actions/approvalRequest';
import { createCatalogRegisterAction } from './actions/catalogRegister';
import { createCloudCreateAction } from './actions/cloudCreate';
import { createCloudEntityAction } from './actions/cloudEntity';
import { createCloudUpgradeAction } from './actions/cloudUpgrade';
import { createComputeEnrollAction } from './actions/computeEnroll';
import { approvalGateFromConfig } from './actions/approvalGate';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import {
  ClusterClient,
  cloudKeyHolders,
  OpenStackClient,
  pluginFetch,
  readChartSources,
  readOpenStackCloud,
} from '@backstage-openstack/plugin-openstack-node';
import { readComputeEnrollSettings } from './computeEnrollSettings';
import { createCloudDrivers } from './drivers';
import { suiteApi } from './drivers/suiteApi';
import { createComputeMaintenanceAction } from './actions/computeMaintenance';
import { createComputeDecommissionAction } from './actions/computeDecommission';
import { openLiveHost } from './actions/computeHostLive';
import { hostOpener } from './actions/hostAction';

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
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, catalog, discovery, auth, config, permissions }) {
        // the suite's backend plugin, with the scaffolder's own service credentials
        const backend = new OpenStackPluginClient({ discoveryApi: discovery, fetchApi: { fetch: pluginFetch(auth, 'openstack') } });
        // Live clouds: the clusters of the Kubernetes backend (its cluster locators and auth
        // providers), reached through its proxy with this plugin's service credentials
        const cluster = (name: string) => ClusterClient.viaKubernetesBackend(name, { discovery, auth });
        // the only chart sources a cloud is created from, checked here so a bad entry stops the start
        const chartSources = readChartSources(config);
        // one OpenStack client (token, connections) per openstack.clouds key, made on first use
        const openstackClients = new Map<string, OpenStackClient>();
        const openstack = (key: string) => {
          let client = openstackClients.get(key);
          if (!client) {
            client = new OpenStackClient(readOpenStackCloud(key, config.getConfig(`openstack.clouds.${key}`)));
            openstackClients.set(key, client);
          }
          return client;
        };
        // the same client on behalf of a task's initiator: leases and entities check their permission
        const api = suiteApi(backend, credentials =>
          new OpenStackPluginClient({ discoveryApi: discovery, fetchApi: { fetch: pluginFetch(auth, 'openstack', async () => credentials) } }),
        );
        // the live actions ask the backend for the task's approval of their plan (openstack.approvals.required)
        const approvals = approvalGateFromConfig(config, backend);
        const liveCloudKeys = config.getOptionalConfig('openstack.clouds')?.keys() ?? [];
        const drivers = createCloudDrivers(api, {
          cluster,
          chartSources,
          openstack,
          enrollSettings: key => readComputeEnrollSettings(config, key),
        });
        // maintenance and decommission: a live cloud's host through its APIs (and its bundle's cluster)
        const openHost = hostOpener((cloud, host) =>
          openLiveHost(
            { cluster, openstack, settings: key => readComputeEnrollSettings(config, key), hasCloud: key => liveCloudKeys.includes(key) },
            cloud,
            host,
          ),
        );
        scaffolder.addActions(
          createCloudEntityAction(),
          createCloudCreateAction({
            permissions,
            // asked with the scaffolder's own credentials: a cloud the user cannot see is still taken
            cloudKeyHolders: async key => cloudKeyHolders(catalog, key, await auth.getOwnServiceCredentials(), liveCloudKeys),
            api,
            drivers,
            approvals,
          }),
          createCloudUpgradeAction({ permissions, catalog, api, drivers, approvals }),
          createComputeEnrollAction({ permissions, catalog, api, drivers, approvals }),
          createComputeMaintenanceAction({ permissions, catalog, api, openHost }),
          createComputeDecommissionAction({ permissions, catalog, api, openHost, approvals }),
          createApprovalRequestAction({ permissions, backend, appBaseUrl: config.getString('app.baseUrl') }),
          createCatalogRegisterAction({ permissions, api }),
        );
      },
    });
  },
});
