import { mockServices } from '@backstage/backend-test-utils';
import { createApprovalPlan } from '@backstage-openstack/plugin-openstack-common';
import { approvalGateFromConfig, enforceApproval } from './approvalGate';
import { recoverableContext } from '../__testUtils__/testing';

const config = (required?: Record<string, string[]>) => mockServices.rootConfig({ data: required ? { openstack: { approvals: { required } } } : {} });
const backend = () => ({ verifyApproval: jest.fn(async () => ({ id: 'a-1', decidedBy: 'user:default/alice' }) as any) });
const plan = createApprovalPlan({ cloud: 'resource:default/x', lifecycle: 'development', spec: { name: 'x' }, objects: [] });

describe('approvalGateFromConfig', () => {
  it('needs all four operations by default, for a lifecycle not listed and for a cloud without one', () => {
    const gate = approvalGateFromConfig(config(), backend());
    expect(gate.required(undefined)).toEqual(['create', 'upgrade', 'enroll', 'decommission']);
    expect(gate.required('production')).toEqual(['create', 'upgrade', 'enroll', 'decommission']);
    const listed = approvalGateFromConfig(config({ development: [], staging: ['upgrade'] }), backend());
    expect(listed.required('development')).toEqual([]);
    expect(listed.required('staging')).toEqual(['upgrade']);
    expect(listed.required('production')).toEqual(['create', 'upgrade', 'enroll', 'decommission']);
  });

  it('stops the backend on an operation it does not know, naming the key', () => {
    expect(() => approvalGateFromConfig(config({ production: ['create', 'delete'] }), backend())).toThrow(
      'openstack.approvals.required.production: "delete" is not an operation; use any of create, upgrade, enroll, decommission',
    );
  });
});

describe('enforceApproval', () => {
  it('asks the backend with the approval, the task, the operation, the cloud and the plan; once per task and plan', async () => {
    const b = backend();
    const gate = approvalGateFromConfig(config(), b);
    const store = new Map<string, unknown>();
    const ctx = Object.assign(recoverableContext({}, store), { task: { id: 't-7' } });
    await enforceApproval(ctx as any, gate, plan, 'production', 'a-1');
    await enforceApproval(ctx as any, gate, plan, 'production', 'a-1');
    expect(b.verifyApproval).toHaveBeenCalledTimes(1);
    expect(b.verifyApproval).toHaveBeenCalledWith({ approvalId: 'a-1', taskId: 't-7', operation: 'create', cloud: 'resource:default/x', plan });
  });

  it('refuses a run without an approval where the lifecycle needs one, before asking the backend', async () => {
    const b = backend();
    const gate = approvalGateFromConfig(config(), b);
    for (const none of [undefined, '']) {
      await expect(enforceApproval(recoverableContext({}, new Map()) as any, gate, plan, 'production', none)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('Refused to create resource:default/x: a cloud of lifecycle production needs an approval to create'),
      });
    }
    expect(b.verifyApproval).not.toHaveBeenCalled();
  });

  it("skips the backend where the lifecycle needs no approval, and on a dry run; refuses with the backend's reason", async () => {
    const b = backend();
    const gate = approvalGateFromConfig(config({ development: [] }), b);
    await enforceApproval(recoverableContext({}, new Map()) as any, gate, plan, 'development', undefined);
    await enforceApproval(Object.assign(recoverableContext({}, new Map()), { isDryRun: true }) as any, gate, plan, 'production', undefined);
    expect(b.verifyApproval).not.toHaveBeenCalled();
    b.verifyApproval.mockRejectedValueOnce(Object.assign(new Error('Request failed with 403'), { body: { error: { message: 'no approved request' } } }));
    await expect(enforceApproval(recoverableContext({}, new Map()) as any, gate, plan, 'production', 'a-2')).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'Refused to create resource:default/x: no approved request',
    });
  });
});
