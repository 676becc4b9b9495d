/**
 * Backend clients of the backstage-openstack suite, shared by the backend plugin and the
 * scaffolder module: Kubernetes (clusters reached through the Kubernetes backend, server-side
 * apply, create-once Secrets, rollout checks, the live state of a cloud), Helm chart sources and
 * OpenStack (Keystone, Nova, Placement, Neutron, Cinder, Glance).
 *
 * @packageDocumentation
 */

// Kubernetes
export { kubeConfigFor } from './kubernetes/clusters';
export type { ClusterDetails } from './kubernetes/clusters';
export {
  CLOUD_LABEL,
  CLOUD_NAMESPACE_RBAC,
  CLUSTER_RBAC,
  ClusterClient,
  FIELD_MANAGER,
  randomCredential,
} from './kubernetes/apply';
export type {
  ClusterAccess,
  EnsuredSecret,
  ExistingSecretPolicy,
  KubeRight,
  NamespaceOwnership,
  SecretOnce,
} from './kubernetes/apply';
export {
  HEADER_KUBERNETES_CLUSTER,
  kubeConfigViaKubernetesBackend,
} from './kubernetes/kubernetesBackend';
export type { KubernetesBackendAccess } from './kubernetes/kubernetesBackend';
export { kubeStatusOf } from './kubernetes/kubeErrors';
export {
  DEFAULT_KUBE_TIMEOUT_MS,
  KubeTimeoutError,
  kubeHttp,
} from './kubernetes/http';
export type { KubeHttp, KubeHttpOptions } from './kubernetes/http';
export {
  applicationReadiness,
  helmReleaseReadiness,
  jobOutcome,
  workloadReadiness,
} from './kubernetes/rollout';
export type { JobOutcome, Readiness } from './kubernetes/rollout';
export { readLiveWorkloads } from './kubernetes/workloads';
export type {
  KubeWorkload,
  LiveWorkload,
  LiveWorkloadKind,
  LiveWorkloads,
} from './kubernetes/workloads';
export {
  applicationValues,
  liveCloudSnapshot,
  readLiveChart,
  readLiveCharts,
  withApplicationValues,
} from './kubernetes/liveCloud';
export type {
  LiveChart,
  LiveCloudRef,
  LiveDelivery,
} from './kubernetes/liveCloud';
export {
  jobFromCronJob,
  readCronJob,
  runJobFromCronJob,
} from './kubernetes/jobs';
export { deleteOwnSecret, readSecretLabels, readSecretValues } from './kubernetes/secrets';
export type { SecretValues } from './kubernetes/secrets';

// Helm chart sources
export { checkChartSource } from './helm/chartSource';
export type {
  ChartSourceCheck,
  ChartSourceCheckOptions,
} from './helm/chartSource';
export { readChartSources } from './helm/chartSources';
export type { ChartSource, ChartSources } from './helm/chartSources';

// The one resolver of a cloud's entity ref
export { resolveCloud, resolveCloudEntity } from './cloud/resolveCloud';
export { cloudKeyHolders } from './cloud/cloudKeyHolders';
export type { ResolvedCloud } from './cloud/resolveCloud';

// Calls to other plugins of the backend
export { pluginFetch } from './util/pluginFetch';

// The suite's catalog entities: their names as the catalog validates them, and changes from
// the backend plugin to its entity provider
export { checkEntityName } from './catalog/entityName';
export type { EntityName } from './catalog/entityName';
export {
  createSuiteEntityChanges,
  suiteEntityChangesServiceRef,
} from './catalog/suiteEntityChanges';
export type {
  SuiteEntityChange,
  SuiteEntityChanges,
} from './catalog/suiteEntityChanges';

// OpenStack
export {
  readOpenStackCloud,
  readOpenStackClouds,
  DEFAULT_OPENSTACK_MAX_CONCURRENCY,
  DEFAULT_OPENSTACK_TIMEOUT_MS,
} from './openstack/config';
export type {
  OpenStackCloudConfig,
  OpenStackCloudStringSetting,
  OpenStackInterface,
} from './openstack/config';
export { OPENSTACK_API_SERVICES, OpenStackClient } from './openstack/client';
export type { OpenStackClientOptions } from './openstack/client';
export { OpenStackSession } from './openstack/session';
export type {
  OpenStackSessionOptions,
  QueryParams,
  SessionRequestOptions,
} from './openstack/session';
export { KeystoneAuth } from './openstack/keystone';
export type {
  CatalogEndpoint,
  CatalogEntry,
  KeystoneAuthOptions,
  KeystoneToken,
} from './openstack/keystone';
export { OpenStackTransport } from './openstack/transport';
export type {
  HttpMethod,
  OpenStackHttpRequest,
  OpenStackHttpResponse,
  OpenStackTransportOptions,
  RetryPolicy,
} from './openstack/transport';
export {
  HYPERVISOR_STATS_MICROVERSION,
  NovaClient,
} from './openstack/nova';
export type { NovaPageOptions } from './openstack/nova';
export {
  PLACEMENT_SUMMARIES_MICROVERSION,
  PlacementClient,
} from './openstack/placement';
export type {
  ComputeCapacityRead,
  ProviderCapacity,
  ProviderSummaryResource,
} from './openstack/placement';
export { NeutronClient } from './openstack/neutron';
export { CinderClient } from './openstack/cinder';
export { GlanceClient } from './openstack/glance';
export type {
  Aggregate,
  ApiHealth,
  ComputeService,
  Hypervisor,
  Image,
  Inventory,
  NetworkAgent,
  ServerOnHost,
  ResourceCapacity,
  ResourceProvider,
  ServiceRecord,
  VersionDocument,
  VolumeService,
} from './openstack/types';

// Live status
export { controlPlaneWorkloads } from './status/controlPlane';
export { readLiveCloudView } from './status/liveCloudView';
export type { LiveCloudTarget, LiveCloudView } from './status/liveCloudView';

// Waiting
export { pollUntil } from './util/pollUntil';
