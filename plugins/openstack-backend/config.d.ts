export interface Config {
  /** Configuration of the backstage-openstack suite. */
  openstack?: {
    /** The demo cloud: a simulated openstack-helm cloud kept in the plugin's database. */
    demo?: {
      /** Serve the simulated clouds (the embedded default). Default false. */
      enabled?: boolean;
      /** Compute hosts of the seeded demo cloud, on first start. Default 24 (the benchmarks use 2,000). */
      hosts?: number;
    };
    /**
     * The clouds the status backend talks to, by the key that the catalog annotation
     * `openstack.backstage.io/cloud` names.
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
        /**
         * The Kubernetes cluster of the control plane, by its name under
         * `kubernetes.clusterLocatorMethods`. Default: the catalog Resource's
         * `openstack.backstage.io/cluster` annotation.
         */
        cluster?: string;
        /**
         * The namespace of the control plane's openstack-helm releases. Default: the catalog
         * Resource's `openstack.backstage.io/namespace` annotation.
         */
        namespace?: string;
      };
    };
  };
}
