/**
 * Catalog annotations and entity types that tie a catalog Resource to a running cloud.
 *
 * A cloud is a `Resource` with `spec.type: openstack-cloud`; a compute host is a `Resource` with
 * `spec.type: openstack-compute-host` that `dependsOn` its cloud. The same entity may carry the
 * Kubernetes plugin's own annotations (`backstage.io/kubernetes-id`, …) so its Kubernetes tab works too.
 */

/** `spec.type` of a cloud Resource. @public */
export const OPENSTACK_CLOUD_TYPE = 'openstack-cloud';
/** `spec.type` of a compute-host Resource. @public */
export const OPENSTACK_COMPUTE_HOST_TYPE = 'openstack-compute-host';

/**
 * The key of the cloud under `openstack.clouds.<key>` in app-config (its API endpoint and
 * credentials). Names the cloud for the status backend. @public
 */
export const ANNOTATION_OPENSTACK_CLOUD = 'openstack.backstage.io/cloud';
/** The Kubernetes cluster, by the name it has under `kubernetes.clusterLocatorMethods`. @public */
export const ANNOTATION_OPENSTACK_CLUSTER = 'openstack.backstage.io/cluster';
/** The namespace that holds the cloud's control plane (openstack-helm releases). @public */
export const ANNOTATION_OPENSTACK_NAMESPACE = 'openstack.backstage.io/namespace';
/**
 * How the cloud's charts are delivered: `flux` or `argocd` (manifests in a GitOps repository) or
 * `direct` (HelmReleases applied to the cluster by the suite). The upgrade action reads it. @public
 */
export const ANNOTATION_OPENSTACK_DELIVERY = 'openstack.backstage.io/delivery';
/** How a cloud's effects land: `demo` (the portal's simulated cloud store) or a live delivery. @public */
export type CloudDelivery = 'demo' | 'direct' | 'flux' | 'argocd';
/** Every value of `openstack.backstage.io/delivery`. @public */
export const CLOUD_DELIVERIES: readonly CloudDelivery[] = ['demo', 'direct', 'flux', 'argocd'];

/**
 * The one rule that tells a demo cloud from a live one, for every action and route: the
 * `openstack.backstage.io/delivery` annotation (for a new cloud, the create form's delivery).
 * `demo` is the portal's simulated cloud; `direct`, `flux` and `argocd` are live. A cloud without
 * the annotation is live and read-only to the suite's actions (its status is read; nothing
 * knows how to change it). @public
 */
export function cloudDriverKind(delivery: string | undefined): 'demo' | 'live' {
  return delivery === 'demo' ? 'demo' : 'live';
}

/** On a compute-host Resource: the host name as nova-compute reports it (`openstack hypervisor list`). @public */
export const ANNOTATION_OPENSTACK_HOST = 'openstack.backstage.io/host';

/**
 * On a compute-host Resource: the OpenStack release of the host's nova-compute (e.g. `2025.1`), as
 * its provisioning declares it. No OpenStack API reports it, so for a live cloud this is where the
 * status backend learns it and flags the hosts that block the next upgrade hop. The enroll action
 * sets it to the cloud's release; whoever upgrades the host's packages updates it. @public
 */
export const ANNOTATION_OPENSTACK_RELEASE = 'openstack.backstage.io/release';

/**
 * Labels the suite puts on the Kubernetes objects it writes: which cloud (by its cloud key) an
 * object belongs to, and who manages it. @public
 */
export const LABEL_OPENSTACK_CLOUD = 'openstack.backstage.io/cloud';
/** `app.kubernetes.io/managed-by` value of the objects the suite writes. @public */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'app.kubernetes.io/managed-by': 'backstage-openstack',
});

/** Minimal shape of a catalog entity, so this package needs no catalog-model dependency. */
interface EntityLike {
  kind: string;
  metadata: { annotations?: Record<string, string> };
  spec?: Record<string, unknown> | object;
}

/** True when the entity is an OpenStack cloud Resource. @public */
export function isOpenStackCloudEntity(entity: EntityLike): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type === OPENSTACK_CLOUD_TYPE
  );
}

/** True when the entity is an OpenStack compute-host Resource. @public */
export function isOpenStackComputeHostEntity(entity: EntityLike): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type ===
      OPENSTACK_COMPUTE_HOST_TYPE
  );
}
