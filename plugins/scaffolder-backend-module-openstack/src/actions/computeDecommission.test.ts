import yaml from 'yaml';
import { examples } from './computeDecommission.examples';
import { NotAllowedError } from '@backstage/errors';
import { allowAll, cloudStatus, noApprovalsRequired, recoverableContext, scriptedApi } from '../__testUtils__/testing';
import { ApprovalGate } from './approvalGate';
import { createComputeDecommissionAction } from './computeDecommission';
import { fakeHost, liveCatalog } from './hostTesting';

const user = { ref: 'user:default/alice', entity: undefined };
const input = { cloud: 'resource:openstack/prod-cloud', host: 'compute3', timeoutMinutes: 5 };

function setup(host: ReturnType<typeof fakeHost>, approvals: ApprovalGate = noApprovalsRequired) {
  const s = scriptedApi({ status: () => cloudStatus('2025.1') });
  s.entities.set('resource:openstack/prod.compute3', { kind: 'Resource' });
  const action = createComputeDecommissionAction({ permissions: allowAll(), catalog: liveCatalog(), api: s.api, openHost: () => host.target, approvals, pollMs: 1 });
  return { ...s, action };
}

describe('openstack:compute:decommission', () => {
  it('empties the host, waits until it is stopped, deletes service, agents, aggregate membership, bundle, unused join token and entity', async () => {
    const host = fakeHost('compute3', 2);
    const { action, entities, api } = setup(host);
    // an enrollment of compute3 whose join command was never run: its token must not outlive the host
    await api.issueJoinToken(undefined as any, 'resource:openstack/prod-cloud', { host: 'compute3', managementIp: '10.0.0.3', files: { 'host.yaml': 'host: compute3\n' } });
    // the host is powered off once it is empty (here: at the first wait for it to go down)
    const computeService = host.target.computeService;
    host.target.computeService = async () => {
      if ([...host.servers.values()].every(s => s.host !== 'compute3') && host.service.status === 'disabled') host.stopHost();
      return computeService();
    };
    const ctx = recoverableContext(input, new Map(), { user });
    await action.handler(ctx as any);
    expect(host.calls).toEqual([
      `disable maintenance: decommission (by user:default/alice, since ${host.calls[0].split('since ')[1]}`,
      'live-migrate vm-1',
      'live-migrate vm-2',
      'delete service',
      'delete agent compute3',
      'delete agent meta-1',
      'remove from aggregate 7',
      'delete bundle',
    ]);
    expect(entities.has('resource:openstack/prod.compute3')).toBe(false);
    expect(api.acquireLease).toHaveBeenCalledWith(expect.anything(), 'resource:openstack/prod-cloud', expect.objectContaining({ kind: 'decommission' }));
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:openstack/prod.compute3');
    // the unused join token is gone, deleted as the task's initiator
    expect(api.deleteJoinTokens).toHaveBeenCalledWith(expect.objectContaining({ principal: expect.objectContaining({ userEntityRef: 'user:default/mock' }) }), 'resource:openstack/prod-cloud', 'compute3');
    expect(await api.deleteJoinTokens.mock.results[0].value).toBe(1);
    expect(api.joinFiles('resource:openstack/prod-cloud', 'compute3')).toBeUndefined();
  });

  it('refuses a down host with instances unless evacuate is set, then evacuates them', async () => {
    const host = fakeHost('compute3', 2, { state: 'down' });
    const { action } = setup(host);
    await expect(action.handler(recoverableContext(input, new Map(), { user }) as any)).rejects.toThrow(
      /compute3 is down with 2 instance\(s\) on it \(server-1 \(vm-1\), server-2 \(vm-2\)\).*Set input\.evacuate/,
    );
    expect(host.calls.filter(c => c.startsWith('delete'))).toEqual([]);
    await action.handler(recoverableContext({ ...input, evacuate: true }, new Map(), { user }) as any);
    expect(host.calls.filter(c => c.startsWith('evacuate'))).toEqual(['evacuate vm-1', 'evacuate vm-2']);
    expect(host.calls).toContain('delete service');
  });

  it('deletes nothing while an instance cannot move', async () => {
    const host = fakeHost('compute3', 2, { fails: { 'vm-1': 'No valid host was found.' } });
    const { action } = setup(host);
    await expect(action.handler(recoverableContext(input, new Map(), { user }) as any)).rejects.toThrow(/server-1 \(vm-1\): No valid host was found\.\nNothing was deleted/);
    expect(host.calls.filter(c => c.startsWith('delete'))).toEqual([]);
  });

  it('needs the approval of its plan by the lifecycle rule; planOnly outputs that plan', async () => {
    const host = fakeHost('compute3', 0, { state: 'down' });
    const verify = jest.fn(async () => {
      throw new Error('no approved request of task for this plan');
    });
    const { action } = setup(host, { required: () => ['decommission'], verify } as unknown as ApprovalGate);
    const plan = recoverableContext({ ...input, planOnly: true }, new Map(), { user });
    await action.handler(plan as any);
    expect(plan.output).toHaveBeenCalledWith('approvalRequired', true);
    expect(plan.output).toHaveBeenCalledWith('plan', expect.objectContaining({ operation: 'decommission', cloud: 'resource:openstack/prod-cloud', host: 'compute3', evacuate: false }));
    // without the approval the backend starts the run with: refused before asking anyone
    const unapproved = await action.handler(recoverableContext(input, new Map(), { user }) as any).catch(e => e);
    expect(unapproved).toBeInstanceOf(NotAllowedError);
    expect(verify).not.toHaveBeenCalled();
    // with an approval that the backend does not confirm for this plan: refused too
    const err = await action.handler(recoverableContext({ ...input, approvalId: 'a-1' }, new Map(), { user }) as any).catch(e => e);
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(verify).toHaveBeenCalledWith(expect.objectContaining({ operation: 'decommission' }));
    expect(host.calls).toEqual([]);
  });

  it('goes on from what is left when the service is already gone (a resumed or repeated run)', async () => {
    const host = fakeHost('compute3', 0, { state: 'down' });
    host.service.exists = false;
    const { action } = setup(host);
    await action.handler(recoverableContext(input, new Map(), { user }) as any);
    expect(host.calls).toEqual(['delete agent compute3', 'delete agent meta-1', 'remove from aggregate 7', 'delete bundle']);
  });
});

describe('openstack:compute:decommission examples', () => {
  const steps = examples.flatMap(e => (yaml.parse(e.example).steps as Array<{ action: string; input: Record<string, unknown> }>).filter(st => st.action === 'openstack:compute:decommission').map(st => [e.description, st.input] as const));
  it.each(steps)('%s: passes the action’s validation (dry run)', async (_d, stepInput) => {
    const host = fakeHost('cmp-az1-13', 1);
    const { action, api } = setup(host);
    const ctx = recoverableContext({ ...stepInput, cloud: 'resource:openstack/prod-cloud' }, new Map(), { user, isDryRun: true });
    await action.handler(ctx as any);
    expect(host.calls).toEqual([]);
    expect(api.acquireLease).not.toHaveBeenCalled();
  });
});
