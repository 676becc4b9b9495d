import { AuthService, BackstageCredentials, BackstageUserPrincipal, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { ApprovalRequest } from '@backstage-openstack/plugin-openstack-common';
import { ApprovalStore } from './ApprovalStore';

/** How long a replica's claim on starting a run holds before another replica may take it over. */
export const RUN_START_LEASE_MS = 60_000;

interface ScaffolderTaskSummary {
  id: string;
  spec?: { parameters?: Record<string, unknown>; templateInfo?: { entityRef?: string } };
}

/**
 * Starts the run an approval lets run: a new scaffolder task of the request's template, with the
 * approved form values and `approvalId`, on behalf of the approver (their credentials, so the
 * run is theirs: the scaffolder records them as its creator and its actions check their
 * permissions).
 *
 * Exactly once, across retries, restarts and replicas: everything is in the database.
 * 1. The approving UPDATE marks the run `to-start` (the same statement as the decision).
 * 2. One caller claims it (`claimRunStart`: a conditional UPDATE; a claim older than the lease
 *    is taken over, the replica that made it died).
 * 3. It looks for a task a dead claimant started already (the approver's tasks with this
 *    `approvalId`) before it creates one.
 * 4. It records the task (`runStarted`), or gives the claim back with the reason.
 * And whatever happens in between, the run's action binds the approval to the first task that
 * presents it (`ApprovalStore.verify`): a second task of the same approval is refused.
 *
 * Called when the approver approves, and again whenever the approver reads the request while its
 * run is not started (the approvals page does that after the decision): a start the backend did
 * not finish (it stopped, the scaffolder was down) is finished by their next read.
 */
export class RunStarter {
  constructor(
    private readonly deps: {
      store: ApprovalStore;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      leaseMs?: number;
    },
  ) {}

  /** Starts the approval's run when it has one to start and the caller approved it; returns the request as it is now. */
  async ensureStarted(approval: ApprovalRequest, credentials: BackstageCredentials<BackstageUserPrincipal>): Promise<ApprovalRequest> {
    const { store, logger } = this.deps;
    const approver = credentials.principal.userEntityRef;
    if (approval.state !== 'approved' || approval.runTaskId || !approval.runState || approval.decidedBy !== approver) {
      return approval;
    }
    if (!approval.templateRef || !approval.runParameters) {
      return store.runStartFailed(approval.id, 'the request names no template or form values to run');
    }
    if (!(await store.claimRunStart(approval.id, this.deps.leaseMs ?? RUN_START_LEASE_MS))) {
      return store.get(approval.id); // another caller (or replica) is starting it, or it started
    }
    try {
      const { token } = await this.deps.auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'scaffolder' });
      const base = await this.deps.discovery.getBaseUrl('scaffolder');
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const taskId = (await this.startedBefore(base, headers, approval)) ?? (await this.create(base, headers, approval));
      logger.info(`Approval ${approval.id}: started the run, task ${taskId}, on behalf of ${approver} (requested by ${approval.requester})`);
      return await store.runStarted(approval.id, taskId, approver);
    } catch (e) {
      const reason = (e as Error).message;
      logger.warn(`Approval ${approval.id}: could not start the run (${reason}); the approver's next read of the request tries again`);
      return store.runStartFailed(approval.id, reason);
    }
  }

  /** A task of this approval that a claimant started before it died (it had no time to record it). */
  private async startedBefore(base: string, headers: Record<string, string>, approval: ApprovalRequest): Promise<string | undefined> {
    const query = new URLSearchParams({ createdBy: approval.decidedBy!, limit: '100', order: 'desc:created_at' });
    const res = await fetch(`${base}/v2/tasks?${query}`, { headers });
    if (!res.ok) throw new Error(`the scaffolder's task list answered ${res.status} ${await res.text()}`);
    const { tasks } = (await res.json()) as { tasks: ScaffolderTaskSummary[] };
    return tasks.find(t => t.spec?.parameters?.approvalId === approval.id)?.id;
  }

  private async create(base: string, headers: Record<string, string>, approval: ApprovalRequest): Promise<string> {
    const res = await fetch(`${base}/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ templateRef: approval.templateRef, values: { ...approval.runParameters, approvalId: approval.id } }),
    });
    if (!res.ok) throw new Error(`the scaffolder refused to start ${approval.templateRef}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }
}
