import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  OPENSTACK_CLOUD_TYPE,
  OPENSTACK_COMPUTE_HOST_TYPE,
  OPENSTACK_SUITE_LOCATION,
  suiteEntityPermission,
} from '@backstage-openstack/plugin-openstack-common';
import { checkEntityName } from '@backstage-openstack/plugin-openstack-node';
import { SuiteApi } from '../drivers/suiteApi';
import { examples } from './catalogRegister.examples';
import { authorizeAction } from './authorize';

/**
 * `openstack:catalog:register` — registers an entity that an OpenStack action produced (a new
 * cloud, an enrolled host) without a Git repository and without files: stores it in the suite's
 * backend plugin (`POST /api/openstack/catalog/entities`, as the task's initiator, whose
 * permission the route checks again), from where the suite's entity provider puts it in the
 * catalog (managed by the location `openstack:suite`). Re-running stores the same entity again.
 * Teams with a GitOps repository use `catalog:write` + `publish:*` + `catalog:register` instead.
 *
 * @public
 */
export function createCatalogRegisterAction(deps: { permissions: PermissionsService; api: Pick<SuiteApi, 'putEntity'> }) {
  return createTemplateAction({
    id: 'openstack:catalog:register',
    description: `Registers an entity produced by an OpenStack action in the catalog, kept in the suite's database and served by its entity provider (${OPENSTACK_SUITE_LOCATION})`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entity: z => z.record(z.string(), z.unknown()).describe('The entity, e.g. ${{ steps.create.output.entity }}'),
      },
      output: {
        entityRef: z => z.string().describe('Ref of the registered entity'),
      },
    },
    async handler(ctx) {
      const entity = ctx.input.entity as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: unknown };
      // only what the suite's actions make, each under the permission of the action that made it
      const permission = suiteEntityPermission(entity);
      if (!permission) {
        throw new InputError(
          `input.entity: only a Resource of spec.type ${OPENSTACK_CLOUD_TYPE} or ${OPENSTACK_COMPUTE_HOST_TYPE} is registered (the output of openstack:cloud:create or openstack:compute:enroll)`,
        );
      }
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:catalog:register', permission);
      const { namespace, name } = checkEntityName(entity, 'input.entity.');
      const entityRef = `resource:${namespace}/${name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(`Would register ${entityRef}`);
        ctx.output('entityRef', entityRef);
        return;
      }
      await ctx.checkpoint({
        key: `catalog.register.${entityRef}`,
        fn: async () => {
          await deps.api.putEntity(credentials, ctx.input.entity);
          return true;
        },
      });
      ctx.logger.info(`Registered ${entityRef} (managed by ${OPENSTACK_SUITE_LOCATION}; the catalog lists it within seconds)`);
      ctx.output('entityRef', entityRef);
    },
  });
}
