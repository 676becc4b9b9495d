import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_DELIVERY,
  ANNOTATION_OPENSTACK_NAMESPACE,
  CLOUD_DELIVERIES,
  CloudDelivery,
  cloudDriverKind,
  CloudRef,
  isOpenStackCloudEntity,
  parseCloudRef,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';

/** A cloud as the suite acts on it: its identity, its key and where its effects land. @public */
export interface ResolvedCloud {
  /** The cloud's identity. */
  ref: CloudRef;
  /** `resource:<namespace>/<name>`: how approvals, operations and leases key it. */
  entityRef: string;
  /** The `openstack.backstage.io/cloud` annotation: `openstack.clouds.<key>` or the demo store's name. */
  cloudKey: string;
  /** `demo` or `live`, by the one rule (`cloudDriverKind`). */
  driver: 'demo' | 'live';
  /** The delivery annotation, when set. */
  delivery?: CloudDelivery;
  /** The entity's `spec.lifecycle`. */
  lifecycle?: string;
  /** The entity's `spec.owner`. */
  owner?: string;
  cluster?: string;
  namespace?: string;
}

/**
 * The one resolver from a cloud's entity ref to the cloud: reads the entity with the caller's
 * credentials (so nobody acts on a cloud they cannot see), checks it is an OpenStack cloud and
 * reads its annotations. Every route and action that takes a cloud goes through it. Errors name
 * `field`. @public
 */
export async function resolveCloud(
  catalog: CatalogService,
  ref: string,
  credentials: BackstageCredentials,
  field = 'cloud',
): Promise<ResolvedCloud> {
  const cloudRef = parseCloudRef(ref, field);
  const entityRef = stringifyCloudRef(cloudRef);
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw new NotFoundError(`${field}: no catalog entity ${entityRef}; pick a cloud (Resource of type openstack-cloud)`);
  }
  return resolveCloudEntity(entity, field);
}

/**
 * The cloud of a catalog entity the caller already read (e.g. every cloud of a catalog query):
 * the checks and annotations of {@link resolveCloud}, without reading the entity again. @public
 */
export function resolveCloudEntity(entity: Entity, field = 'cloud'): ResolvedCloud {
  const cloudRef = parseCloudRef(`resource:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`, field);
  const entityRef = stringifyCloudRef(cloudRef);
  if (!isOpenStackCloudEntity(entity)) {
    throw new InputError(`${field}: ${entityRef} is not an OpenStack cloud (Resource with spec.type openstack-cloud)`);
  }
  const annotations = entity.metadata.annotations ?? {};
  const cloudKey = annotations[ANNOTATION_OPENSTACK_CLOUD];
  if (!cloudKey) {
    throw new InputError(`${field}: ${entityRef} has no ${ANNOTATION_OPENSTACK_CLOUD} annotation; add it, naming the openstack.clouds key`);
  }
  const delivery = annotations[ANNOTATION_OPENSTACK_DELIVERY];
  if (delivery !== undefined && !(CLOUD_DELIVERIES as readonly string[]).includes(delivery)) {
    throw new InputError(
      `${field}: ${entityRef} has ${ANNOTATION_OPENSTACK_DELIVERY}: ${JSON.stringify(delivery.slice(0, 40))}; use one of ${CLOUD_DELIVERIES.join(', ')}`,
    );
  }
  const spec = (entity.spec ?? {}) as { lifecycle?: unknown; owner?: unknown };
  return {
    ref: cloudRef,
    entityRef,
    cloudKey,
    driver: cloudDriverKind(delivery),
    delivery: delivery as CloudDelivery | undefined,
    lifecycle: typeof spec.lifecycle === 'string' ? spec.lifecycle : undefined,
    owner: typeof spec.owner === 'string' ? spec.owner : undefined,
    cluster: annotations[ANNOTATION_OPENSTACK_CLUSTER],
    namespace: annotations[ANNOTATION_OPENSTACK_NAMESPACE],
  };
}
