import { createApiRef } from '@backstage/core-plugin-api';
import type { OpenStackPluginApi } from '@backstage-openstack/plugin-openstack-common';

/**
 * The suite's backend plugin (`/api/openstack`), as the frontend reaches it: an
 * `OpenStackPluginClient` of plugins/openstack-common, the one client of those routes. @public
 */
export const openstackApiRef = createApiRef<OpenStackPluginApi>({ id: 'plugin.openstack.service' });
