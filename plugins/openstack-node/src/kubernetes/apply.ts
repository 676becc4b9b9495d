import { randomBytes } from 'node:crypto';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  Configuration,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1APIResource,
  V1Job,
  V1Pod,
  VersionApi,
} from '@kubernetes/client-node';
import { ClusterDetails, kubeConfigFor } from './clusters';
import {
  KubernetesBackendAccess,
  kubeConfigViaKubernetesBackend,
} from './kubernetesBackend';
import { kubeApiConfiguration, KubeHttp, kubeHttp, KubeHttpOptions } from './http';
import { kubeServerMessage, kubeStatusOf } from './kubeErrors';
import { KubeWorkload } from './workloads';

/** The field manager of every server-side apply of the suite. @public */
export const FIELD_MANAGER = 'backstage-openstack';

/** The label that marks a namespace (and every object) as belonging to one cloud. @public */
export const CLOUD_LABEL = 'openstack.backstage.io/cloud';

/** A random credential: 32 bytes from node:crypto, base64url (no characters YAML or URLs mind). @public */
export function randomCredential(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What {@link ClusterClient.ensureSecret} does with a Secret that exists already: `keep` leaves
 * it exactly as it is; `add-missing-keys` adds a random value for each of the `randomKeys` it
 * lacks. Neither ever changes a value the Secret has.
 *
 * @public
 */
export type ExistingSecretPolicy = 'keep' | 'add-missing-keys';

/** The Secret {@link ClusterClient.ensureSecret} creates once. @public */
export interface SecretOnce {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  /** Keys that get a random credential each (node:crypto, see {@link randomCredential}). */
  randomKeys?: string[];
  /** Values given by the caller (plain text; stored as the Secret's `stringData`). */
  stringData?: Record<string, string>;
  /** What to do when the Secret exists; default `keep`. */
  existing?: ExistingSecretPolicy;
}

/** What {@link ClusterClient.ensureSecret} did; never the values. @public */
export interface EnsuredSecret {
  name: string;
  namespace: string;
  /** True when the Secret did not exist and was created now. */
  created: boolean;
  /** Keys added to a Secret that existed without them (existing keys are never touched). */
  addedKeys: string[];
  /** The labels of the Secret as it is in the cluster (to check whose it is). */
  labels: Record<string, string>;
}

/**
 * The file of deploy/rbac that a platform team applies in each namespace of a cloud (the
 * namespace, labelled with the cloud's name, and the suite's Secret rights in it). @public
 */
export const CLOUD_NAMESPACE_RBAC = 'deploy/rbac/cloud-namespace.yaml';

/** The file of deploy/rbac with the suite's cluster-wide rights (its ClusterRole). @public */
export const CLUSTER_RBAC = 'deploy/rbac/backstage-openstack.yaml';

/** A right the suite needs in a cluster: a verb on a kind, in a namespace or cluster-wide. @public */
export interface KubeRight {
  /** The API verb: get, list, create, patch… */
  verb: string;
  /** The kind's API version, e.g. `v1`, `helm.toolkit.fluxcd.io/v2`. */
  apiVersion: string;
  /** The kind, e.g. `Secret`; the cluster's discovery names its resource. */
  kind: string;
  /** The namespace; absent for a cluster-scoped kind. */
  namespace?: string;
  /** One object only (e.g. `get` of one namespace). */
  name?: string;
}

/** The object API with the kind → resource lookup (discovery) that client-node keeps to itself. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  lookup(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }
}

/** Whether a namespace may hold a cloud's control plane. @public */
export type NamespaceOwnership =
  | { state: 'free' }
  | { state: 'owned' }
  | { state: 'foreign'; owner?: string };

/**
 * One Kubernetes cluster as the suite uses it, with errors that name the cluster, its URL, what
 * failed and how to fix it. Every write is a server-side apply with field manager
 * `backstage-openstack`, or a create-once (namespaces, Secrets). Shared by the backend and the
 * scaffolder actions.
 *
 * Every API client it hands out ({@link ClusterClient.objects}, `core`, `apps`, `batch`,
 * {@link ClusterClient.api}) sends its requests through one HTTP layer ({@link kubeHttp}): a
 * time limit on every call, and the retries that are safe.
 *
 * @public
 */
export class ClusterClient {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  private readonly http: KubeHttp;
  private readonly configuration: Configuration;
  /** {@link ClusterClient.objects}, with its kind → resource lookup. */
  private readonly discovering: DiscoveringObjectApi;

  /** A cluster reached directly with its ServiceAccount token (tests, benchmarks). */
  static for(cluster: ClusterDetails, http?: KubeHttpOptions): ClusterClient {
    return new ClusterClient(cluster.name, kubeConfigFor(cluster), undefined, http);
  }

  /**
   * A cluster as the Backstage Kubernetes backend knows it (any of its cluster locators and auth
   * providers), reached through its proxy with the calling plugin's service credentials.
   */
  static viaKubernetesBackend(
    name: string,
    access: KubernetesBackendAccess,
    http?: KubeHttpOptions,
  ): ClusterClient {
    return new ClusterClient(
      name,
      kubeConfigViaKubernetesBackend(name, access),
      'the Kubernetes backend',
      http,
    );
  }

  /**
   * @param via - how the cluster is reached when not directly: named in errors instead of the
   *   cluster's URL
   * @param http - the time limit and retries of every call (defaults: 10 s, 3 retries)
   */
  constructor(
    readonly name: string,
    readonly kc: KubeConfig,
    private readonly via?: string,
    http?: KubeHttpOptions,
  ) {
    this.http = kubeHttp(http);
    this.configuration = kubeApiConfiguration(kc, this.http.http);
    this.discovering = new DiscoveringObjectApi(this.configuration);
    this.objects = this.discovering;
    this.core = this.api(CoreV1Api);
    this.apps = this.api(AppsV1Api);
    this.batch = this.api(BatchV1Api);
  }

  /**
   * A generated API client of this cluster (e.g. `AuthorizationV1Api`), sending through the same
   * HTTP layer as every other call. Never make clients from {@link ClusterClient.kc} directly:
   * they would bypass the time limit and retries.
   */
  api<T>(Api: new (configuration: Configuration) => T): T {
    return new Api(this.configuration);
  }

  /**
   * Per-call options of a create (POST) whose caller treats 409 as "already done": such a create
   * may be repeated after a 5xx or a lost connection (other POSTs never are).
   */
  get conflictSafe(): { httpApi: KubeHttp['conflictSafe'] } {
    return { httpApi: this.http.conflictSafe };
  }

  /** The cluster's URL, or how it is reached (through the Kubernetes backend). */
  get url(): string {
    if (this.via) return `through ${this.via}`;
    return this.kc.getCurrentCluster()?.server ?? '(no server)';
  }

  /** Turns a failed call into an error naming the cluster, the call and the fix. */
  fail(what: string, error: unknown): Error {
    const status = kubeStatusOf(error);
    const where = `Kubernetes cluster "${this.name}" (${this.url}): ${what}`;
    const msg = kubeServerMessage(error);
    switch (status) {
      case undefined:
        return new ServiceUnavailableError(
          `${where} failed: ${msg}. Check that the cluster is reachable from the backend and its url/caData in kubernetes.clusterLocatorMethods`,
        );
      case 401:
        return new NotAllowedError(
          `${where}: HTTP 401, the cluster's credentials were refused. Issue a new token of the backstage-openstack ServiceAccount and update the cluster's config in kubernetes.clusterLocatorMethods`,
        );
      case 403:
        return new NotAllowedError(
          `${where}: HTTP 403 ${msg}. Grant it: Secrets of a cloud's namespace come with ${CLOUD_NAMESPACE_RBAC} applied in that namespace, everything else with ${CLUSTER_RBAC} applied to the cluster`,
        );
      case 409:
        return new ConflictError(`${where}: HTTP 409 ${msg}`);
      case 404:
        return this.via
          ? new NotFoundError(
              `${where}: HTTP 404 ${msg}. Is "${this.name}" a cluster of the Kubernetes backend (kubernetes.clusterLocatorMethods)?`,
            )
          : new ServiceUnavailableError(`${where}: HTTP 404 ${msg}`);
      case 422:
      case 400:
        return new InputError(
          `${where}: HTTP ${status}, the API server refused the object: ${msg}`,
        );
      default:
        return new ServiceUnavailableError(`${where}: HTTP ${status} ${msg}`);
    }
  }

  /**
   * Runs one API call of this cluster, any error named by {@link ClusterClient.fail} (time limit
   * and retries are the HTTP layer's, under every call).
   */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.fail(what, e);
    }
  }

  /** The server's version (`GET /version`): proves the cluster is reachable and the token accepted. */
  async version(): Promise<string> {
    const v = await this.call('GET /version', () =>
      this.api(VersionApi).getCode(),
    );
    return v.gitVersion;
  }

  /**
   * Whether `namespace` is free, already this cloud's (label `openstack.backstage.io/cloud`), or
   * someone else's.
   */
  async namespaceOwnership(
    namespace: string,
    cloud: string,
  ): Promise<NamespaceOwnership> {
    try {
      const ns = await this.core.readNamespace({ name: namespace });
      const owner = ns.metadata?.labels?.[CLOUD_LABEL];
      return owner === cloud ? { state: 'owned' } : { state: 'foreign', owner };
    } catch (e) {
      if (kubeStatusOf(e) === 404) return { state: 'free' };
      throw this.fail(`GET namespace ${namespace}`, e);
    }
  }

  /**
   * Creates the namespace with these labels unless it exists (the role may not patch namespaces).
   * An existing namespace is only read: the suite's role has no `create` on namespaces, the
   * platform team makes a cloud's namespace when it onboards it ({@link CLOUD_NAMESPACE_RBAC}).
   */
  async ensureNamespace(
    namespace: string,
    labels: Record<string, string>,
  ): Promise<'created' | 'exists'> {
    if ((await this.namespaceOwnership(namespace, '')).state !== 'free') {
      return 'exists';
    }
    try {
      await this.core.createNamespace(
        {
          body: { metadata: { name: namespace, labels } },
          fieldManager: FIELD_MANAGER,
        },
        this.conflictSafe,
      );
      return 'created';
    } catch (e) {
      if (kubeStatusOf(e) === 409) return 'exists';
      throw this.fail(`create namespace ${namespace}`, e);
    }
  }

  /**
   * Creates a Secret once, with the caller's `stringData` and a random value (node:crypto) for
   * each of `randomKeys`; a Secret that exists is handled as `existing` says (never overwritten).
   * Values never leave this method. A Secret created by a concurrent run counts as existing.
   */
  async ensureSecret(s: SecretOnce): Promise<EnsuredSecret> {
    const where = `${s.namespace}/${s.name}`;
    const random = (keys: string[]) =>
      Object.fromEntries(
        keys.map(k => [k, Buffer.from(randomCredential()).toString('base64')]),
      );
    const existing = async () => {
      try {
        return await this.core.readNamespacedSecret({
          name: s.name,
          namespace: s.namespace,
        });
      } catch (e) {
        if (kubeStatusOf(e) === 404) return undefined;
        throw this.fail(`GET secret ${where}`, e);
      }
    };
    let got = await existing();
    if (!got) {
      try {
        await this.core.createNamespacedSecret(
          {
            namespace: s.namespace,
            body: {
              metadata: { name: s.name, labels: s.labels },
              type: 'Opaque',
              data: random(s.randomKeys ?? []),
              stringData: s.stringData,
            },
            fieldManager: FIELD_MANAGER,
          },
          this.conflictSafe,
        );
        return {
          name: s.name,
          namespace: s.namespace,
          created: true,
          addedKeys: [],
          labels: s.labels ?? {},
        };
      } catch (e) {
        // created by a concurrent run: that one is the existing Secret
        if (kubeStatusOf(e) !== 409) throw this.fail(`create secret ${where}`, e);
        got = await existing();
        if (!got) throw this.fail(`create secret ${where}`, e);
      }
    }
    const labels = got.metadata?.labels ?? {};
    const have = Object.keys(got.data ?? {});
    const missing =
      (s.existing ?? 'keep') === 'add-missing-keys'
        ? (s.randomKeys ?? []).filter(k => !have.includes(k))
        : [];
    if (missing.length) {
      await this.call(`patch secret ${where}`, () =>
        this.objects.patch(
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: s.name, namespace: s.namespace },
            data: random(missing),
          } as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        ),
      );
    }
    return {
      name: s.name,
      namespace: s.namespace,
      created: false,
      addedKeys: missing,
      labels,
    };
  }

  /**
   * The rights of `wanted` that this cluster's credentials lack, each asked with a
   * SelfSubjectAccessReview (the identity the cluster sees: the ServiceAccount behind the
   * Kubernetes backend). A kind the cluster does not serve counts as missing.
   */
  async missingRights(wanted: KubeRight[]): Promise<KubeRight[]> {
    const resources = new Map<string, Promise<V1APIResource | undefined>>();
    const resourceOf = (r: KubeRight) => {
      const k = `${r.apiVersion}/${r.kind}`;
      if (!resources.has(k)) {
        resources.set(
          k,
          this.call(`discover the resource of ${r.kind} (${r.apiVersion})`, () =>
            this.discovering.lookup(r.apiVersion, r.kind),
          ),
        );
      }
      return resources.get(k)!;
    };
    const reviews = this.api(AuthorizationV1Api);
    const allowed = await Promise.all(
      wanted.map(async r => {
        const resource = await resourceOf(r);
        if (!resource) return false;
        const review = await this.call(
          `SelfSubjectAccessReview of ${r.verb} ${resource.name}`,
          () =>
            reviews.createSelfSubjectAccessReview(
              {
                body: {
                  spec: {
                    resourceAttributes: {
                      verb: r.verb,
                      group: r.apiVersion.includes('/')
                        ? r.apiVersion.split('/')[0]
                        : '',
                      resource: resource.name,
                      namespace: resource.namespaced ? r.namespace : undefined,
                      name: r.name,
                    },
                  },
                },
              },
              // a review changes nothing: asking again is harmless
              this.conflictSafe,
            ),
        );
        return review.status?.allowed === true;
      }),
    );
    return wanted.filter((_, i) => !allowed[i]);
  }

  /** Server-side apply (field manager `backstage-openstack`, force), optionally as a server dry run. */
  async apply<T extends KubernetesObject>(
    obj: T,
    opts: { dryRun?: boolean } = {},
  ): Promise<T> {
    const m = obj.metadata ?? {};
    return this.call(
      `apply ${obj.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`,
      () =>
        this.objects.patch(
          obj,
          undefined,
          opts.dryRun ? 'All' : undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        ),
    );
  }

  /** Reads an object, or undefined when it does not exist. */
  async read<T extends KubernetesObject>(header: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  }): Promise<T | undefined> {
    try {
      return (await this.objects.read({
        apiVersion: header.apiVersion,
        kind: header.kind,
        metadata: { name: header.name, namespace: header.namespace },
      })) as T;
    } catch (e) {
      if (kubeStatusOf(e) === 404) return undefined;
      throw this.fail(
        `GET ${header.kind} ${header.namespace ? `${header.namespace}/` : ''}${header.name}`,
        e,
      );
    }
  }

  /**
   * Deployments, StatefulSets, DaemonSets and Jobs of a namespace matching a label selector, each
   * with its `kind` (four list calls in parallel).
   */
  async listWorkloads(
    namespace: string,
    labelSelector: string,
  ): Promise<KubeWorkload[]> {
    const list = <T>(what: string, fn: () => Promise<{ items: T[] }>) =>
      this.call(`list ${what} in namespace ${namespace}`, fn).then(
        r => r.items,
      );
    const q = { namespace, labelSelector };
    const [deployments, statefulSets, daemonSets, jobs] = await Promise.all([
      list('deployments', () => this.apps.listNamespacedDeployment(q)),
      list('statefulsets', () => this.apps.listNamespacedStatefulSet(q)),
      list('daemonsets', () => this.apps.listNamespacedDaemonSet(q)),
      list('jobs', () => this.batch.listNamespacedJob(q)),
    ]);
    return [
      ...deployments.map(x => ({ ...x, kind: 'Deployment' as const })),
      ...statefulSets.map(x => ({ ...x, kind: 'StatefulSet' as const })),
      ...daemonSets.map(x => ({ ...x, kind: 'DaemonSet' as const })),
      ...jobs.map(x => ({ ...x, kind: 'Job' as const })),
    ];
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const pods = await this.call(`list pods in namespace ${namespace}`, () =>
      this.core.listNamespacedPod({ namespace, labelSelector }),
    );
    return pods.items;
  }

  async readJob(namespace: string, name: string): Promise<V1Job | undefined> {
    try {
      return await this.batch.readNamespacedJob({ name, namespace });
    } catch (e) {
      if (kubeStatusOf(e) === 404) return undefined;
      throw this.fail(`GET job ${namespace}/${name}`, e);
    }
  }
}

/**
 * What the actions and the backend use of a cluster (a {@link ClusterClient}); unit tests give an
 * in-memory implementation with the API server's semantics.
 *
 * @public
 */
export type ClusterAccess = Pick<
  ClusterClient,
  | 'name'
  | 'url'
  | 'version'
  | 'namespaceOwnership'
  | 'ensureNamespace'
  | 'ensureSecret'
  | 'apply'
  | 'read'
  | 'listWorkloads'
  | 'listPods'
  | 'readJob'
  | 'missingRights'
>;
