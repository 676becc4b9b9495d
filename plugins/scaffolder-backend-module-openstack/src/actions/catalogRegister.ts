import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import yaml from 'yaml';
import {
  OPENSTACK_CLOUD_TYPE,
  OPENSTACK_COMPUTE_HOST_TYPE,
  openstackCloudCreatePermission,
  openstackComputeEnrollPermission,
} from '@backstage-openstack/plugin-openstack-common';
import { examples } from './catalogRegister.examples';
import { authorizeAction } from './authorize';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What the action registers, and the permission each needs: the one that made the entity. */
const REGISTRABLE = {
  [OPENSTACK_CLOUD_TYPE]: openstackCloudCreatePermission,
  [OPENSTACK_COMPUTE_HOST_TYPE]: openstackComputeEnrollPermission,
};

/**
 * `openstack:catalog:register` — registers an entity that an OpenStack action produced (a new
 * cloud, an enrolled host) without a Git repository: writes it to a file under
 * `openstack.scaffolder.catalogDirectory` and adds that file as a catalog location (once;
 * re-running refreshes it). Teams with a GitOps repository use `catalog:write` + `publish:*` +
 * `catalog:register` instead.
 *
 * @public
 */
export function createCatalogRegisterAction(deps: { catalog: CatalogService; directory: string; permissions: PermissionsService }) {
  return createTemplateAction({
    id: 'openstack:catalog:register',
    description: 'Registers an entity produced by an OpenStack action in the catalog, through a file location kept by the portal',
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
      const entity = ctx.input.entity as {
        kind?: unknown;
        metadata?: { name?: unknown; namespace?: unknown };
        spec?: { type?: unknown };
      };
      // only what the suite's actions make, each under the permission of the action that made it
      const type = entity.spec?.type;
      const permission = typeof type === 'string' ? REGISTRABLE[type as keyof typeof REGISTRABLE] : undefined;
      if (entity.kind !== 'Resource' || !permission) {
        throw new InputError(
          `input.entity: only a Resource of spec.type ${Object.keys(REGISTRABLE).join(' or ')} is registered (the output of openstack:cloud:create or openstack:compute:enroll)`,
        );
      }
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:catalog:register', permission);
      const name = entity.metadata?.name;
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new InputError('input.entity.metadata.name: needs letters, digits, ".", "_" or "-" (at most 63, starting with a letter or digit), as the openstack:* actions output');
      }
      const namespace = entity.metadata?.namespace ?? 'default';
      if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
        throw new InputError('input.entity.metadata.namespace: not a DNS-1123 label (lower-case letters, digits and "-", at most 63)');
      }
      const entityRef = `resource:${namespace}/${name}`;
      // "_" cannot occur in a namespace: one file per entity ref, never another's
      const file = resolve(join(deps.directory, `resource_${namespace}_${name}.yaml`));
      if (ctx.isDryRun) {
        ctx.logger.info(`Would register ${entityRef} from ${file}`);
        ctx.output('entityRef', entityRef);
        return;
      }
      await ctx.checkpoint({
        key: `catalog.register.${entityRef}`,
        fn: async () => {
          await mkdir(deps.directory, { recursive: true });
          await writeFile(file, yaml.stringify(entity), 'utf8');
          const target = file;
          try {
            await deps.catalog.addLocation({ type: 'file', target }, { credentials });
          } catch (e) {
            // ConflictError: the location exists already (a re-run); refresh picks up the new file
            if ((e as Error).name !== 'ConflictError') throw e;
            try {
              await deps.catalog.refreshEntity(entityRef, { credentials });
            } catch (refreshError) {
              // the catalog's processing loop picks the file up on its own, only later
              ctx.logger.warn(`Could not refresh ${entityRef} now: ${(refreshError as Error).message}`);
            }
          }
          return true;
        },
      });
      ctx.logger.info(`Registered ${entityRef}`);
      ctx.output('entityRef', entityRef);
    },
  });
}
