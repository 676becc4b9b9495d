import type { ChartName } from './images';

/**
 * One credential a chart reads from its values: where (`targetPath`) and from which Kubernetes
 * Secret (`<cloud>-<secret>`, key `key`) it comes. The renderer never sees the value.
 *
 * @public
 */
export interface CredentialSlot {
  /** Secret name without the cloud prefix, e.g. `keystone-admin`. */
  secret: string;
  key: string;
  /** Helm values path, e.g. `endpoints.identity.auth.admin.password`. */
  targetPath: string;
}

const pw = (secret: string, targetPath: string): CredentialSlot => ({
  secret,
  key: 'password',
  targetPath,
});
const keystoneUser = (user: string) =>
  pw(`${user}-keystone`, `endpoints.identity.auth.${user}.password`);
const dbUser = (user: string, endpoint = 'oslo_db') =>
  pw(`${user}-db`, `endpoints.${endpoint}.auth.${user}.password`);
const rabbitUser = (user: string) =>
  pw(`${user}-rabbitmq`, `endpoints.oslo_messaging.auth.${user}.password`);
const KEYSTONE_ADMIN = pw(
  'keystone-admin',
  'endpoints.identity.auth.admin.password',
);
const DB_ADMIN = pw('mariadb-admin', 'endpoints.oslo_db.auth.admin.password');
const RABBIT_ADMIN = pw(
  'rabbitmq-admin',
  'endpoints.oslo_messaging.auth.admin.password',
);
const MEMCACHE_KEY: CredentialSlot = {
  secret: 'memcache',
  key: 'secret-key',
  targetPath: 'endpoints.oslo_cache.auth.memcache_secret_key',
};

/**
 * Every credential each chart needs, from the charts' values.yaml (`endpoints.*.auth`,
 * `conf.*` secrets). A service user appears in several charts (nova's chart also logs in as the
 * neutron, placement and cinder users) and always comes from the same Secret.
 *
 * @public
 */
export const CHART_CREDENTIALS: Readonly<
  Partial<Record<ChartName, readonly CredentialSlot[]>>
> = {
  mariadb: [
    DB_ADMIN,
    pw('mariadb-sst', 'endpoints.oslo_db.auth.sst.password'),
    pw('mariadb-audit', 'endpoints.oslo_db.auth.audit.password'),
    pw('mariadb-exporter', 'endpoints.oslo_db.auth.exporter.password'),
  ],
  rabbitmq: [
    pw('rabbitmq-admin', 'endpoints.oslo_messaging.auth.user.password'),
    pw('rabbitmq-guest', 'endpoints.oslo_messaging.auth.guest.password'),
  ],
  keystone: [
    KEYSTONE_ADMIN,
    DB_ADMIN,
    dbUser('keystone'),
    RABBIT_ADMIN,
    rabbitUser('keystone'),
  ],
  glance: [
    KEYSTONE_ADMIN,
    keystoneUser('glance'),
    DB_ADMIN,
    dbUser('glance'),
    RABBIT_ADMIN,
    rabbitUser('glance'),
    MEMCACHE_KEY,
  ],
  placement: [
    KEYSTONE_ADMIN,
    keystoneUser('placement'),
    DB_ADMIN,
    dbUser('placement'),
    MEMCACHE_KEY,
  ],
  nova: [
    KEYSTONE_ADMIN,
    keystoneUser('nova'),
    keystoneUser('neutron'),
    keystoneUser('placement'),
    keystoneUser('cinder'),
    DB_ADMIN,
    dbUser('nova'),
    pw('mariadb-admin', 'endpoints.oslo_db_cell0.auth.admin.password'),
    dbUser('nova', 'oslo_db_cell0'),
    pw('mariadb-admin', 'endpoints.oslo_db_cell1.auth.admin.password'),
    dbUser('nova', 'oslo_db_cell1'),
    RABBIT_ADMIN,
    rabbitUser('nova'),
    MEMCACHE_KEY,
    {
      secret: 'metadata-proxy',
      key: 'shared-secret',
      targetPath: 'conf.nova.neutron.metadata_proxy_shared_secret',
    },
  ],
  neutron: [
    KEYSTONE_ADMIN,
    keystoneUser('neutron'),
    keystoneUser('nova'),
    keystoneUser('placement'),
    DB_ADMIN,
    dbUser('neutron'),
    RABBIT_ADMIN,
    rabbitUser('neutron'),
    MEMCACHE_KEY,
  ],
  cinder: [
    KEYSTONE_ADMIN,
    keystoneUser('cinder'),
    keystoneUser('nova'),
    DB_ADMIN,
    dbUser('cinder'),
    RABBIT_ADMIN,
    rabbitUser('cinder'),
    MEMCACHE_KEY,
  ],
  horizon: [
    KEYSTONE_ADMIN,
    DB_ADMIN,
    dbUser('horizon'),
    {
      secret: 'horizon',
      key: 'secret-key',
      targetPath: 'conf.horizon.local_settings.config.horizon_secret_key',
    },
  ],
};
