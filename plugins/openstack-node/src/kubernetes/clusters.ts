import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A Kubernetes cluster as the Backstage kubernetes backend configures it
 * (`kubernetes.clusterLocatorMethods[].clusters[]` with `type: config`), so a team configures
 * each cluster once for both plugins.
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
 * Reads the clusters of every `config` cluster locator.
 *
 * @public
 */
export function readClusters(config: Config): ClusterDetails[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? [])
    .map(c => ({
      name: c.getString('name'),
      url: c.getString('url'),
      authProvider: c.getString('authProvider'),
      serviceAccountToken: c.getOptionalString('serviceAccountToken'),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    }));
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

/**
 * Finds a configured cluster by name, or says how to configure it.
 *
 * @public
 */
export function findCluster(config: Config, name: string): ClusterDetails {
  const cluster = readClusters(config).find(c => c.name === name);
  if (!cluster) {
    throw new NotFoundError(
      `No Kubernetes cluster "${name}" in kubernetes.clusterLocatorMethods (type: config); add it there with authProvider: serviceAccount`,
    );
  }
  return cluster;
}
