// Test helpers for the Argo CD peer (scripts/peers/argocd): what the platform around Argo CD
// would do in a real cluster (bind volume claims, give Ingresses an address), the peer's Git
// server and the live driver's dependencies pointing at the peer cluster and Helm repository.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ClusterAccess, ClusterClient } from '@backstage-openstack/plugin-openstack-node';
import { adminKubeConfig, lazy, onboardCloudNamespace, peerEnv, suiteKubeConfig } from '@backstage-openstack/plugin-openstack-node/testUtils';

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminCustom = lazy(() => admin().makeApiClient(k8s.CustomObjectsApi));

/** git with a test identity, in `cwd`; returns its output. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=it', '-c', 'user.email=it@example.org', ...args], { cwd, stdio: 'pipe' }).toString();

/**
 * The live driver's dependencies on the peers: cluster `peers` (the suite's ServiceAccount, or
 * what `wrap` makes of it) and the chart source `peer-helm`, the peer's Helm repository of the
 * vendored charts, as the platform team would configure them.
 */
export function argocdPeerDeps(wrap: (c: ClusterAccess) => ClusterAccess = c => c) {
  const helmRepo = `${peerEnv('BSO_ARGOCD_HELM_REPO_URL').replace(/\/+$/, '')}/`;
  const client = lazy(() => wrap(new ClusterClient('peers', suiteKubeConfig())));
  return {
    cluster: (n: string) => {
      if (n !== 'peers') throw new Error(`No Kubernetes cluster "${n}"`);
      return client();
    },
    chartSources: {
      names: () => ['peer-helm'],
      resolve: (n: string, field: string) => {
        if (n !== 'peer-helm') throw new Error(`${field}: no chart source ${n}`);
        return { name: 'peer-helm', url: helmRepo };
      },
    },
  };
}

/**
 * Binds every Pending PersistentVolumeClaim of the namespace to a new hostPath PersistentVolume
 * of its class (the peer cluster has no provisioner), every second until stopped.
 */
export function volumeBinder(namespace: string) {
  let stopped = false;
  const made: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      const claims = await adminCore().listNamespacedPersistentVolumeClaim({ namespace }).catch(() => ({ items: [] as k8s.V1PersistentVolumeClaim[] }));
      for (const c of claims.items) {
        if (c.status?.phase !== 'Pending' || c.spec?.volumeName) continue;
        const name = `${namespace}-${c.metadata!.name}`.slice(0, 253);
        if (made.includes(name)) continue;
        made.push(name);
        await adminCore()
          .createPersistentVolume({
            body: {
              metadata: { name },
              spec: {
                capacity: { storage: c.spec?.resources?.requests?.storage ?? '1Gi' },
                accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'],
                storageClassName: c.spec?.storageClassName ?? '',
                hostPath: { path: `/tmp/${name}` },
                claimRef: { namespace, name: c.metadata!.name },
              },
            },
          })
          .catch(() => undefined);
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  })();
  return {
    made,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Plays the platform's ingress controller: gives every Ingress of the namespace a load balancer
 * address (Argo CD judges an Ingress Healthy once it has one), every second until stopped.
 */
export function ingressController(namespace: string) {
  let stopped = false;
  const net = admin().makeApiClient(k8s.NetworkingV1Api);
  const loop = (async () => {
    while (!stopped) {
      const list = await net.listNamespacedIngress({ namespace }).catch(() => ({ items: [] as k8s.V1Ingress[] }));
      for (const i of list.items) {
        if (i.status?.loadBalancer?.ingress?.length) continue;
        await net
          .replaceNamespacedIngressStatus({
            name: i.metadata!.name!,
            namespace,
            body: { ...i, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
          })
          .catch(() => undefined);
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}


/** The charts of an Argo CD test cloud (components: keystone), in their sync waves. */
export const ARGOCD_CHARTS = ['mariadb', 'rabbitmq', 'memcached', 'keystone'];

/**
 * A test cloud delivered by the Argo CD peer: its spec (release 2025.1, keystone, one replica
 * each, on kwok's nodes, charts from the peer's Helm repository, its own bare repository on the
 * peer's Git server), and what it needs around it: `setUp` makes the bare repository, onboards
 * the namespace and starts the volume binder and the ingress controller; `tearDown` removes all
 * of it and the cloud's Applications.
 */
export function argocdTestCloud(name: string) {
  const argocdNamespace = peerEnv('BSO_ARGOCD_NAMESPACE');
  const bare = path.join(peerEnv('BSO_ARGOCD_GIT_ROOT'), `${name}.git`);
  let binder: ReturnType<typeof volumeBinder> | undefined;
  let ingresses: ReturnType<typeof ingressController> | undefined;
  return {
    bare,
    argocdNamespace,
    apps: [`${name}-apps`, ...ARGOCD_CHARTS.map(c => `${name}-${c}`)],
    spec: {
      name,
      release: '2025.1',
      components: ['keystone'],
      publicDomain: `${name}.cloud.example.org`,
      apiReplicas: 1,
      infrastructure: { mariadbReplicas: 1, rabbitmqReplicas: 1, memcachedReplicas: 1, ovnDbReplicas: 1 },
      // kwok's fake nodes
      nodeSelector: { key: 'type', value: 'kwok' },
      chartSource: { name: 'peer-helm' },
      delivery: {
        mode: 'argocd',
        namespace: name,
        repositoryPath: 'clusters',
        repoUrl: `${peerEnv('BSO_ARGOCD_GIT_URL')}/${name}.git`,
        revision: 'main',
        argocdNamespace,
      },
    },
    async setUp() {
      git(os.tmpdir(), 'init', '-q', '--bare', '-b', 'main', bare);
      await onboardCloudNamespace(name, name);
      binder = volumeBinder(name);
      ingresses = ingressController(name);
    },
    async tearDown() {
      await binder?.stop();
      await ingresses?.stop();
      for (const app of this.apps)
        await adminCustom()
          .deleteNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: argocdNamespace, plural: 'applications', name: app })
          .catch(() => undefined);
      await adminCore().deleteNamespace({ name }).catch(() => undefined);
      for (const pv of binder?.made ?? []) await adminCore().deletePersistentVolume({ name: pv }).catch(() => undefined);
      fs.rmSync(bare, { recursive: true, force: true });
    },
  };
}
