import { BackstageCredentials, BackstageUserPrincipal, LoggerService } from '@backstage/backend-plugin-api';
import { JoinTokenStatus } from '@backstage-openstack/plugin-openstack-common';
import { TemplateTaskStarter } from '../scaffolder/TemplateTaskStarter';
import { JoinTokenStore } from './JoinTokenStore';

/** How long a replica's claim on starting a continuation holds before another replica may take it over. */
export const CONTINUATION_LEASE_MS = 60_000;

/**
 * Starts the second phase of a joining host's enrollment: once the host's join script has
 * reported, a new scaffolder task of the enroll template, with the form values the first task
 * stored with the token and the hidden `joinId`, on behalf of the user who issued the token (the
 * first task's initiator) when their read of the join state finds it due: their task, their
 * permissions. Another user's read starts nothing: the template and values were chosen by the
 * issuer, and whoever may issue a token must not get a task of their choosing started as someone
 * else (e.g. a platform-team member whose page polls the join state).
 *
 * Exactly once across retries, restarts and replicas, as approvals' runs: the report marks the
 * continuation `to-start` (the same UPDATE); one reader claims it (a conditional UPDATE, a claim
 * older than the lease is taken over); it looks for a task a dead claimant started (by `joinId`)
 * before creating one; it records the task, or gives the claim back with the reason. And the
 * continuation's enroll step binds the record to the first task that presents it
 * ({@link JoinTokenStore.bindContinuation}): a second task is refused.
 */
export class JoinContinuationStarter {
  constructor(
    private readonly deps: {
      tokens: JoinTokenStore;
      tasks: TemplateTaskStarter;
      logger: LoggerService;
      leaseMs?: number;
    },
  ) {}

  /** Starts the continuation of the host's latest record when it is due; returns the record's state as it is now. */
  async ensureStarted(status: JoinTokenStatus, credentials: BackstageCredentials<BackstageUserPrincipal>): Promise<JoinTokenStatus> {
    const { tokens, logger } = this.deps;
    const c = status.continuation;
    if (!status.joinId || !c || c.taskId || (c.state !== 'to-start' && c.state !== 'starting')) return status;
    const leaseMs = this.deps.leaseMs ?? CONTINUATION_LEASE_MS;
    const reader = credentials.principal.userEntityRef;
    if (reader !== status.createdBy) return status; // only the issuer's own read starts it
    const due = await tokens.dueContinuation(status.joinId, leaseMs);
    if (!due || !(await tokens.claimContinuation(status.joinId, reader, leaseMs))) {
      return (await tokens.latest(status.cloudRef, status.host)) ?? status; // not due, or another reader (or replica) starts it
    }
    try {
      const taskId = await this.deps.tasks.start(credentials, {
        templateRef: due.templateRef,
        values: due.parameters,
        marker: { param: 'joinId', value: due.joinId },
        // only the issuer claims (see above): a task a dead claimant started is among the reader's own
        createdBy: [reader],
      });
      await tokens.continuationStarted(due.joinId, taskId);
      logger.info(`Join ${due.joinId} of ${due.host} (${due.cloudRef}): its host reported; continued the enrollment in task ${taskId}, on behalf of ${reader} (enrolled by ${due.createdBy})`);
    } catch (e) {
      const reason = (e as Error).message;
      logger.warn(`Join ${due.joinId} of ${due.host} (${due.cloudRef}): could not start the continuation (${reason}); the next read of the join state tries again`);
      await tokens.continuationFailed(due.joinId, reason);
    }
    return (await tokens.latest(status.cloudRef, status.host)) ?? status;
  }
}
