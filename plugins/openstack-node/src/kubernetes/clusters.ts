import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A Kubernetes cluster reached directly with a ServiceAccount token, in the shape of a `config`
 * cluster of the Kubernetes backend (the integration tests and the benchmarks; the plugins reach
 * clusters through the Kubernetes backend, see {@link ClusterClient.viaKubernetesBackend}).
 *
 * @public
 */
export interface ClusterDetails {
  name: string;
  url: string;
  authProvider: string;
  /** Bearer token of the ServiceAccount bound to the suite's minimal role. */
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
}

/**
 * A `KubeConfig` for one cluster, authenticated with its ServiceAccount token.
 *
 * @public
 */
export function kubeConfigFor(cluster: ClusterDetails): KubeConfig {
  if (cluster.authProvider !== 'serviceAccount') {
    throw new InputError(
      `kubernetes cluster "${cluster.name}": authProvider "${cluster.authProvider}" is not supported by the OpenStack suite; use authProvider: serviceAccount with serviceAccountToken`,
    );
  }
  if (!cluster.serviceAccountToken) {
    throw new InputError(
      `kubernetes cluster "${cluster.name}": serviceAccountToken is missing; set it to a token of the backstage-openstack ServiceAccount (deploy/rbac)`,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify,
      },
    ],
    users: [{ name: 'backstage-openstack', token: cluster.serviceAccountToken }],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'backstage-openstack' },
    ],
    currentContext: cluster.name,
  });
  return kc;
}
