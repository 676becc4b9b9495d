import { renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { CloudOverview } from './CloudOverview';

// Rendering whole tables is slow on a loaded 2-core machine.
jest.setTimeout(30_000);

const cloud = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'demo', annotations },
  spec: {
    type: 'openstack-cloud',
    owner: 'platform-team',
    release: '2025.1',
    components: ['keystone', 'nova'],
  },
});

describe('CloudOverview', () => {
  it('shows what the entity says about the cloud', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={cloud({
          'openstack.backstage.io/cloud': 'demo',
          'openstack.backstage.io/cluster': 'demo-cluster',
          'openstack.backstage.io/namespace': 'openstack',
        })}
      >
        <CloudOverview />
      </EntityProvider>,
    );
    expect(screen.getByText('2025.1')).toBeInTheDocument();
    expect(screen.getByText('demo-cluster')).toBeInTheDocument();
    expect(screen.getByText('keystone, nova')).toBeInTheDocument();
    expect(screen.queryByText(/has no OpenStack annotation/)).not.toBeInTheDocument();
  });

  it('says which annotation to add when the cloud key is missing', async () => {
    await renderInTestApp(
      <EntityProvider entity={cloud({})}>
        <CloudOverview />
      </EntityProvider>,
    );
    expect(screen.getByText(/has no OpenStack annotation/)).toBeInTheDocument();
  });
});
