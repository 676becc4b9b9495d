/**
 * Isomorphic core of the backstage-openstack suite: catalog annotations, permissions, the cloud
 * spec schema, the OpenStack release catalog and upgrade rules, the upgrade planner and the
 * manifest renderer. Pure TypeScript, no I/O.
 *
 * @packageDocumentation
 */
export {
  ANNOTATION_KUBERNETES_CLUSTER,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_DELIVERY,
  ANNOTATION_OPENSTACK_HOST,
  ANNOTATION_OPENSTACK_NAMESPACE,
  ANNOTATION_OPENSTACK_RELEASE,
  CLOUD_DELIVERIES,
  cloudDriverKind,
  cloudKubernetesAnnotations,
  controlPlaneLabelSelector,
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
  LABEL_OPENSTACK_CLOUD,
  MANAGED_BY_LABELS,
  OPENSTACK_CLOUD_TYPE,
  OPENSTACK_COMPUTE_HOST_TYPE,
} from './annotations';
export type { CloudDelivery, EntityLike } from './annotations';
export {
  MAX_APPROVAL_TIMEOUT_MINUTES,
  newApprovalRequestSchema,
} from './approvals';
export type {
  ApprovalAuditEntry,
  ApprovalRequest,
  ApprovalState,
  NewApprovalRequest,
} from './approvals';
export { CHART_ORDER, chartInfo, CHARTS, chartsFor } from './charts/charts';
export type { ChartInfo, ChartRole } from './charts/charts';
export { CHART_CREDENTIALS } from './charts/credentials';
export type { CredentialSlot } from './charts/credentials';
export { chartsWithReleaseImages, releaseImageTags } from './charts/images';
export type { ChartName } from './charts/images';
export { CHART_WORKLOADS, chartWorkloads } from './charts/workloads';
export type { ChartWorkload } from './charts/workloads';
export {
  OPENSTACK_PLUGIN_ROUTES,
  OpenStackPluginClient,
} from './client/OpenStackPluginClient';
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
} from './client/OpenStackPluginClient';
export {
  chartObjectName,
  cloudEntityPath,
  cloudRefOfEntity,
  cloudRoutePath,
  hostEntityName,
  hostEntityPath,
  hostEntityRef,
  parseCloudRef,
  stringifyCloudRef,
} from './cloudRef';
export type { CloudEntityLike, CloudRef } from './cloudRef';
export {
  COMPUTE_HOST_LABEL,
  computeBundleSecretName,
  computeCredentialSources,
  enrollAggregateName,
  HOST_NAME,
  renderComputeBundle,
  validateComputeEnrollInput,
} from './compute/enroll';
export type {
  ComputeBundleCredentials,
  ComputeBundleSettings,
  ComputeCredentialSource,
  ComputeEnrollInput,
  EnrollIssue,
} from './compute/enroll';
export {
  openstackApprovalDecidePermission,
  openstackApprovalReadPermission,
  openstackCloudCreatePermission,
  openstackCloudReadPermission,
  openstackCloudUpgradePermission,
  openstackComputeEnrollPermission,
  openstackPermissions,
} from './permissions';
export {
  CHART_VERSION_RELEASES,
  DEPLOYABLE_RELEASES,
  findRelease,
  isDeployableBy,
  isDeployableRelease,
  OPENSTACK_HELM_CHART_VERSION,
  OPENSTACK_RELEASES,
  releaseFromImage,
  releaseIndex,
} from './releases/catalog';
export type { OpenStackRelease } from './releases/catalog';
export {
  checkComputeLag,
  isValidHop,
  upgradePath,
  validNextHops,
} from './releases/upgradePath';
export type {
  ComputeHostRelease,
  ComputeLagResult,
} from './releases/upgradePath';
export { toYaml } from './render/objects';
export type { KubernetesObject } from './render/objects';
export { renderCloud } from './render/renderCloud';
export type { RenderedCloud } from './render/renderCloud';
export { requiredSecretsFor } from './render/secrets';
export type { RequiredSecret } from './render/secrets';
export { chartValues, valuePaths } from './render/values';
export type { HelmValues } from './render/values';
export {
  cloudNamespace,
  cloudSpecJsonSchema,
  cloudSpecSchema,
  DNS_LABEL,
  OPENSTACK_HELM_REPOSITORY,
  parseCloudSpec,
  storageClassesOf,
  storageClassOf,
  validateCloudSpec,
} from './spec/cloudSpec';
export type { CloudSpec, CloudSpecInput, SpecIssue } from './spec/cloudSpec';
export {
  COMPONENT_REQUIREMENTS,
  componentIssues,
  OPENSTACK_COMPONENTS,
} from './spec/components';
export type { OpenStackComponent } from './spec/components';
export {
  internalHostReason,
  internalUrlReason,
  MAX_URL_LENGTH,
  OWNER_REF,
  publicUrlField,
  quoteValue,
  relativePathField,
  SAFE_NAME,
  safeNameField,
} from './spec/fields';
export {
  assembleCloudView,
  capacityByZone,
  CONTROL_PLANE_APPLICATIONS,
  controlPlaneServiceOf,
  summarizeHosts,
} from './status/assemble';
export type { CloudEvidence, ServiceWorkload } from './status/assemble';
export {
  markLaggingHosts,
  mergeComputeHosts,
  queryHosts,
} from './status/hosts';
export type {
  ComputeHostSources,
  HostQuery,
  HypervisorRecord,
  ProviderUsage,
} from './status/hosts';
export {
  API_SERVICE_TYPES,
  CONTROL_PLANE_SERVICES,
  HOST_FILTERS,
  HOST_SORT_FIELDS,
} from './status/types';
export type {
  AgentRecord,
  ApiHealth,
  CloudStatus,
  ComputeHostPage,
  ComputeHostStatus,
  ControlPlaneServiceName,
  ControlPlaneServiceStatus,
  HostFilter,
  HostSortField,
  OperationRecord,
  ResourceUsage,
  ServiceRecord,
  SourceError,
  Verdict,
  WorkloadStatus,
} from './status/types';
export {
  cloudVerdict,
  isHostAgentRecord,
  isHostServiceRecord,
  RESTART_THRESHOLD,
  serviceVerdict,
  worstVerdict,
} from './status/verdict';
export type { ServiceEvidence } from './status/verdict';
export { planUpgrade } from './upgrade/planner';
export type {
  ComputeFollowUp,
  StepCheck,
  UpgradePlan,
  UpgradeStep,
  ValueChange,
} from './upgrade/planner';
export { PREFLIGHT_CHECKS, runPreflight } from './upgrade/preflight';
export type {
  CheckSeverity,
  PreflightCheck,
  PreflightResult,
} from './upgrade/preflight';
export type {
  ChartSnapshot,
  CloudSnapshot,
  WorkloadHealth,
} from './upgrade/snapshot';
