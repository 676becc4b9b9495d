import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CloudLease,
  CloudOperationKind,
  CloudStatus,
  ComputeHostStatus,
  IssuedJoinToken,
  JoinTokenStatus,
  NewDemoCloud,
  NewJoinToken,
  OpenStackPluginApi,
} from '@backstage-openstack/plugin-openstack-common';
import { ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';

/** How the suite's API names a cloud: its ref, and its key (the demo store's name). */
export type SuiteCloud = Pick<ResolvedCloud, 'entityRef' | 'cloudKey'>;

/**
 * What the actions ask of the suite's own API (/api/openstack): the status of a cloud and its
 * hosts (both drivers), and the demo store's operations (where the demo driver's effects land).
 * The one seam between the actions and the backend client.
 */
export interface SuiteApi {
  /** The status of a cloud (read fresh). */
  status(cloud: SuiteCloud): Promise<CloudStatus>;
  /** The status of a demo cloud by its key: the create action waits on it before its entity exists. */
  demoStatus(cloudKey: string): Promise<CloudStatus>;
  /** Every compute host, page by page. */
  hosts(cloud: SuiteCloud): Promise<ComputeHostStatus[]>;
  host(cloud: SuiteCloud, host: string): Promise<ComputeHostStatus | undefined>;
  /** Creates a simulated cloud in the demo store (the body of `POST /demo/clouds`). */
  createDemoCloud(body: NewDemoCloud): Promise<unknown>;
  /** Rolls the demo cloud to `to`, chart by chart in `order` (the planner's steps); idempotent. */
  upgradeDemoCloud(cloud: SuiteCloud, body: { to: string; order: string[] }): Promise<unknown>;
  enrollDemoHost(cloud: SuiteCloud, body: { host: string; zone: string; aggregate?: string }): Promise<unknown>;
  /**
   * Takes or renews a cloud's lease for a task, as the task's initiator (the backend checks their
   * permission for `kind`); rejects with a 409 naming the running task and its initiator.
   */
  acquireLease(credentials: BackstageCredentials, cloudRef: string, body: { taskId: string; kind: CloudOperationKind; ttlSeconds?: number }): Promise<CloudLease>;
  /** Releases the task's lease, as the task's initiator. */
  releaseLease(credentials: BackstageCredentials, cloudRef: string, taskId: string): Promise<boolean>;
  /** Issues a host's one-time join token, as the task's initiator (the backend checks openstack.compute.enroll). Secret answer. */
  issueJoinToken(credentials: BackstageCredentials, cloudRef: string, body: NewJoinToken): Promise<IssuedJoinToken>;
  /** The state of the host's latest join token, as the task's initiator; undefined when none was issued. */
  joinToken(credentials: BackstageCredentials, cloudRef: string, host: string): Promise<JoinTokenStatus | undefined>;
  /** Binds the host's join record to the continuation task presenting it, as the task's initiator; its state (the host's report). */
  bindJoin(credentials: BackstageCredentials, cloudRef: string, host: string, body: { joinId: string; taskId: string; parameters: Record<string, unknown> }): Promise<JoinTokenStatus>;
  /** Deletes the host's unused join tokens (decommission), as the task's initiator; how many. */
  deleteJoinTokens(credentials: BackstageCredentials, cloudRef: string, host: string): Promise<number>;
  /** Stores a cloud's or host's entity for the suite's entity provider, as the task's initiator. */
  putEntity(credentials: BackstageCredentials, entity: Record<string, unknown>): Promise<{ entityRef: string }>;
  /** Removes an entity the suite keeps (its provider drops it from the catalog), as the task's initiator; false when it kept none. */
  deleteEntity(credentials: BackstageCredentials, ref: { kind: string; namespace: string; name: string }): Promise<boolean>;
}

/**
 * The suite API over the one client of /api/openstack (`OpenStackPluginClient`): the routes name
 * a cloud by its cloud ref; only the create action's wait names a new demo cloud by its cloud key
 * (its entity does not exist yet). Reads are fresh (`refresh`), as an action acts on them.
 * `client` calls with the scaffolder's service credentials; `asInitiator(credentials)` is the
 * same client calling on behalf of a task's initiator, for the routes that check their permission.
 */
export function suiteApi(client: OpenStackPluginApi, asInitiator: (credentials: BackstageCredentials) => OpenStackPluginApi): SuiteApi {
  return {
    acquireLease: (credentials, cloudRef, body) => asInitiator(credentials).acquireCloudLease(cloudRef, body),
    releaseLease: (credentials, cloudRef, taskId) => asInitiator(credentials).releaseCloudLease(cloudRef, taskId),
    putEntity: (credentials, entity) => asInitiator(credentials).putSuiteEntity(entity),
    deleteEntity: (credentials, ref) => asInitiator(credentials).deleteSuiteEntity(ref),
    issueJoinToken: (credentials, cloudRef, body) => asInitiator(credentials).issueJoinToken(cloudRef, body),
    joinToken: (credentials, cloudRef, host) => asInitiator(credentials).getJoinToken(cloudRef, host),
    bindJoin: (credentials, cloudRef, host, body) => asInitiator(credentials).bindJoinContinuation(cloudRef, host, body),
    deleteJoinTokens: (credentials, cloudRef, host) => asInitiator(credentials).deleteJoinTokens(cloudRef, host),
    status: cloud => client.getStatus(cloud.entityRef, { refresh: true }),
    demoStatus: cloudKey => client.getDemoCloudStatus(cloudKey),
    hosts: cloud => client.listAllHosts(cloud.entityRef, { refresh: true }),
    host: (cloud, host) => client.findHost(cloud.entityRef, host, { refresh: true }),
    createDemoCloud: body => client.createDemoCloud(body),
    upgradeDemoCloud: (cloud, body) => client.startDemoUpgrade(cloud.entityRef, body),
    enrollDemoHost: (cloud, body) => client.enrollDemoHost(cloud.entityRef, body),
  };
}
