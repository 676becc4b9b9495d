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
      };
    };
  };
}
