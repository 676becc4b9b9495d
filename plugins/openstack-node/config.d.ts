export interface Config {
  openstack?: {
    /**
     * The OpenStack clouds the suite talks to, by the key that the catalog annotation
     * `openstack.backstage.io/cloud` names (read by readOpenStackCloud/readOpenStackClouds).
     */
    clouds?: {
      [key: string]: {
        /** Keystone v3 URL, e.g. https://keystone.example.org/v3 */
        authUrl: string;
        /** Region whose endpoints are used (catalog region id). */
        region?: string;
        /** Endpoint interface picked from the catalog: public, internal or admin. Default public. */
        interface?: 'public' | 'internal' | 'admin';
        /** Application credential (preferred). */
        applicationCredentialId?: string;
        /** @visibility secret */
        applicationCredentialSecret?: string;
        /** Password auth, when no application credential is given. */
        username?: string;
        /** @visibility secret */
        password?: string;
        userDomainName?: string;
        projectName?: string;
        projectDomainName?: string;
        /** PEM CA bundle that signs the cloud's API certificates. */
        caData?: string;
        /** Timeout of one HTTP request to the cloud, in ms. Default 10000. */
        timeoutMs?: number;
        /** Requests in flight at once against the cloud (a status read makes 2 per compute host). Default 8. */
        maxConcurrency?: number;
      };
    };
    /**
     * The chart sources clouds may be created from, by name (read by readChartSources): the
     * new-cloud form offers these names and openstack:cloud:create renders the named source's URL.
     * A URL a user types is never fetched. The portal's app-config names openstack-helm's public
     * repository `openstack-helm` (the name a spec gives by default).
     */
    chartSources?: {
      [name: string]: {
        /** A Helm repository (https://…, serving index.yaml) or an OCI registry path (oci://…). */
        url: string;
        /** PEM CA bundle trusted when the source is checked (a private repository or registry). */
        caData?: string;
      };
    };
  };
}
