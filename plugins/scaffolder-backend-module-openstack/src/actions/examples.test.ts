import yaml from 'yaml';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { CHART_ORDER, OPENSTACK_HELM_CHART_VERSION, OPENSTACK_HELM_REPOSITORY } from '@backstage-openstack/plugin-openstack-common';
import { FakeCluster } from '../__testUtils__/fakeCluster';
import { cloudStatus, catalog, computeHost, recoverableContext, scriptedApi, testDrivers, allowAll, noHolders, noApprovalsRequired } from '../__testUtils__/testing';
import { examples as createExamples } from './cloudCreate.examples';
import { examples as upgradeExamples } from './cloudUpgrade.examples';
import { examples as enrollExamples } from './computeEnroll.examples';
import { createCloudCreateAction } from './cloudCreate';
import { createCloudUpgradeAction } from './cloudUpgrade';
import { createComputeEnrollAction } from './computeEnroll';

// the official chart repository, for the live create example's chart source check
const server = setupServer(
  http.get(`${OPENSTACK_HELM_REPOSITORY}index.yaml`, () =>
    HttpResponse.text(JSON.stringify({ entries: Object.fromEntries(CHART_ORDER.map(c => [c, [{ version: OPENSTACK_HELM_CHART_VERSION }]])) })),
  ),
);
registerMswTestHooks(server);

// Every example runs, as a dry run against a healthy demo cloud (live examples: an in-memory
// cluster): its input passes the action's own validation.
describe('action examples', () => {
  const { api } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('cmp-az1-01', '2025.1')] });
  const drivers = testDrivers(api);
  const actions = {
    'openstack:cloud:create': createCloudCreateAction({ approvals: noApprovalsRequired, permissions: allowAll(), cloudKeyHolders: noHolders, api, drivers: testDrivers(api, { cluster: (): any => new FakeCluster() }) }),
    'openstack:cloud:upgrade': createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers }),
    'openstack:compute:enroll': createComputeEnrollAction({ approvals: noApprovalsRequired, permissions: allowAll(), catalog: catalog(), api, drivers }),
  };
  const all = [...createExamples, ...upgradeExamples, ...enrollExamples];
  it.each(all.map(e => [e.description, e]))('%s', async (_d, example) => {
    const step = yaml.parse(example.example).steps[0];
    const action = actions[step.action as keyof typeof actions];
    const ctx = recoverableContext({ ...step.input }, new Map(), { isDryRun: true });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalled();
  });
});
