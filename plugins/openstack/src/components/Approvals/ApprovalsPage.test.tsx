import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApprovalDetail, ApprovalRequest, OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { openstackApiRef } from '../../api';
import { ApprovalsList, ApprovalView } from './ApprovalsPage';

// Rendering whole tables is slow on a loaded 2-core machine.
jest.setTimeout(30_000);

const approval: ApprovalRequest = {
  id: 'a-1',
  taskId: 't-1',
  stepId: 'approval',
  requester: 'user:default/bob',
  approverGroup: 'group:default/platform-team',
  cloud: 'resource:default/demo-cloud',
  title: 'Upgrade demo-cloud 2025.1 → 2025.2',
  summary: 'One hop',
  plan: { hop: '2025.1 → 2025.2' },
  digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
  state: 'pending',
  createdAt: '2026-11-25T10:00:00Z',
  expiresAt: '2026-11-26T10:00:00Z',
};

function api(detail: Partial<ApprovalDetail>, decideApproval = jest.fn(async () => ({ ...approval, state: 'approved' as const }))) {
  const a = {
    listApprovals: jest.fn(async () => [approval]),
    getApproval: async () => ({ approval, audit: [{ at: approval.createdAt, actor: 'user:default/bob', event: 'created', toState: 'pending' }], canDecide: false, canCancel: false, ...detail }),
    decideApproval,
    cancelApproval: jest.fn(),
  };
  return a as unknown as OpenStackPluginApi & typeof a;
}

describe('approvals', () => {
  it('shows Approve and Reject to those who may decide, and sends the decision with the comment', async () => {
    const a = api({ canDecide: true });
    await renderInTestApp(
      <TestApiProvider apis={[[openstackApiRef, a]]}>
        <ApprovalView id="a-1" />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Upgrade demo-cloud 2025.1 → 2025.2')).toBeInTheDocument();
    expect(screen.getByText('2025.1 → 2025.2')).toBeInTheDocument(); // the plan
    await userEvent.type(screen.getByLabelText('Comment'), 'go');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(a.decideApproval).toHaveBeenCalledWith('a-1', 'approve', 'go');
  });

  it('hides the buttons from those who may not decide (the requester, other teams)', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[openstackApiRef, api({ canDecide: false, canCancel: true })]]}>
        <ApprovalView id="a-1" />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Audit trail')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel my request' })).toBeInTheDocument();
  });

  it('lists requests and filters by state', async () => {
    const a = api({});
    await renderInTestApp(
      <TestApiProvider apis={[[openstackApiRef, a]]}>
        <ApprovalsList />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Upgrade demo-cloud 2025.1 → 2025.2')).toBeInTheDocument();
    expect(a.listApprovals).toHaveBeenLastCalledWith({ state: 'pending', cloud: undefined });
    await userEvent.click(screen.getByTestId('approval-filter-rejected'));
    expect(a.listApprovals).toHaveBeenLastCalledWith({ state: 'rejected', cloud: undefined });
  });
});
