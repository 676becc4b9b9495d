import { BackstageCredentials, HttpAuthService, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ApprovalRequest,
  CloudLease,
  FleetCloud,
  fleetCloud,
  FleetView,
  OPENSTACK_CLOUD_TYPE,
  openstackApprovalReadPermission,
  openstackCloudReadPermission,
} from '@backstage-openstack/plugin-openstack-common';
import { resolveCloudEntity } from '@backstage-openstack/plugin-openstack-node';
import express from 'express';
import Router from 'express-promise-router';
import { CloudView, StatusService } from '../status/StatusService';
import { principalKey } from './readAccess';

/** What the fleet route reads: the catalog, the clouds' views, their leases and the pending approvals. */
export interface FleetRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  status: StatusService;
  leases: { get(cloudRef: string): Promise<CloudLease | undefined> };
  approvals: { list(filter: { state?: ApprovalRequest['state'] }): Promise<ApprovalRequest[]> };
  logger: LoggerService;
  /** How long the caller's permission decisions and readable clouds are remembered (5 s). */
  accessTtlMs?: number;
}

/** A line of the fleet without what changes between views (the lease, the approvals). */
type ViewLine = Omit<FleetCloud, 'operation' | 'pendingApprovals'>;

/**
 * `GET /fleet`: every cloud the caller may read, demo and live, read at once. The permission
 * (openstack.cloud.read) and the catalog query (which returns only the cloud entities the caller
 * may read) use the caller's credentials (remembered for a few seconds per caller; `refresh`
 * asks again); each cloud's view comes from the status service (cached,
 * shared reads); a cloud that fails is listed with why and never fails the others.
 */
export function createFleetRouter(options: FleetRouterOptions): express.Router {
  const { httpAuth, permissions, catalog, status, leases, approvals } = options;
  // a line is worked out once per view (a warm view is the same object until it is read again)
  const lines = new WeakMap<CloudView, Map<string, ViewLine>>();
  const lineOf = (cloudRef: string, title: string | undefined, view: CloudView): ViewLine => {
    let byRef = lines.get(view);
    if (!byRef) lines.set(view, (byRef = new Map()));
    const key = `${cloudRef}\n${title ?? ''}`;
    let line = byRef.get(key);
    if (!line) {
      const { operation: _o, pendingApprovals: _p, ...rest } = fleetCloud({ cloudRef, title, status: view.status, hosts: view.hosts });
      line = rest;
      byRef.set(key, line);
    }
    return line;
  };

  /**
   * What the caller may see: the two permission decisions and the cloud entities the catalog
   * gives them, all with their credentials, remembered per caller for `accessTtlMs` (as
   * CloudReadAccess does for the other read routes): a warm fleet read otherwise spends most of
   * its time issuing and checking tokens. A refusal or a failure is never remembered.
   */
  const access = new Map<string, { until: number; value: Promise<{ mayReadApprovals: boolean; entities: Entity[] }> }>();
  const askAccess = async (credentials: BackstageCredentials) => {
    const [read, approvalRead] = await permissions.authorize(
      [{ permission: openstackCloudReadPermission }, { permission: openstackApprovalReadPermission }],
      { credentials },
    );
    if (read.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${openstackCloudReadPermission.name} is required`);
    }
    const { items } = await catalog.getEntities({ filter: { kind: 'Resource', 'spec.type': OPENSTACK_CLOUD_TYPE } }, { credentials });
    return { mayReadApprovals: approvalRead.result === AuthorizeResult.ALLOW, entities: items };
  };
  const accessOf = (credentials: BackstageCredentials, refresh: boolean) => {
    const who = principalKey(credentials);
    if (!who) return askAccess(credentials);
    const now = Date.now();
    const hit = access.get(who);
    if (hit && hit.until > now && !refresh) return hit.value;
    if (access.size >= 10_000) for (const [k, v] of access) if (v.until <= now) access.delete(k);
    const value = askAccess(credentials);
    access.set(who, { until: now + (options.accessTtlMs ?? 5_000), value });
    value.catch(() => {
      if (access.get(who)?.value === value) access.delete(who);
    });
    return value;
  };

  async function readFleet(credentials: BackstageCredentials, refresh: boolean): Promise<FleetView> {
    const { mayReadApprovals, entities: items } = await accessOf(credentials, refresh);
    const pending = mayReadApprovals ? await approvals.list({ state: 'pending' }) : undefined;
    const pendingBy = new Map<string, number>();
    for (const a of pending ?? []) if (a.cloud) pendingBy.set(a.cloud, (pendingBy.get(a.cloud) ?? 0) + 1);
    const results = await Promise.all(
      items.map(async entity => {
        const title = entity.metadata.title;
        const fallbackRef = `resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`;
        try {
          const cloud = resolveCloudEntity(entity, 'entity');
          const [view, operation] = await Promise.all([status.view(cloud, { refresh }), leases.get(cloud.entityRef)]);
          const line: FleetCloud = {
            ...lineOf(cloud.entityRef, title, view),
            pendingApprovals: pending ? pendingBy.get(cloud.entityRef) ?? 0 : undefined,
            operation,
          };
          return { line };
        } catch (e) {
          return { failed: { cloudRef: fallbackRef, title, error: (e as Error).message } };
        }
      }),
    );
    const byRef = (a: { cloudRef: string }, b: { cloudRef: string }) => a.cloudRef.localeCompare(b.cloudRef);
    return {
      items: results.flatMap(r => (r.line ? [r.line] : [])).sort(byRef),
      failed: results.flatMap(r => (r.failed ? [r.failed] : [])).sort(byRef),
      readAt: new Date().toISOString(),
    };
  }

  const router = Router();
  router.get('/fleet', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await readFleet(credentials, req.query.refresh === 'true'));
  });
  return router;
}
