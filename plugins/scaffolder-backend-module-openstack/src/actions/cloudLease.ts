import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { CloudOperationKind } from '@backstage-openstack/plugin-openstack-common';
import { SuiteApi } from '../drivers/suiteApi';

/** How long a lease lasts unless renewed; the task renews it every third of that while it runs. */
export const LEASE_TTL_SECONDS = 120;

type LeaseCtx = Pick<ActionContext<any, any>, 'task' | 'logger' | 'isDryRun'>;

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
 */
export async function holdCloudLease<T>(
  ctx: LeaseCtx,
  api: Pick<SuiteApi, 'acquireLease' | 'releaseLease'>,
  credentials: BackstageCredentials,
  cloudRef: string,
  kind: CloudOperationKind,
  fn: () => Promise<T>,
  ttlSeconds = LEASE_TTL_SECONDS,
): Promise<T> {
  if (ctx.isDryRun) return fn();
  const taskId = ctx.task.id;
  const take = () => api.acquireLease(credentials, cloudRef, { taskId, kind, ttlSeconds });
  try {
    await take();
  } catch (e) {
    const conflict = conflictMessage(e);
    if (conflict) throw new ConflictError(`Another operation is running on ${cloudRef}, so this ${kind} did not start and changed nothing: ${conflict}`);
    throw e;
  }
  ctx.logger.info(`Holding the ${kind} lease of ${cloudRef} for task ${taskId}: no other create, upgrade or enroll runs on it meanwhile`);
  const renewal = setInterval(() => {
    take().catch(e => ctx.logger.warn(`Could not renew the lease of ${cloudRef}: ${(e as Error).message}`));
  }, (ttlSeconds * 1000) / 3);
  renewal.unref?.();
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await api.releaseLease(credentials, cloudRef, taskId).then(
      () => ctx.logger.info(`Released the lease of ${cloudRef}`),
      e => ctx.logger.warn(`Could not release the lease of ${cloudRef} (it lapses within ${ttlSeconds} s): ${(e as Error).message}`),
    );
  }
}
