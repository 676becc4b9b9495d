export interface Config {
  openstack?: {
    /** Settings of the OpenStack scaffolder actions. */
    scaffolder?: {
      /** Field manager used for server-side apply. Default `backstage-openstack`. */
      fieldManager?: string;
    };
  };
}
