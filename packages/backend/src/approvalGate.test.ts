// The live actions' approval gate end to end: the real backend plugin (its ApprovalStore on a real
// SQLite database), the real permission framework with the example policy (the actions' own
// permission check and the decision route), and the actions of the scaffolder module over the
// recording fakes of its tests. For each of create, upgrade and enroll: no approval → refused;
// an approval of another plan → refused, naming what changed; an expired approval → refused;
// the approval of its plan → it runs (a run task other than the request's, as the backend starts
// it); a second run of the same approval → refused. Nothing is changed by a refused run.
import { coreServices, createBackendPlugin, PermissionsService, RootConfigService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { permissionModuleOpenStackPolicy } from './permissionPolicy';
import { users, userInfo } from './testUsers';
// the module's actions and the fakes of its own tests: the module exports neither (it installs its
// actions as one backend module), and this test needs them beside the example policy of this package
/* eslint-disable @backstage/no-forbidden-package-imports */
import { approvalGateFromConfig } from '@backstage-openstack/plugin-scaffolder-backend-module-openstack/src/actions/approvalGate';
import { createCloudCreateAction } from '@backstage-openstack/plugin-scaffolder-backend-module-openstack/src/actions/cloudCreate';
import { createCloudUpgradeAction } from '@backstage-openstack/plugin-scaffolder-backend-module-openstack/src/actions/cloudUpgrade';
import { createComputeEnrollAction } from '@backstage-openstack/plugin-scaffolder-backend-module-openstack/src/actions/computeEnroll';
import {
  capturingLogger,
  cloudStatus,
  computeHost,
  demoCloudEntity,
  noHolders,
  recoverableContext,
  scriptedApi,
  testDrivers,
} from '@backstage-openstack/plugin-scaffolder-backend-module-openstack/src/__testUtils__/testing';
/* eslint-enable @backstage/no-forbidden-package-imports */

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

interface Rig {
  server: any;
  knex: Awaited<ReturnType<typeof databases.init>>;
  permissions: PermissionsService;
  config: RootConfigService;
  client: OpenStackPluginClient;
}

async function start(): Promise<Rig> {
  const knex = await databases.init('SQLITE_3');
  let permissions: PermissionsService | undefined;
  let config: RootConfigService | undefined;
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      permissionPlugin,
      permissionModuleOpenStackPolicy,
      userInfo,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [...users, demoCloudEntity] }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, permission: { enabled: true } } }),
      createBackendPlugin({
        pluginId: 'probe',
        register(env) {
          env.registerInit({
            deps: { p: coreServices.permissions, c: coreServices.rootConfig },
            async init({ p, c }) {
              permissions = p;
              config = c;
            },
          });
        },
      }),
    ],
  });
  const port = (server.address() as AddressInfo).port;
  // the scaffolder's view of the backend plugin: its own service credentials
  const client = new OpenStackPluginClient({
    discoveryApi: { getBaseUrl: async () => `http://localhost:${port}/api/openstack` },
    fetchApi: {
      fetch: (url: any, init?: RequestInit) =>
        fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: mockCredentials.service.header() } }),
    },
  });
  return { server, knex, permissions: permissions!, config: config!, client };
}

/** The task of one run: a resumable context started by `initiator`, with its own id. */
let taskSeq = 0;
function task(input: Record<string, unknown>, initiator: string) {
  const { logger, lines } = capturingLogger();
  const ctx = recoverableContext(input, new Map(), {
    getInitiatorCredentials: async () => mockCredentials.user(initiator),
    logger,
  });
  (ctx as any).task = { id: `task-${++taskSeq}` };
  return Object.assign(ctx as typeof ctx & { task: { id: string } }, { lines });
}

/** Files the request for `plan` in a request task (as the approval step would) and has alice decide it. */
async function approve(r: Rig, requester: string, plan: unknown, decision: 'approve' | 'reject' = 'approve') {
  const a = await r.client.createApproval({
    taskId: `request-${++taskSeq}`,
    stepId: 'approval',
    requester,
    approverGroup: 'group:default/platform-team',
    cloud: (plan as { cloud: string }).cloud,
    title: 'test',
    summary: '',
    plan,
    timeoutMinutes: 60,
  });
  const res = await request(r.server)
    .post(`/api/openstack/approvals/${a.id}/decision`)
    .set('Authorization', mockCredentials.user.header('user:default/alice'))
    .send({ decision });
  expect(res.status).toBe(200);
  return a;
}

type Case = {
  name: string;
  initiator: string;
  input: Record<string, unknown>;
  make: (r: Rig, api: ReturnType<typeof scriptedApi>['api']) => { handler: (ctx: any) => Promise<void> };
  /** What a run that acted did to the demo store. */
  acted: string;
};

const cases: Case[] = [
  {
    name: 'openstack:cloud:create',
    initiator: 'user:default/bob',
    input: { delivery: 'demo', name: 'gate-1', release: '2025.2', components: ['keystone'], lifecycle: 'production', waitForReady: false },
    make: (r, api) => createCloudCreateAction({ permissions: r.permissions, api, cloudKeyHolders: noHolders, drivers: testDrivers(api), approvals: approvalGateFromConfig(r.config, r.client), pollMs: 1 }) as any,
    acted: 'create gate-1',
  },
  {
    name: 'openstack:cloud:upgrade',
    initiator: 'user:default/carol',
    input: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 1 },
    make: (r, api) =>
      createCloudUpgradeAction({ permissions: r.permissions, catalog: catalogServiceMock({ entities: [demoCloudEntity] }), api, drivers: testDrivers(api), approvals: approvalGateFromConfig(r.config, r.client), pollMs: 1 }) as any,
    acted: 'upgrade',
  },
  {
    name: 'openstack:compute:enroll',
    initiator: 'user:default/carol',
    input: { cloud: 'resource:default/demo-cloud', host: 'cmp-gate-1', managementIp: '10.0.0.41', overlayIp: '10.1.0.41', availabilityZone: 'az1', timeoutMinutes: 1 },
    make: (r, api) =>
      createComputeEnrollAction({ permissions: r.permissions, catalog: catalogServiceMock({ entities: [demoCloudEntity] }), api, drivers: testDrivers(api), approvals: approvalGateFromConfig(r.config, r.client), pollMs: 1 }) as any,
    acted: 'enroll',
  },
];

describe.each(cases)('$name under the approval gate', c => {
  let r: Rig;
  beforeAll(async () => {
    r = await start();
  });

  /** The demo store over recording fakes; an upgraded cloud reports its new release, an enrolled host comes up whole. */
  function fresh() {
    const box = { calls: [] as string[] };
    const did = (what: string) => box.calls.some(x => x.startsWith(what));
    const enrolled = computeHost('cmp-gate-1', '2025.1', {
      state: 'up',
      vcpu: { used: 0, total: 64, reserved: 0, allocationRatio: 4, capacity: 256 },
      ovnAgentAlive: true,
      aggregates: ['az1'],
    });
    const { api, calls } = scriptedApi({
      status: () => cloudStatus(did('upgrade') ? '2025.2' : '2025.1'),
      hosts: () => [computeHost('cmp-az1-01', did('upgrade') ? '2025.2' : '2025.1'), ...(did('enroll') ? [enrolled] : [])],
    });
    box.calls = calls;
    return { action: c.make(r, api), calls };
  }

  /** The plan the action's planOnly run outputs for this input. */
  async function planOf() {
    const { action, calls } = fresh();
    const ctx = task({ ...c.input, planOnly: true }, c.initiator);
    await action.handler(ctx);
    expect(calls).toEqual([]);
    const plan = (ctx.output as jest.Mock).mock.calls.find(([k]) => k === 'plan')?.[1];
    expect(plan).toMatchObject({ operation: expect.any(String), cloud: expect.stringMatching(/^resource:/) });
    return plan;
  }

  it('refuses without an approval, and changes nothing', async () => {
    const { action, calls } = fresh();
    await expect(action.handler(task(c.input, c.initiator))).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/needs an approval to \w+ \(openstack.approvals.required\), and this run has none/),
    });
    await expect(action.handler(task({ ...c.input, approvalId: 'no-such-request' }, c.initiator))).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/approval no-such-request does not exist/),
    });
    expect(calls).toEqual([]);
  });

  it('refuses when the approval is for another plan, naming what changed', async () => {
    const plan = await planOf();
    const { action, calls } = fresh();
    const other = structuredClone(plan);
    other.tampered = 'yes';
    const a = await approve(r, c.initiator, other);
    const ctx = task({ ...c.input, approvalId: a.id }, c.initiator);
    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/differs from what would run now.*tampered: "yes" → \(absent\).*new approval/),
    });
    expect(calls).toEqual([]);
  });

  it('refuses a rejected request, and an approved one past its expiry', async () => {
    const plan = await planOf();
    const rejected = await approve(r, c.initiator, plan, 'reject');
    await expect(fresh().action.handler(task({ ...c.input, approvalId: rejected.id }, c.initiator))).rejects.toThrow(/is rejected/);

    const { action, calls } = fresh();
    const a = await approve(r, c.initiator, plan);
    await r.knex('openstack_approvals').where({ id: a.id }).update({ expires_at: new Date(Date.now() - 60_000) });
    await expect(action.handler(task({ ...c.input, approvalId: a.id }, c.initiator))).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/expired at .*run the template again/),
    });
    expect(calls).toEqual([]);
  });

  it('runs with the approval of exactly its plan', async () => {
    const plan = await planOf();
    const { action, calls } = fresh();
    const a = await approve(r, c.initiator, plan);
    const run = task({ ...c.input, approvalId: a.id }, 'user:default/alice');
    await action.handler(run);
    expect(calls.join('\n')).toContain(c.acted);
    // the run's log names the requester and the approver
    expect(run.lines.join('\n')).toContain(`Requested by ${c.initiator} (task ${a.taskId}), approved by user:default/alice: request ${a.id}`);

    // a second run of the same approval: refused, nothing changed
    const second = fresh();
    await expect(second.action.handler(task({ ...c.input, approvalId: a.id }, 'user:default/alice'))).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(new RegExp(`has run already, in task ${run.task.id}`)),
    });
    expect(second.calls).toEqual([]);
  });
});
