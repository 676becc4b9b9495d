import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createCloudEntityAction } from './cloudEntity';
import { examples } from './cloudEntity.examples';

describe('openstack:cloud:entity examples', () => {
  it.each(examples.map(e => [e.description, e]))('%s', async (_d, example) => {
    const action = createCloudEntityAction();
    const step = yaml.parse(example.example).steps[0];
    const ctx = createMockActionContext({ input: step.input });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({ kind: 'Resource' }),
    );
  });
});
