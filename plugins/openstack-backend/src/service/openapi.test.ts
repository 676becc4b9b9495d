import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'yaml';
import { readChartSources } from '@backstage-openstack/plugin-openstack-node';
import { createApprovalsRouter } from '../approvals';
import { DemoClouds } from '../demo/DemoClouds';
import { StatusService } from '../status/StatusService';
import { createSuiteRouter } from '../suite/router';
import { createFleetRouter } from './fleet';
import { createJoinRouter, readJoinSettings } from '../join/router';
import { createRouter } from './router';

/** `METHOD /path/{param}` of every operation of a router, as openapi.yaml writes paths. */
function routesOf(router: { stack: any[] }): string[] {
  return router.stack
    .filter(layer => layer.route)
    .flatMap(layer =>
      Object.keys(layer.route.methods).map(m => `${m.toUpperCase()} ${String(layer.route.path).replace(/:(\w+)/g, '{$1}')}`),
    );
}

describe('openapi.yaml', () => {
  it('describes exactly the routes the plugin serves', async () => {
    const openapi = yaml.parse(readFileSync(resolve(__dirname, '../../openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(openapi.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map(m => `${m.toUpperCase()} ${path}`),
    );
    const router = await createRouter({
      logger: mockServices.logger.mock(),
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      permissions: mockServices.permissions(),
      catalog: catalogServiceMock(),
      status: new StatusService({}, mockServices.cache.mock(), mockServices.logger.mock()),
      // with the demo on, so its routes are registered too
      demo: {} as DemoClouds,
      liveCloudKeys: [],
      chartSources: readChartSources(mockServices.rootConfig()),
    });
    const approvals = createApprovalsRouter({
      store: {} as any,
      runs: {} as any,
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      groupsOf: async () => [],
    });
    const suite = createSuiteRouter({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      catalog: catalogServiceMock(),
      entities: {} as any,
      leases: {} as any,
      changes: {} as any,
    });
    const fleet = createFleetRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      catalog: catalogServiceMock(),
      status: new StatusService({}, mockServices.cache.mock(), mockServices.logger.mock()),
      leases: {} as any,
      approvals: {} as any,
      logger: mockServices.logger.mock(),
    });
    const join = createJoinRouter({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      catalog: catalogServiceMock(),
      discovery: mockServices.discovery(),
      auditor: {} as any,
      logger: mockServices.logger.mock(),
      tokens: {} as any,
      continuations: {} as any,
      settings: readJoinSettings(mockServices.rootConfig()),
    });
    const served = [...routesOf(router as any), ...routesOf(approvals as any), ...routesOf(suite as any), ...routesOf(fleet as any), ...routesOf(join as any)];
    expect(served.length).toBeGreaterThan(10);
    expect([...served].sort()).toEqual([...documented].sort());
  });
});
