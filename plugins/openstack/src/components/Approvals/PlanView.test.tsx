import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { createApprovalPlan, upgradeApprovalPlan } from '@backstage-openstack/plugin-openstack-common';
import { PlanView } from './PlanView';

jest.setTimeout(30_000);

describe('PlanView', () => {
  it("shows an upgrade's steps in order and, per chart, each value now and after side by side", async () => {
    const plan = upgradeApprovalPlan('resource:default/demo-cloud', {
      from: '2025.1',
      to: '2025.2',
      chartVersion: '2026.1.0',
      steps: [
        { chart: 'keystone', changes: [{ path: 'images.tags.keystone_api', from: 'k:2025.1', to: 'k:2025.2' }], before: [], after: [] },
        { chart: 'nova', phase: 'conductor', changes: [{ path: 'images.tags.nova_conductor', from: null, to: 'n:2025.2' }], before: [], after: [] },
      ],
    });
    await renderInTestApp(<PlanView plan={plan} />);
    expect(screen.getByText(/2025.1 → 2025.2, openstack-helm charts 2026.1.0: 2 steps/)).toBeInTheDocument();
    expect(within(screen.getByTestId('plan-steps')).getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'keystone: 1 value(s)',
      'nova (conductor): 1 value(s)',
    ]);
    const row = screen.getByText('images.tags.keystone_api').closest('tr')!;
    expect([...row.querySelectorAll('td')].map(td => td.textContent)).toEqual(['images.tags.keystone_api', 'k:2025.1', 'k:2025.2']);
    const nova = screen.getByText('images.tags.nova_conductor').closest('tr')!;
    expect([...nova.querySelectorAll('td')].map(td => td.textContent)).toEqual(['images.tags.nova_conductor', 'chart default', 'n:2025.2']);
  });

  it("shows a new cloud's lifecycle and rendered objects, Secrets by their keys only", async () => {
    const plan = createApprovalPlan({
      cloud: 'resource:default/edge',
      lifecycle: 'production',
      spec: { name: 'edge' },
      objects: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-db', namespace: 'edge' }, data: { password: 'c2VjcmV0' } }],
    });
    await renderInTestApp(<PlanView plan={plan} />);
    expect(screen.getByText('New cloud, lifecycle production')).toBeInTheDocument();
    expect(screen.getByText('edge-db')).toBeInTheDocument();
    expect(screen.getByText('password')).toBeInTheDocument();
    expect(screen.queryByText(/c2VjcmV0/)).not.toBeInTheDocument();
  });
});
