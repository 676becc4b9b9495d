/*
 * An msw model of the Kubernetes API's list calls the live status source makes in one
 * namespace, with an openstack-helm control plane in it.
 */
import { getResponse, http, HttpResponse } from 'msw';

/** @public */
export const K8S = 'https://k8s.test:6443';
/** @public */
export const K8S_TOKEN = 'k8s-sa-token-not-a-real-one';
/** @public */
export const NAMESPACE = 'openstack';

const meta = (
  name: string,
  labels: Record<string, string>,
  extra: object = {},
) => ({
  name,
  namespace: NAMESPACE,
  labels,
  creationTimestamp: '2026-11-20T08:00:00Z',
  ...extra,
});
const template = (image: string) => ({
  spec: { containers: [{ name: 'main', image }] },
});
const helm = (application: string, component: string) => ({
  application,
  component,
  release_group: application,
});

/** @public */
export const deployments = [
  {
    metadata: meta('keystone-api', helm('keystone', 'api')),
    spec: {
      replicas: 3,
      selector: { matchLabels: helm('keystone', 'api') },
      template: template('quay.io/airshipit/keystone:2025.1-ubuntu_noble'),
    },
    status: {
      readyReplicas: 3,
      replicas: 3,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: '2026-11-24T09:30:00Z',
          lastTransitionTime: '2026-11-20T08:00:00Z',
        },
      ],
    },
  },
  {
    metadata: meta('nova-api-osapi', helm('nova', 'os-api')),
    spec: {
      replicas: 2,
      selector: { matchLabels: helm('nova', 'os-api') },
      template: template('quay.io/airshipit/nova:2025.1-ubuntu_noble'),
    },
    status: { readyReplicas: 1, replicas: 2 },
  },
  // not openstack-helm's: ignored
  {
    metadata: meta('ingress-nginx', {
      application: 'ingress',
      component: 'server',
    }),
    spec: {
      replicas: 1,
      selector: { matchLabels: { application: 'ingress' } },
      template: template('nginx:1'),
    },
    status: { readyReplicas: 1 },
  },
];

/** @public */
export const statefulSets = [
  {
    metadata: meta('mariadb-server', helm('mariadb', 'server')),
    spec: {
      replicas: 3,
      selector: { matchLabels: helm('mariadb', 'server') },
      template: template('docker.io/openstackhelm/mariadb:latest-ubuntu_noble'),
    },
    status: { readyReplicas: 3 },
  },
  {
    metadata: meta('rabbitmq-rabbitmq', helm('rabbitmq', 'server')),
    spec: {
      replicas: 3,
      selector: { matchLabels: helm('rabbitmq', 'server') },
      template: template('docker.io/library/rabbitmq:3.13'),
    },
    status: { readyReplicas: 3 },
  },
  {
    metadata: meta('memcached-memcached', helm('memcached', 'server')),
    spec: {
      replicas: 1,
      selector: { matchLabels: helm('memcached', 'server') },
      template: template('memcached:1.6'),
    },
    status: { readyReplicas: 1 },
  },
];

/** @public */
export const daemonSets = [
  {
    metadata: meta('openvswitch', helm('openvswitch', 'openvswitch-vswitchd')),
    spec: {
      selector: { matchLabels: helm('openvswitch', 'openvswitch-vswitchd') },
      template: template('openstackhelm/openvswitch:latest'),
    },
    status: { numberReady: 2, desiredNumberScheduled: 3 },
  },
];

/** @public */
export const jobs = [
  {
    metadata: meta('keystone-db-sync', helm('keystone', 'db-sync')),
    spec: {
      completions: 1,
      selector: { matchLabels: { 'controller-uid': 'x' } },
      template: template('quay.io/airshipit/keystone:2025.1-ubuntu_noble'),
    },
    status: { succeeded: 1 },
  },
  {
    metadata: meta(
      'keystone-fernet-rotate-29000000',
      helm('keystone', 'fernet-rotate'),
      {
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            name: 'keystone-fernet-rotate',
            uid: 'u',
          },
        ],
      },
    ),
    spec: {
      selector: { matchLabels: { 'controller-uid': 'y' } },
      template: template('quay.io/airshipit/keystone:2025.1-ubuntu_noble'),
    },
    status: { succeeded: 1 },
  },
];

const pod = (
  name: string,
  labels: Record<string, string>,
  restarts: number,
) => ({
  metadata: meta(name, labels),
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'main',
        restartCount: restarts,
        ready: true,
        image: 'x',
        imageID: 'x',
      },
    ],
  },
});

/** @public */
export const pods = [
  pod('keystone-api-0', helm('keystone', 'api'), 1),
  pod('keystone-api-1', helm('keystone', 'api'), 2),
  pod('nova-api-osapi-0', helm('nova', 'os-api'), 7),
  pod('mariadb-server-0', helm('mariadb', 'server'), 0),
];

/** @public */
export interface FakeKubernetesState {
  /** Paths asked, with their labelSelector. */
  calls: string[];
  /** HTTP status every list answers with instead (e.g. 403). */
  failWith?: number;
  /** Kinds whose list alone is forbidden (403), e.g. `['Pod']`. */
  forbid?: string[];
  /** The API server's URL; default {@link K8S}. */
  url?: string;
  /** Record every call in `calls` (default true). */
  record?: boolean;
}

const list =
  (state: FakeKubernetesState, kind: string, items: object[]) =>
  ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    if (state.record !== false)
      state.calls.push(
      `${url.pathname}?labelSelector=${url.searchParams.get('labelSelector')}`,
    );
    if (request.headers.get('authorization') !== `Bearer ${K8S_TOKEN}`) {
      return HttpResponse.json(
        { kind: 'Status', code: 401, message: 'Unauthorized' },
        { status: 401 },
      );
    }
    const failWith = state.failWith ?? (state.forbid?.includes(kind) ? 403 : undefined);
    if (failWith) {
      return HttpResponse.json(
        {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: failWith,
          reason: 'Forbidden',
          message: `${kind.toLowerCase()}s is forbidden: User "system:serviceaccount:backstage-openstack:backstage-openstack" cannot list resource`,
        },
        { status: failWith },
      );
    }
    return HttpResponse.json({
      kind: `${kind}List`,
      apiVersion: 'v1',
      metadata: { resourceVersion: '1' },
      items,
    });
  };

/** Handlers of the namespace's list calls. @public */
export function fakeKubernetes(state: FakeKubernetesState) {
  const k8s = state.url ?? K8S;
  const ns = `${k8s}/apis/apps/v1/namespaces/${NAMESPACE}`;
  return [
    http.get(`${ns}/deployments`, list(state, 'Deployment', deployments)),
    http.get(`${ns}/statefulsets`, list(state, 'StatefulSet', statefulSets)),
    http.get(`${ns}/daemonsets`, list(state, 'DaemonSet', daemonSets)),
    http.get(
      `${k8s}/apis/batch/v1/namespaces/${NAMESPACE}/jobs`,
      list(state, 'Job', jobs),
    ),
    http.get(
      `${k8s}/api/v1/namespaces/${NAMESPACE}/pods`,
      list(state, 'Pod', pods),
    ),
  ];
}

/** Where {@link fakeKubernetesBackendProxy} answers: the Kubernetes plugin of a test backend. @public */
export const FAKE_KUBERNETES_BACKEND = 'http://backstage.test:7007/api/kubernetes';

/**
 * A stand-in for the Backstage Kubernetes backend's proxy (`/api/kubernetes/proxy`) as its
 * documentation describes it, in front of {@link fakeKubernetes}: a Backstage token required,
 * the target cluster named by the `Backstage-Kubernetes-Cluster` header among `clusters`
 * (default `prod-eu`; any other is a 404 as the proxy answers it), the request forwarded to the
 * fake API server with the cluster's own token. The real proxy cannot run under Jest (it loads
 * `@kubernetes/client-node` with a dynamic import). `seen` collects each request's headers.
 *
 * @public
 */
export function fakeKubernetesBackendProxy(
  state: FakeKubernetesState,
  opts: { clusters?: string[]; base?: string; seen?: Headers[] } = {},
) {
  const base = opts.base ?? FAKE_KUBERNETES_BACKEND;
  const clusters = opts.clusters ?? ['prod-eu'];
  const cluster = fakeKubernetes(state);
  return http.all(`${base}/proxy/*`, async ({ request }) => {
    opts.seen?.push(request.headers);
    if (!request.headers.get('authorization')?.startsWith('Bearer ')) {
      return HttpResponse.json(
        { error: { name: 'AuthenticationError', message: 'Missing credentials' } },
        { status: 401 },
      );
    }
    const name = request.headers.get('backstage-kubernetes-cluster') ?? '';
    if (!clusters.includes(name)) {
      return HttpResponse.json(
        { error: { name: 'NotFoundError', message: `Cluster '${name}' not found` } },
        { status: 404 },
      );
    }
    const url = new URL(request.url);
    const path = url.pathname.slice(new URL(`${base}/proxy`).pathname.length);
    const forwarded = new Request(`${state.url ?? K8S}${path}${url.search}`, {
      method: request.method,
      headers: { authorization: `Bearer ${K8S_TOKEN}` },
    });
    return (
      (await getResponse(cluster, forwarded)) ??
      HttpResponse.json({ kind: 'Status', code: 404 }, { status: 404 })
    );
  });
}
