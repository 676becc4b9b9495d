import yaml from 'yaml';
import { allowAll, recoverableContext } from '../__testUtils__/testing';
import { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { createApprovalRequestAction } from './approvalRequest';
import { examples } from './approvalRequest.examples';

/** A backend that keeps approval requests in memory and decides them after `polls` reads. */
function approvals(decision: { state: string; decidedBy?: string; comment?: string }, polls = 2) {
  const created: any[] = [];
  let reads = 0;
  const backend = {
    createApproval: jest.fn(async (b: any) => {
      const found = created.find(a => a.taskId === b.taskId && a.stepId === b.stepId);
      if (found) return found;
      const a = { ...b, id: `req-${created.length + 1}`, state: 'pending', expiresAt: 'later' };
      created.push(a);
      return a;
    }),
    getApproval: jest.fn(async (id: string) => {
      reads++;
      const a = created.find(x => x.id === id)!;
      return { approval: reads >= polls ? { ...a, ...decision } : a };
    }),
  };
  return { backend: backend as unknown as OpenStackPluginApi & typeof backend, created };
}

const input = {
  title: 'Upgrade demo',
  summary: '2025.1 → 2025.2',
  plan: { hop: ['2025.1', '2025.2'] },
  cloud: 'resource:default/demo-cloud',
  approverGroup: 'group:default/platform-team',
  timeoutMinutes: 60,
};
const user = { ref: 'user:default/bob', entity: undefined as any };

describe('openstack:approval:request', () => {
  it('creates the request, waits, and names the approver when approved', async () => {
    const { backend, created } = approvals({ state: 'approved', decidedBy: 'user:default/alice', comment: 'go' });
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    const ctx = recoverableContext(input, new Map(), { user });
    await action.handler(ctx as any);
    expect(created).toEqual([expect.objectContaining({ requester: 'user:default/bob', cloud: 'resource:default/demo-cloud', taskId: 'mock-task-id', stepId: 'mock-step-id' })]);
    expect(ctx.output).toHaveBeenCalledWith('approvedBy', 'user:default/alice');
    expect(ctx.output).toHaveBeenCalledWith('comment', 'go');
  });

  it.each([
    [{ state: 'rejected', decidedBy: 'user:default/carol', comment: 'not during the freeze' }, 'Approval rejected by user:default/carol: not during the freeze'],
    [{ state: 'expired' }, 'Approval expired'],
    [{ state: 'cancelled', decidedBy: 'user:default/bob' }, 'Approval cancelled by user:default/bob'],
  ])('fails the task when %j', async (decision, message) => {
    const { backend } = approvals(decision);
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    const ctx = recoverableContext(input, new Map(), { user });
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(ctx.output).not.toHaveBeenCalledWith('approvedBy', expect.anything());
  });

  it('finds its request again after a restart instead of making a second', async () => {
    const { backend, created } = approvals({ state: 'approved', decidedBy: 'user:default/alice' }, 3);
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    const store = new Map<string, unknown>();
    backend.getApproval.mockImplementationOnce(async () => {
      throw new Error('backend restarted');
    });
    await expect(action.handler(recoverableContext(input, store, { user }) as any)).rejects.toThrow('backend restarted');
    const second = recoverableContext(input, store, { user });
    await action.handler(second as any);
    expect(created).toHaveLength(1);
    expect(backend.createApproval).toHaveBeenCalledTimes(1);
    expect(second.output).toHaveBeenCalledWith('requestId', 'req-1');
  });

  it('needs a signed-in requester and a group, and creates nothing in a dry run', async () => {
    const { backend } = approvals({ state: 'approved' });
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    await expect(action.handler(recoverableContext(input, new Map()) as any)).rejects.toThrow(/signed-in requester/);
    await expect(action.handler(recoverableContext({ ...input, approverGroup: 'platform-team' }, new Map(), { user }) as any)).rejects.toThrow(
      /input\.approverGroup/,
    );
    await action.handler(recoverableContext(input, new Map(), { user, isDryRun: true }) as any);
    expect(backend.createApproval).not.toHaveBeenCalled();
  });

  it('applies its own defaults (the scaffolder does not apply the schema defaults)', async () => {
    const { backend, created } = approvals({ state: 'approved', decidedBy: 'user:default/alice' });
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    await action.handler(recoverableContext({ title: 'New cloud', plan: {} }, new Map(), { user }) as any);
    expect(created[0]).toMatchObject({ approverGroup: 'group:default/platform-team', timeoutMinutes: 1440, summary: '' });
  });

  it.each([
    // the new-cloud template names the cloud to be by its name: the entity it registers in the default namespace
    ['lab', 'resource:default/lab'],
    ['resource:team-a/lab', 'resource:team-a/lab'],
  ])('keys the request for cloud %s by the full cloud ref %s', async (cloud, cloudRef) => {
    const { backend, created } = approvals({ state: 'approved', decidedBy: 'user:default/alice' });
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    await action.handler(recoverableContext({ title: 'x', plan: {}, cloud }, new Map(), { user }) as any);
    expect(created.map(a => a.cloud)).toEqual([cloudRef]);
  });

  it('refuses a ref that names no cloud before asking anyone', async () => {
    const { backend } = approvals({ state: 'approved' });
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000', pollMs: 1 });
    await expect(
      action.handler(recoverableContext({ title: 'x', plan: {}, cloud: 'component:default/lab' }, new Map(), { user }) as any),
    ).rejects.toThrow(/^input\.cloud: "component:default\/lab" is a component, not a cloud/);
    expect(backend.createApproval).not.toHaveBeenCalled();
  });

  it('runs its example (dry run)', async () => {
    const { backend } = approvals({ state: 'approved' });
    const action = createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000' });
    const ctx = recoverableContext(yaml.parse(examples[0].example).steps[0].input, new Map(), { user, isDryRun: true });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'dry-run');
  });
});
