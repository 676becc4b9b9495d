import { ResponseError } from '@backstage/errors';
import { ApprovalAuditEntry, ApprovalRequest, ApprovalVerification, NewApprovalRequest } from '../approvals';
import { CloudRef, parseCloudRef } from '../cloudRef';
import { FleetView } from '../status/fleet';
import { HostQuery } from '../status/hosts';
import { CloudStatus, ComputeHostPage, ComputeHostStatus, OperationRecord } from '../status/types';
import { CloudLease, CloudOperationKind, SuiteEntityRecord } from '../suite/suite';

/**
 * The routes of the suite's backend plugin (`/api/openstack`) that the client calls, as
 * openapi.yaml of plugins/openstack-backend names them (a test checks each one against it, and
 * that every route of the file has its method here). @public
 */
export const OPENSTACK_PLUGIN_ROUTES = {
  listChartSources: { method: 'GET', path: '/chart-sources' },
  listClouds: { method: 'GET', path: '/clouds' },
  getFleet: { method: 'GET', path: '/fleet' },
  getStatus: { method: 'GET', path: '/clouds/{namespace}/{name}/status' },
  getHosts: { method: 'GET', path: '/clouds/{namespace}/{name}/hosts' },
  getHost: { method: 'GET', path: '/clouds/{namespace}/{name}/hosts/{host}' },
  getOperations: { method: 'GET', path: '/clouds/{namespace}/{name}/operations' },
  getZones: { method: 'GET', path: '/clouds/{namespace}/{name}/zones' },
  issueJoinToken: { method: 'POST', path: '/clouds/{namespace}/{name}/join-tokens' },
  getJoinToken: { method: 'GET', path: '/clouds/{namespace}/{name}/join-tokens/{host}' },
  listJoinTokens: { method: 'GET', path: '/clouds/{namespace}/{name}/join-tokens' },
  deleteJoinTokens: { method: 'DELETE', path: '/clouds/{namespace}/{name}/join-tokens/{host}' },
  bindJoinContinuation: { method: 'POST', path: '/clouds/{namespace}/{name}/join-tokens/{host}/continuation' },
  getCloudLease: { method: 'GET', path: '/clouds/{namespace}/{name}/lease' },
  acquireCloudLease: { method: 'POST', path: '/clouds/{namespace}/{name}/lease' },
  releaseCloudLease: { method: 'DELETE', path: '/clouds/{namespace}/{name}/lease/{taskId}' },
  listSuiteEntities: { method: 'GET', path: '/catalog/entities' },
  putSuiteEntity: { method: 'POST', path: '/catalog/entities' },
  deleteSuiteEntity: { method: 'DELETE', path: '/catalog/entities/{kind}/{namespace}/{name}' },
  createDemoCloud: { method: 'POST', path: '/demo/clouds' },
  getDemoCloudStatus: { method: 'GET', path: '/demo/clouds/{cloudKey}/status' },
  startDemoUpgrade: { method: 'POST', path: '/demo/clouds/{namespace}/{name}/upgrade' },
  enrollDemoHost: { method: 'POST', path: '/demo/clouds/{namespace}/{name}/hosts' },
  listApprovals: { method: 'GET', path: '/approvals' },
  createApproval: { method: 'POST', path: '/approvals' },
  verifyApproval: { method: 'POST', path: '/approvals/verify' },
  getApproval: { method: 'GET', path: '/approvals/{id}' },
  decideApproval: { method: 'POST', path: '/approvals/{id}/decision' },
  cancelApproval: { method: 'POST', path: '/approvals/{id}/cancel' },
} as const;

/** A route the client calls. @public */
export type OpenStackPluginRoute = keyof typeof OPENSTACK_PLUGIN_ROUTES;

/** A chart source a new cloud may name (`openstack.chartSources`), as `GET /chart-sources` lists it. @public */
export interface ChartSourceItem {
  /** The name a spec gives as `chartSource.name`. */
  name: string;
}

/** A cloud of the catalog, as `GET /clouds` lists it. @public */
export interface CloudListItem {
  /** The cloud ref, `resource:<namespace>/<name>`. */
  cloudRef: string;
  title?: string;
  /** The cloud key (`openstack.backstage.io/cloud`). */
  cloudKey?: string;
  cluster?: string;
  namespace?: string;
}

/** A cloud's availability zones and host aggregates, as `GET /clouds/{namespace}/{name}/zones` lists them. @public */
export interface CloudZones {
  availabilityZones: Array<{ name: string; available: boolean }>;
  aggregates: Array<{ name: string; availabilityZone?: string; hosts: number }>;
}

/** The body of `POST /clouds/{namespace}/{name}/join-tokens`. @public */
export interface NewJoinToken {
  host: string;
  managementIp: string;
  /** The host's bundle (`renderComputeBundle`), kept encrypted with a key derived from the token. */
  files: Record<string, string>;
  ttlMinutes?: number;
  /**
   * What continues the enrollment once the host reports (two-phase enroll): the enroll template
   * and its validated form values (no secrets). The backend starts it as a new task with the
   * hidden `joinId`, as the user whose read of the join state finds the host reported.
   */
  continuation?: JoinContinuationSpec;
}

/** The enrollment's continuation a join token carries. @public */
export interface JoinContinuationSpec {
  /** The template to start again, `template:<namespace>/<name>`. */
  templateRef: string;
  /** Its form values (without `approvalId` and `joinId`). */
  parameters: Record<string, unknown>;
}

/** An issued join token: the only answer that carries it (in `token`, `command`, `cloudInit`). Secret. @public */
export interface IssuedJoinToken {
  host: string;
  expiresAt: string;
  /** The join record's id: the continuation's hidden `joinId` (not a secret; never the token). */
  joinId: string;
  /** The join route, `…/api/openstack/join` (the token goes in the Authorization header, never in a URL). */
  joinUrl: string;
  /** The one-time token itself. */
  token: string;
  command: string;
  cloudInit: string;
}

/** Where the continuation of a host's enrollment stands. @public */
export interface JoinContinuationStatus {
  /** waiting: for the host's report; to-start / starting: the next read by an enroller starts it; started: `taskId` runs it. */
  state: 'waiting' | 'to-start' | 'starting' | 'started';
  templateRef: string;
  taskId?: string;
  /** Why the last start failed (the next read tries again). */
  error?: string;
}

/** The state of a host's latest join token (never the token). @public */
export interface JoinTokenStatus {
  cloudRef: string;
  host: string;
  managementIp: string;
  state: 'unused' | 'expired' | 'used' | 'reported';
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  usedFrom?: string;
  reportedVersion?: string;
  reportedAt?: string;
  /** The join record's id (the continuation's `joinId`). */
  joinId?: string;
  /** The enrollment's continuation, when the token carries one. */
  continuation?: JoinContinuationStatus;
}

/** The query of `GET /clouds/{namespace}/{name}/hosts`. @public */
export interface HostPageQuery extends HostQuery {
  /** Bypass the short-lived cache. */
  refresh?: boolean;
}

/** One approval with its audit trail and what the caller may do with it. @public */
export interface ApprovalDetail {
  approval: ApprovalRequest;
  audit: ApprovalAuditEntry[];
  canDecide: boolean;
  canCancel: boolean;
}

/** The filter of `GET /approvals`. @public */
export interface ApprovalFilter {
  state?: ApprovalRequest['state'];
  group?: string;
  requester?: string;
  /** A cloud ref. */
  cloud?: string;
}

/** The body of `POST /demo/clouds`. @public */
export interface NewDemoCloud {
  /** The cloud key of the new demo cloud. */
  name: string;
  release: string;
  region?: string;
  cluster?: string;
  namespace?: string;
  components: string[];
  rolloutSeconds?: number;
}

/** The body of `POST /demo/clouds/{namespace}/{name}/upgrade`. @public */
export interface DemoUpgrade {
  /** The release of the hop. */
  to: string;
  /** The charts of the upgrade planner's steps, in its order. */
  order: string[];
  /** Seconds each chart takes to roll. */
  stepSeconds?: number;
}

/** The suite's backend plugin (`/api/openstack`), as its callers see it. @public */
export interface OpenStackPluginApi {
  /** The chart sources a new cloud may name (`openstack.chartSources`): names only. */
  listChartSources(): Promise<ChartSourceItem[]>;
  listClouds(): Promise<CloudListItem[]>;
  /** Every cloud the caller may read, summarized; a cloud that could not be read is in `failed`, with why. */
  getFleet(opts?: { refresh?: boolean }): Promise<FleetView>;
  getStatus(cloudRef: CloudRef | string, opts?: { refresh?: boolean }): Promise<CloudStatus>;
  getHosts(cloudRef: CloudRef | string, query?: HostPageQuery): Promise<ComputeHostPage>;
  /** Every compute host, page by page. */
  listAllHosts(cloudRef: CloudRef | string, opts?: { refresh?: boolean }): Promise<ComputeHostStatus[]>;
  getHost(cloudRef: CloudRef | string, host: string): Promise<ComputeHostStatus>;
  /** The host, or undefined when the cloud has no such host. */
  findHost(cloudRef: CloudRef | string, host: string, opts?: { refresh?: boolean }): Promise<ComputeHostStatus | undefined>;
  getOperations(cloudRef: CloudRef | string): Promise<OperationRecord[]>;
  /** The cloud's availability zones and aggregates, as its Nova lists them (the enroll form offers them). */
  getZones(cloudRef: CloudRef | string): Promise<CloudZones>;
  /** Issues a host's one-time join token (as the enroll task's initiator); the answer is secret. */
  issueJoinToken(cloudRef: CloudRef | string, body: NewJoinToken): Promise<IssuedJoinToken>;
  /** The state of the host's latest join token; undefined when none was issued. */
  getJoinToken(cloudRef: CloudRef | string, host: string): Promise<JoinTokenStatus | undefined>;
  /** The latest join token of each host of the cloud that joined recently or is joining. */
  listJoinTokens(cloudRef: CloudRef | string): Promise<JoinTokenStatus[]>;
  /** Deletes the host's unused join tokens (decommission); the number deleted. */
  deleteJoinTokens(cloudRef: CloudRef | string, host: string): Promise<number>;
  /**
   * Binds the host's join record `joinId` to the continuation task `taskId` presenting it, with
   * the form values it runs with (they must be the stored ones); a second task is refused.
   */
  bindJoinContinuation(cloudRef: CloudRef | string, host: string, body: { joinId: string; taskId: string; parameters: Record<string, unknown> }): Promise<JoinTokenStatus>;
  /** The operation running on the cloud (its lease), or undefined when none runs. */
  getCloudLease(cloudRef: CloudRef | string): Promise<CloudLease | undefined>;
  /**
   * Takes (or renews) the cloud's lease for a task; a `ResponseError` of 409 naming the running
   * task and its initiator when another task holds it.
   */
  acquireCloudLease(cloudRef: CloudRef | string, body: { taskId: string; kind: CloudOperationKind; ttlSeconds?: number }): Promise<CloudLease>;
  /** Releases the task's lease; false when the task held none. */
  releaseCloudLease(cloudRef: CloudRef | string, taskId: string): Promise<boolean>;
  /** The catalog entities the suite keeps (its entity provider's source; services only). */
  listSuiteEntities(): Promise<SuiteEntityRecord[]>;
  /** Stores an entity an action made (a cloud or a compute host) for the suite's entity provider. */
  putSuiteEntity(entity: Record<string, unknown>): Promise<{ entityRef: string }>;
  /** Removes an entity the suite keeps; false when it kept none of that ref. */
  deleteSuiteEntity(ref: { kind: string; namespace: string; name: string }): Promise<boolean>;
  createDemoCloud(body: NewDemoCloud): Promise<{ name: string; createdAt: string }>;
  /**
   * The status of a demo cloud by its cloud key, fresh: for the create action, which waits for
   * the new cloud before its entity is in the catalog (so before it has a cloud ref).
   */
  getDemoCloudStatus(cloudKey: string): Promise<CloudStatus>;
  startDemoUpgrade(cloudRef: CloudRef | string, body: DemoUpgrade): Promise<{ name: string; release: string; upgrade: unknown }>;
  enrollDemoHost(cloudRef: CloudRef | string, body: { host: string; zone: string; aggregate?: string }): Promise<{ host: string }>;
  listApprovals(filter?: ApprovalFilter): Promise<ApprovalRequest[]>;
  createApproval(body: NewApprovalRequest): Promise<ApprovalRequest>;
  /**
   * The approved, unexpired request of the task for this operation, cloud and plan; refused
   * (403) without one, or (409) when the plan differs from the approved one, naming what changed.
   */
  verifyApproval(body: ApprovalVerification): Promise<ApprovalRequest>;
  getApproval(id: string): Promise<ApprovalDetail>;
  decideApproval(id: string, decision: 'approve' | 'reject', comment?: string): Promise<ApprovalRequest>;
  cancelApproval(id: string): Promise<ApprovalRequest>;
}

/** What the client needs: Backstage's discovery and fetch, front or back end. @public */
export interface OpenStackPluginClientDeps {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Adds the caller's credentials: the app's fetchApi, or a fetch adding a service token. */
  fetchApi: { fetch: typeof fetch };
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The one client of the suite's backend plugin (`/api/openstack`, described by openapi.yaml),
 * used by the frontend and by the scaffolder actions. Clouds are named by their cloud ref.
 * Errors are `ResponseError`s whose message names the call and what the backend said. @public
 */
export class OpenStackPluginClient implements OpenStackPluginApi {
  constructor(private readonly deps: OpenStackPluginClientDeps) {}

  private async call<T>(
    route: OpenStackPluginRoute,
    params: Record<string, string> = {},
    opts: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const { method, path: template } = OPENSTACK_PLUGIN_ROUTES[route];
    const path = template.replace(/\{(\w+)\}/g, (_, p: string) => {
      if (params[p] === undefined) throw new Error(`${route}: path parameter ${p} missing`);
      return encodeURIComponent(params[p]);
    });
    const qs = new URLSearchParams(
      Object.entries(opts.query ?? {})
        .filter(([, v]) => v !== undefined && v !== '' && v !== false)
        .map(([k, v]) => [k, String(v)]),
    ).toString();
    const base = await this.deps.discoveryApi.getBaseUrl('openstack');
    const res = await this.deps.fetchApi.fetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
      method,
      ...(opts.body !== undefined
        ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(opts.body) }
        : {}),
    });
    if (!res.ok) {
      // say which call failed and what the backend said, e.g. which field it refused
      const e = await ResponseError.fromResponse(res);
      e.message = `${method} /api/openstack${path}: ${e.body?.error?.message ?? e.message}`;
      throw e;
    }
    return (await res.json()) as T;
  }

  private static cloudParams(cloudRef: CloudRef | string): { namespace: string; name: string } {
    const { namespace, name } = typeof cloudRef === 'string' ? parseCloudRef(cloudRef) : cloudRef;
    return { namespace, name };
  }

  async listChartSources(): Promise<ChartSourceItem[]> {
    return (await this.call<{ items: ChartSourceItem[] }>('listChartSources')).items;
  }

  async listClouds(): Promise<CloudListItem[]> {
    return (await this.call<{ items: CloudListItem[] }>('listClouds')).items;
  }

  async getFleet(opts: { refresh?: boolean } = {}): Promise<FleetView> {
    return this.call('getFleet', {}, { query: { refresh: opts.refresh } });
  }

  async getStatus(cloudRef: CloudRef | string, opts: { refresh?: boolean } = {}): Promise<CloudStatus> {
    return this.call('getStatus', OpenStackPluginClient.cloudParams(cloudRef), { query: { refresh: opts.refresh } });
  }

  async getHosts(cloudRef: CloudRef | string, query: HostPageQuery = {}): Promise<ComputeHostPage> {
    return this.call('getHosts', OpenStackPluginClient.cloudParams(cloudRef), { query: { ...query } });
  }

  async listAllHosts(cloudRef: CloudRef | string, opts: { refresh?: boolean } = {}): Promise<ComputeHostStatus[]> {
    const all: ComputeHostStatus[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.getHosts(cloudRef, { limit: 500, offset, refresh: offset === 0 && opts.refresh });
      all.push(...page.items);
      if (all.length >= page.total || page.items.length === 0) return all;
    }
  }

  async getHost(cloudRef: CloudRef | string, host: string): Promise<ComputeHostStatus> {
    return this.call('getHost', { ...OpenStackPluginClient.cloudParams(cloudRef), host });
  }

  async findHost(cloudRef: CloudRef | string, host: string, opts: { refresh?: boolean } = {}): Promise<ComputeHostStatus | undefined> {
    // the hosts route, not GET …/hosts/{host}: a missing host is an empty page, a missing cloud an error
    const page = await this.getHosts(cloudRef, { search: host, limit: 500, refresh: opts.refresh });
    return page.items.find(h => h.host === host);
  }

  async getOperations(cloudRef: CloudRef | string): Promise<OperationRecord[]> {
    return (await this.call<{ items: OperationRecord[] }>('getOperations', OpenStackPluginClient.cloudParams(cloudRef))).items;
  }

  async getZones(cloudRef: CloudRef | string): Promise<CloudZones> {
    return this.call<CloudZones>('getZones', OpenStackPluginClient.cloudParams(cloudRef));
  }

  async issueJoinToken(cloudRef: CloudRef | string, body: NewJoinToken): Promise<IssuedJoinToken> {
    return this.call<IssuedJoinToken>('issueJoinToken', OpenStackPluginClient.cloudParams(cloudRef), { body });
  }

  async getJoinToken(cloudRef: CloudRef | string, host: string): Promise<JoinTokenStatus | undefined> {
    try {
      return await this.call<JoinTokenStatus>('getJoinToken', { ...OpenStackPluginClient.cloudParams(cloudRef), host });
    } catch (e) {
      if (e instanceof ResponseError && e.response.status === 404) return undefined;
      throw e;
    }
  }

  async listJoinTokens(cloudRef: CloudRef | string): Promise<JoinTokenStatus[]> {
    return (await this.call<{ items: JoinTokenStatus[] }>('listJoinTokens', OpenStackPluginClient.cloudParams(cloudRef))).items;
  }

  async deleteJoinTokens(cloudRef: CloudRef | string, host: string): Promise<number> {
    return (await this.call<{ deleted: number }>('deleteJoinTokens', { ...OpenStackPluginClient.cloudParams(cloudRef), host })).deleted;
  }

  async bindJoinContinuation(
    cloudRef: CloudRef | string,
    host: string,
    body: { joinId: string; taskId: string; parameters: Record<string, unknown> },
  ): Promise<JoinTokenStatus> {
    return this.call<JoinTokenStatus>('bindJoinContinuation', { ...OpenStackPluginClient.cloudParams(cloudRef), host }, { body });
  }

  async getCloudLease(cloudRef: CloudRef | string): Promise<CloudLease | undefined> {
    return (await this.call<{ lease: CloudLease | null }>('getCloudLease', OpenStackPluginClient.cloudParams(cloudRef))).lease ?? undefined;
  }

  async acquireCloudLease(
    cloudRef: CloudRef | string,
    body: { taskId: string; kind: CloudOperationKind; ttlSeconds?: number },
  ): Promise<CloudLease> {
    return (await this.call<{ lease: CloudLease }>('acquireCloudLease', OpenStackPluginClient.cloudParams(cloudRef), { body })).lease;
  }

  async releaseCloudLease(cloudRef: CloudRef | string, taskId: string): Promise<boolean> {
    return (await this.call<{ released: boolean }>('releaseCloudLease', { ...OpenStackPluginClient.cloudParams(cloudRef), taskId })).released;
  }

  async listSuiteEntities(): Promise<SuiteEntityRecord[]> {
    return (await this.call<{ items: SuiteEntityRecord[] }>('listSuiteEntities')).items;
  }

  async putSuiteEntity(entity: Record<string, unknown>): Promise<{ entityRef: string }> {
    return this.call('putSuiteEntity', {}, { body: { entity } });
  }

  async deleteSuiteEntity(ref: { kind: string; namespace: string; name: string }): Promise<boolean> {
    return (await this.call<{ removed: boolean }>('deleteSuiteEntity', { kind: ref.kind, namespace: ref.namespace, name: ref.name })).removed;
  }

  async createDemoCloud(body: NewDemoCloud): Promise<{ name: string; createdAt: string }> {
    return this.call('createDemoCloud', {}, { body });
  }

  async getDemoCloudStatus(cloudKey: string): Promise<CloudStatus> {
    return this.call('getDemoCloudStatus', { cloudKey });
  }

  async startDemoUpgrade(cloudRef: CloudRef | string, body: DemoUpgrade): Promise<{ name: string; release: string; upgrade: unknown }> {
    return this.call('startDemoUpgrade', OpenStackPluginClient.cloudParams(cloudRef), { body });
  }

  async enrollDemoHost(cloudRef: CloudRef | string, body: { host: string; zone: string; aggregate?: string }): Promise<{ host: string }> {
    return this.call('enrollDemoHost', OpenStackPluginClient.cloudParams(cloudRef), { body });
  }

  async listApprovals(filter: ApprovalFilter = {}): Promise<ApprovalRequest[]> {
    return (await this.call<{ items: ApprovalRequest[] }>('listApprovals', {}, { query: { ...filter } })).items;
  }

  async createApproval(body: NewApprovalRequest): Promise<ApprovalRequest> {
    return (await this.call<{ approval: ApprovalRequest }>('createApproval', {}, { body })).approval;
  }

  async verifyApproval(body: ApprovalVerification): Promise<ApprovalRequest> {
    return (await this.call<{ approval: ApprovalRequest }>('verifyApproval', {}, { body })).approval;
  }

  async getApproval(id: string): Promise<ApprovalDetail> {
    return this.call('getApproval', { id });
  }

  async decideApproval(id: string, decision: 'approve' | 'reject', comment?: string): Promise<ApprovalRequest> {
    return (await this.call<{ approval: ApprovalRequest }>('decideApproval', { id }, { body: { decision, comment } })).approval;
  }

  async cancelApproval(id: string): Promise<ApprovalRequest> {
    return (await this.call<{ approval: ApprovalRequest }>('cancelApproval', { id }, { body: {} })).approval;
  }
}
