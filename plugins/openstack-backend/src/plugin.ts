import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { openstackPermissions } from '@backstage-openstack/plugin-openstack-common';
import { readChartSources } from '@backstage-openstack/plugin-openstack-node';
import { ApprovalStore, catalogGroupsOf, createApprovalsRouter, RunStarter } from './approvals';
import { createRouter } from './service/router';
import { DemoCloudStore } from './demo/DemoCloudStore';
import { DemoClouds } from './demo/DemoClouds';
import { CloudSources, StatusService } from './status/StatusService';
import { LiveClouds } from './status/LiveClouds';
import { suiteEntityChangesServiceRef } from '@backstage-openstack/plugin-openstack-node';
import { LeaseStore } from './suite/LeaseStore';
import { SuiteEntityStore } from './suite/SuiteEntityStore';
import { createSuiteRouter } from './suite/router';
import { createFleetRouter } from './service/fleet';
import { createJoinRouter, readJoinSettings } from './join/router';
import { JoinTokenStore } from './join/JoinTokenStore';
import { JoinContinuationStarter } from './join/continuationStarter';
import { TemplateTaskStarter } from './scaffolder/TemplateTaskStarter';

/**
 * The OpenStack backend plugin: the cloud status API, operation history, the demo cloud,
 * approvals, the catalog entities the actions made and the clouds' leases.
 *
 * @public
 */
export const openstackPlugin = createBackendPlugin({
  pluginId: 'openstack',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        cache: coreServices.cache,
        catalog: catalogServiceRef,
        notifications: notificationService,
        changes: suiteEntityChangesServiceRef,
        auditor: coreServices.auditor,
      },
      async init(deps) {
        const { config, logger, httpRouter, database, cache, notifications } = deps;
        // every permission of the suite, so policies and the permission UI can list them
        deps.permissionsRegistry.addPermissions(openstackPermissions);
        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await db.migrate.latest({
            directory: resolvePackagePath('@backstage-openstack/plugin-openstack-backend', 'migrations'),
          });
        }

        // the two drivers' sources, each keyed by cloud key; a route picks one by the cloud's driver
        const sources: CloudSources = {};
        let demo: DemoClouds | undefined;
        if (config.getOptionalBoolean('openstack.demo.enabled') ?? false) {
          const store = new DemoCloudStore(db);
          await store.ensureSeeded(new Date(), config.getOptionalNumber('openstack.demo.hosts'));
          demo = new DemoClouds(store);
          const demoClouds = demo;
          sources.demo = { has: cloudKey => demoClouds.has(cloudKey), read: cloud => demoClouds.read(cloud.cloudKey) };
          logger.info('Demo cloud enabled (openstack.demo.enabled): simulated clouds are marked as demo');
        }
        // Live clouds: every openstack.clouds.<key>, read from its OpenStack APIs and Kubernetes.
        const live = LiveClouds.fromConfig(config, { catalog: deps.catalog, auth: deps.auth, discovery: deps.discovery, logger });
        if (live.keys().length > 0) {
          sources.live = live;
          logger.info(`Live clouds (openstack.clouds): ${live.keys().join(', ')}`);
        }
        // views go into the cache service for the other replicas only when it is shared (the
        // default store, `memory`, is this process's own)
        const sharedCache = (config.getOptionalString('backend.cache.store') ?? 'memory') !== 'memory';
        const status = new StatusService(sources, cache, logger, undefined, undefined, undefined, sharedCache);

        httpRouter.use(await createRouter({ ...deps, status, demo, liveCloudKeys: live.keys(), chartSources: readChartSources(config), liveZones: key => live.zones(key) }));
        // the entities the actions made (for the suite's entity provider) and the clouds' leases
        const leases = new LeaseStore(db);
        const approvals = new ApprovalStore(db);
        httpRouter.use(createSuiteRouter({ ...deps, entities: new SuiteEntityStore(db), leases }));
        // every cloud the caller may read, at once (the fleet page)
        httpRouter.use(createFleetRouter({ ...deps, status, leases, approvals }));

        const appBaseUrl = config.getString('app.baseUrl');
        httpRouter.use(
          createApprovalsRouter({
            store: approvals,
            // an approved request's run: a new scaffolder task on behalf of the approver
            runs: new RunStarter({ store: approvals, auth: deps.auth, discovery: deps.discovery, logger }),
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            groupsOf: catalogGroupsOf(deps.catalog, deps.auth),
            // The approver group hears of a new request; a failed notification never fails the request.
            notify: async a => {
              try {
                await notifications.send({
                  recipients: { type: 'entity', entityRef: a.approverGroup, excludeEntityRef: a.requester },
                  payload: {
                    title: `Approval requested: ${a.title}`,
                    description: `${a.requester} asks ${a.approverGroup} to approve.`,
                    link: `${appBaseUrl}/openstack/approvals/${a.id}`,
                    severity: 'high',
                    topic: 'openstack-approvals',
                  },
                });
              } catch (e) {
                logger.warn(`Could not notify ${a.approverGroup} of approval ${a.id}: ${(e as Error).message}`);
              }
            },
            // The requester hears of the decision; a failed notification never undoes it.
            notifyDecision: async a => {
              try {
                await notifications.send({
                  recipients: { type: 'entity', entityRef: a.requester },
                  payload: {
                    title: `Approval ${a.state}: ${a.title}`,
                    description: `${a.decidedBy} ${a.state} your request${a.comment ? `: ${a.comment}` : ''}.`,
                    link: `${appBaseUrl}/openstack/approvals/${a.id}`,
                    severity: a.state === 'approved' ? 'normal' : 'high',
                    topic: 'openstack-approvals',
                  },
                });
              } catch (e) {
                logger.warn(`Could not notify ${a.requester} of the decision on approval ${a.id}: ${(e as Error).message}`);
              }
            },
          }),
        );
        // compute hosts joining with a one-time token: the suite's only routes without a Backstage
        // identity (the token is the gate; rate-limited and audited in the router)
        // (a reported host's enrollment continues as a new task of the user who reads its join state)
        const joinTokens = new JoinTokenStore(db);
        const continuations = new JoinContinuationStarter({ tokens: joinTokens, tasks: new TemplateTaskStarter(deps), logger });
        httpRouter.use(createJoinRouter({ ...deps, tokens: joinTokens, continuations, settings: readJoinSettings(config) }));
        httpRouter.addAuthPolicy({ path: '/join', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/openapi.json', allow: 'unauthenticated' });
      },
    });
  },
});
