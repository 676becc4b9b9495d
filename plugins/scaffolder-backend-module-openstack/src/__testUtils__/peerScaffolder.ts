// A real scaffolder backend (@backstage/plugin-scaffolder-backend with task recovery on) with the
// suite's backend plugin and the suite's create action wired to the peer cluster, on SQLite files
// in a directory that outlives the backend: the restart test runs one in a child process (killed
// in the middle of a task) and a second one on the same files. Every change the action asks of
// the cluster (apply, ensureSecret, ensureNamespace) is appended to a file, with the backend's
// label, so the test counts what each backend did. With `openstack.clouds.<key>` in its options,
// the compute enroll action (and the catalog register step of its template) reaches that cloud
// as the module does (its OpenStack client and enrollment settings from the config), on the
// peer cluster: the join test runs templates/enroll-host through it.
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTemplateAction, scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
// the real scaffolder backend is what this runs the suite's action in (test code only)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import * as scaffolderBackend from '@backstage/plugin-scaffolder-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { ClusterAccess, OpenStackClient, pluginFetch, readOpenStackCloud } from '@backstage-openstack/plugin-openstack-node';
import { createCloudCreateAction } from '../actions/cloudCreate';
import { createCloudDrivers, LiveDriverDeps } from '../drivers';
import { suiteApi } from '../drivers/suiteApi';
import { argocdPeerDeps } from './argocdPeer';
import { ApprovalGate, approvalGateFromConfig } from '../actions/approvalGate';
import { createApprovalRequestAction } from '../actions/approvalRequest';
import { createComputeEnrollAction } from '../actions/computeEnroll';
import { createCatalogRegisterAction } from '../actions/catalogRegister';
import { readComputeEnrollSettings } from '../computeEnrollSettings';

/** A backend config object (JSON). */
type ConfigData = NonNullable<NonNullable<Parameters<typeof mockServices.rootConfig>[0]>['data']>;

export interface PeerScaffolderOptions {
  /** Names this backend in the changes file, e.g. `first`. */
  label: string;
  /** SQLite files (backend.database.connection.directory), shared by the backends in turn. */
  dbDir: string;
  /** The scaffolder's working directory: each backend its own, as two replicas or a new pod. */
  workDir: string;
  /** Where each cluster change is appended as `<label> <what>`. */
  changesFile: string;
  /** The catalog: templates and users. */
  entities: Entity[];
  /** More of the backend's `openstack` config (e.g. `clouds.peers` for the compute actions); the demo store stays off. */
  openstack?: ConfigData;
  /** The actions ask the backend for approvals as the module does (openstack.approvals.required); by default none is needed. */
  approvalsFromConfig?: boolean;
}

/** The cluster as one backend sees it, each change it asks for appended to the changes file. */
function recording(label: string, changesFile: string) {
  const note = (what: string) => fs.appendFileSync(changesFile, `${label} ${what}\n`);
  return (client: ClusterAccess): ClusterAccess =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: any[]) => {
          if (prop === 'apply' && !args[1]?.dryRun) note(`apply ${args[0].kind} ${args[0].metadata?.name}`);
          if (prop === 'ensureSecret') note(`ensureSecret ${args[0].name}`);
          if (prop === 'ensureNamespace') note(`ensureNamespace ${args[0]}`);
          return value.apply(target, args);
        };
      },
    });
}

/** No lifecycle needs an approval (unless `approvalsFromConfig`). */
const noApprovals: ApprovalGate = {
  required: () => [],
  verify: async () => {
    throw new Error('no approval is needed in this test');
  },
};

/** `bso-test:workspace`: what the next step (the publish step) would find, each file's sha256. */
const workspaceAction = createTemplateAction({
  id: 'bso-test:workspace',
  description: 'Lists the files of the workspace with their sha256 (test only)',
  schema: { output: { files: z => z.record(z.string(), z.string()) } },
  async handler(ctx) {
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files[path.relative(ctx.workspacePath, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      }
    };
    walk(ctx.workspacePath);
    ctx.output('files', files);
  },
});

/**
 * The suite's create, enroll, approval-request and catalog-register actions on the peers, with the
 * real backend plugin's leases, join tokens and approvals, and the test's workspace action.
 */
function peerActions(opts: PeerScaffolderOptions) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'openstack-peers',
    register(env) {
      env.registerInit({
        deps: {
          scaffolder: scaffolderActionsExtensionPoint,
          discovery: coreServices.discovery,
          auth: coreServices.auth,
          permissions: coreServices.permissions,
          catalog: catalogServiceRef,
          config: coreServices.rootConfig,
          lifecycle: coreServices.lifecycle,
        },
        async init({ scaffolder, discovery, auth, permissions, catalog, config, lifecycle }) {
          const client = (onBehalfOf?: Parameters<typeof pluginFetch>[2]) =>
            new OpenStackPluginClient({ discoveryApi: discovery, fetchApi: { fetch: pluginFetch(auth, 'openstack', onBehalfOf) } });
          const api = suiteApi(client(), credentials => client(async () => credentials));
          const live = argocdPeerDeps(recording(opts.label, opts.changesFile)) as unknown as Pick<LiveDriverDeps, 'cluster' | 'chartSources'>;
          const unknown = (what: string) => (name: string): never => {
            throw new Error(`no ${what} ${name} on the peers`);
          };
          // openstack.clouds.<key> as the module reads it: one client per key, made on first use
          const clouds = config.getOptionalConfig('openstack.clouds');
          const openstackClients = new Map<string, OpenStackClient>();
          const openstack = (key: string) => {
            if (!clouds?.has(key)) return unknown('OpenStack cloud')(key);
            if (!openstackClients.has(key)) openstackClients.set(key, new OpenStackClient(readOpenStackCloud(key, clouds.getConfig(key))));
            return openstackClients.get(key)!;
          };
          lifecycle.addShutdownHook(async () => {
            for (const c of openstackClients.values()) await c.close();
          });
          const drivers = createCloudDrivers(api, { ...live, openstack, enrollSettings: key => readComputeEnrollSettings(config, key) });
          const backend = client();
          const approvals = opts.approvalsFromConfig ? approvalGateFromConfig(config, backend) : noApprovals;
          scaffolder.addActions(
            createCloudCreateAction({ permissions, cloudKeyHolders: async () => [], api, drivers, approvals, pollMs: 2000 }),
            createComputeEnrollAction({ permissions, catalog, api, drivers, approvals, pollMs: 1000, progressMs: 10_000 }),
            createApprovalRequestAction({ permissions, backend, appBaseUrl: config.getString('app.baseUrl') }),
            createCatalogRegisterAction({ permissions, api }),
            workspaceAction,
          );
        },
      });
    },
  });
}

/** Starts the backend; task recovery on, a task whose heartbeat stopped 5 s ago is taken over. */
export async function startPeerScaffolder(opts: PeerScaffolderOptions) {
  fs.mkdirSync(opts.workDir, { recursive: true });
  return startTestBackend({
    features: [
      scaffolderBackend.default,
      openstackPlugin,
      peerActions(opts),
      catalogServiceMock.factory({ entities: opts.entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { database: { client: 'better-sqlite3', connection: { directory: opts.dbDir } }, workingDirectory: opts.workDir },
          scaffolder: { concurrentTasksLimit: 2, taskRecovery: { enabled: true, staleTimeout: { seconds: 5 } } },
          openstack: { ...opts.openstack, demo: { enabled: false } },
        },
      }),
    ],
  });
}
