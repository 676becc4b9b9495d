import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_NAMESPACE,
  OPENSTACK_CLOUD_TYPE,
  openstackCloudReadPermission,
} from '@backstage-openstack/plugin-openstack-common';
import express from 'express';
import Router from 'express-promise-router';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
}

/** The HTTP routes of the plugin, mounted at /api/openstack. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/clouds', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: openstackCloudReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not read OpenStack clouds');
    }
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': OPENSTACK_CLOUD_TYPE } },
      { credentials },
    );
    res.json({
      items: items.map(e => ({
        entityRef: `resource:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`,
        name: e.metadata.name,
        title: e.metadata.title,
        cloud: e.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD],
        cluster: e.metadata.annotations?.[ANNOTATION_OPENSTACK_CLUSTER],
        namespace: e.metadata.annotations?.[ANNOTATION_OPENSTACK_NAMESPACE],
      })),
    });
  });

  return router;
}
