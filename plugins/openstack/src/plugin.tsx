import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isOpenStackCloudEntity,
} from '@backstage-openstack/plugin-openstack-common';

/** The cloud entity's OpenStack tab. @public */
export const entityOpenStackCloudContent = EntityContentBlueprint.make({
  name: 'cloud',
  params: {
    path: '/openstack',
    title: 'OpenStack',
    filter: isOpenStackCloudEntity,
    loader: () =>
      import('./components/CloudOverview').then(m => <m.CloudOverview />),
  },
});

/**
 * The OpenStack frontend plugin for the new frontend system.
 *
 * @public
 */
export const openstackPlugin = createFrontendPlugin({
  pluginId: 'openstack',
  title: 'OpenStack',
  extensions: [entityOpenStackCloudContent],
});
