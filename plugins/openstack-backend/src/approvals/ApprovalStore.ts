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
        .update({ state: decision, decided_by: actor, decided_at: now, comment: comment ?? null });
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
   * The task's approved, unexpired request for this operation and cloud whose digest is the
   * plan's. Refused (NotAllowedError) when the task has none; refused (ConflictError) naming
   * each difference when the approved plan is not the plan given.
   */
  async verify(v: ApprovalVerification & { cloud: string }): Promise<ApprovalRequest> {
    await this.expireDue();
    const now = this.clock();
    const rows = await this.db(T).where({ task_id: v.taskId }).orderBy('created_at', 'desc');
    const mine = rows.map(fromRow).filter(a => a.operation === v.operation && a.cloud === v.cloud);
    const approved = mine.filter(a => a.state === 'approved' && new Date(a.expiresAt) > now);
    const digest = approvalPlanDigest(v.plan ?? null);
    const match = approved.find(a => a.digest === digest);
    if (match) return match;
    if (approved.length) {
      const diffs = approvalPlanDifferences(approved[0].plan, v.plan);
      throw new ConflictError(
        `The plan approved in request ${approved[0].id} (${approved[0].digest}) differs from what would run now (${digest}): ${diffs.join('; ')}. Nothing was changed; run the template again to ask for a new approval`,
      );
    }
    let others = '';
    if (mine.length) {
      others = ` (the task's request ${mine[0].id} is ${mine[0].state === 'approved' ? 'approved but expired' : mine[0].state})`;
    } else if (rows.length) {
      others = ` (the task's requests are for ${rows.map(r => r.operation ?? 'an unbound plan').join(', ')})`;
    }
    throw new NotAllowedError(
      `${v.operation} of ${v.cloud} needs an approved, unexpired approval request of this task for this plan${others}; add an openstack:approval:request step with the action's plan before it`,
    );
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
