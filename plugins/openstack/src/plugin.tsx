import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
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
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import { openstackApiRef } from './api';

/** The fleet page's route (`/openstack`), the sidebar's link to it. @public */
export const fleetRouteRef = createRouteRef();

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

/**
 * The hosts joining a cloud, on its Overview (where the enroll template's first task links): the
 * join state of each, polled; a reader who may enroll starts a reported host's continuation. @public
 */
export const entityOpenStackJoiningHostsCard = EntityCardBlueprint.make({
  name: 'joining-hosts',
  params: {
    filter: isOpenStackCloudEntity,
    loader: () =>
      import('./components/JoiningHostsCard').then(m => <m.JoiningHostsCard />),
  },
});

/** The cloud entity's summary card, first on its Overview tab. @public */
export const entityOpenStackCloudSummaryCard = EntityCardBlueprint.make({
  name: 'cloud-summary',
  params: {
    filter: isOpenStackCloudEntity,
    loader: () =>
      import('./components/CloudSummaryCard').then(m => <m.CloudSummaryCard />),
  },
});

/** The fleet page, at /openstack: every cloud the user may read. @public */
export const openstackFleetPage = PageBlueprint.make({
  name: 'fleet',
  params: {
    path: '/openstack',
    title: 'OpenStack fleet',
    icon: <CloudQueueIcon />,
    routeRef: fleetRouteRef,
    loader: () => import('./components/Fleet').then(m => <m.FleetPage />),
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
 * Scaffolder field `OpenStackZonePicker`: an availability zone or host aggregate of the cloud
 * picked in the form, as its Nova lists them (see templates/enroll-host). @public
 */
export const openstackZoneField = FormFieldBlueprint.make({
  name: 'zone',
  params: {
    field: () =>
      import('./components/ZonePicker').then(m =>
        createFormField({
          name: 'OpenStackZonePicker',
          component: m.ZonePicker,
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
  routes: { fleet: fleetRouteRef },
  extensions: [
    openstackApi,
    entityOpenStackCloudContent,
    entityOpenStackCloudSummaryCard,
    entityOpenStackJoiningHostsCard,
    entityOpenStackComputeHostCard,
    openstackFleetPage,
    openstackApprovalsPage,
    openstackUpgradeTargetField,
    openstackChartSourceField,
    openstackZoneField,
  ],
});
