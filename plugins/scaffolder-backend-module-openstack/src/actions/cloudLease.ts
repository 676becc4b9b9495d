import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { CloudOperationKind } from '@backstage-openstack/plugin-openstack-common';
import { SuiteApi } from '../drivers/suiteApi';

/** How long a lease lasts unless renewed; the task renews it every third of that while it runs. */
export const LEASE_TTL_SECONDS = 120;

type LeaseCtx = Pick<ActionContext<any, any>, 'task' | 'logger' | 'isDryRun' | 'checkpoint'>;

/** The backend's message in a 409 of the client (`ResponseError`), or undefined for another error. */
function conflictMessage(e: unknown): string | undefined {
  const err = e as { name?: string; statusCode?: number; response?: { status?: number }; body?: { error?: { message?: string } }; message?: string };
  if (err?.name === 'ConflictError' || err?.statusCode === 409 || err?.response?.status === 409) {
    return err.body?.error?.message ?? err.message;
  }
  return undefined;
}

/**
 * One operation per cloud: runs `fn` holding the cloud's lease for this task. Taken before the
 * first change (a dry run changes nothing and takes none), renewed while `fn` runs, released when
 * it ends, succeeded or failed. Another task's lease makes the action fail at once with a
 * `ConflictError` naming that task and who started it. A task resumed after a restart has the same
 * task id and takes its own lease back; a task that died leaves its lease to lapse.
 *
 * A lease that is lost while `fn` runs stops the action before its next change: every change sits
 * in a `ctx.checkpoint`, and while `fn` runs each checkpoint first checks that the lease is still
 * this task's — it is not when a renewal was refused (another task holds the cloud) or when no
 * renewal has succeeded for the lease's whole time (it may have lapsed and been taken). The action
 * then fails with an error saying so; run again, the task resumes after its last finished step.
 */
export async function holdCloudLease<T>(
  ctx: LeaseCtx,
  api: Pick<SuiteApi, 'acquireLease' | 'releaseLease'>,
  credentials: BackstageCredentials,
  cloudRef: string,
  kind: CloudOperationKind,
  fn: () => Promise<T>,
  ttlSeconds = LEASE_TTL_SECONDS,
  now: () => number = Date.now,
): Promise<T> {
  if (ctx.isDryRun) return fn();
  const taskId = ctx.task.id;
  /** Until when the lease is surely this task's: the start of the last successful take + its time. */
  let heldUntil = 0;
  let lastError: string | undefined;
  let lost: Error | undefined;
  const take = async () => {
    const asked = now();
    await api.acquireLease(credentials, cloudRef, { taskId, kind, ttlSeconds });
    heldUntil = asked + ttlSeconds * 1000;
  };
  try {
    await take();
  } catch (e) {
    const conflict = conflictMessage(e);
    if (conflict) throw new ConflictError(`Another operation is running on ${cloudRef}, so this ${kind} did not start and changed nothing: ${conflict}`);
    throw e;
  }
  ctx.logger.info(`Holding the ${kind} lease of ${cloudRef} for task ${taskId}: no other create, upgrade or enroll runs on it meanwhile`);
  const renewal = setInterval(() => {
    take().catch(e => {
      const conflict = conflictMessage(e);
      lastError = conflict ?? (e as Error).message;
      if (conflict) {
        lost = new ConflictError(`The ${kind} of ${cloudRef} stopped before its next change: its lease is no longer task ${taskId}'s (${conflict}). Nothing more was changed; once that operation ends, run this task again: it resumes after its last finished step`);
      }
      ctx.logger.warn(`Could not renew the lease of ${cloudRef}: ${lastError}${conflict ? '' : ` (it stays this task's until ${new Date(heldUntil).toISOString()}; retried in ${Math.round(ttlSeconds / 3)} s)`}`);
    });
  }, (ttlSeconds * 1000) / 3);
  renewal.unref?.();
  /** Throws when the lease may no longer be this task's: called before every change. */
  const assertHeld = () => {
    if (lost) throw lost;
    if (now() >= heldUntil) {
      throw new Error(
        `The ${kind} of ${cloudRef} stopped before its next change: its lease could not be renewed for ${ttlSeconds} s (last error: ${lastError ?? 'none'}), so it may have lapsed and another operation may run on the cloud. Nothing more was changed; run this task again: it resumes after its last finished step`,
      );
    }
  };
  const checkpoint = ctx.checkpoint;
  ctx.checkpoint = (opts => {
    assertHeld();
    return checkpoint.call(ctx, opts);
  }) as typeof checkpoint;
  try {
    return await fn();
  } finally {
    ctx.checkpoint = checkpoint;
    clearInterval(renewal);
    await api.releaseLease(credentials, cloudRef, taskId).then(
      () => ctx.logger.info(`Released the lease of ${cloudRef}`),
      e => ctx.logger.warn(`Could not release the lease of ${cloudRef} (it lapses within ${ttlSeconds} s): ${(e as Error).message}`),
    );
  }
}
