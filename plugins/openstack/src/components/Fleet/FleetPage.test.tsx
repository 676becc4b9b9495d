import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { FleetCloud, FleetView, OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { openstackApiRef } from '../../api';
import { FleetPage } from './FleetPage';

jest.setTimeout(30_000);

const line = (over: Partial<FleetCloud> = {}): FleetCloud => ({
  cloudRef: 'resource:default/demo-cloud',
  title: 'Demo cloud',
  cloudKey: 'demo',
  demo: true,
  release: '2025.1',
  verdict: 'Healthy',
  hosts: { total: 24, up: 23, down: 1, disabled: 1, lagging: 2 },
  vcpu: { used: 50, capacity: 200 },
  memoryMb: { used: 10240, capacity: 40960 },
  nextHops: ['2025.2', '2026.1'],
  blockers: ['compute-lag: The hop 2025.1 → 2025.2 is blocked by nova-compute hosts further behind than Nova supports: cmp-az1-03 (2024.1)'],
  laggingHosts: ['cmp-az1-03', 'cmp-az2-04'],
  pendingApprovals: 1,
  operation: { cloudRef: 'resource:default/demo-cloud', taskId: 't-1', kind: 'upgrade', initiator: 'user:default/alice', acquiredAt: '2026-12-02T09:00:00Z', renewedAt: '2026-12-02T09:00:00Z', expiresAt: '2026-12-02T09:02:00Z' },
  partial: [],
  readAt: '2026-12-02T09:00:00Z',
  ...over,
});

const fleet: FleetView = {
  items: [line(), line({ cloudRef: 'resource:team-a/prod', title: undefined, cloudKey: 'prod', demo: false, blockers: [], laggingHosts: [], pendingApprovals: undefined, operation: undefined, verdict: 'Degraded' })],
  failed: [{ cloudRef: 'resource:team-b/lab', error: 'openstack.clouds.lab is not configured' }],
  readAt: '2026-12-02T09:00:01Z',
};

function api(getFleet: OpenStackPluginApi['getFleet']): OpenStackPluginApi {
  return new Proxy({ getFleet } as Partial<OpenStackPluginApi>, {
    get: (target, method: string) => target[method as keyof OpenStackPluginApi] ?? (() => Promise.reject(new Error(`${method} not used`))),
  }) as OpenStackPluginApi;
}

describe('FleetPage', () => {
  it('lists every cloud with its figures, what blocks its next upgrade, and the clouds that could not be read', async () => {
    const getFleet = jest.fn(async () => fleet);
    await renderInTestApp(
      <TestApiProvider apis={[[openstackApiRef, api(getFleet)]]}>
        <FleetPage />
      </TestApiProvider>,
    );
    const rows = await screen.findAllByTestId('fleet-row');
    expect(rows.map(r => r.getAttribute('data-cloud'))).toEqual(['resource:default/demo-cloud', 'resource:team-a/prod']);
    const demo = within(rows[0]);
    expect(demo.getByRole('link', { name: 'Demo cloud (demo)' })).toHaveAttribute('href', '/catalog/default/resource/demo-cloud/openstack');
    expect(demo.getByText('23 / 24')).toBeInTheDocument();
    expect(demo.getByText('50 / 200 (25%)')).toBeInTheDocument();
    expect(demo.getByText('10 / 40 GiB (25%)')).toBeInTheDocument();
    expect(demo.getByText('2025.2, 2026.1')).toBeInTheDocument();
    expect(demo.getByText(/^compute-lag: The hop 2025\.1 → 2025\.2 is blocked .* · lagging hosts: cmp-az1-03, cmp-az2-04$/)).toBeInTheDocument();
    expect(demo.getByRole('link', { name: '1 pending' })).toHaveAttribute('href', '/openstack/approvals');
    expect(demo.getByRole('link', { name: 'upgrade by user:default/alice' })).toHaveAttribute('href', '/create/tasks/t-1');
    const prod = within(rows[1]);
    expect(prod.getByRole('link', { name: 'team-a/prod' })).toBeInTheDocument();
    expect(prod.getByText('nothing')).toBeInTheDocument();
    expect(prod.getByText('none')).toBeInTheDocument();
    expect(screen.getByTestId('fleet-failed')).toHaveTextContent('resource:team-b/lab could not be read: openstack.clouds.lab is not configured');
    // long texts stay on one line: each cell's text is cut by its column, the whole of it in its label
    const truncated = [...rows[0].querySelectorAll('[data-truncated]')];
    expect(truncated.length).toBeGreaterThan(0);
    // the label holds the whole of what the cell shows (and may say more, e.g. the task's id)
    for (const cell of truncated) {
      expect(cell.textContent).not.toBe('');
      expect(cell.getAttribute('aria-label')).toContain(cell.textContent);
    }
    expect(getFleet).toHaveBeenCalledWith({ refresh: false });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(getFleet).toHaveBeenCalledWith({ refresh: true });
  });

  it('says why when the fleet cannot be read', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[openstackApiRef, api(async () => Promise.reject(new Error('backend down')))]]}>
        <FleetPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Error: backend down', { selector: 'h6' })).toBeInTheDocument();
    expect(screen.queryByTestId('fleet-table')).toBeNull();
  });
});
