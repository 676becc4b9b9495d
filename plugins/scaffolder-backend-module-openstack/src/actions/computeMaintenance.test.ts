import yaml from 'yaml';
import { examples } from './computeMaintenance.examples';
import { InputError } from '@backstage/errors';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { parseMaintenanceReason } from '@backstage-openstack/plugin-openstack-common';
import { allowAll, catalog, recoverableContext, scriptedApi, cloudStatus } from '../__testUtils__/testing';
import { createComputeMaintenanceAction } from './computeMaintenance';
import { hostOpener } from './hostAction';
import { fakeHost, liveCatalog } from './hostTesting';

const user = { ref: 'user:default/alice', entity: undefined };
const input = { cloud: 'resource:openstack/prod-cloud', host: 'compute1', mode: 'enter', reason: 'replace DIMM B2', parallel: 2, timeoutMinutes: 5 };

function setup(host = fakeHost('compute1', 5)) {
  const s = scriptedApi({ status: () => cloudStatus('2025.1') });
  const action = createComputeMaintenanceAction({ permissions: allowAll(), catalog: liveCatalog(), api: s.api, openHost: () => host.target, pollMs: 1 });
  return { ...s, host, action };
}

describe('openstack:compute:maintenance', () => {
  it('enter: disables with reason, initiator and time, moves every instance at most N at a time, holds the lease', async () => {
    const { action, host, api, leases } = setup();
    const store = new Map<string, unknown>();
    const ctx = recoverableContext(input, store, { user });
    await action.handler(ctx as any);
    const m = parseMaintenanceReason(host.service.disabledReason);
    expect(m).toEqual({ reason: 'replace DIMM B2', by: 'user:default/alice', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(host.service.status).toBe('disabled');
    expect([...host.servers.values()].map(s => s.host)).toEqual(Array(5).fill('compute2'));
    expect(host.maxMoving()).toBeLessThanOrEqual(2);
    expect(host.calls.filter(c => c.startsWith('live-migrate'))).toHaveLength(5);
    expect(ctx.output).toHaveBeenCalledWith('moved', expect.arrayContaining(['vm-1', 'vm-5']));
    expect(ctx.output).toHaveBeenCalledWith('failed', []);
    expect(api.acquireLease).toHaveBeenCalledWith(expect.anything(), 'resource:openstack/prod-cloud', expect.objectContaining({ kind: 'maintenance' }));
    expect(leases.size).toBe(0);
  });

  it("enter: reports each instance that cannot move with Nova's reason, and the host stays disabled", async () => {
    const host = fakeHost('compute1', 4, {
      fails: { 'vm-2': 'No valid host was found. There are not enough hosts available.' },
      refuses: { 'vm-3': "Cannot 'os-migrateLive' instance vm-3 while it is in vm_state stopped" },
    });
    const { action } = setup(host);
    const ctx = recoverableContext(input, new Map(), { user });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /2 instance\(s\) could not leave compute1, which stays disabled:\n- server-2 \(vm-2\): No valid host was found[^\n]*\n- server-3 \(vm-3\): Cannot 'os-migrateLive'|2 instance\(s\) could not leave compute1, which stays disabled:\n- server-3 \(vm-3\): Cannot 'os-migrateLive'[^\n]*\n- server-2 \(vm-2\): No valid host/,
    );
    expect(host.service.status).toBe('disabled');
    expect([...host.servers.values()].filter(s => s.host === 'compute1').map(s => s.id).sort()).toEqual(['vm-2', 'vm-3']);
  });

  it('enter, resumed: does not disable or start a migration twice', async () => {
    const host = fakeHost('compute1', 3);
    const { action } = setup(host);
    const store = new Map<string, unknown>();
    await action.handler(recoverableContext(input, store, { user }) as any);
    const calls = host.calls.length;
    await action.handler(recoverableContext(input, store, { user }) as any);
    expect(host.calls).toHaveLength(calls);
    expect([...store.keys()]).toEqual(expect.arrayContaining(['maintenance.prod.compute1.enter.disable', 'maintenance.prod.compute1.enter.live-migrate.vm-1']));
  });

  it('exit: refuses while the host is down or its OVN agent is not alive, then enables', async () => {
    const host = fakeHost('compute1', 0, { state: 'down' });
    const { action } = setup(host);
    const exit = { ...input, mode: 'exit', reason: undefined };
    await action.handler(recoverableContext(input, new Map(), { user }) as any);
    await expect(action.handler(recoverableContext(exit, new Map(), { user }) as any)).rejects.toThrow(/nova-compute on compute1 is down/);
    host.service.state = 'up';
    await action.handler(recoverableContext(exit, new Map(), { user }) as any);
    expect(host.service).toMatchObject({ status: 'enabled', disabledReason: null });
  });

  it('refuses bad input before anything, naming each field', async () => {
    const { action, host } = setup();
    const ctx = recoverableContext({ ...input, host: 'Bad_Host', reason: '', mode: 'enter', parallel: 0 }, new Map(), { user });
    const err = await action.handler(ctx as any).catch(e => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/input\.host/);
    expect(err.message).toMatch(/input\.reason/);
    expect(err.message).toMatch(/input\.parallel/);
    expect(host.calls).toEqual([]);
  });

  it("checks the permission with the initiator's credentials", async () => {
    const host = fakeHost('compute1', 1);
    const s = scriptedApi({ status: () => cloudStatus('2025.1') });
    const permissions = mockServices.permissions.mock({ authorize: async () => [{ result: AuthorizeResult.DENY }] });
    const action = createComputeMaintenanceAction({ permissions, catalog: liveCatalog(), api: s.api, openHost: () => host.target, pollMs: 1 });
    const ctx = recoverableContext(input, new Map(), { user, getInitiatorCredentials: async () => mockCredentials.user('user:default/bob') });
    await expect(action.handler(ctx as any)).rejects.toThrow(/openstack\.compute\.maintenance is required/);
    expect(permissions.authorize).toHaveBeenCalledWith(expect.anything(), { credentials: mockCredentials.user('user:default/bob') });
    expect(host.calls).toEqual([]);
  });

  it('refuses the demo cloud: no instances to move there', async () => {
    const s = scriptedApi({ status: () => cloudStatus('2025.1') });
    const action = createComputeMaintenanceAction({ permissions: allowAll(), catalog: catalog(), api: s.api, openHost: hostOpener(() => fakeHost('x', 0).target), pollMs: 1 });
    const ctx = recoverableContext({ ...input, cloud: 'resource:default/demo-cloud' }, new Map(), { user });
    await expect(action.handler(ctx as any)).rejects.toThrow(InputError);
  });
});

describe('openstack:compute:maintenance examples', () => {
  it.each(examples.map(e => [e.description, e]))('%s: passes the action’s validation (dry run)', async (_d, example) => {
    const host = fakeHost('cmp-az1-13', 2);
    const s = scriptedApi({ status: () => cloudStatus('2025.1') });
    const action = createComputeMaintenanceAction({ permissions: allowAll(), catalog: liveCatalog(), api: s.api, openHost: () => host.target, pollMs: 1 });
    const step = yaml.parse(example.example).steps[0];
    const ctx = recoverableContext({ ...step.input }, new Map(), { user, isDryRun: true });
    await action.handler(ctx as any);
    expect(host.calls).toEqual([]);
    expect(s.api.acquireLease).not.toHaveBeenCalled();
  });
});
