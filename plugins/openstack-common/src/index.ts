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
  ANNOTATION_NOVA_COMPUTE_VERSION,
  CLOUD_DELIVERIES,
  type CloudDelivery,
  cloudDriverKind,
  cloudKubernetesAnnotations,
  controlPlaneLabelSelector,
  type EntityLike,
  isOpenStackCloudEntity,
  isOpenStackComputeHostEntity,
  LABEL_OPENSTACK_CLOUD,
  MANAGED_BY_LABELS,
  OPENSTACK_CLOUD_TYPE,
  OPENSTACK_COMPUTE_HOST_TYPE,
} from './annotations';
export {
  type ApprovalAuditEntry,
  type ApprovalRequest,
  type ApprovalState,
  type ApprovalRunState,
  type ApprovalVerification,
  approvalVerificationSchema,
  MAX_APPROVAL_PLAN_LENGTH,
  MAX_APPROVAL_REF_LENGTH,
  MAX_APPROVAL_TIMEOUT_MINUTES,
  type NewApprovalRequest,
  newApprovalRequestSchema,
} from './approvals';
export {
  CHART_ORDER,
  chartInfo,
  type ChartInfo,
  type ChartRole,
  CHARTS,
  chartsFor,
} from './charts/charts';
export { CHART_CREDENTIALS, type CredentialSlot } from './charts/credentials';
export { type ChartName, chartsWithReleaseImages, releaseImageTags } from './charts/images';
export { CHART_WORKLOADS, type ChartWorkload, chartWorkloads } from './charts/workloads';
export {
  type ApprovalDetail,
  type ApprovalFilter,
  type ChartSourceItem,
  type CloudListItem,
  type CloudZones,
  type DemoUpgrade,
  type HostPageQuery,
  type IssuedJoinToken,
  type JoinTokenStatus,
  type JoinContinuationSpec,
  type JoinContinuationStatus,
  type NewDemoCloud,
  type NewJoinToken,
  OPENSTACK_PLUGIN_ROUTES,
  type OpenStackPluginApi,
  OpenStackPluginClient,
  type OpenStackPluginClientDeps,
  type OpenStackPluginRoute,
} from './client/OpenStackPluginClient';
export {
  chartObjectName,
  type CloudEntityLike,
  cloudEntityPath,
  type CloudRef,
  cloudRefOfEntity,
  hostEntityName,
  hostEntityRef,
  parseCloudRef,
  stringifyCloudRef,
} from './cloudRef';
export {
  COMPUTE_BUNDLE_FILES,
  COMPUTE_HOST_LABEL,
  type ComputeBundleCredentials,
  computeBundleSecretName,
  type ComputeBundleSettings,
  type ComputeCredentialSource,
  computeCredentialSources,
  type ComputeEnrollInput,
  type ComputeStorage,
  enrollAggregateName,
  type EnrollIssue,
  HOST_NAME,
  renderComputeBundle,
  validateComputeEnrollInput,
} from './compute/enroll';
export {
  formatMaintenanceReason,
  type HostMaintenance,
  MAINTENANCE_PARALLEL_DEFAULT,
  MAINTENANCE_PARALLEL_MAX,
  type MaintenanceIssue,
  NOVA_DISABLED_REASON_MAX,
  parseMaintenanceReason,
  validateMaintenanceInput,
} from './compute/maintenance';
export {
  JOIN_PACKAGES,
  JOIN_SERVICES,
  joinFilePath,
  JOIN_TOKEN,
  joinInstructions,
  type JoinInstructions,
  NOVA_VERSION,
  novaSeriesOf,
  renderJoinScript,
} from './compute/join';
export {
  openstackApprovalDecidePermission,
  openstackApprovalReadPermission,
  openstackCloudCreatePermission,
  openstackCloudReadPermission,
  openstackCloudUpgradePermission,
  openstackComputeDecommissionPermission,
  openstackComputeEnrollPermission,
  openstackComputeMaintenancePermission,
  openstackApprovalRequestPermission,
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
  type OpenStackRelease,
  releaseFromImage,
  releaseIndex,
} from './releases/catalog';
export {
  checkComputeLag,
  type ComputeHostRelease,
  type ComputeLagResult,
  isValidHop,
  upgradePath,
  validNextHops,
} from './releases/upgradePath';
export { type KubernetesObject, toYaml } from './render/objects';
export {
  ARGOCD_SKIP_RECONCILE,
  ARGOCD_SYNC_WAVE,
  argocdCredentialParameters,
  type ArgocdHelmParameter,
  argocdParentName,
  argocdRepositoryDir,
  parkedApplication,
} from './render/argocd';
export {
  type RenderChartSource,
  renderCloud,
  type RenderedCloud,
} from './render/renderCloud';
export { type RequiredSecret, requiredSecretsFor } from './render/secrets';
export { chartValues, type HelmValues, valuePaths } from './render/values';
export {
  cloudNamespace,
  type CloudSpec,
  type CloudSpecInput,
  cloudSpecJsonSchema,
  cloudSpecSchema,
  DEFAULT_CHART_SOURCE,
  DNS_LABEL,
  OPENSTACK_HELM_REPOSITORY,
  parseCloudSpec,
  type SpecIssue,
  storageClassesOf,
  storageClassOf,
  validateCloudSpec,
} from './spec/cloudSpec';
export {
  COMPONENT_REQUIREMENTS,
  componentIssues,
  OPENSTACK_COMPONENTS,
  type OpenStackComponent,
} from './spec/components';
export {
  MAX_URL_LENGTH,
  OWNER_REF,
  urlField,
  quoteValue,
  relativePathField,
  SAFE_NAME,
  safeNameField,
} from './spec/fields';
export {
  assembleCloudView,
  capacityByZone,
  type CloudEvidence,
  CONTROL_PLANE_APPLICATIONS,
  controlPlaneServiceOf,
  type ServiceWorkload,
  summarizeHosts,
} from './status/assemble';
export {
  fleetCloud,
  type FleetCloud,
  type FleetCloudError,
  type FleetCloudInput,
  type FleetUsage,
  type FleetView,
} from './status/fleet';
export {
  type ComputeHostSources,
  type HostQuery,
  type HypervisorRecord,
  markLaggingHosts,
  mergeComputeHosts,
  type ProviderUsage,
  queryHosts,
} from './status/hosts';
export {
  type AgentRecord,
  API_SERVICE_TYPES,
  type ApiHealth,
  type CloudStatus,
  type ComputeHostPage,
  type ComputeHostStatus,
  CONTROL_PLANE_SERVICES,
  type ControlPlaneServiceName,
  type ControlPlaneServiceStatus,
  HOST_FILTERS,
  HOST_SORT_FIELDS,
  type HostFilter,
  type HostSortField,
  type OperationRecord,
  type ResourceUsage,
  type ServiceRecord,
  type SourceError,
  type Verdict,
  type WorkloadStatus,
} from './status/types';
export {
  cloudVerdict,
  isHostAgentRecord,
  isHostServiceRecord,
  RESTART_THRESHOLD,
  type ServiceEvidence,
  serviceVerdict,
  worstVerdict,
} from './status/verdict';
export {
  CLOUD_OPERATION_KINDS,
  CLOUD_OPERATION_PERMISSIONS,
  type CloudLease,
  type CloudOperationKind,
  OPENSTACK_SUITE_LOCATION,
  type SuiteEntityRecord,
  suiteEntityPermission,
} from './suite/suite';
export {
  type ComputeFollowUp,
  planUpgrade,
  type StepCheck,
  type UpgradePlan,
  type UpgradeStep,
  type ValueChange,
} from './upgrade/planner';
export {
  type CheckSeverity,
  PREFLIGHT_CHECKS,
  type PreflightCheck,
  type PreflightResult,
  runPreflight,
} from './upgrade/preflight';
export { type ChartSnapshot, type CloudSnapshot, type WorkloadHealth } from './upgrade/snapshot';
export {
  APPROVAL_OPERATIONS,
  type ApprovalOperation,
  type ApprovalPlan,
  approvalPlanDifferences,
  approvalPlanDigest,
  approvalPlanOperation,
  type ApprovalPlanStep,
  canonicalJson,
  COMPUTE_BUNDLE_KEYS,
  createApprovalPlan,
  decommissionApprovalPlan,
  enrollApprovalPlan,
  upgradeApprovalPlan,
} from './approvalPlan';
