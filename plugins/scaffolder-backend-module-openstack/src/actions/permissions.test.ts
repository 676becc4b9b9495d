// The actions' own guard against the REAL permission framework: a test backend runs the
// permission backend plugin with a policy module (deny-all, then allow-all) and the real
// permissions service; the actions get that service and run through the scaffolder's mock action
// context, as the signed-in user who started the task. Under deny-all nothing is read or written:
// no cluster or OpenStack client is made, no demo store call, no catalog read or location, no
// file, no approval request; under allow-all every action runs.
import { coreServices, createBackendModule, createBackendPlugin, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { chartRepository, NOTHING_TOUCHED, rig } from '../__testUtils__/actionRig';
import { mockServices, registerMswTestHooks, startTestBackend } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

// the chart repository the live create's source check reads (every request counted), and the
// test backend's permission backend, which answers for real
const chartRequests: string[] = [];
const server = setupServer(
  chartRepository(chartRequests),
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

const cases = [
  'openstack:cloud:create (demo)',
  'openstack:cloud:create (live)',
  'openstack:cloud:upgrade',
  'openstack:compute:enroll',
  'openstack:compute:maintenance',
  'openstack:compute:decommission',
  'openstack:catalog:register',
  'openstack:approval:request',
] as const;

/** The signed-in user who started the task (the approval's requester). */
const user = { ref: 'user:default/mock' };

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
      const { actions, touched } = rig(permissions, chartRequests);
      const [action, input] = actions[name];
      const ctx = Object.assign(createMockActionContext({ input: { ...input }, user }), { isDryRun });
      const permission = {
        'openstack:cloud:create (demo)': 'openstack.cloud.create',
        'openstack:cloud:create (live)': 'openstack.cloud.create',
        'openstack:cloud:upgrade': 'openstack.cloud.upgrade',
        'openstack:compute:enroll': 'openstack.compute.enroll',
        'openstack:compute:maintenance': 'openstack.compute.maintenance',
        'openstack:compute:decommission': 'openstack.compute.decommission',
        'openstack:catalog:register': 'openstack.cloud.create',
        'openstack:approval:request': 'openstack.approval.request',
      }[name];
      await expect((action.handler as (c: unknown) => Promise<void>)(ctx)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(`permission ${permission} is required`),
      });
      expect(touched()).toEqual(NOTHING_TOUCHED);
      expect(ctx.output).not.toHaveBeenCalled();
    });
  });

  describe('allow-all policy', () => {
    let permissions: PermissionsService;
    beforeAll(async () => {
      permissions = await realPermissions(AuthorizeResult.ALLOW);
    });

    it('openstack:cloud:create (demo) creates the cloud', async () => {
      const { actions, calls } = rig(permissions, chartRequests);
      const [action, input] = actions['openstack:cloud:create (demo)'];
      const ctx = createMockActionContext({ input: { ...input } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(calls).toEqual([`create ${input.name}`]);
      expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
    });

    it('openstack:cloud:create (live) makes the Secrets and manifests', async () => {
      const { actions, clusters, touched } = rig(permissions, chartRequests);
      const [action, input] = actions['openstack:cloud:create (live)'];
      const ctx = createMockActionContext({ input: { ...input } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(touched().chartRepository).toHaveLength(1);
      expect(clusters.flatMap(c => c.writes)).toEqual(expect.arrayContaining([`namespace ${input.spec.name}`]));
    });

    it("openstack:cloud:upgrade plans the hop from the demo store's status", async () => {
      const { actions, calls, touched } = rig(permissions, chartRequests);
      const [action, input] = actions['openstack:cloud:upgrade'];
      const ctx = createMockActionContext({ input: { ...input, planOnly: true } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(ctx.output).toHaveBeenCalledWith('to', '2025.2');
      expect(touched().catalogReads).toBe(1);
      expect(touched().demoStore.length).toBeGreaterThan(0);
      expect(calls).toEqual([]); // plan only: nothing rolled
    });

    it('openstack:compute:enroll runs its checks (dry run)', async () => {
      const { actions, touched } = rig(permissions, chartRequests);
      const [action, input] = actions['openstack:compute:enroll'];
      const ctx = Object.assign(createMockActionContext({ input: { ...input } }), { isDryRun: true });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(touched().catalogReads).toBe(1);
      expect(ctx.output).toHaveBeenCalledWith('entity', expect.objectContaining({ kind: 'Resource' }));
    });

    it("openstack:catalog:register stores the entity in the suite's backend", async () => {
      const { actions, touched } = rig(permissions, chartRequests);
      const [action, input] = actions['openstack:catalog:register'];
      const ctx = createMockActionContext({ input: { ...input } });
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(touched().suiteEntities).toEqual(['resource:default/edge-1']);
      expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/edge-1');
    });

    it('openstack:approval:request asks the approvals backend, as the user who started the task', async () => {
      const { actions, approvals } = rig(permissions, chartRequests);
      const [action, input] = actions['openstack:approval:request'];
      const ctx = createMockActionContext({ input: { ...input }, user, templateInfo: { entityRef: 'template:default/openstack-upgrade-cloud' } } as any);
      await (action.handler as (c: unknown) => Promise<void>)(ctx);
      expect(approvals.createApproval).toHaveBeenCalledWith(
        expect.objectContaining({ requester: 'user:default/mock', approverGroup: 'group:default/platform-team', templateRef: 'template:default/openstack-upgrade-cloud' }),
      );
      expect(ctx.output).toHaveBeenCalledWith('requestId', expect.any(String));
    });
  });
});
