import yaml from 'yaml';
import { allowAll, recoverableContext } from '../__testUtils__/testing';
import { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { createApprovalRequestAction } from './approvalRequest';
import { examples } from './approvalRequest.examples';

/** A backend that keeps approval requests in memory (a request is made once per task step). */
function approvals() {
  const created: any[] = [];
  const backend = {
    createApproval: jest.fn(async (b: any) => {
      const found = created.find(a => a.taskId === b.taskId && a.stepId === b.stepId);
      if (found) return found;
      const a = { ...b, id: `req-${created.length + 1}`, state: 'pending', expiresAt: 'later' };
      created.push(a);
      return a;
    }),
    getApproval: jest.fn(),
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
  runParameters: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2' },
};
const user = { ref: 'user:default/bob', entity: undefined as any };
const templateInfo = { entityRef: 'template:default/openstack-upgrade-cloud' };
const action = (backend: OpenStackPluginApi) => createApprovalRequestAction({ permissions: allowAll(), backend, appBaseUrl: 'http://localhost:3000' });

describe('openstack:approval:request', () => {
  it('files the request with the template and the form values of the run, and ends without waiting for a decision', async () => {
    const { backend, created } = approvals();
    const ctx = recoverableContext(input, new Map(), { user, templateInfo });
    await action(backend).handler(ctx as any);
    expect(created).toEqual([
      expect.objectContaining({
        requester: 'user:default/bob',
        cloud: 'resource:default/demo-cloud',
        taskId: 'mock-task-id',
        stepId: 'mock-step-id',
        templateRef: 'template:default/openstack-upgrade-cloud',
        runParameters: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2' },
      }),
    ]);
    // never asks for the decision: the run starts as another task once approved
    expect(backend.getApproval).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'req-1');
    expect(ctx.output).toHaveBeenCalledWith('url', 'http://localhost:3000/openstack/approvals/req-1');
  });

  it('drops the empty approvalId of the request phase and refuses a run that would file a request', async () => {
    const { backend, created } = approvals();
    await action(backend).handler(recoverableContext({ ...input, runParameters: { ...input.runParameters, approvalId: '' } }, new Map(), { user, templateInfo }) as any);
    expect(created[0].runParameters).toEqual(input.runParameters);
    await expect(
      action(backend).handler(recoverableContext({ ...input, runParameters: { approvalId: 'req-1' } }, new Map(), { user, templateInfo }) as any),
    ).rejects.toThrow(/input\.runParameters\.approvalId: this run was started by an approval/);
    expect(created).toHaveLength(1);
  });

  it('needs the form values of the run and a template, naming the field', async () => {
    const { backend } = approvals();
    await expect(action(backend).handler(recoverableContext({ ...input, runParameters: undefined }, new Map(), { user, templateInfo }) as any)).rejects.toThrow(
      /input\.runParameters: give the form values/,
    );
    await expect(action(backend).handler(recoverableContext(input, new Map(), { user, templateInfo: undefined }) as any)).rejects.toThrow(/templateInfo\.entityRef/);
    expect(backend.createApproval).not.toHaveBeenCalled();
  });

  it('finds its request again after a restart instead of making a second', async () => {
    const { backend, created } = approvals();
    const store = new Map<string, unknown>();
    await action(backend).handler(recoverableContext(input, store, { user, templateInfo }) as any);
    const second = recoverableContext(input, store, { user, templateInfo });
    await action(backend).handler(second as any);
    expect(created).toHaveLength(1);
    expect(backend.createApproval).toHaveBeenCalledTimes(1);
    expect(second.output).toHaveBeenCalledWith('requestId', 'req-1');
  });

  it('needs a signed-in requester and a group, and creates nothing in a dry run', async () => {
    const { backend } = approvals();
    await expect(action(backend).handler(recoverableContext(input, new Map(), { templateInfo }) as any)).rejects.toThrow(/signed-in requester/);
    await expect(
      action(backend).handler(recoverableContext({ ...input, approverGroup: 'platform-team' }, new Map(), { user, templateInfo }) as any),
    ).rejects.toThrow(/input\.approverGroup/);
    await action(backend).handler(recoverableContext(input, new Map(), { user, templateInfo, isDryRun: true }) as any);
    expect(backend.createApproval).not.toHaveBeenCalled();
  });

  it('applies its own defaults (the scaffolder does not apply the schema defaults)', async () => {
    const { backend, created } = approvals();
    await action(backend).handler(recoverableContext({ title: 'New cloud', plan: {}, runParameters: {} }, new Map(), { user, templateInfo }) as any);
    expect(created[0]).toMatchObject({ approverGroup: 'group:default/platform-team', timeoutMinutes: 1440, summary: '' });
  });

  it.each([
    // the new-cloud template names the cloud to be by its name: the entity it registers in the default namespace
    ['lab', 'resource:default/lab'],
    ['resource:team-a/lab', 'resource:team-a/lab'],
  ])('keys the request for cloud %s by the full cloud ref %s', async (cloud, cloudRef) => {
    const { backend, created } = approvals();
    await action(backend).handler(recoverableContext({ title: 'x', plan: {}, cloud, runParameters: {} }, new Map(), { user, templateInfo }) as any);
    expect(created.map(a => a.cloud)).toEqual([cloudRef]);
  });

  it('refuses a ref that names no cloud before asking anyone', async () => {
    const { backend } = approvals();
    await expect(
      action(backend).handler(
        recoverableContext({ title: 'x', plan: {}, cloud: 'component:default/lab', runParameters: {} }, new Map(), { user, templateInfo }) as any,
      ),
    ).rejects.toThrow(/^input\.cloud: "component:default\/lab" is a component, not a cloud/);
    expect(backend.createApproval).not.toHaveBeenCalled();
  });

  it('runs its example (dry run)', async () => {
    const { backend } = approvals();
    const ctx = recoverableContext(yaml.parse(examples[0].example).steps[0].input, new Map(), { user, templateInfo, isDryRun: true });
    await action(backend).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'dry-run');
  });
});
