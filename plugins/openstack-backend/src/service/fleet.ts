import { BackstageCredentials, HttpAuthService, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
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

/** What the fleet route reads: the catalog, the clouds' views, their leases and the pending approvals. */
export interface FleetRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  status: StatusService;
  leases: { get(cloudRef: string): Promise<CloudLease | undefined> };
  approvals: { list(filter: { state?: ApprovalRequest['state'] }): Promise<ApprovalRequest[]> };
  logger: LoggerService;
}

/** A line of the fleet without what changes between views (the lease, the approvals). */
type ViewLine = Omit<FleetCloud, 'operation' | 'pendingApprovals'>;

/**
 * `GET /fleet`: every cloud the caller may read, demo and live, read at once. The permission
 * (openstack.cloud.read) and the catalog query (which returns only the cloud entities the caller
 * may read) use the caller's credentials; each cloud's view comes from the status service (cached,
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

  async function readFleet(credentials: BackstageCredentials, refresh: boolean): Promise<FleetView> {
    const [read, approvalRead] = await permissions.authorize(
      [{ permission: openstackCloudReadPermission }, { permission: openstackApprovalReadPermission }],
      { credentials },
    );
    if (read.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${openstackCloudReadPermission.name} is required`);
    }
    const [{ items }, pending] = await Promise.all([
      catalog.getEntities({ filter: { kind: 'Resource', 'spec.type': OPENSTACK_CLOUD_TYPE } }, { credentials }),
      approvalRead.result === AuthorizeResult.ALLOW ? approvals.list({ state: 'pending' }) : undefined,
    ]);
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
