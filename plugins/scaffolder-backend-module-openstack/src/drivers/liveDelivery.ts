import { InputError } from '@backstage/errors';
import { ANNOTATION_OPENSTACK_DELIVERY } from '@backstage-openstack/plugin-openstack-common';
import { LiveDelivery, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';

/**
 * The delivery of a live cloud the actions may change. A live cloud without the delivery
 * annotation is read-only to them (`cloudDriverKind`): refused before anything changes.
 */
export function liveDelivery(cloud: ResolvedCloud): LiveDelivery {
  const d = cloud.delivery;
  if (d === 'flux' || d === 'argocd' || d === 'direct') return d;
  throw new InputError(
    `input.cloud: ${cloud.entityRef} is a live cloud without the ${ANNOTATION_OPENSTACK_DELIVERY} annotation, so the suite only reads it; add it (flux, argocd or direct) so the action knows how to change it. Nothing was changed.`,
  );
}
