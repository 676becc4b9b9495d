export interface Config {
  openstack?: {
    /** Settings of the OpenStack scaffolder actions. */
    scaffolder?: {
      /** Field manager used for server-side apply. Default `backstage-openstack`. */
      fieldManager?: string;
      /**
       * Where openstack:catalog:register keeps the entity files it registers as catalog
       * locations. Default: a folder in the OS temp directory.
       */
      catalogDirectory?: string;
      /**
       * PEM CA bundle trusted when openstack:cloud:create checks a private chart source (Helm
       * repository index.yaml or OCI registry). Default: the system CAs.
       */
      chartSourceCaData?: string;
    };
  };
}
