/**
 * @jest-environment node
 */
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'yaml';
import { OPENSTACK_PLUGIN_ROUTES, OpenStackPluginApi, OpenStackPluginClient } from './OpenStackPluginClient';

const server = setupServer();
registerMswTestHooks(server);

const base = 'http://backstage.test/api/openstack';
const client = new OpenStackPluginClient({
  discoveryApi: { getBaseUrl: async () => base },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});

/** The backend's OpenAPI description: the contract the client is written against. */
const openapi = yaml.parse(readFileSync(resolve(__dirname, '../../../openstack-backend/openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
/** `METHOD /path/{param}` of every operation in openapi.yaml. */
const documented = Object.entries(openapi.paths).flatMap(([path, ops]) =>
  Object.keys(ops)
    .filter(m => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    .map(m => `${m.toUpperCase()} ${path}`),
);
/** The documented operation a concrete request matches, if any. */
function documentedOperation(method: string, pathname: string): string | undefined {
  return documented.find(op => {
    const [m, template] = op.split(' ');
    const rx = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    return m === method && rx.test(pathname);
  });
}

const cloudRef = 'resource:team-a/prod-eu';
const approval = { id: 'a-1', state: 'pending' };
/** One call of every method of the client, with arguments of the right shape. */
const everyMethod: { [K in keyof OpenStackPluginApi]: (c: OpenStackPluginApi) => Promise<unknown> } = {
  listClouds: c => c.listClouds(),
  getFleet: c => c.getFleet({ refresh: true }),
  getStatus: c => c.getStatus(cloudRef, { refresh: true }),
  getHosts: c => c.getHosts(cloudRef, { filter: 'down' }),
  listAllHosts: c => c.listAllHosts(cloudRef),
  getHost: c => c.getHost(cloudRef, 'cmp-1.example.org'),
  findHost: c => c.findHost(cloudRef, 'cmp-1.example.org'),
  getOperations: c => c.getOperations(cloudRef),
  getZones: c => c.getZones(cloudRef),
  issueJoinToken: c => c.issueJoinToken(cloudRef, { host: 'cmp-9', managementIp: '10.0.0.9', files: { 'host.yaml': 'host: cmp-9' } }),
  getJoinToken: c => c.getJoinToken(cloudRef, 'cmp-9'),
  listJoinTokens: c => c.listJoinTokens(cloudRef),
  deleteJoinTokens: c => c.deleteJoinTokens(cloudRef, 'cmp-9'),
  bindJoinContinuation: c => c.bindJoinContinuation(cloudRef, 'cmp-9', { joinId: '7d3c9f0e-2b1a-4c5d-8e9f-0a1b2c3d4e5f', taskId: 't-2', parameters: { host: 'cmp-9' } }),
  getCloudLease: c => c.getCloudLease(cloudRef),
  acquireCloudLease: c => c.acquireCloudLease(cloudRef, { taskId: 't-1', kind: 'upgrade' }),
  releaseCloudLease: c => c.releaseCloudLease(cloudRef, 't-1'),
  listSuiteEntities: c => c.listSuiteEntities(),
  putSuiteEntity: c => c.putSuiteEntity({ kind: 'Resource', metadata: { name: 'x' } }),
  deleteSuiteEntity: c => c.deleteSuiteEntity({ kind: 'resource', namespace: 'default', name: 'x' }),
  createDemoCloud: c => c.createDemoCloud({ name: 'lab', release: '2025.1', components: ['keystone'] }),
  getDemoCloudStatus: c => c.getDemoCloudStatus('lab'),
  startDemoUpgrade: c => c.startDemoUpgrade(cloudRef, { to: '2025.2', order: ['keystone'] }),
  enrollDemoHost: c => c.enrollDemoHost(cloudRef, { host: 'cmp-9', zone: 'az1' }),
  listApprovals: c => c.listApprovals({ state: 'pending' }),
  createApproval: c =>
    c.createApproval({
      taskId: 't',
      stepId: 's',
      requester: 'user:default/bob',
      approverGroup: 'group:default/platform-team',
      title: 'x',
      summary: '',
      plan: null,
      timeoutMinutes: 5,
    }),
  verifyApproval: c => c.verifyApproval({ approvalId: 'a-1', taskId: 't', operation: 'upgrade', cloud: cloudRef, plan: { operation: 'upgrade' } }),
  getApproval: c => c.getApproval('a-1'),
  listChartSources: c => c.listChartSources(),
  decideApproval: c => c.decideApproval('a-1', 'approve'),
  cancelApproval: c => c.cancelApproval('a-1'),
};

describe('OpenStackPluginClient', () => {
  it('calls only routes that openapi.yaml describes, and covers every route it describes', async () => {
    const seen: string[] = [];
    server.use(
      http.all(`${base}/*`, ({ request }) => {
        const url = new URL(request.url);
        const op = documentedOperation(request.method, url.pathname.slice('/api/openstack'.length));
        seen.push(op ?? `UNDOCUMENTED ${request.method} ${url.pathname}`);
        // one body that every method can read
        return HttpResponse.json({ items: [], total: 0, offset: 0, limit: 500, approval, name: 'lab', host: 'cmp-9' });
      }),
    );
    for (const [method, call] of Object.entries(everyMethod)) {
      const before = seen.length;
      await call(client);
      expect({ method, calls: seen.length - before }).toEqual({ method, calls: expect.any(Number) });
      expect(seen.length).toBeGreaterThan(before);
    }
    expect(seen.filter(s => s.startsWith('UNDOCUMENTED'))).toEqual([]);
    // every operation but the plugin's own health and description has a method in the client
    const unused = documented.filter(op => !seen.includes(op) && !/ \/(health|openapi\.json|join(\/.*)?)$/.test(op));
    expect(unused).toEqual([]);
    // the route table says what the client does
    expect(Object.values(OPENSTACK_PLUGIN_ROUTES).map(r => `${r.method} ${r.path}`).sort()).toEqual(
      [...new Set(seen)].sort(),
    );
  });

  it('names a cloud by its ref in the path, and sends the host query', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/clouds/team-a/prod-eu/hosts`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [], total: 0, offset: 50, limit: 25 });
      }),
    );
    const page = await client.getHosts(cloudRef, { filter: 'down', sort: 'vcpu', order: 'desc', offset: 50, limit: 25, search: '' });
    expect(page.total).toBe(0);
    expect(Object.fromEntries(url!.searchParams)).toEqual({ filter: 'down', sort: 'vcpu', order: 'desc', offset: '50', limit: '25' });
  });

  it('refuses a ref that names no cloud before any request', async () => {
    await expect(client.getStatus('component:default/x')).rejects.toThrow(/is a component, not a cloud/);
  });

  it('turns error bodies into a ResponseError naming the call and the backend message', async () => {
    server.use(
      http.get(`${base}/clouds/default/prod/status`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'cloud: no catalog entity resource:default/prod' }, response: { statusCode: 404 } },
          { status: 404 },
        ),
      ),
    );
    const err = await client.getStatus('prod').catch(e => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect(err.statusCode).toBe(404);
    expect(err.message).toBe('GET /api/openstack/clouds/default/prod/status: cloud: no catalog entity resource:default/prod');
  });

  it('asks for a fresh status on refresh only', async () => {
    const refresh: Array<string | null> = [];
    server.use(
      http.get(`${base}/clouds/default/demo-cloud/status`, ({ request }) => {
        refresh.push(new URL(request.url).searchParams.get('refresh'));
        return HttpResponse.json({ cloudKey: 'demo' });
      }),
    );
    await client.getStatus('resource:default/demo-cloud', { refresh: true });
    await client.getStatus('resource:default/demo-cloud');
    expect(refresh).toEqual(['true', null]);
  });

  it('reads every host page by page, refreshing the first page only', async () => {
    const asked: Array<Record<string, string>> = [];
    const hosts = Array.from({ length: 1203 }, (_, i) => ({ host: `cmp-${i}` }));
    server.use(
      http.get(`${base}/clouds/default/big/hosts`, ({ request }) => {
        const q = Object.fromEntries(new URL(request.url).searchParams);
        asked.push(q);
        const offset = Number(q.offset);
        return HttpResponse.json({ items: hosts.slice(offset, offset + 500), total: hosts.length, offset, limit: 500 });
      }),
    );
    const all = await client.listAllHosts('big', { refresh: true });
    expect(all.map(h => h.host)).toEqual(hosts.map(h => h.host));
    expect(asked).toEqual([
      { limit: '500', offset: '0', refresh: 'true' },
      { limit: '500', offset: '500' },
      { limit: '500', offset: '1000' },
    ]);
  });

  it('finds a host by its exact name, and answers undefined for a host the cloud lacks', async () => {
    server.use(
      http.get(`${base}/clouds/default/demo-cloud/hosts`, () =>
        HttpResponse.json({ items: [{ host: 'cmp-1.example.org.old' }, { host: 'cmp-1.example.org' }], total: 2, offset: 0, limit: 500 }),
      ),
    );
    expect(await client.findHost('demo-cloud', 'cmp-1.example.org')).toEqual({ host: 'cmp-1.example.org' });
    expect(await client.findHost('demo-cloud', 'cmp-1')).toBeUndefined();
  });

  it('posts decisions with their comment', async () => {
    let body: unknown;
    server.use(
      http.post(`${base}/approvals/a-1/decision`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ approval: { id: 'a-1', state: 'approved' } });
      }),
    );
    expect((await client.decideApproval('a-1', 'approve', 'ok')).state).toBe('approved');
    expect(body).toEqual({ decision: 'approve', comment: 'ok' });
  });
});
