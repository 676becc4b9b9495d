import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  ApprovalAuditEntry as AuditEntry,
  approvalPlanDifferences,
  approvalPlanDigest,
  approvalPlanOperation,
  ApprovalRequest,
  ApprovalState,
  ApprovalVerification,
  NewApprovalRequest,
  newApprovalRequestSchema,
} from '@backstage-openstack/plugin-openstack-common';

export type { ApprovalRequest, ApprovalState, AuditEntry, NewApprovalRequest };


const T = 'openstack_approvals';
const A = 'openstack_approval_audit';

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : undefined);

/**
 * The request's plain fields and their columns, declared once for both directions of the
 * mapping: a missing value is stored as NULL and read back as undefined. `id`, `plan`, `state`
 * and the timestamps need a conversion and are mapped beside.
 */
const COLUMNS = {
  taskId: 'task_id',
  stepId: 'step_id',
  templateRef: 'template_ref',
  requester: 'requester',
  approverGroup: 'approver_group',
  cloud: 'cloud',
  title: 'title',
  summary: 'summary',
  decidedBy: 'decided_by',
  comment: 'comment',
  operation: 'operation',
  runState: 'run_state',
  runTaskId: 'run_task_id',
  runError: 'run_error',
} as const;

type PlainField = keyof typeof COLUMNS;

function fromRow(r: any): ApprovalRequest {
  const plain = Object.fromEntries(
    Object.entries(COLUMNS).map(([field, column]) => [field, r[column] ?? undefined]),
  ) as Pick<ApprovalRequest, PlainField>;
  return {
    id: r.id,
    ...plain,
    plan: JSON.parse(r.plan),
    // requests made before plans were bound carry the digest of their stored plan
    digest: r.digest ?? approvalPlanDigest(JSON.parse(r.plan)),
    state: r.state,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!,
    decidedAt: iso(r.decided_at),
    runParameters: r.run_parameters ? JSON.parse(r.run_parameters) : undefined,
  };
}

function toColumns(req: Partial<Record<PlainField, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(COLUMNS).map(([field, column]) => [column, req[field as PlainField] ?? null]),
  );
}

/**
 * Approval requests in the plugin's database (SQLite or PostgreSQL), shared by every backend
 * replica. Every state change happens in one conditional UPDATE inside a transaction, so two
 * approvers deciding at once give exactly one decision, and appends an audit entry.
 */
export class ApprovalStore {
  constructor(private readonly db: Knex, private readonly clock: () => Date = () => new Date()) {}

  /**
   * Creates the request of a task step, or returns the one it made before (a resumed task). Every
   * field is checked against its bound first (`newApprovalRequestSchema`): a value too long for its
   * column is an `InputError` naming it, never a database error (PostgreSQL's varchar(255)).
   */
  async createOrGet(req: NewApprovalRequest): Promise<ApprovalRequest> {
    const checked = newApprovalRequestSchema.safeParse(req);
    if (!checked.success) {
      throw new InputError(checked.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    return this.db.transaction(async tx => {
      const existing = await tx(T).where({ task_id: req.taskId, step_id: req.stepId }).first();
      if (existing) return fromRow(existing);
      const now = this.clock();
      const row = {
        id: randomUUID(),
        ...toColumns({ ...req, operation: approvalPlanOperation(req.plan) }),
        plan: JSON.stringify(req.plan ?? null),
        run_parameters: req.runParameters ? JSON.stringify(req.runParameters) : null,
        digest: approvalPlanDigest(req.plan ?? null),
        state: 'pending',
        created_at: now,
        expires_at: new Date(now.getTime() + req.timeoutMinutes * 60_000),
      };
      await tx(T).insert(row);
      await tx(A).insert({ approval_id: row.id, at: now, actor: req.requester, event: 'created', to_state: 'pending', comment: null });
      return fromRow(await tx(T).where({ id: row.id }).first());
    });
  }

  async get(id: string): Promise<ApprovalRequest> {
    await this.expireDue();
    const row = await this.db(T).where({ id }).first();
    if (!row) throw new NotFoundError(`No approval request ${id}`);
    return fromRow(row);
  }

  async audit(id: string): Promise<AuditEntry[]> {
    const rows = await this.db(A).where({ approval_id: id }).orderBy('seq');
    return rows.map(r => ({
      at: iso(r.at)!,
      actor: r.actor,
      event: r.event,
      fromState: r.from_state ?? undefined,
      toState: r.to_state ?? undefined,
      comment: r.comment ?? undefined,
    }));
  }

  async list(filter: { state?: ApprovalState; group?: string; requester?: string; cloud?: string }): Promise<ApprovalRequest[]> {
    await this.expireDue();
    const q = this.db(T).orderBy('created_at', 'desc').limit(500);
    if (filter.state) q.where('state', filter.state);
    if (filter.group) q.where('approver_group', filter.group);
    if (filter.requester) q.where('requester', filter.requester);
    if (filter.cloud) q.where('cloud', filter.cloud);
    return (await q).map(fromRow);
  }

  /**
   * Approves or rejects. `actorGroups` are the groups the actor is a member of (resolved by the
   * caller from the catalog). Refused, in the one conditional UPDATE, when the actor is the
   * requester (whatever the policy says), is not a member of the request's approver group, when
   * the request is decided already, or when its `expires_at` has come (a decision at that very
   * instant is too late).
   */
  async decide(
    id: string,
    actor: string,
    decision: 'approved' | 'rejected',
    comment: string | undefined,
    actorGroups: readonly string[],
  ): Promise<ApprovalRequest> {
    await this.expireDue();
    const now = this.clock();
    const updated = await this.db.transaction(async tx => {
      const n = await tx(T)
        .where({ id, state: 'pending' })
        .whereNot('requester', actor)
        .whereIn('approver_group', [...actorGroups])
        .where('expires_at', '>', now)
        .update({
          state: decision,
          decided_by: actor,
          decided_at: now,
          comment: comment ?? null,
          // approved with a run to start: the starter's work item, in the same statement
          ...(decision === 'approved' ? { run_state: tx.raw("CASE WHEN run_parameters IS NULL THEN NULL ELSE 'to-start' END") } : {}),
        });
      if (n === 1) {
        await tx(A).insert({ approval_id: id, at: now, actor, event: decision, from_state: 'pending', to_state: decision, comment: comment ?? null });
      }
      return n;
    });
    const current = await this.get(id);
    if (updated === 1) return current;
    if (current.requester === actor) {
      throw new NotAllowedError('Nobody may decide their own request; another member of the approver group must decide it');
    }
    if (current.state === 'pending' && !actorGroups.includes(current.approverGroup)) {
      throw new NotAllowedError(`Only members of ${current.approverGroup} may decide this request; ${actor} is not one (catalog memberOf)`);
    }
    if (current.state === 'pending' && new Date(current.expiresAt) <= now) {
      throw new ConflictError(`The request expired at ${current.expiresAt}; it cannot be decided any more`);
    }
    throw new ConflictError(`The request is ${current.state}${current.decidedBy ? ` (by ${current.decidedBy})` : ''}; it cannot be decided again`);
  }

  /**
   * Lets the run task `taskId` act on approval `approvalId` for this operation, cloud and plan:
   * the request must be approved, unexpired, for this operation and cloud, its digest the plan's
   * (a ConflictError names each difference), and bound to no other task. The first task that
   * passes binds the approval to itself in one conditional UPDATE (`run_task_id` null or its
   * own: a resumed task passes again); any other task is refused, so one approval runs once.
   */
  async verify(v: ApprovalVerification & { cloud: string }): Promise<ApprovalRequest> {
    await this.expireDue();
    const now = this.clock();
    const row = await this.db(T).where({ id: v.approvalId }).first();
    if (!row) {
      throw new NotAllowedError(`${v.operation} of ${v.cloud} needs an approved request; approval ${v.approvalId} does not exist. Run the template without approvalId to file one`);
    }
    const a = fromRow(row);
    if (a.operation !== v.operation || a.cloud !== v.cloud) {
      throw new NotAllowedError(
        `Approval ${a.id} is for ${a.operation ?? 'an unbound plan'} of ${a.cloud ?? 'no cloud'}, not ${v.operation} of ${v.cloud}; file a request for this operation`,
      );
    }
    if (a.state !== 'approved') {
      throw new NotAllowedError(`Approval ${a.id} is ${a.state}${a.decidedBy ? ` (by ${a.decidedBy})` : ''}; ${v.operation} of ${v.cloud} runs only once it is approved`);
    }
    if (new Date(a.expiresAt) <= now) {
      throw new NotAllowedError(`Approval ${a.id} expired at ${a.expiresAt}; run the template again to ask for a new approval`);
    }
    const digest = approvalPlanDigest(v.plan ?? null);
    if (a.digest !== digest) {
      const diffs = approvalPlanDifferences(a.plan, v.plan);
      throw new ConflictError(
        `The plan approved in request ${a.id} (${a.digest}) differs from what would run now (${digest}): ${diffs.join('; ')}. Nothing was changed; run the template again to ask for a new approval`,
      );
    }
    const bound = await this.db.transaction(async tx => {
      const n = await tx(T)
        .where({ id: a.id, state: 'approved' })
        .where(q => q.whereNull('run_task_id').orWhere('run_task_id', v.taskId))
        .update({ run_task_id: v.taskId, run_state: 'started', run_error: null });
      if (n === 1 && a.runTaskId !== v.taskId) {
        await tx(A).insert({ approval_id: a.id, at: now, actor: a.decidedBy ?? 'system', event: 'run-started', comment: `task ${v.taskId}` });
      }
      return n;
    });
    const current = fromRow(await this.db(T).where({ id: a.id }).first());
    if (bound !== 1) {
      throw new ConflictError(`Approval ${a.id} has run already, in task ${current.runTaskId}; an approval lets exactly one run act. Run the template again to ask for a new approval`);
    }
    return current;
  }

  /**
   * Takes the approved request's run to start: true for exactly one caller while it is
   * `to-start`, or `starting` with a claim older than `leaseMs` (the replica that claimed it
   * died). The caller then starts the run and calls {@link ApprovalStore.runStarted} or
   * {@link ApprovalStore.runStartFailed}.
   */
  async claimRunStart(id: string, leaseMs: number): Promise<boolean> {
    const now = this.clock();
    const n = await this.db(T)
      .where({ id, state: 'approved' })
      .whereNull('run_task_id')
      .where(q =>
        q.where('run_state', 'to-start').orWhere(s => s.where('run_state', 'starting').where('run_claimed_at', '<=', new Date(now.getTime() - leaseMs))),
      )
      .update({ run_state: 'starting', run_claimed_at: now });
    return n === 1;
  }

  /** Records the run's task (unless the run bound the approval first, which names it already). */
  async runStarted(id: string, taskId: string, actor: string): Promise<ApprovalRequest> {
    const now = this.clock();
    await this.db.transaction(async tx => {
      const n = await tx(T).where({ id }).whereNull('run_task_id').update({ run_task_id: taskId, run_state: 'started', run_error: null });
      if (n === 1) await tx(A).insert({ approval_id: id, at: now, actor, event: 'run-started', comment: `task ${taskId}` });
    });
    return fromRow(await this.db(T).where({ id }).first());
  }

  /** Gives the claim back with the reason: the next attempt starts the run. */
  async runStartFailed(id: string, error: string): Promise<ApprovalRequest> {
    await this.db(T).where({ id, run_state: 'starting' }).whereNull('run_task_id').update({ run_state: 'to-start', run_error: error.slice(0, 2000) });
    return fromRow(await this.db(T).where({ id }).first());
  }

  /** The requester withdraws a pending request. */
  async cancel(id: string, actor: string): Promise<ApprovalRequest> {
    const now = this.clock();
    const n = await this.db.transaction(async tx => {
      const c = await tx(T).where({ id, state: 'pending', requester: actor }).update({ state: 'cancelled', decided_by: actor, decided_at: now });
      if (c === 1) await tx(A).insert({ approval_id: id, at: now, actor, event: 'cancelled', from_state: 'pending', to_state: 'cancelled' });
      return c;
    });
    const current = await this.get(id);
    if (n === 1) return current;
    if (current.requester !== actor) throw new NotAllowedError('Only the requester may cancel a request');
    throw new ConflictError(`The request is ${current.state}; only a pending request can be cancelled`);
  }

  /** Marks pending requests whose time ran out as expired. */
  async expireDue(): Promise<number> {
    const now = this.clock();
    return this.db.transaction(async tx => {
      const due = await tx(T).where('state', 'pending').where('expires_at', '<=', now).select('id');
      if (!due.length) return 0;
      const ids = due.map(d => d.id);
      const n = await tx(T).whereIn('id', ids).where('state', 'pending').update({ state: 'expired', decided_at: now });
      await tx(A).insert(ids.map(id => ({ approval_id: id, at: now, actor: 'system', event: 'expired', from_state: 'pending', to_state: 'expired' })));
      return n;
    });
  }
}
