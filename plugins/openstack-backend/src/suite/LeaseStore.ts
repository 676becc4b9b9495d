import { ConflictError } from '@backstage/errors';
import { CloudLease, CloudOperationKind } from '@backstage-openstack/plugin-openstack-common';
import { Knex } from 'knex';

const TABLE = 'openstack_cloud_leases';

interface LeaseRow {
  cloud_ref: string;
  task_id: string;
  kind: string;
  initiator: string;
  acquired_at: number | string;
  renewed_at: number | string;
  expires_at: number | string;
}

/** What a task asks for: the cloud, itself, the kind of operation, who started it, for how long. */
export interface LeaseRequest {
  cloudRef: string;
  taskId: string;
  kind: CloudOperationKind;
  initiator: string;
  ttlMs: number;
}

function toLease(row: LeaseRow): CloudLease {
  const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
  return {
    cloudRef: row.cloud_ref,
    taskId: row.task_id,
    kind: row.kind as CloudOperationKind,
    initiator: row.initiator,
    acquiredAt: iso(row.acquired_at),
    renewedAt: iso(row.renewed_at),
    expiresAt: iso(row.expires_at),
  };
}

/**
 * One operation per cloud: a lease per cloud ref in the plugin's database, shared by every
 * replica. Taking it is atomic on SQLite and PostgreSQL alike: a first lease is an insert that
 * the primary key lets one task win; a lapsed lease is taken over by a compare-and-set on its
 * holder and expiry, which one task wins. The task holding it renews it (the same call); a task
 * resumed after a restart (the same task id and initiator) takes it back; a task that died leaves
 * it to lapse at its expiry.
 */
export class LeaseStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /** The lease running on a cloud; undefined when none is held or it lapsed. */
  async get(cloudRef: string): Promise<CloudLease | undefined> {
    const row = await this.db<LeaseRow>(TABLE).where({ cloud_ref: cloudRef }).first();
    return row && Number(row.expires_at) > this.now() ? toLease(row) : undefined;
  }

  /**
   * Takes or renews the cloud's lease for the task. A `ConflictError` naming the running task,
   * its kind and its initiator when another task holds a lease that has not lapsed.
   */
  async acquire(req: LeaseRequest): Promise<CloudLease> {
    const now = this.now();
    const fresh = {
      cloud_ref: req.cloudRef,
      task_id: req.taskId,
      kind: req.kind,
      initiator: req.initiator,
      acquired_at: now,
      renewed_at: now,
      expires_at: now + req.ttlMs,
    };
    await this.db<LeaseRow>(TABLE).insert(fresh).onConflict('cloud_ref').ignore();
    const row = await this.db<LeaseRow>(TABLE).where({ cloud_ref: req.cloudRef }).first();
    if (!row) {
      // released between the insert and the read: ask again
      return this.acquire(req);
    }
    if (row.task_id === req.taskId && row.initiator === req.initiator) {
      // ours: just taken, renewed while running, or taken back by the resumed task
      const renewed = await this.db<LeaseRow>(TABLE)
        .where({ cloud_ref: req.cloudRef, task_id: req.taskId })
        .update({ renewed_at: now, expires_at: now + req.ttlMs });
      if (renewed === 1) return toLease({ ...row, renewed_at: now, expires_at: now + req.ttlMs });
      return this.acquire(req);
    }
    if (Number(row.expires_at) <= now) {
      // lapsed (its task died): taken over by whoever sets it first
      const taken = await this.db<LeaseRow>(TABLE)
        .where({ cloud_ref: req.cloudRef, task_id: row.task_id, expires_at: row.expires_at })
        .update(fresh);
      if (taken === 1) return toLease(fresh);
      return this.acquire(req);
    }
    throw new ConflictError(
      `${req.cloudRef} is busy: ${row.kind} task ${row.task_id}, started by ${row.initiator}, is running on it (lease renewed ${new Date(Number(row.renewed_at)).toISOString()}, lapses ${new Date(Number(row.expires_at)).toISOString()} unless renewed). Wait until it ends, or cancel it, then start this ${req.kind} again`,
    );
  }

  /** Releases the task's lease (only its own, taken by the same initiator); false when it held none. */
  async release(cloudRef: string, taskId: string, initiator: string): Promise<boolean> {
    const n = await this.db<LeaseRow>(TABLE).where({ cloud_ref: cloudRef, task_id: taskId, initiator }).delete();
    return n > 0;
  }

  /** The lease row of a cloud as it is, lapsed or not (for the release route's permission check). */
  async holder(cloudRef: string): Promise<CloudLease | undefined> {
    const row = await this.db<LeaseRow>(TABLE).where({ cloud_ref: cloudRef }).first();
    return row ? toLease(row) : undefined;
  }
}
