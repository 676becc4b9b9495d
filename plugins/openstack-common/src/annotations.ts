/**
 * Catalog annotations and entity types that tie a catalog Resource to a running cloud.
 *
 * A cloud is a `Resource` with `spec.type: openstack-cloud`; a compute host is a `Resource` with
 * `spec.type: openstack-compute-host` that `dependsOn` its cloud. A cloud also carries the
 * Kubernetes plugin's own annotations (`cloudKubernetesAnnotations`), so its Kubernetes tab lists
 * the control plane's workloads and pods.
 */
import { InputError } from '@backstage/errors';
import { DNS_LABEL } from './spec/cloudSpec';
import { CONTROL_PLANE_APPLICATIONS } from './status/assemble';

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
 * sets it to the series of the nova-compute version the host's join script reported (a demo
 * host: the demo cloud's release); nobody edits it by hand. A host without it counts as unknown
 * and blocks the upgrade's compute-lag check. @public
 */
export const ANNOTATION_OPENSTACK_RELEASE = 'openstack.backstage.io/release';

/**
 * The nova-compute version a host's join script reported (e.g. `31.0.1`), on its compute-host
 * Resource; its series is the host's `openstack.backstage.io/release`. Set by the enroll action.
 *
 * @public
 */
export const ANNOTATION_NOVA_COMPUTE_VERSION = 'openstack.backstage.io/nova-compute-version';

/**
 * Labels the suite puts on the Kubernetes objects it writes: which cloud (by its cloud key) an
 * object belongs to, and who manages it. @public
 */
export const LABEL_OPENSTACK_CLOUD = 'openstack.backstage.io/cloud';
/** `app.kubernetes.io/managed-by` value of the objects the suite writes. @public */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'app.kubernetes.io/managed-by': 'backstage-openstack',
});

/** Minimal shape of a catalog entity, so this package needs no catalog-model dependency. @public */
export interface EntityLike {
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

/*
 * The Backstage Kubernetes plugin's annotations (`@backstage/plugin-kubernetes-common` and the
 * Kubernetes backend's service locators) that a cloud Resource carries.
 *
 * - label selector: the backend lists every object kind with exactly this selector
 *   (`?labelSelector=`, Kubernetes' own syntax, set-based allowed); it replaces the default
 *   `backstage.io/kubernetes-id=<id>`, a label no openstack-helm object has.
 * - namespace: the backend lists in this namespace only (instead of every namespace).
 * - cluster: with `kubernetes.serviceLocatorMethod.type: singleTenant`, the backend asks this
 *   cluster only (a name under `kubernetes.clusterLocatorMethods`), not every cluster it knows.
 */
/** `backstage.io/kubernetes-label-selector`: the selector of the entity's Kubernetes objects. @public */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';
/** `backstage.io/kubernetes-namespace`: the one namespace the Kubernetes backend reads. @public */
export const ANNOTATION_KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';
/** `backstage.io/kubernetes-cluster`: the one cluster the Kubernetes backend asks (singleTenant locator). @public */
export const ANNOTATION_KUBERNETES_CLUSTER = 'backstage.io/kubernetes-cluster';

/**
 * The label selector of a cloud's control plane in its namespace: openstack-helm labels every
 * object of a chart `application: <application>` (helm-toolkit's `kubernetes_metadata_labels`),
 * so `application in (keystone,glance,…,openvswitch)` selects the Deployments, StatefulSets,
 * DaemonSets and Jobs of every control-plane application (`CONTROL_PLANE_APPLICATIONS` by
 * default), their ReplicaSets and pods, and nothing else of the namespace.
 * @public
 */
export function controlPlaneLabelSelector(
  applications: readonly string[] = CONTROL_PLANE_APPLICATIONS,
): string {
  if (applications.length === 0) {
    // `application in ()` is no valid selector; an empty list would select nothing anyway
    throw new Error('controlPlaneLabelSelector: give at least one application');
  }
  return `application in (${[...new Set(applications)].join(',')})`;
}

/**
 * The Kubernetes plugin's annotations of a cloud Resource whose control plane runs in
 * `namespace` of `cluster` (its name under `kubernetes.clusterLocatorMethods`): the Kubernetes
 * tab then lists exactly the control plane's objects. Throws an `InputError` naming the field
 * when the namespace is not a DNS-1123 label or the cluster is empty. @public
 */
export function cloudKubernetesAnnotations(c: {
  cluster: string;
  namespace: string;
}): Record<string, string> {
  if (typeof c.cluster !== 'string' || c.cluster.trim() === '') {
    throw new InputError(
      'cluster: give the Kubernetes cluster of the control plane, by its name under kubernetes.clusterLocatorMethods',
    );
  }
  if (typeof c.namespace !== 'string' || c.namespace.length > 63 || !DNS_LABEL.test(c.namespace)) {
    throw new InputError(
      `namespace: ${JSON.stringify(String(c.namespace).slice(0, 80))} is not a Kubernetes namespace; use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit`,
    );
  }
  return {
    [ANNOTATION_KUBERNETES_CLUSTER]: c.cluster,
    [ANNOTATION_KUBERNETES_NAMESPACE]: c.namespace,
    [ANNOTATION_KUBERNETES_LABEL_SELECTOR]: controlPlaneLabelSelector(),
  };
}
