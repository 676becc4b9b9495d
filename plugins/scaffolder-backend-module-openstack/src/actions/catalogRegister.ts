import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import yaml from 'yaml';
import { examples } from './catalogRegister.examples';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * `openstack:catalog:register` — registers an entity that an OpenStack action produced (a new
 * cloud, an enrolled host) without a Git repository: writes it to a file under
 * `openstack.scaffolder.catalogDirectory` and adds that file as a catalog location (once;
 * re-running refreshes it). Teams with a GitOps repository use `catalog:write` + `publish:*` +
 * `catalog:register` instead.
 *
 * @public
 */
export function createCatalogRegisterAction(deps: { catalog: CatalogService; directory: string }) {
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
      const entity = ctx.input.entity as { kind?: string; metadata?: { name?: string; namespace?: string } };
      const name = entity.metadata?.name;
      if (!entity.kind || !name || !NAME.test(name)) {
        throw new InputError('input.entity: needs kind and a valid metadata.name (the output of an openstack:* action)');
      }
      const namespace = entity.metadata?.namespace ?? 'default';
      const entityRef = `${entity.kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`;
      const file = resolve(join(deps.directory, `${entity.kind.toLocaleLowerCase('en-US')}-${namespace}-${name}.yaml`));
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
          const credentials = await ctx.getInitiatorCredentials();
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
