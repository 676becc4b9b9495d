import { randomBytes } from 'node:crypto';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Deployment,
  V1Job,
  V1Pod,
  V1StatefulSet,
  VersionApi,
} from '@kubernetes/client-node';
import { ClusterDetails, kubeConfigFor } from './clusters';
import { withKubeRetry } from './retry';

/** The field manager of every server-side apply of the suite. @public */
export const FIELD_MANAGER = 'backstage-openstack';

/** The label that marks a namespace (and every object) as belonging to one cloud. @public */
export const CLOUD_LABEL = 'openstack.backstage.io/cloud';

/** HTTP status of a failed @kubernetes/client-node call, or undefined for other errors. @public */
export function kubeStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The `message` of the Kubernetes Status a call failed with (or the error's own message). */
function serverMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed && typeof parsed === 'object' && 'message' in parsed) {
      return String((parsed as { message: unknown }).message);
    }
  } catch {
    // not JSON
  }
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** A random credential: 32 bytes from node:crypto, base64url (no characters YAML or URLs mind). @public */
export function randomCredential(): string {
  return randomBytes(32).toString('base64url');
}

/** What `ensureSecret` did; never the values. @public */
export interface EnsuredSecret {
  name: string;
  namespace: string;
  /** True when the Secret did not exist and was created now. */
  created: boolean;
  /** Keys added to a Secret that existed without them (existing keys are never touched). */
  addedKeys: string[];
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
 * @public
 */
export class ClusterClient {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;

  static for(cluster: ClusterDetails): ClusterClient {
    return new ClusterClient(cluster.name, kubeConfigFor(cluster));
  }

  constructor(readonly name: string, readonly kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
  }

  get url(): string {
    return this.kc.getCurrentCluster()?.server ?? '(no server)';
  }

  /** Turns a failed call into an error naming the cluster, the call and the fix. */
  fail(what: string, error: unknown): Error {
    const status = kubeStatusOf(error);
    const where = `Kubernetes cluster "${this.name}" (${this.url}): ${what}`;
    const msg = serverMessage(error);
    switch (status) {
      case undefined:
        return new ServiceUnavailableError(
          `${where} failed: ${msg}. Check that the cluster is reachable from the backend and its url/caData in kubernetes.clusterLocatorMethods`,
        );
      case 401:
        return new NotAllowedError(
          `${where}: HTTP 401, the serviceAccountToken was refused. Issue a new token of the backstage-openstack ServiceAccount and update the cluster's config`,
        );
      case 403:
        return new NotAllowedError(
          `${where}: HTTP 403 ${msg}. Grant it in deploy/rbac/backstage-openstack.yaml and apply that file to the cluster`,
        );
      case 409:
        return new ConflictError(`${where}: HTTP 409 ${msg}`);
      case 422:
      case 400:
        return new InputError(
          `${where}: HTTP ${status}, the API server refused the object: ${msg}`,
        );
      default:
        return new ServiceUnavailableError(`${where}: HTTP ${status} ${msg}`);
    }
  }

  /** Runs one API call of this cluster: a 429 is repeated, any error named by {@link ClusterClient.fail}. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      // a 429 (request not processed) is repeated as the server asks
      return await withKubeRetry(fn);
    } catch (e) {
      throw this.fail(what, e);
    }
  }

  /** The server's version (`GET /version`): proves the cluster is reachable and the token accepted. */
  async version(): Promise<string> {
    const v = await this.call('GET /version', () =>
      this.kc.makeApiClient(VersionApi).getCode(),
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

  /** Creates the namespace with these labels unless it exists (the role may not patch namespaces). */
  async ensureNamespace(
    namespace: string,
    labels: Record<string, string>,
  ): Promise<'created' | 'exists'> {
    try {
      await this.core.createNamespace({
        body: { metadata: { name: namespace, labels } },
        fieldManager: FIELD_MANAGER,
      });
      return 'created';
    } catch (e) {
      if (kubeStatusOf(e) === 409) return 'exists';
      throw this.fail(`create namespace ${namespace}`, e);
    }
  }

  /**
   * Creates a Secret once, with a random value (node:crypto) for each key. An existing Secret
   * keeps its values: only keys it lacks are added. Values never leave this method.
   */
  async ensureSecret(s: {
    name: string;
    namespace: string;
    keys: string[];
    labels?: Record<string, string>;
  }): Promise<EnsuredSecret> {
    const random = (keys: string[]) =>
      Object.fromEntries(
        keys.map(k => [k, Buffer.from(randomCredential()).toString('base64')]),
      );
    let existing: string[] | undefined;
    try {
      const got = await this.core.readNamespacedSecret({
        name: s.name,
        namespace: s.namespace,
      });
      existing = Object.keys(got.data ?? {});
    } catch (e) {
      if (kubeStatusOf(e) !== 404)
        throw this.fail(`GET secret ${s.namespace}/${s.name}`, e);
    }
    if (!existing) {
      try {
        await this.core.createNamespacedSecret({
          namespace: s.namespace,
          body: {
            metadata: { name: s.name, labels: s.labels },
            type: 'Opaque',
            data: random(s.keys),
          },
          fieldManager: FIELD_MANAGER,
        });
        return { name: s.name, namespace: s.namespace, created: true, addedKeys: [] };
      } catch (e) {
        // created by a concurrent run: keep that one
        if (kubeStatusOf(e) !== 409)
          throw this.fail(`create secret ${s.namespace}/${s.name}`, e);
        return this.ensureSecret(s);
      }
    }
    const missing = s.keys.filter(k => !existing!.includes(k));
    if (missing.length) {
      await this.call(`patch secret ${s.namespace}/${s.name}`, () =>
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
    return { name: s.name, namespace: s.namespace, created: false, addedKeys: missing };
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

  /** Deployments and StatefulSets of a namespace matching a label selector. */
  async listWorkloads(
    namespace: string,
    labelSelector: string,
  ): Promise<Array<V1Deployment | V1StatefulSet>> {
    const [deployments, statefulSets] = await Promise.all([
      this.call(`list deployments in ${namespace}`, () =>
        this.apps.listNamespacedDeployment({ namespace, labelSelector }),
      ),
      this.call(`list statefulsets in ${namespace}`, () =>
        this.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
      ),
    ]);
    return [
      ...deployments.items.map(x => ({ ...x, kind: 'Deployment' })),
      ...statefulSets.items.map(x => ({ ...x, kind: 'StatefulSet' })),
    ];
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const pods = await this.call(`list pods in ${namespace}`, () =>
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
>;
