// The one HTTP layer under every Kubernetes call (kubeHttp): a time limit on each call, 429
// repeated after the wait it asks for, 5xx and connection errors repeated with backoff only
// where repeating is harmless — through ClusterClient's clients, directly or through the
// Kubernetes backend's proxy.
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { ClusterClient } from './apply';
import { runJobFromCronJob } from './jobs';
import { K8S, K8S_TOKEN, NAMESPACE } from '../testUtils/fakeKubernetes';

const server = setupServer();
registerMswTestHooks(server);

const direct = (timeoutMs?: number) =>
  ClusterClient.for(
    {
      name: 'prod-eu',
      url: K8S,
      authProvider: 'serviceAccount',
      serviceAccountToken: K8S_TOKEN,
      skipTLSVerify: true,
    },
    { timeoutMs },
  );

const podsPath = `${K8S}/api/v1/namespaces/${NAMESPACE}/pods`;
const podList = { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] };
const status = (code: number, extra: object = {}) =>
  HttpResponse.json(
    { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, ...extra },
    { status: code },
  );

/** Answers the listed responses in turn, then the last one forever; counts the requests. */
function scripted(...answers: Array<() => Response | Promise<Response>>) {
  const seen: string[] = [];
  const resolver = async ({ request }: { request: Request }) => {
    seen.push(request.method);
    return answers[Math.min(seen.length, answers.length) - 1]();
  };
  return { seen, resolver };
}

// the waits the layer asks for, recorded instead of slept
const mockWaits: number[] = [];
jest.mock('../util/backoff', () => ({
  ...jest.requireActual('../util/backoff'),
  sleep: async (ms: number) => {
    mockWaits.push(ms);
  },
}));
const waits = mockWaits;
beforeEach(() => {
  mockWaits.length = 0;
});

describe('every Kubernetes call has a time limit', () => {
  it('fails a read that gets no answer, once, naming the cluster and the limit; the next call starts afresh', async () => {
    let hang = true;
    const calls = scripted(async () => {
      if (hang) await delay('infinite');
      return HttpResponse.json(podList);
    });
    server.use(http.get(podsPath, calls.resolver));
    const client = direct(300);

    const error = await client.listPods(NAMESPACE, 'application').catch(e => e);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /^Kubernetes cluster "prod-eu" \(https:\/\/k8s\.test:6443\): list pods in namespace openstack failed: GET https:\/\/k8s\.test:6443\/api\/v1\/namespaces\/openstack\/pods\?labelSelector=application: no answer within 300 ms/,
    );
    // a hung server is not asked again within the same call
    expect(calls.seen).toEqual(['GET']);

    hang = false;
    await expect(client.listPods(NAMESPACE, 'application')).resolves.toEqual(
      [],
    );
    expect(calls.seen).toEqual(['GET', 'GET']);
  });
});

describe('429: repeated after the wait the server asks for', () => {
  it('honours Retry-After, then the Status retryAfterSeconds', async () => {
    const calls = scripted(
      () =>
        HttpResponse.json(
          { kind: 'Status', code: 429, reason: 'TooManyRequests' },
          { status: 429, headers: { 'Retry-After': '2' } },
        ),
      () =>
        status(429, {
          message: 'storage is (re)initializing',
          details: { retryAfterSeconds: 3 },
        }),
      () => HttpResponse.json(podList),
    );
    server.use(http.get(podsPath, calls.resolver));

    await expect(direct().listPods(NAMESPACE, 'application')).resolves.toEqual(
      [],
    );
    expect(calls.seen).toEqual(['GET', 'GET', 'GET']);
    expect(waits).toEqual([2000, 3000]);
  });

  it('repeats even a POST: a 429 was refused before the server acted on it', async () => {
    const calls = scripted(
      () =>
        new Response('{}', { status: 429, headers: { 'Retry-After': '1' } }),
      () =>
        HttpResponse.json(
          { kind: 'SelfSubjectAccessReview', status: { allowed: true } },
          { status: 201 },
        ),
    );
    server.use(
      http.post(
        `${K8S}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
        calls.resolver,
      ),
    );
    const review = await direct()
      .api(AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: {
          spec: { resourceAttributes: { verb: 'get', resource: 'secrets' } },
        },
      });
    expect(review.status?.allowed).toBe(true);
    expect(calls.seen).toEqual(['POST', 'POST']);
    expect(waits).toEqual([1000]);
  });

  it('gives up after the retries and names the status', async () => {
    const calls = scripted(() => status(429, { message: 'too many requests' }));
    server.use(http.get(podsPath, calls.resolver));
    await expect(direct().listPods(NAMESPACE, 'application')).rejects.toThrow(
      /HTTP 429 too many requests/,
    );
    expect(calls.seen).toHaveLength(4); // the first attempt and 3 retries
  });
});

describe('5xx and connection errors: repeated with backoff where harmless', () => {
  it('repeats a read after 503s with growing waits', async () => {
    const calls = scripted(
      () => status(503),
      () => status(502),
      () => HttpResponse.json(podList),
    );
    server.use(http.get(podsPath, calls.resolver));
    await expect(direct().listPods(NAMESPACE, 'application')).resolves.toEqual(
      [],
    );
    expect(calls.seen).toEqual(['GET', 'GET', 'GET']);
    // equal jitter around 250 ms, then 500 ms
    expect(waits[0]).toBeGreaterThanOrEqual(125);
    expect(waits[0]).toBeLessThanOrEqual(250);
    expect(waits[1]).toBeGreaterThanOrEqual(250);
    expect(waits[1]).toBeLessThanOrEqual(500);
  });

  it('repeats a read after a connection error', async () => {
    const calls = scripted(
      () => HttpResponse.error(),
      () => HttpResponse.json(podList),
    );
    server.use(http.get(podsPath, calls.resolver));
    await expect(direct().listPods(NAMESPACE, 'application')).resolves.toEqual(
      [],
    );
    expect(calls.seen).toEqual(['GET', 'GET']);
  });

  it('repeats a server-side apply (idempotent PATCH)', async () => {
    const calls = scripted(
      () => status(500),
      () =>
        HttpResponse.json({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x', namespace: NAMESPACE },
        }),
    );
    server.use(
      http.patch(
        `${K8S}/api/v1/namespaces/${NAMESPACE}/configmaps/x`,
        calls.resolver,
      ),
    );
    // the object API asks the server which resource a kind is, once
    server.use(
      http.get(`${K8S}/api/v1`, () =>
        HttpResponse.json({
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            {
              name: 'configmaps',
              kind: 'ConfigMap',
              namespaced: true,
              singularName: 'configmap',
              verbs: ['get', 'patch'],
            },
          ],
        }),
      ),
    );
    await direct().apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: NAMESPACE },
    });
    expect(calls.seen).toEqual(['PATCH', 'PATCH']);
  });

  it('never repeats a POST that may have reached the server (503, connection error)', async () => {
    for (const answer of [() => status(503), () => HttpResponse.error()]) {
      const calls = scripted(answer);
      server.use(
        http.post(
          `${K8S}/api/v1/namespaces/${NAMESPACE}/configmaps`,
          calls.resolver,
        ),
      );
      await expect(
        direct().core.createNamespacedConfigMap({
          namespace: NAMESPACE,
          body: { metadata: { name: 'once' } },
        }),
      ).rejects.toBeDefined();
      expect(calls.seen).toEqual(['POST']);
    }
  });

  it('repeats a conflict-safe create (a Job named by the caller; 409 counts as done)', async () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nova-cell-setup', namespace: NAMESPACE, uid: 'u1' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: { containers: [] } } } },
      },
    };
    const creates = scripted(
      () => HttpResponse.error(),
      () => status(409, { reason: 'AlreadyExists' }),
    );
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'discover-1', namespace: NAMESPACE },
    };
    let reads = 0;
    server.use(
      http.get(
        `${K8S}/apis/batch/v1/namespaces/${NAMESPACE}/jobs/discover-1`,
        () => (++reads === 1 ? status(404) : HttpResponse.json(job)),
      ),
      http.get(
        `${K8S}/apis/batch/v1/namespaces/${NAMESPACE}/cronjobs/nova-cell-setup`,
        () => HttpResponse.json(cronJob),
      ),
      http.post(
        `${K8S}/apis/batch/v1/namespaces/${NAMESPACE}/jobs`,
        creates.resolver,
      ),
    );
    // the first POST created the Job but its answer was lost; the repeat finds it
    const got = await runJobFromCronJob(direct(), {
      namespace: NAMESPACE,
      cronJob: 'nova-cell-setup',
      name: 'discover-1',
    });
    expect(creates.seen).toEqual(['POST', 'POST']);
    expect(got).toEqual({
      created: false,
      job: expect.objectContaining({
        metadata: expect.objectContaining({ name: 'discover-1' }),
      }),
    });
  });
});

describe('through the Kubernetes backend', () => {
  it("the proxy's calls go through the same layer", async () => {
    const calls = scripted(
      () => status(503),
      () => HttpResponse.json(podList),
    );
    server.use(
      http.get(
        `http://backstage.test:7007/api/kubernetes/proxy/api/v1/namespaces/${NAMESPACE}/pods`,
        calls.resolver,
      ),
    );
    const client = ClusterClient.viaKubernetesBackend('prod-eu', {
      discovery: mockServices.discovery.mock({
        getBaseUrl: async (pluginId: string) =>
          `http://backstage.test:7007/api/${pluginId}`,
      }),
      auth: mockServices.auth({ pluginId: 'openstack' }),
    });
    await expect(client.listPods(NAMESPACE, 'application')).resolves.toEqual(
      [],
    );
    expect(calls.seen).toEqual(['GET', 'GET']);
  });
});
