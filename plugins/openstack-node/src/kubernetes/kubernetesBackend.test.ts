import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { getResponse, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ClusterClient } from './apply';
import { HEADER_KUBERNETES_CLUSTER } from './kubernetesBackend';
import { readLiveWorkloads } from './workloads';
import {
  fakeKubernetes,
  FakeKubernetesState,
  K8S,
  K8S_TOKEN,
  NAMESPACE,
} from '../testUtils/fakeKubernetes';

const server = setupServer();
registerMswTestHooks(server);

const BACKEND = 'http://backstage.test:7007/api/kubernetes';

/**
 * A stand-in for the Kubernetes backend's proxy as its documentation describes it: the target
 * cluster by the `Backstage-Kubernetes-Cluster` header among the clusters its locators know, a
 * Backstage token required, the request forwarded with the cluster's own credentials. (The real
 * proxy cannot run under Jest: it loads @kubernetes/client-node with a dynamic import.)
 */
function kubernetesBackendProxy(state: FakeKubernetesState, seen: Headers[]) {
  const cluster = fakeKubernetes(state);
  return http.all(`${BACKEND}/proxy/*`, async ({ request }) => {
    seen.push(request.headers);
    if (!request.headers.get('authorization')?.startsWith('Bearer ')) {
      return HttpResponse.json(
        { error: { name: 'AuthenticationError', message: 'no token' } },
        { status: 401 },
      );
    }
    const name = request.headers.get(HEADER_KUBERNETES_CLUSTER);
    if (name !== 'prod-eu') {
      return HttpResponse.json(
        { error: { name: 'NotFoundError', message: `Cluster '${name}' not found` } },
        { status: 404 },
      );
    }
    const url = new URL(request.url);
    const forwarded = new Request(
      `${K8S}${url.pathname.slice(new URL(`${BACKEND}/proxy`).pathname.length)}${url.search}`,
      { method: request.method, headers: { authorization: `Bearer ${K8S_TOKEN}` } },
    );
    return (await getResponse(cluster, forwarded)) ?? new HttpResponse(null, { status: 404 });
  });
}

const access = {
  discovery: mockServices.discovery.mock({
    getBaseUrl: async (pluginId: string) => `http://backstage.test:7007/api/${pluginId}`,
  }),
  auth: mockServices.auth({ pluginId: 'openstack' }),
};

describe('ClusterClient.viaKubernetesBackend', () => {
  it("reads a namespace through the Kubernetes backend's proxy, as the calling plugin, naming the cluster", async () => {
    const state: FakeKubernetesState = { calls: [] };
    const seen: Headers[] = [];
    server.use(kubernetesBackendProxy(state, seen));
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
    server.use(kubernetesBackendProxy({ calls: [] }, []));
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
