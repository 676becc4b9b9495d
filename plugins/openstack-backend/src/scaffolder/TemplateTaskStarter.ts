import { AuthService, BackstageCredentials, BackstageUserPrincipal, DiscoveryService } from '@backstage/backend-plugin-api';

interface ScaffolderTaskSummary {
  id: string;
  spec?: { parameters?: Record<string, unknown>; templateInfo?: { entityRef?: string } };
}

/** A task to start: the template, its form values, and the hidden form value that marks it as this one. */
export interface TemplateTaskRequest {
  templateRef: string;
  values: Record<string, unknown>;
  /** The form value only this start sets (e.g. `approvalId` = the request's id): a task that has it is this start's. */
  marker: { param: string; value: string };
  /** Whose tasks may hold a task of this start already (a claimant that died before it recorded the task). */
  createdBy: string[];
}

/**
 * Starts a scaffolder task of a template on behalf of a user (their credentials: the scaffolder
 * records them as the creator and the task's actions check their permissions; never a service
 * principal, which the permission framework would not check). The second half of an exactly-once
 * start: the caller holds a claim in the database; this looks for a task a claimant before it
 * started (by the marker form value, among `createdBy`'s tasks) before it creates one.
 * Shared by approvals' runs and joining hosts' continuations.
 */
export class TemplateTaskStarter {
  constructor(private readonly deps: { auth: AuthService; discovery: DiscoveryService }) {}

  /** The id of this start's task: found, or created now. */
  async start(credentials: BackstageCredentials<BackstageUserPrincipal>, req: TemplateTaskRequest): Promise<string> {
    const { token } = await this.deps.auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'scaffolder' });
    const base = await this.deps.discovery.getBaseUrl('scaffolder');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    return (await this.startedBefore(base, headers, req)) ?? (await this.create(base, headers, req));
  }

  private async startedBefore(base: string, headers: Record<string, string>, req: TemplateTaskRequest): Promise<string | undefined> {
    for (const createdBy of [...new Set(req.createdBy)]) {
      const query = new URLSearchParams({ createdBy, limit: '100', order: 'desc:created_at' });
      const res = await fetch(`${base}/v2/tasks?${query}`, { headers });
      if (!res.ok) throw new Error(`the scaffolder's task list answered ${res.status} ${await res.text()}`);
      const { tasks } = (await res.json()) as { tasks: ScaffolderTaskSummary[] };
      const found = tasks.find(t => t.spec?.parameters?.[req.marker.param] === req.marker.value)?.id;
      if (found) return found;
    }
    return undefined;
  }

  private async create(base: string, headers: Record<string, string>, req: TemplateTaskRequest): Promise<string> {
    const res = await fetch(`${base}/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ templateRef: req.templateRef, values: { ...req.values, [req.marker.param]: req.marker.value } }),
    });
    if (!res.ok) throw new Error(`the scaffolder refused to start ${req.templateRef}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }
}
