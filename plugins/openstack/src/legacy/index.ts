/**
 * Components for apps on the legacy frontend system (`@backstage/core-plugin-api`): place them
 * in an `EntityLayout.Route` of your entity page, e.g.
 * `<EntityLayout.Route path="/openstack" title="OpenStack" if={isOpenStackCloudEntity}><EntityOpenStackCloudContent /></EntityLayout.Route>`.
 *
 * @packageDocumentation
 */
export { CloudOverview as EntityOpenStackCloudContent } from '../components/CloudOverview';
export {
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
} from '@backstage-openstack/plugin-openstack-common';
