/*
 * The portal's backend (new backend system). Starts on embedded defaults: SQLite, guest
 * sign-in, the example catalog and the demo cloud. See app-config.production.yaml for PostgreSQL.
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleOpenStackPolicy } from './permissionPolicy';
import { authModuleDemoUsers } from './demoUsersAuth';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// auth: guest sign-in for development
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(authModuleDemoUsers);

// catalog: examples, templates
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// the clouds and hosts the OpenStack actions made, from the suite's database (no files)
backend.add(
  import('@backstage-openstack/plugin-catalog-backend-module-openstack'),
);

// scaffolder, with the OpenStack actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@backstage-openstack/plugin-scaffolder-backend-module-openstack'),
);

// kubernetes
backend.add(import('@backstage/plugin-kubernetes-backend'));

// permissions with the suite's policy (platform team changes clouds, everybody reads)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleOpenStackPolicy);

// the OpenStack status backend, approvals and demo cloud
backend.add(import('@backstage-openstack/plugin-openstack-backend'));

// user settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();
