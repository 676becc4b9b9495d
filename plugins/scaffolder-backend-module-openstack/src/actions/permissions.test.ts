// The actions' own guard against the REAL permission framework: a test backend runs the
// permission backend plugin with a policy module (deny-all, then allow-all) and the real
// permissions service; the actions get that service and run through the scaffolder's mock action
// context, as the signed-in user who started the task. Under deny-all nothing is read or written:
// no cluster or OpenStack client is made, no demo store call, no catalog read or location, no
// file; under allow-all every action runs.
import { coreServices, createBackendModule, createBackendPlugin, PermissionsService } from '@backstage/backend-plugin-api';
import { createMockDirectory, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { readdirSync } from 'node:fs';
import yaml from 'yaml';
import { CHART_ORDER, OPENSTACK_HELM_CHART_VERSION, OPENSTACK_HELM_REPOSITORY } from '@backstage-openstack/plugin-openstack-common';
import { FakeCluster } from '../__testUtils__/fakeCluster';
import { cloudStatus, computeHost, demoCloudEntity, scriptedApi, testDrivers } from '../__testUtils__/testing';
import { createCatalogRegisterAction } from './catalogRegister';
import { examples as registerExamples } from './catalogRegister.examples';
import { createCloudCreateAction } from './cloudCreate';
import { examples as createExamples } from './cloudCreate.examples';
import { createCloudUpgradeAction } from './cloudUpgrade';
import { createComputeEnrollAction } from './computeEnroll';
import { examples as enrollExamples } from './computeEnroll.examples';

jest.setTimeout(60_000);

// the chart repository the live create's source check reads: every request is counted
const chartRequests: string[] = [];
const server = setupServer(
  http.get(`${OPENSTACK_HELM_REPOSITORY}index.yaml`, ({ request }) => {
    chartRequests.push(request.url);
    return HttpResponse.text(JSON.stringify({ entries: Object.fromEntries(CHART_ORDER.map(c => [c, [{ version: OPENSTACK_HELM_CHART_VERSION }]])) }));
  }),
  // the test backend's permission backend answers for real
  http.post(/^http:\/\/localhost:\d+\/api\/permission\//, () => passthrough()),
);
registerMswTestHooks(server);

function policyModule(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: `test-${result.toLowerCase()}-all`,
    register(env) {
      env.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({ handle: async () => ({ result }) });
        },
      });
    },
  });
}

/** The permissions service a plugin gets in a backend running the permission backend with `result`-all. */
async function realPermissions(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  let permissions: PermissionsService | undefined;
  await startTestBackend({
    features: [
      permissionPlugin,
      policyModule(result),
      createBackendPlugin({
        pluginId: 'probe',
        register(env) {
          env.registerInit({
            deps: { p: coreServices.permissions },
            async init({ p }) {
              permissions = p;
            },
          });
        },
      }),
      mockServices.rootConfig.factory({ data: { permission: { enabled: true } } }),
    ],
  });
  return permissions!;
}

const step = (examples: { example: string }[], i = 0) => yaml.parse(examples[i].example).steps[0].input;
const liveCreate = createExamples.map(e => yaml.parse(e.example).steps[0].input).find(i => i.spec);
const demoCreate = createExamples.map(e => yaml.parse(e.example).steps[0].input).find(i => !i.spec);

/** Every state-changing action of the module over fakes that record whatever reaches them. */
function rig(permissions: PermissionsService) {
  const { api, calls } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('cmp-az1-01', '2025.1')] });
  const clusters: FakeCluster[] = [];
  const cluster = jest.fn(() => {
    const c = new FakeCluster();
    clusters.push(c);
    return c;
  });
  const openstack = jest.fn((key: string): never => {
    throw new Error(`no OpenStack cloud ${key} in this test`);
  });
  const catalog = catalogServiceMock({ entities: [demoCloudEntity] });
  const catalogRead = jest.spyOn(catalog, 'getEntityByRef');
  // the mock catalog keeps no locations: record the call and answer as the catalog does
  const addLocation = jest.spyOn(catalog, 'addLocation').mockImplementation(async location => ({ location: { id: 'l1', type: 'file', entityRef: 'location:default/l1', ...location }, entities: [] }));
  const drivers = testDrivers(api, { cluster: cluster as any, openstack });
  const directory = createMockDirectory();
  const actions = {
    'openstack:cloud:create (demo)': [createCloudCreateAction({ permissions, api, live: { cluster }, pollMs: 1 }), demoCreate],
    'openstack:cloud:create (live)': [createCloudCreateAction({ permissions, api, live: { cluster }, pollMs: 1 }), { ...liveCreate, waitForReady: false }],
    'openstack:cloud:upgrade': [
      createCloudUpgradeAction({ permissions, catalog, api, drivers, pollMs: 1 }),
      { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 1 },
    ],
    'openstack:compute:enroll': [
      createComputeEnrollAction({ permissions, catalog, api, drivers, pollMs: 1 }),
      { ...step(enrollExamples), cloud: 'resource:default/demo-cloud' },
    ],
    'openstack:catalog:register': [createCatalogRegisterAction({ permissions, catalog, directory: directory.path }), step(registerExamples)],
  } as const;
  /** Everything that reached a cloud, the demo store, the chart repository, the catalog or the disk. */
  const touched = () => ({
    demoStore: [...calls, ...api.status.mock.calls, ...api.demoStatus.mock.calls, ...api.hosts.mock.calls],
    clusters: cluster.mock.calls.length,
    clusterWrites: clusters.flatMap(c => c.writes),
    openstack: openstack.mock.calls.length,
    chartRepository: [...chartRequests],
    catalogReads: catalogRead.mock.calls.length,
    catalogLocations: addLocation.mock.calls.length,
    files: readdirSync(directory.path),
  });
  return { actions, touched, calls, clusters, addLocation };
}

const cases = ['openstack:cloud:create (demo)', 'openstack:cloud:create (live)', 'openstack:cloud:upgrade', 'openstack:compute:enroll', 'openstack:catalog:register'] as const;

describe('actions under the real permission framework', () => {
  beforeEach(() => {
    chartRequests.length = 0;
  });

  describe('deny-all policy', () => {
    let permissions: PermissionsService;
    beforeAll(async () => {
      permissions = await realPermissions(AuthorizeResult.DENY);
    });

    it.each(cases.flatMap(c => [[c, false], [c, true]] as const))('%s (dry run %s) is refused and changes nothing', async (name, isDryRun) => {
      const { actions, touched } = rig(permissions);
      const [action, input] = actions[name];
      const ctx = Object.assign(createMockActionContext({ input: { ...input } }), { isDryRun });
      const permission = {
        'openstack:cloud:create (demo)': 'openstack.cloud.create',
        'openstack:cloud:create (live)': 'openstack.cloud.create',
        'openstack:cloud:upgrade': 'openstack.cloud.upgrade',
        'openstack:compute:enroll': 'openstack.compute.enroll',
        'openstack:catalog:register': 'openstack.cloud.create',
      }[name];
      await expect((action.handler as (c: unknown) => Promise<void>)(ctx)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(`permission ${permission} is required`),
      });
      expect(touched()).toEqual({
        demoStore: [],
        clusters: 0,
        clusterWrites: [],
        openstack: 0,
        chartRepository: [],
        catalogReads: 0,
        catalogLocations: 0,
        files: [],
      });
      expect(ctx.output).not.toHaveBeenCalled();
    });
  });

  describe('allow-all policy', () => {
    let permissions: PermissionsService;
    beforeAll(async () => {
      permissions = await realPermissions(AuthorizeResult.ALLOW);
    });

    it('openstack:cloud:create (demo) creates the cloud', async () => {
      const { actions, calls } = rig(permissions);
      const [action, input] = actions['openstack:cloud:create (demo)'];
      const ctx = createMockActionContext({ input: { ...input } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(calls).toEqual([`create ${input.name}`]);
      expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
    });

    it('openstack:cloud:create (live) makes the Secrets and manifests', async () => {
      const { actions, clusters, touched } = rig(permissions);
      const [action, input] = actions['openstack:cloud:create (live)'];
      const ctx = createMockActionContext({ input: { ...input } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(touched().chartRepository).toHaveLength(1);
      expect(clusters.flatMap(c => c.writes)).toEqual(expect.arrayContaining([`namespace ${input.spec.name}`]));
    });

    it("openstack:cloud:upgrade plans the hop from the demo store's status", async () => {
      const { actions, calls, touched } = rig(permissions);
      const [action, input] = actions['openstack:cloud:upgrade'];
      const ctx = createMockActionContext({ input: { ...input, planOnly: true } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
      expect(touched().catalogReads).toBe(1);
      expect(touched().demoStore.length).toBeGreaterThan(0);
      expect(calls).toEqual([]); // plan only: nothing rolled
    });

    it('openstack:compute:enroll runs its checks (dry run)', async () => {
      const { actions, touched } = rig(permissions);
      const [action, input] = actions['openstack:compute:enroll'];
      const ctx = Object.assign(createMockActionContext({ input: { ...input } }), { isDryRun: true });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(touched().catalogReads).toBe(1);
      expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
    });

    it('openstack:catalog:register writes the entity and adds its location', async () => {
      const { actions, addLocation, touched } = rig(permissions);
      const [action, input] = actions['openstack:catalog:register'];
      const ctx = createMockActionContext({ input: { ...input } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(addLocation).toHaveBeenCalledTimes(1);
      expect(touched().files).toEqual(['resource_default_edge-1.yaml']);
      expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/edge-1');
    });
  });
});
