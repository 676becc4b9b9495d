// No silent takeover: openstack:cloud:create refuses a name that is already a cloud's key (a
// configured live cloud, a catalog cloud, a demo cloud in the store, a namespace labelled with it)
// with an InputError naming the field, before anything changes, dry run included; only the same
// task resuming its own work (its claim checkpointed) goes on.
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import { chartRepository, rig } from '../__testUtils__/actionRig';
import { allowAll, recoverableContext } from '../__testUtils__/testing';

const chartRequests: string[] = [];
registerMswTestHooks(setupServer(chartRepository(chartRequests)));

type Handler = (ctx: unknown) => Promise<void>;

describe('openstack:cloud:create takes no cloud over', () => {
  it.each([
    ['a configured live cloud (openstack.clouds.prod-eu)', 'prod-eu', /the live cloud openstack\.clouds\.prod-eu/],
    ['a catalog cloud (the demo cloud, key demo)', 'demo', /the catalog cloud resource:default\/demo-cloud/],
  ])('demo: refuses the key of %s', async (_what, name, holder) => {
    for (const isDryRun of [true, false]) {
      const { actions, calls } = rig(allowAll(), chartRequests);
      const [action, input] = actions['openstack:cloud:create (demo)'];
      const ctx = Object.assign(createMockActionContext({ input: { ...input, name } }), { isDryRun });
      const error = await (action.handler as Handler)(ctx).catch(e => e);
      expect(error?.name).toBe('InputError');
      expect(error.message).toMatch(new RegExp(`^input\\.name: "${name}" is already taken by`));
      expect(error.message).toMatch(holder);
      expect(calls).toEqual([]);
      expect(ctx.output).not.toHaveBeenCalled();
    }
  });

  it.each([
    ['a configured live cloud', 'prod-eu', /the live cloud openstack\.clouds\.prod-eu/],
    ['a catalog cloud', 'demo', /the catalog cloud resource:default\/demo-cloud/],
  ])('live: refuses the key of %s', async (_what, name, holder) => {
    const { actions, touched } = rig(allowAll(), chartRequests);
    const [action, input] = actions['openstack:cloud:create (live)'];
    const spec = { ...input.spec, name, delivery: { ...input.spec.delivery, namespace: undefined } };
    const ctx = createMockActionContext({ input: { ...input, spec } });
    const error = await (action.handler as Handler)(ctx).catch(e => e);
    expect(error?.name).toBe('InputError');
    expect(error.message).toMatch(new RegExp(`^input\\.spec\\.name: "${name}" is already taken by`));
    expect(error.message).toMatch(holder);
    expect(touched().clusterWrites).toEqual([]);
  });

  it('demo: a second task may not re-create a demo cloud of the store; the first task, resumed, goes on', async () => {
    const { actions, calls } = rig(allowAll(), chartRequests);
    const [action, input] = actions['openstack:cloud:create (demo)'];
    const first = new Map<string, unknown>();
    await (action.handler as Handler)(recoverableContext({ ...input, waitForReady: false }, first));
    expect(calls).toEqual(['create edge-1']);

    const other = await (action.handler as Handler)(recoverableContext({ ...input, waitForReady: false }, new Map())).catch(e => e);
    expect(other?.message).toMatch(/^input\.name: "edge-1" is already taken by the demo cloud "edge-1" in the demo store/);

    await (action.handler as Handler)(recoverableContext({ ...input, waitForReady: false }, first)); // resumed: claim and create checkpointed
    expect(calls).toEqual(['create edge-1']);
  });
});
