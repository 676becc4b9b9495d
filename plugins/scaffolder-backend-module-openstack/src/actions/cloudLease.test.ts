import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// the test runs the suite's real backend plugin (routes and database) next to this module
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { AddressInfo } from 'node:net';
import { allowAll, catalog, cloudStatus, computeHost, demoCloudEntity, noApprovalsRequired, recoverableContext, scriptedApi, testDrivers } from '../__testUtils__/testing';
import { createCloudUpgradeAction } from './cloudUpgrade';
import { createComputeEnrollAction } from './computeEnroll';
import { holdCloudLease } from './cloudLease';

jest.setTimeout(120_000);

const cloudRef = 'resource:default/demo-cloud';
const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

/**
 * The suite's backend plugin on its real database (SQLite), and the scripted suite API whose
 * lease calls go to it over HTTP as the task's initiator, as the module wires them.
 */
async function suiteWithRealLeases() {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      catalogServiceMock.factory({ entities: [demoCloudEntity] }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' } } }),
    ],
  });
  const base = `http://localhost:${(server.address() as AddressInfo).port}/api/openstack`;
  const asInitiator = (credentials: BackstageCredentials) =>
    new OpenStackPluginClient({
      discoveryApi: { getBaseUrl: async () => base },
      fetchApi: {
        fetch: (url, init) =>
          fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: mockCredentials.user.header((credentials.principal as { userEntityRef: string }).userEntityRef) } }),
      },
    });
  // a rollout that waits until the test lets it go on
  let go!: () => void;
  const gate = new Promise<void>(r => (go = r));
  let upgrading!: () => void;
  const started = new Promise<void>(r => (upgrading = r));
  const s = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('cmp-1', '2025.1')] });
  s.api.upgradeDemoCloud.mockImplementation(async () => {
    upgrading();
    await gate;
    throw new Error('the demo store failed the hop');
  });
  s.api.acquireLease.mockImplementation((cr, ref, body) => asInitiator(cr).acquireCloudLease(ref, body));
  s.api.releaseLease.mockImplementation((cr, ref, taskId) => asInitiator(cr).releaseCloudLease(ref, taskId));
  const reader = asInitiator(alice);
  return { api: s.api, go, started, running: () => reader.getCloudLease(cloudRef) };
}

/** A checkpoint that just runs its function (no store): what a first run does. */
const runCheckpoint = (async (opts: { fn: () => Promise<unknown> }) => opts.fn()) as any;

function task(id: string, credentials: BackstageCredentials, input: Record<string, unknown>) {
  const ctx = recoverableContext(input, new Map());
  return Object.assign(ctx, { task: { id }, getInitiatorCredentials: async () => credentials });
}

describe('one operation per cloud (the real lease routes and database)', () => {
  const upgrade = { cloud: cloudRef, targetRelease: '2025.2', timeoutMinutes: 1 };

  it("refuses the second of two concurrent upgrades of one cloud with the first one's task id, and frees the cloud when the first ends, failed", async () => {
    const { api, go, started, running } = await suiteWithRealLeases();
    const action = createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers: testDrivers(api), pollMs: 1 });
    const first = action.handler(task('task-1', alice, upgrade) as any);
    await started;
    expect(await running()).toMatchObject({ cloudRef, taskId: 'task-1', kind: 'upgrade', initiator: 'user:default/alice' });

    const second = task('task-2', bob, upgrade);
    await expect(action.handler(second as any)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('upgrade task task-1, started by user:default/alice, is running on it'),
    });
    // the second changed nothing: the demo store saw only the first one's hop
    expect(api.upgradeDemoCloud).toHaveBeenCalledTimes(1);

    go();
    await expect(first).rejects.toThrow(/the demo store failed the hop/);
    // released at the end, failure included
    expect(await running()).toBeUndefined();
  });

  it('refuses an enrollment while an upgrade runs, and a plan (planOnly) takes no lease', async () => {
    const { api, go, started } = await suiteWithRealLeases();
    const up = createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers: testDrivers(api), pollMs: 1 });
    const first = up.handler(task('task-1', alice, upgrade) as any);
    await started;
    const enroll = createComputeEnrollAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers: testDrivers(api), pollMs: 1 });
    const input = { cloud: cloudRef, host: 'cmp-9.example.org', managementIp: '10.0.0.9', overlayIp: '10.1.0.9', availabilityZone: 'az1', timeoutMinutes: 1 };
    await expect(enroll.handler(task('task-2', bob, input) as any)).rejects.toThrow(/this enroll did not start and changed nothing: .*upgrade task task-1, started by user:default\/alice/);
    expect(api.enrollDemoHost).not.toHaveBeenCalled();
    // a plan changes nothing and takes no lease: it runs alongside
    const plan = task('task-3', bob, { ...upgrade, planOnly: true });
    await up.handler(plan as any);
    expect(plan.output).toHaveBeenCalledWith('to', '2025.2');
    go();
    await expect(first).rejects.toThrow();
  });

  it('lets a resumed task (same task id) take its own lease back', async () => {
    const { api, running } = await suiteWithRealLeases();
    const logger = mockServices.logger.mock();
    // the first run took the lease and the backend died before it was released
    await api.acquireLease(alice, cloudRef, { taskId: 'task-1', kind: 'upgrade' });
    // the scaffolder resumes task-1: it takes its lease back and runs
    const ran = await holdCloudLease({ task: { id: 'task-1' }, logger, isDryRun: false, checkpoint: runCheckpoint }, api, alice, cloudRef, 'upgrade', async () => running());
    expect(ran).toMatchObject({ taskId: 'task-1' });
    expect(await running()).toBeUndefined();
    // another task meanwhile would have been refused
    await api.acquireLease(alice, cloudRef, { taskId: 'task-1', kind: 'upgrade' });
    await expect(holdCloudLease({ task: { id: 'task-2' }, logger, isDryRun: false, checkpoint: runCheckpoint }, api, bob, cloudRef, 'enroll', async () => 'ran')).rejects.toThrow(/task task-1/);
  });
});

describe('a lease lost while the operation runs', () => {
  const logger = mockServices.logger.mock();
  /** A context whose checkpoints record the effects they ran. */
  function leaseCtx(id: string) {
    const effects: string[] = [];
    const ctx = {
      task: { id },
      logger,
      isDryRun: false,
      checkpoint: (async (opts: { key: string; fn: () => Promise<unknown> }) => {
        effects.push(opts.key);
        return opts.fn();
      }) as any,
    };
    return { ctx, effects };
  }

  it('stops before the next change when no renewal succeeded for the lease time, and says so', async () => {
    let clock = 0;
    const api = { acquireLease: jest.fn(async () => ({}) as any), releaseLease: jest.fn(async () => true) };
    const { ctx, effects } = leaseCtx('task-1');
    const original = ctx.checkpoint;
    const run = holdCloudLease(ctx, api, alice, cloudRef, 'upgrade', async () => {
      await ctx.checkpoint({ key: 'step-1', fn: async () => undefined });
      // the renewals failed for the lease's whole time (120 s): it may have lapsed
      clock = 120_000;
      await ctx.checkpoint({ key: 'step-2', fn: async () => undefined });
    }, 120, () => clock);
    await expect(run).rejects.toThrow(
      /The upgrade of resource:default\/demo-cloud stopped before its next change: its lease could not be renewed for 120 s .*Nothing more was changed/,
    );
    expect(effects).toEqual(['step-1']);
    // the context is the action's own again, and the lease was given back
    expect(ctx.checkpoint).toBe(original);
    expect(api.releaseLease).toHaveBeenCalledWith(alice, cloudRef, 'task-1');
  });

  it('stops before the next change with a ConflictError naming the task that took the cloud', async () => {
    let renewed!: () => void;
    const refused = new Promise<void>(r => (renewed = r));
    const conflict = Object.assign(new Error('conflict'), {
      name: 'ResponseError',
      response: { status: 409 },
      body: { error: { message: 'resource:default/demo-cloud is busy: enroll task task-9, started by user:default/bob, is running on it' } },
    });
    const api = {
      acquireLease: jest
        .fn()
        .mockResolvedValueOnce({})
        .mockImplementation(async () => {
          renewed();
          throw conflict;
        }),
      releaseLease: jest.fn(async () => true),
    };
    const { ctx, effects } = leaseCtx('task-1');
    // a lease of 0.03 s: renewed every 10 ms, so the refused renewal comes while the step waits
    const run = holdCloudLease(ctx, api, alice, cloudRef, 'upgrade', async () => {
      await ctx.checkpoint({ key: 'step-1', fn: () => refused });
      await new Promise(r => setImmediate(r));
      await ctx.checkpoint({ key: 'step-2', fn: async () => undefined });
    }, 0.03, () => 0);
    await expect(run).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/stopped before its next change: its lease is no longer task task-1's \(.*enroll task task-9, started by user:default\/bob/),
    });
    expect(effects).toEqual(['step-1']);
  });

  it('keeps going through a failed renewal while the lease is still surely its own', async () => {
    let failed!: () => void;
    const renewalFailed = new Promise<void>(r => (failed = r));
    const api = {
      acquireLease: jest
        .fn()
        .mockResolvedValueOnce({})
        .mockImplementation(async () => {
          failed();
          throw new Error('ECONNRESET');
        }),
      releaseLease: jest.fn(async () => true),
    };
    const { ctx, effects } = leaseCtx('task-1');
    // the clock stands still: the lease taken at 0 is held until 30 ms, never reached
    const result = await holdCloudLease(ctx, api, alice, cloudRef, 'enroll', async () => {
      await ctx.checkpoint({ key: 'step-1', fn: () => renewalFailed });
      await new Promise(r => setImmediate(r));
      await ctx.checkpoint({ key: 'step-2', fn: async () => undefined });
      return 'done';
    }, 0.03, () => 0);
    expect(result).toBe('done');
    expect(effects).toEqual(['step-1', 'step-2']);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('Could not renew the lease of resource:default/demo-cloud: ECONNRESET'));
  });
});
