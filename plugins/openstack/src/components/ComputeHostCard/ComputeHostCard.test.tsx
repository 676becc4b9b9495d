import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ComputeHostStatus, OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';
import { screen } from '@testing-library/react';
import { openstackApiRef } from '../../api';
import { cloudRefOfHostEntity, ComputeHostCard } from './ComputeHostCard';

jest.setTimeout(30_000);

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'prod.cmp-1.prod',
    namespace: 'team-a',
    annotations: { 'openstack.backstage.io/cloud': 'prod', 'openstack.backstage.io/host': 'cmp-1.prod' },
  },
  spec: { type: 'openstack-compute-host', owner: 'platform-team', dependsOn: ['component:team-a/rack-7', 'resource:team-a/prod'] },
};

const host: ComputeHostStatus = {
  host: 'cmp-1.prod',
  zone: 'az1',
  aggregates: ['az1-general'],
  state: 'up',
  status: 'disabled',
  disabledReason: 'maintenance: BIOS update (by user:default/alice, since 2026-12-02T08:30:00.000Z)',
  runningVms: 7,
  ovnAgentAlive: true,
  release: '2024.2',
  blocksUpgrade: true,
  vcpu: { used: 8, total: 64, reserved: 0, allocationRatio: 4, capacity: 256 },
  memoryMb: { used: 16384, total: 524288, reserved: 8192, allocationRatio: 1, capacity: 516096 },
};

function api(getHost: OpenStackPluginApi['getHost'], getOperations: OpenStackPluginApi['getOperations'] = async () => []): OpenStackPluginApi {
  return { getHost, getOperations } as Partial<OpenStackPluginApi> as OpenStackPluginApi;
}

describe('ComputeHostCard', () => {
  it('shows the host as operators name things, with its release and its cloud', async () => {
    const getHost = jest.fn(async () => host);
    await renderInTestApp(
      <TestApiProvider apis={[[openstackApiRef, api(getHost)]]}>
        <EntityProvider entity={entity}>
          <ComputeHostCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('maintenance: BIOS update, by alice, since 2026-12-02 08:30 UTC')).toBeInTheDocument();
    expect(getHost).toHaveBeenCalledWith('resource:team-a/prod', 'cmp-1.prod');
    for (const label of ['vCPU', 'VMs', 'OVN agent', 'nova-compute release', 'Last heartbeat']) {
      expect(screen.getByText(label)).toBeInTheDocument();
    }
    expect(screen.getByText('2024.2')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'resource:team-a/prod' })).toHaveAttribute('href', '/catalog/team-a/resource/prod/openstack');
  });

  it("finds the host's cloud among what it depends on", () => {
    expect(cloudRefOfHostEntity({ dependsOn: ['component:default/rack', 'Resource:Team-A/Prod'] })).toBe('resource:team-a/prod');
    expect(cloudRefOfHostEntity({ dependsOn: ['prod'] })).toBe('resource:default/prod');
    expect(cloudRefOfHostEntity({ dependsOn: ['component:default/rack'] })).toBeUndefined();
    expect(cloudRefOfHostEntity({})).toBeUndefined();
  });
});
