// The steps of openstack:cloud:create, the same for every cloud: validate (the driver opens the
// new cloud and refuses bad input) → claim the cloud key → render → apply → wait → register.
// Every effect sits in its own checkpoint with a stable key, `create.<cloud key>.<step>[.<what>]`;
// a driver only decides where the effects land (the demo store, or a cluster and the workspace).
import { cloudRefOfEntity, createApprovalPlan, stringifyCloudRef } from '@backstage-openstack/plugin-openstack-common';
import { ApprovalGate, enforceApproval, outputApprovalPlan } from './approvalGate';
import { DriverContext, CreateTarget } from '../drivers/types';
import { buildCloudEntity } from './cloudEntity';
import { claimCloudKey, CloudKeyHolders } from './claimCloudKey';

export interface CreateStepDeps {
  /** Refuses the run without the task's approval of exactly this plan (by the new cloud's lifecycle). */
  approvals: ApprovalGate;
  /** Who already holds a cloud key (live config, catalog). */
  cloudKeyHolders: CloudKeyHolders;
  /** Runs the changes holding the new cloud's lease (`holdCloudLease`, bound to the task): one operation per cloud. */
  holdLease: (cloudRef: string, fn: () => Promise<void>) => Promise<void>;
  /** Poll interval of the wait; default the driver's. */
  pollMs?: number;
}

export interface CreateStepInput {
  owner: string;
  /** The new cloud's `spec.lifecycle` (its entity's): which operations on it need an approval. */
  lifecycle: string;
  /** Only validate, claim and render: output the plan to approve (and its digest), change nothing. */
  planOnly: boolean;
  /** The approval the backend started this run with (the run phase). */
  approvalId?: string;
  waitForReady: boolean;
  timeoutMinutes: number;
}

/**
 * Creates the cloud `target` opens (the validate step), then: claims its key (no takeover; the
 * driver's read-only checks follow) → renders its objects and logs the plan (a dry run stops
 * here, showing them) → holding the new cloud's lease, applies each effect once and optionally
 * waits until it is ready → registers it: outputs its catalog entity and the workspace files for the publish step.
 */
export async function createCloud(ctx: DriverContext, target: CreateTarget, deps: CreateStepDeps, input: CreateStepInput) {
  const { cloud } = target;
  const prefix = `create.${cloud.cloudKey}`;

  // claim: `${prefix}.claim` (claimCloudKey), then the checks that need the key to be ours
  await claimCloudKey(ctx, deps.cloudKeyHolders, cloud.cloudKey, target.keyField, () => target.heldBy());
  for (const line of await target.preflight()) ctx.logger.info(line);

  // render
  const rendered = target.render();
  const entity = buildCloudEntity({
    name: cloud.cloudKey,
    cluster: cloud.cluster,
    namespace: cloud.namespace,
    release: cloud.release,
    owner: input.owner,
    system: 'openstack',
    delivery: cloud.delivery,
    lifecycle: input.lifecycle,
  });
  const cloudRef = stringifyCloudRef(cloudRefOfEntity(entity));
  // what the approver approves: the validated input, where it goes and every object the effects make
  const approvalPlan = createApprovalPlan({
    cloud: cloudRef,
    lifecycle: input.lifecycle,
    spec: { ...rendered.approval.spec, owner: input.owner },
    objects: rendered.approval.objects,
  });
  const plan = [...rendered.plan, input.waitForReady ? `wait up to ${input.timeoutMinutes} min until every service is ready` : 'do not wait'];
  ctx.logger.info(
    `Plan for cloud ${cloud.cloudKey} (${cloud.release}, delivery ${cloud.delivery}, ${cloud.cluster}/${cloud.namespace}):\n${plan.map((p, i) => `  ${i + 1}. ${p}`).join('\n')}`,
  );
  if (input.planOnly) {
    outputApprovalPlan(ctx, deps.approvals, approvalPlan, input.lifecycle);
    ctx.output('entity', entity);
    return;
  }
  // whatever the template says: no change without the task's approval of exactly this plan
  await enforceApproval(ctx, deps.approvals, approvalPlan, input.lifecycle, input.approvalId);
  if (ctx.isDryRun) {
    for (const line of rendered.preview) ctx.logger.info(`Dry run: ${line}`);
    ctx.logger.info('Dry run: nothing was changed');
    register(ctx, entity, rendered.manifests);
    return;
  }

  // one operation per cloud: the changes run holding the new cloud's lease
  await deps.holdLease(cloudRef, async () => {
    // apply: `${prefix}.apply.<Kind>.<name>`, each once
    for (const effect of rendered.effects) {
      const line = effect.everyRun ? await effect.run() : await ctx.checkpoint({ key: `${prefix}.apply.${effect.id}`, fn: () => effect.run() });
      ctx.logger.info(line);
    }

    // wait: `${prefix}.ready`, so a task resumed after it does not wait again
    if (input.waitForReady) {
      await ctx.checkpoint({
        key: `${prefix}.ready`,
        fn: async () => {
          await target.waitReady({ timeoutMs: input.timeoutMinutes * 60_000, intervalMs: deps.pollMs });
          ctx.logger.info(`Cloud ${cloud.cloudKey} is ready`);
          return true;
        },
      });
    }
  });

  register(ctx, entity, rendered.manifests);
}

/** register: the entity for `catalog:write` / `catalog:register`, the files for the publish step. */
function register(ctx: DriverContext, entity: ReturnType<typeof buildCloudEntity>, manifests: string[]) {
  ctx.output('entity', entity);
  ctx.output('manifests', manifests);
}
