import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ComputeHostStatus } from '@backstage-openstack/plugin-openstack-common';
import { screen } from '@testing-library/react';
import { OpenStackApi, openstackApiRef } from '../../api';
import { ComputeHostCard } from './ComputeHostCard';

jest.setTimeout(30_000);

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'cmp-1',
    annotations: { 'openstack.backstage.io/cloud': 'prod', 'openstack.backstage.io/host': 'cmp-1.prod' },
  },
  spec: { type: 'openstack-compute-host', owner: 'platform-team', dependsOn: ['resource:default/prod'] },
};

const host: ComputeHostStatus = {
  host: 'cmp-1.prod',
  zone: 'az1',
  aggregates: ['az1-general'],
  state: 'up',
  status: 'disabled',
  disabledReason: 'maintenance: BIOS update',
  runningVms: 7,
  ovnAgentAlive: true,
  release: '2024.2',
  blocksUpgrade: true,
  vcpu: { used: 8, total: 64, reserved: 0, allocationRatio: 4, capacity: 256 },
  memoryMb: { used: 16384, total: 524288, reserved: 8192, allocationRatio: 1, capacity: 516096 },
};

function api(getHost: OpenStackApi['getHost']): OpenStackApi {
  const unused = async () => {
    throw new Error('not used');
  };
  return {
    getStatus: unused,
    getHosts: unused,
    getHost,
    getOperations: async () => [],
    listApprovals: async () => [],
    getApproval: unused,
    decide: unused,
    cancelApproval: unused,
  };
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
    expect(await screen.findByText('disabled: maintenance: BIOS update')).toBeInTheDocument();
    expect(getHost).toHaveBeenCalledWith('prod', 'cmp-1.prod');
    for (const label of ['vCPU', 'VMs', 'OVN agent', 'nova-compute release', 'Last heartbeat']) {
      expect(screen.getByText(label)).toBeInTheDocument();
    }
    expect(screen.getByText('2024.2')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'resource:default/prod' })).toBeInTheDocument();
  });
});
