// The bad-input table: every free string an action takes, refused where it enters with an
// InputError naming exactly its field, before anything is read or written (the fakes record
// every call: demo store, clusters, OpenStack, chart repository, catalog, disk, approvals). Rows:
// empty, too long (10,000 characters for what is stored), unicode, "../", line breaks, shell and
// YAML/INI metacharacters, private and link-local URLs, typed chart URLs (a chart source is named
// in openstack.chartSources, never typed). The create, upgrade and enroll rows also run on the
// real peers: src/integration/badInput.integration.test.ts.
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { validateCloudSpec } from '@backstage-openstack/plugin-openstack-common';
import { setupServer } from 'msw/node';
import { chartRepository, NOTHING_TOUCHED, rig } from '../__testUtils__/actionRig';
import { allowAll } from '../__testUtils__/testing';
import { fieldsNamed, inputOf, liveSpec, rows, runRow } from '../__testUtils__/badInputRows';

const chartRequests: string[] = [];
registerMswTestHooks(setupServer(chartRepository(chartRequests)));

describe('bad input to the actions', () => {
  beforeEach(() => {
    chartRequests.length = 0;
  });

  it('has a valid base for every row (the live spec validates), and at least 40 rows', () => {
    expect(validateCloudSpec(liveSpec).issues).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows)('%s (%s, %j): refused naming %s, nothing changed', async (_what, action, change, field) => {
    const { actions, touched } = rig(allowAll(), chartRequests);
    const [handlerOwner, base] = {
      'create (demo)': actions['openstack:cloud:create (demo)'],
      'create (live)': [actions['openstack:cloud:create (live)'][0], {}],
      upgrade: actions['openstack:cloud:upgrade'],
      enroll: actions['openstack:compute:enroll'],
      register: actions['openstack:catalog:register'],
      approval: actions['openstack:approval:request'],
    }[action];
    const input = inputOf(action, base as Record<string, unknown>, change);
    const { ctx, error } = await runRow(handlerOwner, input);
    expect(error?.name).toBe('InputError');
    expect(fieldsNamed(error.message)).toEqual([field]);
    expect(touched()).toEqual(NOTHING_TOUCHED);
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
