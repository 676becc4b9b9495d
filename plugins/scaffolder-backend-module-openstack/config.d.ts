export interface Config {
  openstack?: {
    /**
     * Per cloud (the key of `openstack.clouds`, declared by @backstage-openstack/plugin-openstack-node): how
     * openstack:compute:enroll enrolls bare-metal hosts into it.
     */
    clouds?: {
      [key: string]: {
        computeEnrollment?: {
          /** RabbitMQ as the compute hosts reach it (outside Kubernetes). */
          messageQueue: {
            /** `host:port` of each RabbitMQ node, e.g. rabbitmq.prod-eu.example.org:5672. */
            hosts: string[];
            /** Virtual host, default `nova`. */
            vhost?: string;
            /** RabbitMQ user of nova, default `nova`. */
            user?: string;
            /** TLS to RabbitMQ, default false. */
            tls?: boolean;
          };
          /** OVN southbound DB for ovn-controller, e.g. `tcp:10.0.0.10:6642` (comma-separated for a cluster). */
          ovnRemote: string;
          /** `ovn-bridge-mappings` of the hosts, e.g. `physnet1:br-ex`. */
          ovnBridgeMappings?: string;
          /** Keystone URL for the hosts; default the cloud's authUrl. */
          keystoneUrl?: string;
          /** Endpoint interface the hosts use, default `internal`. */
          endpointInterface?: 'internal' | 'public' | 'admin';
          /** Keystone user names (openstack-helm defaults nova, placement, neutron). */
          users?: { nova?: string; placement?: string; neutron?: string };
          /** Project and domain of the service users, default `service` and `default`. */
          serviceProject?: string;
          serviceDomain?: string;
          libvirt?: {
            /** Default `kvm`. */
            virtType?: 'kvm' | 'qemu';
            /** Default `host-passthrough`. */
            cpuMode?: 'host-passthrough' | 'host-model' | 'custom' | 'none';
          };
          /** The cloud has Cinder: the hosts' `[cinder]`; default true. */
          cinder?: boolean;
          /** The noVNC proxy URL consoles open (`[vnc] novncproxy_base_url`); without it consoles are off. */
          novncProxyBaseUrl?: string;
          /** Nova's metadata API as the hosts' OVN metadata agent reaches it; default the Keystone host, 8775, http. */
          metadata?: { host?: string; port?: number; protocol?: 'http' | 'https' };
          /** Where guests' disks live; default `local`. */
          storage?: {
            backend?: 'local' | 'ceph-rbd';
            /** Ceph: pool of the guests' disks, default `vms`. */
            pool?: string;
            /** Ceph: client user, default `cinder`. */
            user?: string;
            /** Ceph: libvirt secret UUID of the client user (the same on every host). */
            secretUuid?: string;
            /** Ceph: monitors, host or host:port. */
            monitors?: string[];
            /** Ceph: Secret in the cloud's namespace with the client user's key, for libvirt's secret. */
            clientKeySecret?: string;
            /** Its key, default `key`. */
            clientKeySecretKey?: string;
          };
          /**
           * Prefix of the cloud's credential Secrets in its namespace (`<prefix>-nova-rabbitmq`,
           * `<prefix>-nova-keystone`, `<prefix>-placement-keystone`, `<prefix>-neutron-keystone`,
           * `<prefix>-metadata-proxy`);
           * default the cloud key, as openstack:cloud:create names them.
           */
          secretPrefix?: string;
          /** openstack-helm's discovery CronJob in the cloud's namespace, default `nova-cell-setup`. */
          cellSetupCronJob?: string;
          /** Binary of the host's OVN Controller agent in Neutron, default `ovn-controller`. */
          ovnAgentBinary?: string;
          /** Discovery Jobs at most per enrollment, default 10. */
          discoveryAttempts?: number;
          /** Seconds to look for the mapping after each discovery Job, default 30. */
          discoveryWaitSeconds?: number;
        };
      };
    };
    /** Which operations of the scaffolder actions need an approved request of their task. */
    approvals?: {
      /**
       * By the cloud entity's `spec.lifecycle` (create: the lifecycle the form gives the new
       * cloud), the operations that need an approval, e.g. `production: [create, upgrade, enroll,
       * decommission]`, `development: []`. A lifecycle not listed, or a cloud without one, needs all four.
       */
      required?: {
        [lifecycle: string]: Array<'create' | 'upgrade' | 'enroll' | 'decommission'>;
      };
    };
  };
}
