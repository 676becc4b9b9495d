import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_DELIVERY,
  ANNOTATION_OPENSTACK_NAMESPACE,
  isOpenStackCloudEntity,
} from '@backstage-openstack/plugin-openstack-common';

/** The cloud an entity ref names: its key (annotation) and whether it is the demo. */
export async function resolveCloud(
  catalog: CatalogService,
  ref: string,
  credentials: BackstageCredentials,
): Promise<{
  key: string;
  entityRef: string;
  name: string;
  lifecycle?: string;
  /** Live clouds: cluster, namespace and delivery from the entity's annotations. */
  cluster?: string;
  namespace?: string;
  delivery?: string;
}> {
  const entity = await catalog.getEntityByRef(ref, { credentials });
  if (!entity) {
    throw new NotFoundError(`input.cloud: no catalog entity ${ref}; pick a cloud (Resource of type openstack-cloud)`);
  }
  if (!isOpenStackCloudEntity(entity)) {
    throw new InputError(`input.cloud: ${ref} is not an OpenStack cloud (Resource with spec.type openstack-cloud)`);
  }
  const key = entity.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD];
  if (!key) {
    throw new InputError(`input.cloud: ${ref} has no ${ANNOTATION_OPENSTACK_CLOUD} annotation; add it, naming the openstack.clouds key`);
  }
  return {
    key,
    entityRef: `resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`,
    name: entity.metadata.name,
    lifecycle: (entity.spec as { lifecycle?: string }).lifecycle,
    cluster: entity.metadata.annotations?.[ANNOTATION_OPENSTACK_CLUSTER],
    namespace: entity.metadata.annotations?.[ANNOTATION_OPENSTACK_NAMESPACE],
    delivery: entity.metadata.annotations?.[ANNOTATION_OPENSTACK_DELIVERY],
  };
}
