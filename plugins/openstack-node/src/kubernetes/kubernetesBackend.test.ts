import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { ClusterClient } from './apply';
import { HEADER_KUBERNETES_CLUSTER } from './kubernetesBackend';
import { readLiveWorkloads } from './workloads';
import {
  fakeKubernetesBackendProxy,
  FakeKubernetesState,
  NAMESPACE,
} from '../testUtils/fakeKubernetes';

const server = setupServer();
registerMswTestHooks(server);

const access = {
  discovery: mockServices.discovery.mock({
    getBaseUrl: async (pluginId: string) =>
      `http://backstage.test:7007/api/${pluginId}`,
  }),
  auth: mockServices.auth({ pluginId: 'openstack' }),
};

describe('ClusterClient.viaKubernetesBackend', () => {
  it("reads a namespace through the Kubernetes backend's proxy, as the calling plugin, naming the cluster", async () => {
    const state: FakeKubernetesState = { calls: [] };
    const seen: Headers[] = [];
    server.use(fakeKubernetesBackendProxy(state, { seen }));
    const client = ClusterClient.viaKubernetesBackend('prod-eu', access);

    const read = await readLiveWorkloads(client, NAMESPACE);

    expect(read.podsError).toBeUndefined();
    expect(read.workloads.map(w => w.name)).toContain('keystone-api');
    expect(state.calls).toContain(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments?labelSelector=application`,
    );
    // every call: the cluster's name and a service token of openstack for the kubernetes plugin
    expect(seen.length).toBe(5);
    for (const h of seen) {
      expect(h.get(HEADER_KUBERNETES_CLUSTER)).toBe('prod-eu');
      const token = h.get('authorization')!.replace(/^Bearer /, '');
      expect(token).toContain('"sub":"plugin:openstack"');
      expect(token).toContain('"target":"kubernetes"');
    }
    expect(client.url).toBe('through the Kubernetes backend');
  });

  it('names the cluster and where to configure it when the Kubernetes backend does not know it', async () => {
    server.use(fakeKubernetesBackendProxy({ calls: [] }));
    await expect(
      ClusterClient.viaKubernetesBackend('nope', access).listPods(
        NAMESPACE,
        'application',
      ),
    ).rejects.toThrow(
      /Kubernetes cluster "nope" \(through the Kubernetes backend\).*HTTP 404.*kubernetes\.clusterLocatorMethods/,
    );
  });
});
