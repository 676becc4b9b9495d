import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { openstackPlugin } from './plugin';

const demoCloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'demo',
    namespace: 'default',
    annotations: {
      'openstack.backstage.io/cloud': 'demo',
      'openstack.backstage.io/cluster': 'demo-cluster',
      'openstack.backstage.io/namespace': 'openstack',
    },
  },
  spec: { type: 'openstack-cloud', owner: 'platform-team' },
};
const database = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'db', namespace: 'default' },
  spec: { type: 'database', owner: 'platform-team' },
};

describe('openstack backend plugin', () => {
  it('answers its health check without credentials', async () => {
    const { server } = await startTestBackend({
      features: [openstackPlugin, catalogServiceMock.factory({ entities: [] })],
    });
    const res = await request(server).get('/api/openstack/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('lists the catalog clouds with their annotations', async () => {
    const { server } = await startTestBackend({
      features: [
        openstackPlugin,
        catalogServiceMock.factory({ entities: [demoCloud, database] }),
      ],
    });
    const res = await request(server)
      .get('/api/openstack/clouds')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        entityRef: 'resource:default/demo',
        name: 'demo',
        cloud: 'demo',
        cluster: 'demo-cluster',
        namespace: 'openstack',
      },
    ]);
  });

  it('refuses the list when the policy denies openstack.cloud.read', async () => {
    const { server } = await startTestBackend({
      features: [
        openstackPlugin,
        catalogServiceMock.factory({ entities: [demoCloud] }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const res = await request(server)
      .get('/api/openstack/clouds')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });
});
