import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { ConflictError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { JoinContinuationSpec, JoinTokenStatus } from '@backstage-openstack/plugin-openstack-common';
import { isDeepStrictEqual } from 'node:util';
import { Knex } from 'knex';

const TABLE = 'openstack_join_tokens';

interface Row {
  token_hash: string;
  cloud_ref: string;
  cloud_key: string;
  host: string;
  management_ip: string;
  payload: string;
  created_by: string;
  created_at: number | string;
  expires_at: number | string;
  used_at: number | string | null;
  used_from: string | null;
  report_until: number | string | null;
  reported_version: string | null;
  reported_at: number | string | null;
  join_id: string | null;
  template_ref: string | null;
  run_parameters: string | null;
  continue_state: string | null;
  continue_claimed_at: number | string | null;
  continue_claimed_by: string | null;
  continue_task_id: string | null;
  continue_error: string | null;
}

/** A join record whose host reported and whose enrollment continues in a new task: what starting it needs. */
export interface JoinContinuation {
  joinId: string;
  cloudRef: string;
  host: string;
  templateRef: string;
  parameters: Record<string, unknown>;
  /** The enroll task's initiator. */
  createdBy: string;
  /** Who claimed the start before (a claimant that died may have created the task). */
  claimedBy?: string;
}

/** What the join route gets once for a token: whom it is for and the decrypted bundle. */
export interface UsedJoinToken {
  cloudRef: string;
  cloudKey: string;
  host: string;
  files: Record<string, string>;
}

/** SHA-256 of a token, hex: the only form of it the database holds. */
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** The key that encrypts a token's bundle: derived from the token itself, so only its holder decrypts it. */
function keyOf(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), Buffer.from(tokenHash(token), 'hex'), 'backstage-openstack join bundle', 32));
}

function seal(token: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(token: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(token), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

const iso = (v: number | string | null | undefined) => (v === null || v === undefined ? undefined : new Date(Number(v)).toISOString());

/**
 * One-time join tokens of compute hosts, in the plugin's database. A token is 32 random bytes
 * (base64url); the table keeps its SHA-256 and the host's bundle encrypted with a key derived
 * from the token. Using a token is one conditional UPDATE (unused and unexpired), so two fetches
 * at once get it once; the bundle is cleared then. One live token per cloud and host: issuing
 * another replaces an unused one.
 */
export class JoinTokenStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async issue(opts: {
    cloudRef: string;
    cloudKey: string;
    host: string;
    managementIp: string;
    files: Record<string, string>;
    createdBy: string;
    ttlMs: number;
    continuation?: JoinContinuationSpec;
  }): Promise<{ token: string; joinId: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const joinId = randomUUID();
    const now = this.now();
    const expiresAt = now + opts.ttlMs;
    await this.db.transaction(async tx => {
      // the host's earlier unused tokens stop working; expired ones lose their bundle
      await tx<Row>(TABLE).where({ cloud_ref: opts.cloudRef, host: opts.host }).whereNull('used_at').delete();
      await tx<Row>(TABLE).where('expires_at', '<=', now).whereNull('used_at').update({ payload: '' });
      await tx<Row>(TABLE).insert({
        token_hash: tokenHash(token),
        cloud_ref: opts.cloudRef,
        cloud_key: opts.cloudKey,
        host: opts.host,
        management_ip: opts.managementIp,
        payload: seal(token, JSON.stringify(opts.files)),
        created_by: opts.createdBy,
        created_at: now,
        expires_at: expiresAt,
        join_id: joinId,
        template_ref: opts.continuation?.templateRef ?? null,
        run_parameters: opts.continuation ? JSON.stringify(opts.continuation.parameters) : null,
      });
    });
    return { token, joinId, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The management IP a valid (unused, unexpired) token is bound to; undefined for any other token. */
  async boundAddress(token: string): Promise<string | undefined> {
    const row = await this.db<Row>(TABLE).where({ token_hash: tokenHash(token) }).whereNull('used_at').where('expires_at', '>', this.now()).first();
    return row?.management_ip;
  }

  /**
   * Uses a token once: marks it used (from `from`), opens its report window for `reportWindowMs`
   * and returns its bundle; undefined when the token is unknown, used or expired.
   */
  async use(token: string, from: string, reportWindowMs: number): Promise<UsedJoinToken | undefined> {
    const hash = tokenHash(token);
    const now = this.now();
    const taken = await this.db<Row>(TABLE)
      .where({ token_hash: hash })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .update({ used_at: now, used_from: from.slice(0, 45), report_until: now + reportWindowMs });
    if (taken !== 1) return undefined;
    const row = (await this.db<Row>(TABLE).where({ token_hash: hash }).first())!;
    await this.db<Row>(TABLE).where({ token_hash: hash }).update({ payload: '' });
    return { cloudRef: row.cloud_ref, cloudKey: row.cloud_key, host: row.host, files: JSON.parse(open(token, row.payload)) };
  }

  /** The token's follow-up call: records the version once, within the report window; false otherwise. */
  async report(token: string, version: string): Promise<{ cloudRef: string; host: string } | undefined> {
    const hash = tokenHash(token);
    const now = this.now();
    const n = await this.db<Row>(TABLE)
      .where({ token_hash: hash })
      .whereNotNull('used_at')
      .whereNull('reported_version')
      .where('report_until', '>', now)
      // a token that carries a continuation: its start is due, in the same statement
      .update({ reported_version: version, reported_at: now, continue_state: this.db.raw("CASE WHEN template_ref IS NULL THEN NULL ELSE 'to-start' END") });
    if (n !== 1) return undefined;
    const row = (await this.db<Row>(TABLE).where({ token_hash: hash }).first())!;
    return { cloudRef: row.cloud_ref, host: row.host };
  }

  /** The latest token of a host of a cloud, or undefined. */
  async latest(cloudRef: string, host: string): Promise<JoinTokenStatus | undefined> {
    const row = await this.db<Row>(TABLE).where({ cloud_ref: cloudRef, host }).orderBy('created_at', 'desc').first();
    return row && this.statusOf(row);
  }

  /** The latest token of each host of a cloud issued within `sinceMs`, newest first (at most 100 hosts). */
  async list(cloudRef: string, sinceMs: number): Promise<JoinTokenStatus[]> {
    const rows = await this.db<Row>(TABLE).where({ cloud_ref: cloudRef }).where('created_at', '>', this.now() - sinceMs).orderBy('created_at', 'desc').limit(500);
    const seen = new Set<string>();
    return rows.filter(r => !seen.has(r.host) && seen.add(r.host)).slice(0, 100).map(r => this.statusOf(r));
  }

  /** Deletes the host's unused tokens (expired ones too): decommission leaves none behind. */
  async deleteUnused(cloudRef: string, host: string): Promise<number> {
    return this.db<Row>(TABLE).where({ cloud_ref: cloudRef, host }).whereNull('used_at').delete();
  }

  /** The continuation of a record whose start is due (to-start, or a claim older than `leaseMs`), else undefined. */
  async dueContinuation(joinId: string, leaseMs: number): Promise<JoinContinuation | undefined> {
    const row = await this.db<Row>(TABLE).where({ join_id: joinId }).whereNull('continue_task_id').where(this.due(leaseMs)).first();
    if (!row || !row.template_ref || !row.run_parameters) return undefined;
    return {
      joinId,
      cloudRef: row.cloud_ref,
      host: row.host,
      templateRef: row.template_ref,
      parameters: JSON.parse(row.run_parameters),
      createdBy: row.created_by,
      claimedBy: row.continue_claimed_by ?? undefined,
    };
  }

  /**
   * Claims starting the continuation of `joinId` for `claimant`: true for exactly one caller while
   * it is `to-start`, or `starting` with a claim older than `leaseMs` (the replica that claimed it
   * died). The caller then starts it and calls {@link JoinTokenStore.continuationStarted} or
   * {@link JoinTokenStore.continuationFailed}.
   */
  async claimContinuation(joinId: string, claimant: string, leaseMs: number): Promise<boolean> {
    const n = await this.db<Row>(TABLE)
      .where({ join_id: joinId })
      .whereNull('continue_task_id')
      .where(this.due(leaseMs))
      .update({ continue_state: 'starting', continue_claimed_at: this.now(), continue_claimed_by: claimant.slice(0, 255) });
    return n === 1;
  }

  /** Records the continuation's task (unless the task bound the record first, which names it already). */
  async continuationStarted(joinId: string, taskId: string): Promise<void> {
    await this.db<Row>(TABLE).where({ join_id: joinId }).whereNull('continue_task_id').update({ continue_task_id: taskId, continue_state: 'started', continue_error: null });
  }

  /** Gives the claim back with the reason: the next read starts it. */
  async continuationFailed(joinId: string, error: string): Promise<void> {
    await this.db<Row>(TABLE)
      .where({ join_id: joinId, continue_state: 'starting' })
      .whereNull('continue_task_id')
      .update({ continue_state: 'to-start', continue_error: error.slice(0, 2000) });
  }

  /**
   * Lets the task `taskId` continue the enrollment of record `joinId`: the record must be this
   * cloud's and host's, its host must have reported, the task's form values must be the stored
   * ones, and it must be bound to no other task. The first task that passes binds the record to
   * itself in one conditional UPDATE (a resumed task passes again); any other is refused.
   */
  async bindContinuation(v: { joinId: string; cloudRef: string; host: string; taskId: string; parameters: Record<string, unknown> }): Promise<JoinTokenStatus> {
    const row = await this.db<Row>(TABLE).where({ join_id: v.joinId }).first();
    if (!row || row.cloud_ref !== v.cloudRef || row.host !== v.host) {
      throw new NotFoundError(`${v.cloudRef} has no join record ${v.joinId} for ${v.host}; enroll the host again (without joinId)`);
    }
    if (!row.template_ref || !row.run_parameters) {
      throw new NotAllowedError(`Join record ${v.joinId} of ${v.host} carries no continuation; its enrollment ran in one task`);
    }
    if (!row.reported_version) {
      throw new NotAllowedError(`${v.host} has not reported its join yet (join record ${v.joinId} is ${this.statusOf(row).state}); the continuation starts once it has`);
    }
    if (!isDeepStrictEqual(JSON.parse(row.run_parameters), v.parameters)) {
      throw new NotAllowedError(`The form values of task ${v.taskId} differ from those of the enrollment that issued join record ${v.joinId}; only that enrollment continues`);
    }
    const n = await this.db<Row>(TABLE)
      .where({ join_id: v.joinId })
      .where(q => q.whereNull('continue_task_id').orWhere('continue_task_id', v.taskId))
      .update({ continue_task_id: v.taskId, continue_state: 'started', continue_error: null });
    const current = (await this.db<Row>(TABLE).where({ join_id: v.joinId }).first())!;
    if (n !== 1) {
      throw new ConflictError(`Join record ${v.joinId} of ${v.host} is continued already, in task ${current.continue_task_id}; a join continues in exactly one task`);
    }
    return this.statusOf(current);
  }

  private due(leaseMs: number) {
    const stale = this.now() - leaseMs;
    return (q: Knex.QueryBuilder) => q.where('continue_state', 'to-start').orWhere(s => s.where('continue_state', 'starting').where('continue_claimed_at', '<=', stale));
  }

  private statusOf(row: Row): JoinTokenStatus {
    let state: JoinTokenStatus['state'] = 'unused';
    if (row.reported_version) state = 'reported';
    else if (row.used_at !== null && row.used_at !== undefined) state = 'used';
    else if (Number(row.expires_at) <= this.now()) state = 'expired';
    return {
      cloudRef: row.cloud_ref,
      host: row.host,
      managementIp: row.management_ip,
      state,
      createdBy: row.created_by,
      createdAt: iso(row.created_at)!,
      expiresAt: iso(row.expires_at)!,
      usedAt: iso(row.used_at),
      usedFrom: row.used_from ?? undefined,
      reportedVersion: row.reported_version ?? undefined,
      reportedAt: iso(row.reported_at),
      joinId: row.join_id ?? undefined,
      continuation: row.template_ref
        ? {
            state: (row.continue_state as 'to-start' | 'starting' | 'started' | null) ?? 'waiting',
            templateRef: row.template_ref,
            taskId: row.continue_task_id ?? undefined,
            error: row.continue_error ?? undefined,
          }
        : undefined,
    };
  }
}
