/**
 * Components for apps on the legacy frontend system (`@backstage/core-plugin-api`). Register
 * the API and place the components on your entity pages:
 *
 * ```tsx
 * // apis.ts
 * createApiFactory({ api: openstackApiRef, deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
 *   factory: deps => new OpenStackPluginClient(deps) }) // from @backstage-openstack/plugin-openstack-common
 * // EntityPage.tsx
 * <EntityLayout.Route path="/openstack" title="OpenStack" if={isOpenStackCloudEntity}>
 *   <EntityOpenStackCloudContent />
 * </EntityLayout.Route>
 * // EntityPage.tsx, first on a cloud's overview: <EntityOpenStackCloudSummaryCard />
 * // App.tsx: the fleet, linked from the sidebar and each cloud's page
 * <Route path="/openstack" element={<OpenStackFleetPage />} />
 * // App.tsx: the upgrade template's target-release field and the new-cloud template's chart source
 * const OpenStackUpgradeTargetPickerExtension = scaffolderPlugin.provide(
 *   createScaffolderFieldExtension({ name: 'OpenStackUpgradeTargetPicker', component: UpgradeTargetPicker }));
 * const OpenStackChartSourcePickerExtension = scaffolderPlugin.provide(
 *   createScaffolderFieldExtension({ name: 'OpenStackChartSourcePicker', component: ChartSourcePicker }));
 * const OpenStackZonePickerExtension = scaffolderPlugin.provide(
 *   createScaffolderFieldExtension({ name: 'OpenStackZonePicker', component: ZonePicker }));
 * <Route path="/create" element={<ScaffolderPage />}>
 *   <ScaffolderFieldExtensions>
 *     <OpenStackUpgradeTargetPickerExtension />
 *     <OpenStackChartSourcePickerExtension />
 *     <OpenStackZonePickerExtension />
 *   </ScaffolderFieldExtensions>
 * </Route>
 * ```
 *
 * @packageDocumentation
 */
export { CloudStatusContent as EntityOpenStackCloudContent } from '../components/CloudStatus';
export { ComputeHostCard as EntityOpenStackComputeHostCard } from '../components/ComputeHostCard';
export { openstackApiRef } from '../api';
export {
  ApprovalsPage as OpenStackApprovalsPage,
  PendingApprovalsCard,
} from '../components/Approvals';
export { UpgradeTargetPicker } from '../components/UpgradeTargetPicker';
export { FleetPage as OpenStackFleetPage } from '../components/Fleet';
export { CloudSummaryCard as EntityOpenStackCloudSummaryCard } from '../components/CloudSummaryCard';
export { ChartSourcePicker } from '../components/ChartSourcePicker';
export { ZonePicker } from '../components/ZonePicker';
export {
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
} from '@backstage-openstack/plugin-openstack-common';
