export interface Config {
  openstack?: {
    /**
     * Frontend settings.
     * @deepVisibility frontend
     */
    frontend?: {
      /** How often the cloud tab refreshes its status, in seconds. Default 30. */
      refreshIntervalSeconds?: number;
    };
  };
}
