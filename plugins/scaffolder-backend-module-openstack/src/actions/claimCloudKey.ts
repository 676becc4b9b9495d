import { InputError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';

/** Who already holds a cloud key (openstack-node's `cloudKeyHolders`, bound to the catalog and config). */
export type CloudKeyHolders = (cloudKey: string) => Promise<string[]>;

/**
 * No silent takeover: the create action claims its cloud key once, before anything changes. The
 * claim fails with an `InputError` naming `field` when the key is held by a configured live
 * cloud, a catalog cloud, or anything in `alsoHeldBy` (e.g. a namespace already labelled with the
 * key). The claim is a checkpoint, so the same task resuming its own work (whose first run
 * created the namespace, the Secrets, the demo cloud) passes without asking again; any other
 * task is refused. A dry run checks without claiming.
 */
export async function claimCloudKey(
  ctx: Pick<ActionContext<any, any>, 'checkpoint' | 'isDryRun'>,
  holders: CloudKeyHolders,
  cloudKey: string,
  field: string,
  alsoHeldBy: () => Promise<string[]> = async () => [],
): Promise<void> {
  const check = async () => {
    const held = [...(await holders(cloudKey)), ...(await alsoHeldBy())];
    if (held.length) {
      throw new InputError(
        `${field}: "${cloudKey}" is already taken by ${held.join(' and ')}. Pick another name; to change that cloud, use its upgrade or enroll template`,
      );
    }
    return true;
  };
  if (ctx.isDryRun) {
    await check();
    return;
  }
  await ctx.checkpoint({ key: `create.${cloudKey}.claim`, fn: check });
}
