import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApprovalRequest,
  NewApprovalRequest,
  CloudStatus,
  ComputeHostPage,
  ComputeHostStatus,
} from '@backstage-openstack/plugin-openstack-common';

/**
 * The actions' view of the OpenStack backend plugin (/api/openstack), called with the
 * scaffolder's own service credentials: the status routes, and the demo cloud's operations,
 * which accept service credentials only.
 */
export class OpenStackBackend {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'openstack',
    });
    const base = await this.deps.discovery.getBaseUrl('openstack');
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) {
      // say which call failed and what the backend said, e.g. which field it refused
      const e = await ResponseError.fromResponse(res);
      e.message = `${method} /api/openstack${path.split('?')[0]}: ${e.body.error.message}`;
      throw e;
    }
    return (await res.json()) as T;
  }

  status(cloud: string): Promise<CloudStatus> {
    return this.request('GET', `/clouds/${encodeURIComponent(cloud)}/status?refresh=true`);
  }

  /** Every host, page by page. */
  async hosts(cloud: string): Promise<ComputeHostStatus[]> {
    const all: ComputeHostStatus[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await this.request<ComputeHostPage>(
        'GET',
        `/clouds/${encodeURIComponent(cloud)}/hosts?limit=500&offset=${offset}${offset === 0 ? '&refresh=true' : ''}`,
      );
      all.push(...page.items);
      if (all.length >= page.total || page.items.length === 0) return all;
    }
  }

  async host(cloud: string, host: string): Promise<ComputeHostStatus | undefined> {
    const page = await this.request<ComputeHostPage>(
      'GET',
      `/clouds/${encodeURIComponent(cloud)}/hosts?search=${encodeURIComponent(host)}&limit=500&refresh=true`,
    );
    return page.items.find(h => h.host === host);
  }

  createDemoCloud(body: { name: string; release: string; region?: string; cluster?: string; namespace?: string; components: string[]; rolloutSeconds?: number }) {
    return this.request<{ name: string; createdAt: string }>('POST', '/demo/clouds', body);
  }

  startDemoUpgrade(cloud: string, to: string, order: string[]) {
    return this.request<{ name: string; release: string; upgrade: unknown }>('POST', `/demo/clouds/${encodeURIComponent(cloud)}/upgrade`, { to, order });
  }

  createApproval(body: NewApprovalRequest) {
    return this.request<{ approval: ApprovalRequest }>('POST', '/approvals', body).then(r => r.approval);
  }

  getApproval(id: string) {
    return this.request<{ approval: ApprovalRequest }>('GET', `/approvals/${encodeURIComponent(id)}`).then(r => r.approval);
  }

  enrollDemoHost(cloud: string, body: { host: string; zone: string; aggregate?: string }) {
    return this.request<{ host: string }>('POST', `/demo/clouds/${encodeURIComponent(cloud)}/hosts`, body);
  }
}
