export {
  OPENSTACK_PLUGIN_ROUTES,
  OpenStackPluginClient,
} from './OpenStackPluginClient';
export type {
  ApprovalDetail,
  ApprovalFilter,
  CloudListItem,
  DemoUpgrade,
  HostPageQuery,
  NewDemoCloud,
  OpenStackPluginApi,
  OpenStackPluginClientDeps,
  OpenStackPluginRoute,
} from './OpenStackPluginClient';
