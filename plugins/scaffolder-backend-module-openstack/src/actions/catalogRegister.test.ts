import { createMockDirectory } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readFileSync } from 'node:fs';
import yaml from 'yaml';
import { recoverableContext, allowAll } from '../__testUtils__/testing';
import { createCatalogRegisterAction } from './catalogRegister';
import { examples } from './catalogRegister.examples';

describe('openstack:catalog:register', () => {
  const dir = createMockDirectory();
  const entity = yaml.parse(examples[0].example).steps[0].input.entity;

  it('writes the entity and adds its file as a location, once', async () => {
    const catalog = catalogServiceMock.mock();
    const action = createCatalogRegisterAction({ permissions: allowAll(), catalog, directory: dir.path });
    const store = new Map<string, unknown>();
    const ctx = recoverableContext({ entity }, store);
    await action.handler(ctx as any);
    await action.handler(recoverableContext({ entity }, store) as any); // resumed: no second location
    expect(catalog.addLocation).toHaveBeenCalledTimes(1);
    const [[location]] = catalog.addLocation.mock.calls;
    expect(location.type).toBe('file');
    expect(yaml.parse(readFileSync(location.target, 'utf8'))).toEqual(entity);
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/edge-1');
  });

  it('refreshes when the location exists already', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.addLocation.mockRejectedValue(Object.assign(new Error('exists'), { name: 'ConflictError' }));
    const action = createCatalogRegisterAction({ permissions: allowAll(), catalog, directory: dir.path });
    await action.handler(recoverableContext({ entity }, new Map()) as any);
    expect(catalog.refreshEntity).toHaveBeenCalledWith('resource:default/edge-1', expect.anything());
  });

  it('refuses an entity without a name, and writes nothing in a dry run', async () => {
    const catalog = catalogServiceMock.mock();
    const action = createCatalogRegisterAction({ permissions: allowAll(), catalog, directory: dir.path });
    await expect(action.handler(recoverableContext({ entity: { kind: 'Resource' } }, new Map()) as any)).rejects.toThrow(/input\.entity/);
    await action.handler(recoverableContext({ entity }, new Map(), { isDryRun: true }) as any);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });
});
