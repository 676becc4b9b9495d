import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_OPENSTACK_CLOUD, OPENSTACK_CLOUD_TYPE } from '@backstage-openstack/plugin-openstack-common';

/**
 * Who already holds a cloud key, so nothing new is created under it (no silent takeover): the
 * configured live cloud `openstack.clouds.<key>` (`liveCloudKeys`), and every catalog cloud whose
 * `openstack.backstage.io/cloud` annotation is the key. Ask with credentials that see every cloud
 * (the caller's service credentials): a cloud the user cannot see is still taken.
 *
 * @public
 */
export async function cloudKeyHolders(
  catalog: CatalogService,
  cloudKey: string,
  credentials: BackstageCredentials,
  liveCloudKeys: readonly string[],
): Promise<string[]> {
  const holders = liveCloudKeys.includes(cloudKey) ? [`the live cloud openstack.clouds.${cloudKey} (app-config)`] : [];
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'Resource', 'spec.type': OPENSTACK_CLOUD_TYPE },
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations'],
    },
    { credentials },
  );
  for (const e of items.filter(i => i.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD] === cloudKey)) holders.push(`the catalog cloud resource:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`);
  return holders;
}
