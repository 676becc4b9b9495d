/*
 * The bad-input table (src/__testUtils__/badInputRows.ts) on the real peers: every create (demo and
 * live), upgrade and enroll row runs through the real action, whose live clouds are the peers'
 * kube-apiserver reached as the suite's ServiceAccount (the minimal role). Each is refused naming
 * its field, and afterwards the cluster, read with the admin kubeconfig, holds no namespace, Secret
 * or HelmRelease of the row's cloud that was not there before, the suite's backend registered no
 * entity and no lease was taken.
 */
import * as k8s from '@kubernetes/client-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockCredentials } from '@backstage/backend-test-utils';
import { LABEL_OPENSTACK_CLOUD, OPENSTACK_HELM_REPOSITORY, validateCloudSpec } from '@backstage-openstack/plugin-openstack-common';
import { ClusterClient, cloudKeyHolders } from '@backstage-openstack/plugin-openstack-node';
import { adminKubeConfig, describePeers, lazy, suiteKubeConfig, uniqueName } from '@backstage-openstack/plugin-openstack-node/testUtils';
import { fieldsNamed, inputOf, liveSpec, rows, runRow } from '../__testUtils__/badInputRows';
import { allowAll, cloudStatus, computeHost, demoCloudEntity, noApprovalsRequired, scriptedApi, testChartSources, testDrivers } from '../__testUtils__/testing';
import { createCloudCreateAction } from '../actions/cloudCreate';
import { createCloudUpgradeAction } from '../actions/cloudUpgrade';
import { createComputeEnrollAction } from '../actions/computeEnroll';
import { examples as createExamples } from '../actions/cloudCreate.examples';
import { examples as enrollExamples } from '../actions/computeEnroll.examples';
import yaml from 'yaml';

jest.setTimeout(120_000);

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminCustom = lazy(() => admin().makeApiClient(k8s.CustomObjectsApi));
const suite = lazy(() => new ClusterClient('peers', suiteKubeConfig()));

/** The rows of the actions that reach a cluster. */
const clusterRows = rows.filter(([, action]) => action === 'create (demo)' || action === 'create (live)' || action === 'upgrade' || action === 'enroll');

/** What of a cloud named in `names` the cluster holds: namespaces, labelled Secrets, HelmReleases (by uid). */
async function clusterObjectsOf(names: Set<string>): Promise<string[]> {
  const namespaces = (await adminCore().listNamespace()).items.filter(
    n => names.has(n.metadata!.name!) || names.has(n.metadata?.labels?.[LABEL_OPENSTACK_CLOUD] ?? ''),
  );
  const secrets = (await adminCore().listSecretForAllNamespaces({ labelSelector: LABEL_OPENSTACK_CLOUD })).items.filter(
    s => names.has(s.metadata!.namespace!) || names.has(s.metadata!.labels![LABEL_OPENSTACK_CLOUD]),
  );
  const releases = ((await adminCustom().listClusterCustomObject({ group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' })) as {
    items: k8s.KubernetesObject[];
  }).items.filter(r => names.has(r.metadata!.namespace!) || names.has(r.metadata?.labels?.[LABEL_OPENSTACK_CLOUD] ?? ''));
  return [
    ...namespaces.map(n => `Namespace ${n.metadata!.name} ${n.metadata!.uid}`),
    ...secrets.map(s => `Secret ${s.metadata!.namespace}/${s.metadata!.name} ${s.metadata!.uid}`),
    ...releases.map(r => `HelmRelease ${r.metadata!.namespace}/${r.metadata!.name} ${r.metadata!.uid}`),
  ].sort();
}

describePeers('bad input on the real peers', () => {
  // this run's own cloud name and namespace: the live spec's, so nothing else on the shared cluster matches
  const cloud = uniqueName('bad-in');
  const demoName = uniqueName('bad-demo');
  const live = { ...liveSpec, name: cloud, publicDomain: `${cloud}.cloud.example.org`, delivery: { mode: 'direct', cluster: 'peers', namespace: cloud } };

  /** The real actions over the peers' cluster and a catalog holding the demo cloud. */
  function actions() {
    const { api, calls, entities } = scriptedApi({ status: () => cloudStatus('2025.1'), hosts: () => [computeHost('compute1', '2025.1')] });
    const catalog = catalogServiceMock({ entities: [demoCloudEntity] });
    const cluster = (n: string) => {
      if (n !== 'peers') throw new Error(`No Kubernetes cluster "${n}" in kubernetes.clusterLocatorMethods`);
      return suite();
    };
    const openstack = (key: string): never => {
      throw new Error(`no OpenStack cloud ${key} in this test`);
    };
    const holders = (key: string) => cloudKeyHolders(catalog, key, mockCredentials.service(), []);
    const drivers = testDrivers(api, { cluster, openstack, chartSources: testChartSources({ 'openstack-helm': { url: OPENSTACK_HELM_REPOSITORY } }) });
    const deps = { approvals: noApprovalsRequired, permissions: allowAll(), api, drivers, pollMs: 1 };
    const demoCreate = createExamples.map(e => yaml.parse(e.example).steps[0].input).find(i => !i.spec);
    const enroll = yaml.parse(enrollExamples[0].example).steps[0].input;
    const byAction = {
      'create (demo)': [createCloudCreateAction({ ...deps, cloudKeyHolders: holders }), { ...demoCreate, name: demoName }],
      'create (live)': [createCloudCreateAction({ ...deps, cloudKeyHolders: holders }), {}],
      upgrade: [createCloudUpgradeAction({ ...deps, catalog }), { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 1 }],
      enroll: [createComputeEnrollAction({ ...deps, catalog }), { ...enroll, cloud: 'resource:default/demo-cloud' }],
    } as const;
    return { byAction, calls, entities, acquireLease: api.acquireLease };
  }

  it('has create, upgrade and enroll rows, over a live spec that validates', () => {
    expect(new Set(clusterRows.map(([, a]) => a))).toEqual(new Set(['create (demo)', 'create (live)', 'upgrade', 'enroll']));
    expect(validateCloudSpec(live).issues).toEqual([]);
  });

  it.each(clusterRows)('%s (%s): refused naming %s, nothing created on the cluster, no entity, no lease', async (_what, action, change, field) => {
    const names = new Set([cloud, demoName, ...Object.values(change).filter((v): v is string => typeof v === 'string')]);
    const before = await clusterObjectsOf(names);
    const { byAction, calls, entities, acquireLease } = actions();
    const [handlerOwner, base] = byAction[action as keyof typeof byAction];
    const input = action === 'create (live)' ? { spec: { ...live, ...change }, waitForReady: false } : inputOf(action, base as Record<string, unknown>, change);
    const { ctx, error } = await runRow(handlerOwner, input);
    expect(error?.name).toBe('InputError');
    expect(fieldsNamed(error.message)).toEqual([field]);
    // nothing on the cluster (admin view), no demo store write, no entity registered, no lease taken
    expect(await clusterObjectsOf(names)).toEqual(before);
    expect(calls).toEqual([]);
    expect([...entities.keys()]).toEqual([]);
    expect(acquireLease).not.toHaveBeenCalled();
    expect(ctx.output).not.toHaveBeenCalledWith('entity', expect.anything());
  });
});
