import { createApiRef, DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApprovalAuditEntry,
  ApprovalRequest,
  CloudStatus,
  ComputeHostPage,
  ComputeHostStatus,
  HostQuery,
  OperationRecord,
} from '@backstage-openstack/plugin-openstack-common';

/** An approval request. @public */
export type Approval = ApprovalRequest;

/** One approval with its audit trail and what the caller may do. @public */
export interface ApprovalDetail {
  approval: Approval;
  audit: ApprovalAuditEntry[];
  canDecide: boolean;
  canCancel: boolean;
}

/** The status backend, as the frontend sees it. @public */
export interface OpenStackApi {
  listApprovals(filter: { state?: string; cloud?: string }): Promise<Approval[]>;
  getApproval(id: string): Promise<ApprovalDetail>;
  decide(id: string, decision: 'approve' | 'reject', comment?: string): Promise<Approval>;
  cancelApproval(id: string): Promise<Approval>;
  getStatus(cloud: string, opts?: { refresh?: boolean }): Promise<CloudStatus>;
  getHosts(cloud: string, query: HostQuery): Promise<ComputeHostPage>;
  getHost(cloud: string, host: string): Promise<ComputeHostStatus>;
  getOperations(cloud: string): Promise<OperationRecord[]>;
}

/** @public */
export const openstackApiRef = createApiRef<OpenStackApi>({ id: 'plugin.openstack.service' });

/** Typed client of /api/openstack: discovery + fetch, errors as `ResponseError`. @public */
export class OpenStackClient implements OpenStackApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async post<T>(path: string, body: unknown): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('openstack');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res.json();
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('openstack');
    const qs = new URLSearchParams(
      Object.entries(query)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => [k, String(v)]),
    ).toString();
    const res = await this.deps.fetchApi.fetch(`${base}${path}${qs ? `?${qs}` : ''}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res.json();
  }

  getStatus(cloud: string, opts: { refresh?: boolean } = {}) {
    return this.get<CloudStatus>(`/clouds/${encodeURIComponent(cloud)}/status`, {
      refresh: opts.refresh ? 'true' : undefined,
    });
  }

  getHosts(cloud: string, q: HostQuery) {
    return this.get<ComputeHostPage>(`/clouds/${encodeURIComponent(cloud)}/hosts`, { ...q });
  }

  getHost(cloud: string, host: string) {
    return this.get<ComputeHostStatus>(`/clouds/${encodeURIComponent(cloud)}/hosts/${encodeURIComponent(host)}`);
  }

  async listApprovals(filter: { state?: string; cloud?: string }) {
    return (await this.get<{ items: Approval[] }>('/approvals', filter)).items;
  }

  getApproval(id: string) {
    return this.get<ApprovalDetail>(`/approvals/${encodeURIComponent(id)}`);
  }

  async decide(id: string, decision: 'approve' | 'reject', comment?: string) {
    return (await this.post<{ approval: Approval }>(`/approvals/${encodeURIComponent(id)}/decision`, { decision, comment })).approval;
  }

  async cancelApproval(id: string) {
    return (await this.post<{ approval: Approval }>(`/approvals/${encodeURIComponent(id)}/cancel`, {})).approval;
  }

  async getOperations(cloud: string) {
    const r = await this.get<{ items: OperationRecord[] }>(`/clouds/${encodeURIComponent(cloud)}/operations`);
    return r.items;
  }
}
