import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  resolveCloud,
  ResolvedCloud,
} from '@backstage-openstack/plugin-openstack-node';

/** The caller a decision is remembered for; undefined for anonymous callers (never remembered). */
export function principalKey(credentials: BackstageCredentials): string | undefined {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p?.type === 'user' && p.userEntityRef) return `user:${p.userEntityRef}`;
  if (p?.type === 'service' && p.subject) return `service:${p.subject}`;
  return undefined;
}

/**
 * May this caller read this cloud, and which cloud is it: the permission decision (with the
 * caller's credentials) and the cloud resolved in the catalog (with the same credentials), the
 * two asked at once and remembered per caller, permission and cloud ref for `ttlMs` (5 s).
 *
 * For the read routes only: a warm status or hosts page otherwise spends most of its time in
 * these two calls (a token issued and verified for the permission backend, another for the
 * catalog, which asks the permission backend again). A revoked permission or a changed cloud
 * entity takes effect within `ttlMs`; a refusal or a failure is never remembered.
 */
export class CloudReadAccess {
  private readonly memo = new Map<
    string,
    { until: number; cloud: Promise<ResolvedCloud> }
  >();

  constructor(
    private readonly permissions: PermissionsService,
    private readonly catalog: CatalogService,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cloud `ref` names, if `credentials` hold `permission`; NotAllowedError otherwise. */
  resolve(
    credentials: BackstageCredentials,
    permission: BasicPermission,
    ref: string,
    field: string,
  ): Promise<ResolvedCloud> {
    const who = principalKey(credentials);
    if (!who) return this.check(credentials, permission, ref, field);
    const key = `${who}\n${permission.name}\n${ref}`;
    const now = this.now();
    const hit = this.memo.get(key);
    if (hit && hit.until > now) return hit.cloud;
    if (this.memo.size >= 10_000) {
      for (const [k, v] of this.memo) if (v.until <= now) this.memo.delete(k);
    }
    const cloud = this.check(credentials, permission, ref, field);
    this.memo.set(key, { until: now + this.ttlMs, cloud });
    cloud.catch(() => {
      if (this.memo.get(key)?.cloud === cloud) this.memo.delete(key);
    });
    return cloud;
  }

  private async check(
    credentials: BackstageCredentials,
    permission: BasicPermission,
    ref: string,
    field: string,
  ): Promise<ResolvedCloud> {
    const [decision, cloud] = await Promise.allSettled([
      this.permissions.authorize([{ permission }], { credentials }),
      resolveCloud(this.catalog, ref, credentials, field),
    ]);
    // the permission first: a caller without it learns nothing of the cloud
    if (decision.status === 'rejected') throw decision.reason;
    if (decision.value[0].result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${permission.name} is required`);
    }
    if (cloud.status === 'rejected') throw cloud.reason;
    return cloud.value;
  }
}
