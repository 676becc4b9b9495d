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
    /** Compute hosts joining a cloud with a one-time token (`/api/openstack/join/<token>`). */
    join?: {
      /** How long a join token is valid, in minutes. Default 60. */
      tokenTtlMinutes?: number;
      /** How long after fetching its script a host may report its nova-compute version, in minutes. Default 15. */
      reportWindowMinutes?: number;
      /** The URL hosts reach the suite's API at, e.g. https://portal.example.org/api/openstack. Default: the backend's external URL. */
      baseUrl?: string;
      /** Refuse a script fetched from another address than the token's management IP (false behind NAT). Default true. */
      requireManagementIp?: boolean;
      /** Requests to /join per minute, per caller address and for all callers together (each backend replica counts its own). Defaults 10 and 120. */
      rateLimit?: { perAddressPerMinute?: number; globalPerMinute?: number };
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
