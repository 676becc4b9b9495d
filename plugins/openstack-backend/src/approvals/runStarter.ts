import { AuthService, BackstageCredentials, BackstageUserPrincipal, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { ApprovalRequest } from '@backstage-openstack/plugin-openstack-common';
import { ApprovalStore } from './ApprovalStore';
import { TemplateTaskStarter } from '../scaffolder/TemplateTaskStarter';

/** How long a replica's claim on starting a run holds before another replica may take it over. */
export const RUN_START_LEASE_MS = 60_000;

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
 *    `approvalId`) before it creates one ({@link TemplateTaskStarter}).
 * 4. It records the task (`runStarted`), or gives the claim back with the reason.
 * And whatever happens in between, the run's action binds the approval to the first task that
 * presents it (`ApprovalStore.verify`): a second task of the same approval is refused.
 *
 * Called when the approver approves, and again whenever the approver reads the request while its
 * run is not started (the approvals page does that after the decision): a start the backend did
 * not finish (it stopped, the scaffolder was down) is finished by their next read.
 */
export class RunStarter {
  private readonly tasks: TemplateTaskStarter;

  constructor(
    private readonly deps: {
      store: ApprovalStore;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      leaseMs?: number;
    },
  ) {
    this.tasks = new TemplateTaskStarter(deps);
  }

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
      const taskId = await this.tasks.start(credentials, {
        templateRef: approval.templateRef,
        values: approval.runParameters,
        marker: { param: 'approvalId', value: approval.id },
        createdBy: [approver],
      });
      logger.info(`Approval ${approval.id}: started the run, task ${taskId}, on behalf of ${approver} (requested by ${approval.requester})`);
      return await store.runStarted(approval.id, taskId, approver);
    } catch (e) {
      const reason = (e as Error).message;
      logger.warn(`Approval ${approval.id}: could not start the run (${reason}); the approver's next read of the request tries again`);
      return store.runStartFailed(approval.id, reason);
    }
  }
}
