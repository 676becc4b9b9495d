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
     * Where the status backend finds each cloud's control plane (the connection keys of
     * `openstack.clouds.<key>` are declared by @backstage-openstack/plugin-openstack-node, which
     * reads them).
     */
    clouds?: {
      [key: string]: {
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
