/**
 * Scaffolder actions of the backstage-openstack suite.
 *
 * @packageDocumentation
 */
export { scaffolderModuleOpenstack as default } from './module';
export { createCloudEntityAction } from './actions/cloudEntity';
export { createCloudCreateAction } from './actions/cloudCreate';
export { createCloudUpgradeAction } from './actions/cloudUpgrade';
export { createComputeEnrollAction } from './actions/computeEnroll';
export { createCatalogRegisterAction } from './actions/catalogRegister';
export { createApprovalRequestAction } from './actions/approvalRequest';
