/**
 * Test utilities of openstack-node: msw models of an OpenStack cloud (Keystone, Nova,
 * Placement, Neutron, Cinder, Glance) and of a Kubernetes namespace with an openstack-helm
 * control plane, the APIs' marker pager and a throw-away TLS certificate. The unit tests, the
 * other packages' tests and the benchmarks (scripts/bench) use them.
 *
 * @packageDocumentation
 */
export {
  APP_CRED_ID,
  APP_CRED_SECRET,
  catalog,
  CINDER_ROOT,
  cloudConfig,
  FAKE_CLOUD_URLS,
  fakeCloud,
  fakeCloudUrlsAt,
  GLANCE,
  HOSTS,
  hypervisor,
  KEYSTONE,
  microversionOf,
  NEUTRON,
  newState,
  NOVA,
  novaService,
  PASSWORD,
  PLACEMENT,
  PROJECT_ID,
} from './fakeCloud';
export type { FakeCloudState, FakeCloudUrls, Recorded } from './fakeCloud';
export type {
  OpenStackCloudConfig,
  OpenStackCloudStringSetting,
  OpenStackInterface,
} from '../openstack/config';
export {
  daemonSets,
  deployments,
  FAKE_KUBERNETES_BACKEND,
  fakeKubernetes,
  fakeKubernetesBackendProxy,
  jobs,
  K8S,
  K8S_TOKEN,
  NAMESPACE,
  pods,
  statefulSets,
} from './fakeKubernetes';
export type { FakeKubernetesState } from './fakeKubernetes';
export {
  deleteAllocations,
  fakeCapacity,
  fakePlacement,
  fakeUsages,
  setAllocations,
  setInventory,
  syntheticPlacement,
  uniformPlacement,
} from './fakePlacement';
export type {
  FakeAllocation,
  FakeInventory,
  FakePlacementState,
  FakeProvider,
} from './fakePlacement';
export { markerPage } from './markerPage';
export { TEST_CERT, TEST_KEY } from './tls';
export { configKeyNames } from './configKeys';
export type { ConfigKeyNames } from './configKeys';
// the real peers of the integration tests (scripts/peers): their identities and waiting helpers
export {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  onboardCloudNamespace,
  peerEnv,
  suiteKubeConfig,
  uniqueName,
} from '../integration/peers';
