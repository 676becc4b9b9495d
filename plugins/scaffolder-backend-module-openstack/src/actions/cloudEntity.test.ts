import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createCloudEntityAction } from './cloudEntity';

describe('openstack:cloud:entity', () => {
  const action = createCloudEntityAction();
  const input = {
    name: 'region-two',
    cluster: 'prod-eu',
    namespace: 'openstack',
    release: '2025.1',
    owner: 'group:default/platform-team',
    system: 'openstack',
  };

  it('outputs a Resource annotated for the status backend and the Kubernetes plugin', async () => {
    const ctx = createMockActionContext({ input });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('entity', {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'region-two',
        description: 'OpenStack cloud region-two (2025.1)',
        annotations: {
          'openstack.backstage.io/cloud': 'region-two',
          'openstack.backstage.io/cluster': 'prod-eu',
          'openstack.backstage.io/namespace': 'openstack',
          // the Kubernetes tab: openstack-helm's labels, in the cloud's namespace and cluster
          'backstage.io/kubernetes-cluster': 'prod-eu',
          'backstage.io/kubernetes-namespace': 'openstack',
          'backstage.io/kubernetes-label-selector':
            'application in (keystone,glance,placement,nova,neutron,cinder,horizon,mariadb,rabbitmq,memcached,ovn,openvswitch)',
        },
      },
      spec: {
        type: 'openstack-cloud',
        owner: 'group:default/platform-team',
        system: 'openstack',
        release: '2025.1',
      },
    });
  });

  it.each([['Region_Two'], ['-edge'], ['a'.repeat(41)]])(
    'refuses the name %s, naming the field',
    async name => {
      const ctx = createMockActionContext({ input: { ...input, name } });
      await expect(action.handler(ctx)).rejects.toThrow(/input\.name/);
      expect(ctx.output).not.toHaveBeenCalled();
    },
  );

  it('refuses a namespace that is no Kubernetes namespace, naming the field', async () => {
    const ctx = createMockActionContext({
      input: { ...input, namespace: 'OpenStack' },
    });
    await expect(action.handler(ctx)).rejects.toThrow(/namespace: "OpenStack" is not a Kubernetes namespace/);
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
