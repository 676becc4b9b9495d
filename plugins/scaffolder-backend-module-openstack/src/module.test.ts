import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleOpenstack } from './module';

describe('scaffolderModuleOpenstack', () => {
  it('registers the OpenStack actions', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleOpenstack,
        mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' } } }),
      ],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      'openstack:cloud:entity',
      'openstack:cloud:create',
      'openstack:cloud:upgrade',
      'openstack:compute:enroll',
      'openstack:compute:maintenance',
      'openstack:compute:decommission',
      'openstack:approval:request',
      'openstack:catalog:register',
    ]);
  });
});
