import { mockCredentials } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { recoverableContext, allowAll, scriptedApi, cloudStatus } from '../__testUtils__/testing';
import { createCatalogRegisterAction } from './catalogRegister';
import { examples } from './catalogRegister.examples';

describe('openstack:catalog:register', () => {
  const entity = yaml.parse(examples[0].example).steps[0].input.entity;
  const suite = () => scriptedApi({ status: () => cloudStatus('2025.1') });

  it("stores the entity in the suite's backend as the task's initiator, once, and writes no file", async () => {
    const { api, entities } = suite();
    const action = createCatalogRegisterAction({ permissions: allowAll(), api });
    const store = new Map<string, unknown>();
    const ctx = recoverableContext({ entity }, store);
    await action.handler(ctx as any);
    await action.handler(recoverableContext({ entity }, store) as any); // resumed: not stored again
    expect(api.putEntity).toHaveBeenCalledTimes(1);
    expect(api.putEntity).toHaveBeenCalledWith(mockCredentials.user(), entity);
    expect(entities.get('resource:default/edge-1')).toEqual(entity);
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/edge-1');
  });

  it.each([
    [{ kind: 'Resource', spec: { type: 'openstack-cloud' } }, /input\.entity\.metadata\.name: not a valid entity name/],
    [{ kind: 'Resource', metadata: { name: 'config.local', namespace: '/../../../app' }, spec: { type: 'openstack-cloud' } }, /input\.entity\.metadata\.namespace: not a valid entity namespace/],
    [{ kind: 'Resource', metadata: { name: '../x' }, spec: { type: 'openstack-compute-host' } }, /input\.entity\.metadata\.name/],
    [{ kind: 'Component', metadata: { name: 'x' }, spec: { type: 'openstack-cloud' } }, /input\.entity: only a Resource/],
    [{ kind: 'Resource', metadata: { name: 'x' }, spec: { type: 'database' } }, /input\.entity: only a Resource/],
  ])('refuses %j before anything is stored', async (bad, message) => {
    const { api } = suite();
    const action = createCatalogRegisterAction({ permissions: allowAll(), api });
    await expect(action.handler(recoverableContext({ entity: bad }, new Map()) as any)).rejects.toThrow(message);
    expect(api.putEntity).not.toHaveBeenCalled();
  });

  it('stores nothing in a dry run', async () => {
    const { api } = suite();
    const action = createCatalogRegisterAction({ permissions: allowAll(), api });
    const ctx = recoverableContext({ entity }, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(api.putEntity).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/edge-1');
  });
});
