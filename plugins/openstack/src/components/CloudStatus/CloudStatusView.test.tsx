import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { CloudStatus, OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { screen, waitFor } from '@testing-library/react';
import { openstackApiRef } from '../../api';
import { CloudStatusView } from './CloudStatusContent';

// Rendering whole tables is slow on a loaded 2-core machine.
jest.setTimeout(30_000);

const status = (over: Partial<CloudStatus> = {}): CloudStatus => ({
  cloudKey: 'prod',
  demo: false,
  release: '2025.1',
  chartVersion: '2026.1.0',
  cluster: 'prod-eu',
  namespace: 'openstack',
  verdict: 'Healthy',
  reasons: [],
  services: [
    {
      name: 'nova',
      verdict: 'Healthy',
      reasons: [],
      release: '2025.1',
      workloads: [{ kind: 'Deployment', name: 'nova-api-osapi', component: 'os-api', ready: 3, desired: 3, restarts: 0 }],
      api: { serviceType: 'compute', ok: true, latencyMs: 12 },
    },
  ],
  hostSummary: { total: 2, up: 1, down: 1, disabled: 0, lagging: 0 },
  capacityByZone: [{ zone: 'az1', vcpuUsed: 10, vcpuCapacity: 100, memoryMbUsed: 1024, memoryMbCapacity: 10240 }],
  errors: [],
  fetchedAt: '2026-11-25T10:00:00Z',
  ...over,
});

/** The calls the view makes; any other is a defect of the test or the view. */
function api(over: Partial<OpenStackPluginApi>): OpenStackPluginApi {
  const calls: Partial<OpenStackPluginApi> = {
    getStatus: jest.fn(async () => status()),
    getHosts: jest.fn(async () => ({ items: [], total: 0, offset: 0, limit: 25 })),
    getOperations: jest.fn(async () => []),
    getCloudLease: jest.fn(async () => undefined),
    listApprovals: jest.fn(async () => []),
    ...over,
  };
  return new Proxy(calls, {
    get: (target, method: string) => target[method as keyof OpenStackPluginApi] ?? (() => Promise.reject(new Error(`${method} not used`))),
  }) as OpenStackPluginApi;
}

const cloudRef = 'resource:team-a/prod';
const render = (a: OpenStackPluginApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[openstackApiRef, a]]}>
      <CloudStatusView cloudRef={cloudRef} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

function responseError(code: number, message: string) {
  return ResponseError.fromResponse(
    new Response(JSON.stringify({ error: { name: 'Error', message }, response: { statusCode: code } }), {
      status: code,
      headers: { 'Content-Type': 'application/json' },
    }),
  );
}

describe('CloudStatusView', () => {
  it('asks the backend for everything by the cloud ref', async () => {
    const a = api({});
    await render(a);
    expect(await screen.findByText('Control plane')).toBeInTheDocument();
    expect(a.getStatus).toHaveBeenCalledWith(cloudRef, { refresh: false });
    expect(a.getHosts).toHaveBeenCalledWith(cloudRef, expect.objectContaining({ filter: 'all', offset: 0, limit: 25 }));
    expect(a.getOperations).toHaveBeenCalledWith(cloudRef);
    expect(a.getCloudLease).toHaveBeenCalledWith(cloudRef);
    // no operation running: nothing shown
    expect(screen.queryByTestId('running-operation')).not.toBeInTheDocument();
    expect(a.listApprovals).toHaveBeenCalledWith({ state: 'pending', cloud: cloudRef });
  });

  it('shows the operation running on the cloud: its kind, its task and who started it', async () => {
    await render(
      api({
        getCloudLease: async () => ({
          cloudRef,
          taskId: 'task-42',
          kind: 'upgrade',
          initiator: 'user:default/alice',
          acquiredAt: '2026-12-02T10:00:00Z',
          renewedAt: '2026-12-02T10:01:00Z',
          expiresAt: '2026-12-02T10:03:00Z',
        }),
      }),
    );
    const running = await screen.findByTestId('running-operation');
    expect(running).toHaveTextContent(/upgrade running: task task-42, started by user:default\/alice/);
    expect(screen.getByRole('link', { name: 'task task-42' })).toHaveAttribute('href', '/create/tasks/task-42');
  });

  it("links each host to its catalog entity, as enroll names it", async () => {
    await render(
      api({
        getHosts: async () => ({
          items: [
            { host: 'cmp-1.example.org', entityRef: 'resource:team-a/prod.cmp-1.example.org', aggregates: [], state: 'up', status: 'enabled', runningVms: 0 },
            { host: 'cmp-2', aggregates: [], state: 'up', status: 'enabled', runningVms: 0 },
          ],
          total: 2,
          offset: 0,
          limit: 25,
        }),
      }),
    );
    expect(await screen.findByRole('link', { name: 'cmp-1.example.org' })).toHaveAttribute(
      'href',
      '/catalog/team-a/resource/prod.cmp-1.example.org',
    );
    // a row without its entity is no link to a page that may not exist
    expect(screen.getByText('cmp-2')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'cmp-2' })).not.toBeInTheDocument();
  });

  it('shows the header, the control plane and the capacity', async () => {
    await render(api({}));
    expect(await screen.findByText('Control plane')).toBeInTheDocument();
    expect(screen.getByTestId('cloud-header')).toHaveTextContent('Release 2025.1 · chart 2026.1.0 · prod-eu/openstack');
    expect(screen.getByText('ok, 12 ms')).toBeInTheDocument();
    expect(screen.getByText('Capacity by zone')).toBeInTheDocument();
    expect(screen.queryByText('DEMO (simulated cloud)')).not.toBeInTheDocument();
  });

  it('shows a partial answer: the source that failed and the degraded service with its reasons', async () => {
    await render(
      api({
        getStatus: async () =>
          status({
            verdict: 'Unknown',
            reasons: ['nova is Degraded', '1 source(s) could not be read'],
            errors: [{ source: 'neutron agents', message: 'GET /v2.0/agents answered 503' }],
            services: [
              {
                ...status().services[0],
                verdict: 'Degraded',
                reasons: ['compute API does not answer: HTTP 503'],
                api: { serviceType: 'compute', ok: false, error: 'HTTP 503' },
              },
            ],
          }),
      }),
    );
    expect(await screen.findByText('neutron agents: GET /v2.0/agents answered 503')).toBeInTheDocument();
    expect(screen.getByText('failing: HTTP 503')).toBeInTheDocument();
    expect(screen.getByText('compute API does not answer: HTTP 503')).toBeInTheDocument();
    expect(document.querySelector('[data-verdict="Degraded"]')).not.toBeNull();
  });

  it('shows restarts as unknown when the pods could not be listed', async () => {
    await render(
      api({
        getStatus: async () =>
          status({
            errors: [{ source: 'kubernetes pods', message: 'list pods: HTTP 403; workloads judged without restart counts' }],
            services: [
              {
                ...status().services[0],
                workloads: [{ ...status().services[0].workloads[0], restarts: undefined }],
              },
            ],
          }),
      }),
    );
    expect(await screen.findByText('kubernetes pods: list pods: HTTP 403; workloads judged without restart counts')).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '3/3' })).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: '0' })).not.toBeInTheDocument();
  });

  it.each([
    [404, /Cloud not found/, /^The portal cannot reach cloud resource:team-a\/prod: upstream said no\./],
    [403, /Permission denied/, /openstack\.cloud\.read/],
    [503, /Cloud unreachable/, /kubernetes\.clusterLocatorMethods/],
  ])('explains a %s and what to do', async (code, title, hint) => {
    const error = await responseError(code, 'upstream said no');
    await render(api({ getStatus: async () => Promise.reject(error) }));
    expect(await screen.findByText(title)).toBeInTheDocument();
    expect(screen.getByText(hint)).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await render(api({ getStatus: () => new Promise(() => {}) }));
    await waitFor(() => expect(screen.getByTestId('progress')).toBeInTheDocument());
  });
});
