import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** The header the Kubernetes backend's proxy takes the target cluster's name from. @public */
export const HEADER_KUBERNETES_CLUSTER = 'Backstage-Kubernetes-Cluster';

/** What {@link kubeConfigViaKubernetesBackend} needs: Backstage's discovery and auth services. @public */
export interface KubernetesBackendAccess {
  discovery: Pick<DiscoveryService, 'getBaseUrl'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials' | 'getPluginRequestToken'>;
}

/** Stands for the proxy's URL until discovery names it (it is resolved per request). */
const PROXY_PLACEHOLDER = 'http://kubernetes-backend-proxy.invalid';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/**
 * A KubeConfig that reaches a cluster through the Backstage Kubernetes backend's proxy
 * (`/api/kubernetes/proxy`): each request goes to the proxy with the cluster's name in
 * `Backstage-Kubernetes-Cluster` and a Backstage service token of the calling plugin, and the
 * Kubernetes backend finds the cluster with its own cluster locators
 * (`kubernetes.clusterLocatorMethods`: config, catalog, GKE, …) and authenticates with the
 * cluster's auth provider (serviceAccount, AWS, Google, Azure, …).
 */
class KubernetesBackendKubeConfig extends KubeConfig {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  // the backend's own URL: verified against the system's CAs as any Node client would
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(
    private readonly clusterName: string,
    private readonly access: KubernetesBackendAccess,
  ) {
    super();
    this.loadFromOptions({
      clusters: [{ name: clusterName, server: PROXY_PLACEHOLDER }],
      users: [{ name: 'backstage-kubernetes-backend' }],
      contexts: [
        {
          name: clusterName,
          cluster: clusterName,
          user: 'backstage-kubernetes-backend',
        },
      ],
      currentContext: clusterName,
    });
  }

  private async proxyBase(): Promise<string> {
    return `${await this.access.discovery.getBaseUrl('kubernetes')}/proxy`;
  }

  private async headers(): Promise<Record<string, string>> {
    const { token } = await this.access.auth.getPluginRequestToken({
      onBehalfOf: await this.access.auth.getOwnServiceCredentials(),
      targetPluginId: 'kubernetes',
    });
    return {
      Authorization: `Bearer ${token}`,
      [HEADER_KUBERNETES_CLUSTER]: this.clusterName,
    };
  }

  // not the base class's: no kubeconfig user or cluster TLS applies to the hop to the backend
  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    const base = await this.proxyBase();
    const url = context.getUrl();
    if (url.startsWith(PROXY_PLACEHOLDER)) {
      context.setUrl(`${base}${url.slice(PROXY_PLACEHOLDER.length)}`);
    }
    context.setAgent(
      base.startsWith('https:') ? this.httpsAgent : this.httpAgent,
    );
    for (const [k, v] of Object.entries(await this.headers())) {
      context.setHeaderParam(k, v);
    }
  }
}

/**
 * A `@kubernetes/client-node` KubeConfig for the cluster of this name as the Backstage
 * Kubernetes backend knows it, reached through that backend's proxy with the calling plugin's
 * service credentials. Only the generated API clients and `KubernetesObjectApi` are routed so
 * (what the suite uses); watches, exec and logs are not.
 *
 * @public
 */
export function kubeConfigViaKubernetesBackend(
  clusterName: string,
  access: KubernetesBackendAccess,
): KubeConfig {
  return new KubernetesBackendKubeConfig(clusterName, access);
}
