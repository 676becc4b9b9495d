import { AuthService, BackstageCredentials, HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  CLOUD_OPERATION_KINDS,
  CLOUD_OPERATION_PERMISSIONS,
  CloudOperationKind,
  OPENSTACK_COMPUTE_HOST_TYPE,
  OPENSTACK_CLOUD_TYPE,
  OPENSTACK_SUITE_LOCATION,
  openstackCloudReadPermission,
  parseCloudRef,
  stringifyCloudRef,
  suiteEntityPermission,
} from '@backstage-openstack/plugin-openstack-common';
import { checkEntityName, SuiteEntityChanges } from '@backstage-openstack/plugin-openstack-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { LeaseStore } from './LeaseStore';
import { suiteEntityRef, SuiteEntityStore } from './SuiteEntityStore';

export interface SuiteRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  entities: SuiteEntityStore;
  leases: LeaseStore;
  changes: SuiteEntityChanges;
}

/** The largest entity kept (its JSON): a cloud's or a host's entity is a few KiB. */
export const MAX_ENTITY_BYTES = 64 * 1024;
/** How long a lease lasts unless renewed, by default; the action renews it every third of it. */
export const DEFAULT_LEASE_TTL_SECONDS = 120;

const leaseBody = z.object({
  taskId: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'is not a task id (letters, digits, "-" and "_")'),
  kind: z.enum(CLOUD_OPERATION_KINDS as [CloudOperationKind, ...CloudOperationKind[]]),
  ttlSeconds: z.number().int().min(10).max(3600).optional(),
});

/** The catalog's own checks of a whole entity: the envelope and kind schema, field formats, no foreign root fields. */
const entityPolicy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

/** Who a caller is: a user's entity ref, or a service's subject. */
function principalOf(auth: AuthService, credentials: BackstageCredentials): string {
  if (auth.isPrincipal(credentials, 'user')) return credentials.principal.userEntityRef;
  if (auth.isPrincipal(credentials, 'service')) return credentials.principal.subject;
  throw new NotAllowedError('A user or a service must call this route');
}

/**
 * The suite's writes that others read: the catalog entities its actions made (for the suite's
 * entity provider) and the lease of the one operation running on each cloud. The actions call
 * them with their initiator's credentials; each route checks the permission of the operation
 * behind it with those credentials before it changes anything.
 */
export function createSuiteRouter(options: SuiteRouterOptions): express.Router {
  const { httpAuth, auth, permissions, catalog, entities, leases, changes } = options;
  const router = Router();
  router.use(express.json({ limit: MAX_ENTITY_BYTES + 1024 }));

  async function authorize(credentials: BackstageCredentials, permission: BasicPermission, what: string) {
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${what}: permission ${permission.name} is required; nothing was changed`);
    }
  }
  const callerOf = (req: express.Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });
  const cloudRefOf = (req: express.Request) => stringifyCloudRef(parseCloudRef(`resource:${req.params.namespace}/${req.params.name}`, 'path'));

  // The entity provider's source: every entity the suite keeps (services only: the catalog module).
  router.get('/catalog/entities', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    res.json({ items: await entities.list() });
  });

  router.post('/catalog/entities', async (req, res) => {
    const credentials = await callerOf(req);
    const entity = req.body?.entity as Record<string, any> | undefined;
    if (!entity || typeof entity !== 'object' || Array.isArray(entity)) {
      throw new InputError('body.entity: give the entity to register, e.g. the output of openstack:cloud:create');
    }
    const permission = suiteEntityPermission(entity);
    if (!permission) {
      throw new InputError(
        `body.entity: only a Resource of spec.type ${OPENSTACK_CLOUD_TYPE} or ${OPENSTACK_COMPUTE_HOST_TYPE} is kept (the output of openstack:cloud:create or openstack:compute:enroll)`,
      );
    }
    await authorize(credentials, permission, 'POST /catalog/entities');
    const name = checkEntityName(entity, 'body.entity.');
    const body = { ...entity, metadata: { ...entity.metadata, namespace: name.namespace } } as Entity;
    if (JSON.stringify(body).length > MAX_ENTITY_BYTES) {
      throw new InputError(`body.entity: larger than ${MAX_ENTITY_BYTES} bytes; an entity of the suite is a few KiB`);
    }
    try {
      await entityPolicy.enforce(body);
    } catch (e) {
      throw new InputError(`body.entity: ${(e as Error).message}`);
    }
    // the suite changes only its own entities: one of the same ref from another location stays its owner's
    const entityRef = suiteEntityRef(name);
    const existing = await catalog.getEntityByRef(entityRef, { credentials: await auth.getOwnServiceCredentials() });
    const location = existing?.metadata.annotations?.[ANNOTATION_LOCATION];
    if (existing && location !== OPENSTACK_SUITE_LOCATION) {
      throw new ConflictError(`body.entity: ${entityRef} is already in the catalog from ${location ?? 'another source'}; the suite changes only the entities it registered (${OPENSTACK_SUITE_LOCATION})`);
    }
    await entities.put(name, body as unknown as Record<string, unknown>, principalOf(auth, credentials));
    changes.publish({ type: 'upsert', entity: body as unknown as Record<string, unknown> });
    res.status(201).json({ entityRef });
  });

  router.delete('/catalog/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await callerOf(req);
    const { kind, namespace, name } = req.params;
    const entityRef = suiteEntityRef(checkEntityName({ kind, metadata: { namespace, name } }, 'path '));
    const kept = await entities.get(entityRef);
    if (!kept) {
      res.json({ removed: false });
      return;
    }
    await authorize(credentials, suiteEntityPermission(kept.entity)!, `DELETE /catalog/entities/${entityRef}`);
    const removed = await entities.remove(entityRef);
    changes.publish({ type: 'remove', entityRef });
    res.json({ removed });
  });

  router.get('/clouds/:namespace/:name/lease', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(credentials, openstackCloudReadPermission, 'GET lease');
    res.json({ lease: (await leases.get(cloudRefOf(req))) ?? null });
  });

  router.post('/clouds/:namespace/:name/lease', async (req, res) => {
    const credentials = await callerOf(req);
    const cloudRef = cloudRefOf(req);
    const parsed = leaseBody.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(parsed.error.issues.map(i => `body.${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const { taskId, kind, ttlSeconds = DEFAULT_LEASE_TTL_SECONDS } = parsed.data;
    await authorize(credentials, CLOUD_OPERATION_PERMISSIONS[kind], `${kind} lease of ${cloudRef}`);
    const lease = await leases.acquire({ cloudRef, taskId, kind, initiator: principalOf(auth, credentials), ttlMs: ttlSeconds * 1000 });
    res.json({ lease });
  });

  router.delete('/clouds/:namespace/:name/lease/:taskId', async (req, res) => {
    const credentials = await callerOf(req);
    const cloudRef = cloudRefOf(req);
    const held = await leases.holder(cloudRef);
    if (!held || held.taskId !== req.params.taskId) {
      res.json({ released: false });
      return;
    }
    await authorize(credentials, CLOUD_OPERATION_PERMISSIONS[held.kind], `${held.kind} lease of ${cloudRef}`);
    const released = await leases.release(cloudRef, req.params.taskId, principalOf(auth, credentials));
    if (!released) {
      throw new ConflictError(`${cloudRef}: task ${req.params.taskId} holds the lease for ${held.initiator}, not for the caller; only its own task releases it`);
    }
    res.json({ released });
  });

  return router;
}
