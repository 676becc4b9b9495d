import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
} from '@backstage-openstack/plugin-openstack-common';
import {
  FormFieldBlueprint,
  createFormField,
} from '@backstage/plugin-scaffolder-react/alpha';
import { OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { openstackApiRef } from './api';

/** The client of the suite's backend plugin (OpenStackPluginClient, with the app's fetchApi). @public */
export const openstackApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: openstackApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpenStackPluginClient({ discoveryApi, fetchApi }),
    }),
});

/** The cloud entity's OpenStack tab. @public */
export const entityOpenStackCloudContent = EntityContentBlueprint.make({
  name: 'cloud',
  params: {
    path: '/openstack',
    title: 'OpenStack',
    filter: isOpenStackCloudEntity,
    loader: () =>
      import('./components/CloudStatus').then(m => <m.CloudStatusContent />),
  },
});

/** The compute-host entity's status card on its overview. @public */
export const entityOpenStackComputeHostCard = EntityCardBlueprint.make({
  name: 'compute-host',
  params: {
    filter: isOpenStackComputeHostEntity,
    loader: () =>
      import('./components/ComputeHostCard').then(m => <m.ComputeHostCard />),
  },
});

/** The approvals page, at /openstack/approvals. @public */
export const openstackApprovalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/openstack/approvals',
    title: 'Approvals',
    loader: () =>
      import('./components/Approvals').then(m => <m.ApprovalsPage />),
  },
});

/**
 * Scaffolder field `OpenStackUpgradeTargetPicker`: the target releases one upgrade hop can reach
 * from the cloud picked in the form (see templates/upgrade-cloud). @public
 */
export const openstackUpgradeTargetField = FormFieldBlueprint.make({
  name: 'upgrade-target',
  params: {
    field: () =>
      import('./components/UpgradeTargetPicker').then(m =>
        createFormField({
          name: 'OpenStackUpgradeTargetPicker',
          component: m.UpgradeTargetPicker,
        }),
      ),
  },
});

/**
 * Scaffolder field `OpenStackChartSourcePicker`: the name of a configured chart source
 * (`openstack.chartSources`) for a new cloud (see templates/new-cloud). @public
 */
export const openstackChartSourceField = FormFieldBlueprint.make({
  name: 'chart-source',
  params: {
    field: () =>
      import('./components/ChartSourcePicker').then(m =>
        createFormField({
          name: 'OpenStackChartSourcePicker',
          component: m.ChartSourcePicker,
        }),
      ),
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
  extensions: [
    openstackApi,
    entityOpenStackCloudContent,
    entityOpenStackComputeHostCard,
    openstackApprovalsPage,
    openstackUpgradeTargetField,
    openstackChartSourceField,
  ],
});
