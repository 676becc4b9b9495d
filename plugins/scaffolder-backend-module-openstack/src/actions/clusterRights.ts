// Least privilege, checked before anything changes: the rights an action will use in a cluster,
// asked of the cluster (SelfSubjectAccessReview, ClusterClient.missingRights), and a refusal
// naming what is missing and the deploy/rbac file that grants it. Used by create, upgrade and enroll.
import { NotAllowedError } from '@backstage/errors';
import { LABEL_OPENSTACK_CLOUD } from '@backstage-openstack/plugin-openstack-common';
import { ClusterAccess, CLOUD_NAMESPACE_RBAC, CLUSTER_RBAC, KubeRight } from '@backstage-openstack/plugin-openstack-node';

/** Where the refusal points: the input field it names and the cloud whose namespace holds its Secrets. */
export interface RightsCheck {
  /** The cluster's name (kubernetes.clusterLocatorMethods), for the message. */
  cluster: string;
  /** The input field the refusal names, e.g. `input.cloud`. */
  field: string;
  /** The cloud key: a cloud namespace is onboarded for it (`CLOUD=<key>`). */
  cloudKey: string;
  /** Every right the action will use. */
  wanted: KubeRight[];
}

/**
 * Throws a `NotAllowedError` naming every right of `check.wanted` the suite's credentials lack in
 * the cluster, and how to grant it: Secrets of a cloud namespace come with its onboarding by the
 * platform team (deploy/rbac/cloud-namespace.yaml), everything else with the suite's ClusterRole.
 */
export async function requireClusterRights(client: Pick<ClusterAccess, 'missingRights'>, check: RightsCheck): Promise<void> {
  const missing = await client.missingRights(check.wanted);
  if (!missing.length) return;
  const secretNamespaces = [...new Set(missing.filter(r => r.kind === 'Secret' && r.namespace).map(r => r.namespace!))];
  const fixes = [
    ...secretNamespaces.map(
      ns =>
        `the platform team onboards the namespace: apply ${CLOUD_NAMESPACE_RBAC} in namespace ${ns} (NAMESPACE=${ns} CLOUD=${check.cloudKey}; it creates the namespace labelled ${LABEL_OPENSTACK_CLOUD}=${check.cloudKey} and grants the suite its Secrets there)`,
    ),
    missing.some(r => !(r.kind === 'Secret' && r.namespace)) ? `apply ${CLUSTER_RBAC} to the cluster` : undefined,
  ].filter(Boolean);
  const where = (r: KubeRight) => {
    if (r.namespace) return ` in namespace ${r.namespace}`;
    return r.name ? ` ${r.name}` : '';
  };
  throw new NotAllowedError(
    `${check.field}: the suite's Kubernetes credentials on cluster ${check.cluster} lack ${missing
      .map(r => `${r.verb} ${r.kind}${where(r)}`)
      .join(', ')}; nothing was changed. To grant them, ${fixes.join(', and ')}`,
  );
}
