/**
 * Frontend plugin of the backstage-openstack suite (new frontend system). Apps on the old
 * frontend system import from `@backstage-openstack/plugin-openstack/legacy`.
 *
 * @packageDocumentation
 */
export {
  openstackPlugin as default,
  entityOpenStackCloudContent,
  entityOpenStackCloudSummaryCard,
  entityOpenStackComputeHostCard,
  entityOpenStackJoiningHostsCard,
  openstackApi,
  openstackApprovalsPage,
  openstackFleetPage,
  openstackChartSourceField,
  openstackZoneField,
  openstackUpgradeTargetField,
} from './plugin';
export { openstackApiRef } from './api';
