import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { JoinTokenStatus } from '@backstage-openstack/plugin-openstack-common';
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
  }): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
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
      });
    });
    return { token, expiresAt: new Date(expiresAt).toISOString() };
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
      .update({ reported_version: version, reported_at: now });
    if (n !== 1) return undefined;
    const row = (await this.db<Row>(TABLE).where({ token_hash: hash }).first())!;
    return { cloudRef: row.cloud_ref, host: row.host };
  }

  /** The latest token of a host of a cloud, or undefined. */
  async latest(cloudRef: string, host: string): Promise<JoinTokenStatus | undefined> {
    const row = await this.db<Row>(TABLE).where({ cloud_ref: cloudRef, host }).orderBy('created_at', 'desc').first();
    if (!row) return undefined;
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
    };
  }
}
