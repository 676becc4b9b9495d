import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { JoinTokenStatus, OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { screen, waitFor } from '@testing-library/react';
import { openstackApiRef } from '../../api';
import { JoiningHostsCard, joinStateText } from './JoiningHostsCard';

jest.setTimeout(30_000);

const cloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'prod', namespace: 'team-a', annotations: { 'openstack.backstage.io/cloud': 'prod' } },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
const base: JoinTokenStatus = {
  cloudRef: 'resource:team-a/prod',
  host: 'cmp-1',
  managementIp: '10.0.0.1',
  state: 'unused',
  createdBy: 'user:default/alice',
  createdAt: '2026-12-02T10:00:00.000Z',
  expiresAt: '2026-12-02T11:00:00.000Z',
  joinId: '7d3c9f0e-2b1a-4c5d-8e9f-0a1b2c3d4e5f',
  continuation: { state: 'waiting', templateRef: 'template:default/openstack-enroll-host' },
};
const fetched: JoinTokenStatus = { ...base, host: 'cmp-2', state: 'used', usedFrom: '10.0.0.2', usedAt: '2026-12-02T10:05:00.000Z' };
const continuing: JoinTokenStatus = {
  ...base,
  host: 'cmp-3',
  state: 'reported',
  usedFrom: '10.0.0.3',
  usedAt: '2026-12-02T10:05:00.000Z',
  reportedVersion: '31.0.1',
  reportedAt: '2026-12-02T10:07:00.000Z',
  continuation: { state: 'started', templateRef: 'template:default/openstack-enroll-host', taskId: 'task-42' },
};
const expired: JoinTokenStatus = { ...base, host: 'cmp-4', state: 'expired' };

/** The card on the cloud's page, over an API whose join list is `listJoinTokens`. */
const renderCard = (listJoinTokens: OpenStackPluginApi['listJoinTokens']) =>
  renderInTestApp(
    <TestApiProvider apis={[[openstackApiRef, { listJoinTokens } as Partial<OpenStackPluginApi> as OpenStackPluginApi]]}>
      <EntityProvider entity={cloud}>
        <JoiningHostsCard />
      </EntityProvider>
    </TestApiProvider>,
  );

describe('JoiningHostsCard', () => {
  it('shows each host joining the cloud: waiting, fetched from where and when, reported and continuing in a task (linked), expired', async () => {
    const listJoinTokens = jest.fn(async () => [base, fetched, continuing, expired]);
    await renderCard(listJoinTokens);
    expect(await screen.findByText('Waiting for the host to run the join command (valid until 2026-12-02T11:00:00.000Z)')).toBeInTheDocument();
    expect(screen.getByText('Join script fetched from 10.0.0.2 at 2026-12-02T10:05:00.000Z; waiting for its report')).toBeInTheDocument();
    expect(screen.getByText(/Reported nova-compute 31\.0\.1 at 2026-12-02T10:07:00\.000Z; the enrollment continues in task task-42/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'follow it' })).toHaveAttribute('href', '/create/tasks/task-42');
    expect(screen.getByText('The join command expired at 2026-12-02T11:00:00.000Z unused: enroll the host again')).toBeInTheDocument();
    expect(listJoinTokens).toHaveBeenCalledWith('resource:team-a/prod');
  });

  it('says when a start of the continuation failed and that it is retried', () => {
    const due: JoinTokenStatus = { ...continuing, continuation: { state: 'to-start', templateRef: 'template:default/x', error: 'the scaffolder answered 503' } };
    expect(joinStateText(due)).toBe("Reported nova-compute 31.0.1 at 2026-12-02T10:07:00.000Z; starting the enrollment's continuation (last try failed: the scaffolder answered 503)");
  });

  it("tells another user that the continuation waits for the issuer's read (only theirs starts it)", () => {
    const due: JoinTokenStatus = { ...continuing, continuation: { state: 'to-start', templateRef: 'template:default/x' } };
    expect(joinStateText(due, 'user:default/bob')).toBe('Reported nova-compute 31.0.1 at 2026-12-02T10:07:00.000Z; the enrollment continues when user:default/alice opens this page');
    expect(joinStateText(due, 'user:default/alice')).toBe("Reported nova-compute 31.0.1 at 2026-12-02T10:07:00.000Z; starting the enrollment's continuation");
  });

  it('shows no card when no host is joining, nor to a user who may not enroll on the cloud', async () => {
    for (const listJoinTokens of [
      jest.fn(async () => []),
      jest.fn(async () => {
        throw Object.assign(new Error('Permission openstack.compute.enroll is required'), { response: { status: 403 } });
      }),
    ]) {
      const { container } = await renderCard(listJoinTokens);
      await waitFor(() => expect(listJoinTokens).toHaveBeenCalled());
      await waitFor(() => expect(container.textContent).toBe(''));
    }
  });

  it('names the cloud when it cannot read the join state', async () => {
    const listJoinTokens = jest.fn(async () => {
      throw new Error('GET /api/openstack/clouds/team-a/prod/join-tokens: 503 Service Unavailable');
    });
    await renderCard(listJoinTokens);
    expect(await screen.findByText('Could not read the join state of resource:team-a/prod: GET /api/openstack/clouds/team-a/prod/join-tokens: 503 Service Unavailable')).toBeInTheDocument();
  });
});
