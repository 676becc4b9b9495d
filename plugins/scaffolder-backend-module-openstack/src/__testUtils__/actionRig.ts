// Every state-changing action of the module over fakes that record whatever reaches them (the
// demo store, clusters, OpenStack, the chart repository, the catalog, the suite's entities and
// leases), for the tests that prove an action changed nothing: the permission tests and the
// bad-input table.
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { cloudKeyHolders as holders } from '@backstage-openstack/plugin-openstack-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, HttpResponse } from 'msw';
import yaml from 'yaml';
import { CHART_ORDER, OPENSTACK_HELM_CHART_VERSION, OPENSTACK_HELM_REPOSITORY } from '@backstage-openstack/plugin-openstack-common';
import { FakeCluster } from './fakeCluster';
import { cloudStatus, computeHost, demoCloudEntity, scriptedApi, testDrivers, noApprovalsRequired } from './testing';
import { createCatalogRegisterAction } from '../actions/catalogRegister';
import { examples as registerExamples } from '../actions/catalogRegister.examples';
import { createCloudCreateAction } from '../actions/cloudCreate';
import { examples as createExamples } from '../actions/cloudCreate.examples';
import { createCloudUpgradeAction } from '../actions/cloudUpgrade';
import { createComputeEnrollAction } from '../actions/computeEnroll';
import { examples as enrollExamples } from '../actions/computeEnroll.examples';
import { createApprovalRequestAction } from '../actions/approvalRequest';
import { createComputeMaintenanceAction } from '../actions/computeMaintenance';
import { examples as maintenanceExamples } from '../actions/computeMaintenance.examples';
import { createComputeDecommissionAction } from '../actions/computeDecommission';
import { examples as decommissionExamples } from '../actions/computeDecommission.examples';
import { examples as approvalExamples } from '../actions/approvalRequest.examples';
import { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';

/** The official chart repository serving every chart (an msw handler); each request is pushed to `requests`. */
export function chartRepository(requests: string[]) {
  return http.get(`${OPENSTACK_HELM_REPOSITORY}index.yaml`, ({ request }) => {
    requests.push(request.url);
    return HttpResponse.text(JSON.stringify({ entries: Object.fromEntries(CHART_ORDER.map(c => [c, [{ version: OPENSTACK_HELM_CHART_VERSION }]])) }));
  });
}

const step = (examples: { example: string }[], i = 0) => yaml.parse(examples[i].example).steps[0].input;
const liveCreate = createExamples.map(e => yaml.parse(e.example).steps[0].input).find(i => i.spec);
const demoCreate = createExamples.map(e => yaml.parse(e.example).steps[0].input).find(i => !i.spec);

/** Every state-changing action of the module with a valid input each (its example's), over recording fakes. */
export function rig(permissions: PermissionsService, chartRequests: string[]) {
  const { api, calls, entities } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('cmp-az1-01', '2025.1')] });
  const clusters: FakeCluster[] = [];
  const cluster = jest.fn(() => {
    const c = new FakeCluster();
    clusters.push(c);
    return c;
  });
  const openstack = jest.fn((key: string): never => {
    throw new Error(`no OpenStack cloud ${key} in this test`);
  });
  const catalog = catalogServiceMock({ entities: [demoCloudEntity] });
  const catalogRead = jest.spyOn(catalog, 'getEntityByRef');
  const catalogList = jest.spyOn(catalog, 'getEntities');
  // the keys held: the catalog's clouds (the demo cloud's "demo") and a configured live cloud
  const cloudKeyHolders = (key: string) => holders(catalog, key, mockCredentials.service(), ['prod-eu']);
  const drivers = testDrivers(api, { cluster: cluster as any, openstack });
  // the approvals routes of the suite's backend, every call recorded: a request is approved by alice
  const approvalRoutes = {
    createApproval: jest.fn(async () => ({ id: 'req-1' })),
    getApproval: jest.fn(async () => ({ approval: { id: 'req-1', state: 'approved' as const, decidedBy: 'user:default/alice' } })),
  };
  // a live cloud's host: reaching it counts as reaching OpenStack
  const openHost = jest.fn((): never => {
    throw new Error('no OpenStack host in this test');
  });
  const actions = {
    'openstack:cloud:create (demo)': [createCloudCreateAction({ approvals: noApprovalsRequired, permissions, cloudKeyHolders, api, drivers, pollMs: 1 }), demoCreate],
    'openstack:cloud:create (live)': [createCloudCreateAction({ approvals: noApprovalsRequired, permissions, cloudKeyHolders, api, drivers, pollMs: 1 }), { ...liveCreate, waitForReady: false }],
    'openstack:cloud:upgrade': [
      createCloudUpgradeAction({ approvals: noApprovalsRequired, permissions, catalog, api, drivers, pollMs: 1 }),
      { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 1 },
    ],
    'openstack:compute:enroll': [
      createComputeEnrollAction({ approvals: noApprovalsRequired, permissions, catalog, api, drivers, pollMs: 1 }),
      { ...step(enrollExamples), cloud: 'resource:default/demo-cloud' },
    ],
    'openstack:compute:maintenance': [createComputeMaintenanceAction({ permissions, catalog, api, openHost, pollMs: 1 }), step(maintenanceExamples)],
    'openstack:compute:decommission': [
      createComputeDecommissionAction({ permissions, catalog, api, openHost, approvals: noApprovalsRequired, pollMs: 1 }),
      yaml.parse(decommissionExamples[0].example).steps[2].input,
    ],
    'openstack:catalog:register': [createCatalogRegisterAction({ permissions, api }), step(registerExamples)],
    'openstack:approval:request': [
      createApprovalRequestAction({ permissions, backend: approvalRoutes as unknown as OpenStackPluginApi, appBaseUrl: 'http://localhost:3000' }),
      step(approvalExamples),
    ],
  } as const;
  /** Everything that reached a cloud, the demo store, the chart repository, the catalog, the suite's entities or leases, or the approvals. */
  const touched = () => ({
    demoStore: [...calls, ...api.status.mock.calls, ...api.demoStatus.mock.calls, ...api.hosts.mock.calls],
    clusters: cluster.mock.calls.length,
    clusterWrites: clusters.flatMap(c => c.writes),
    openstack: openstack.mock.calls.length + openHost.mock.calls.length,
    chartRepository: [...chartRequests],
    catalogReads: catalogRead.mock.calls.length + catalogList.mock.calls.length,
    suiteEntities: [...entities.keys()],
    leases: api.acquireLease.mock.calls.length,
    approvals: [...approvalRoutes.createApproval.mock.calls, ...approvalRoutes.getApproval.mock.calls],
  });
  return { actions, touched, calls, clusters, entities, approvals: approvalRoutes };
}


/** What `touched()` answers when nothing reached any fake. */
export const NOTHING_TOUCHED = {
  demoStore: [],
  clusters: 0,
  clusterWrites: [],
  openstack: 0,
  chartRepository: [],
  catalogReads: 0,
  suiteEntities: [],
  leases: 0,
  approvals: [],
};
