// Puts the objects the integration tests need into the fresh control plane (admin kubeconfig):
// the Flux and Argo CD CRDs (real upstream files vendored in third_party/crds, read from every
// YAML file below $BSO_CRDS_DIR; each one listed in REQUIRED_CRDS must be there), the production RBAC
// manifest and the peers' cloud namespaces onboarded with deploy/rbac/cloud-namespace.yaml,
// kwok's fake nodes, and a long-lived token of the backstage-openstack ServiceAccount.
// Idempotent (server-side apply; the token is kept while it still works).
import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';

const env = name => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const kc = new k8s.KubeConfig();
kc.loadFromFile(env('KUBECONFIG'));
const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
const core = kc.makeApiClient(k8s.CoreV1Api);
const FIELD_MANAGER = 'bso-peers';
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function apply(obj, fieldManager = FIELD_MANAGER) {
  await objects.patch(
    obj,
    undefined,
    undefined,
    fieldManager,
    true,
    k8s.PatchStrategy.ServerSideApply,
  );
}

async function until(what, seconds, fn) {
  const end = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < end) {
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await sleep(500);
  }
  throw new Error(
    `timeout after ${seconds}s waiting for ${what}${
      last ? `: ${last.message}` : ''
    }`,
  );
}

// loadAllYaml gives typed models for built-in kinds: client-node serializes objects by their model,
// so a plain parse would lose keys such as x-kubernetes-preserve-unknown-fields on the way out
const docs = file =>
  k8s.loadAllYaml(fs.readFileSync(file, 'utf8')).filter(Boolean);

// 1. CRDs
const REQUIRED_CRDS = [
  'helmreleases.helm.toolkit.fluxcd.io',
  'gitrepositories.source.toolkit.fluxcd.io',
  'helmrepositories.source.toolkit.fluxcd.io',
  'ocirepositories.source.toolkit.fluxcd.io',
  'applications.argoproj.io',
  'applicationsets.argoproj.io',
  'appprojects.argoproj.io',
];
const crdDir = env('BSO_CRDS_DIR');
if (!fs.existsSync(crdDir))
  throw new Error(
    `CRD directory ${crdDir} is missing (the vendored CRDs, see third_party/README.md)`,
  );
const crds = fs
  .readdirSync(crdDir, { recursive: true })
  .filter(f => /\.ya?ml$/.test(f))
  .sort()
  .flatMap(f => docs(path.join(crdDir, f)))
  .filter(o => o.kind === 'CustomResourceDefinition');
const missingCrds = REQUIRED_CRDS.filter(
  name => !crds.some(c => c.metadata.name === name),
);
if (missingCrds.length)
  throw new Error(
    `CRDs missing below ${crdDir}: ${missingCrds.join(
      ', ',
    )} (the vendored CRDs, see third_party/README.md)`,
  );
for (const crd of crds) await apply(crd);
const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
for (const crd of crds) {
  await until(`CRD ${crd.metadata.name} established`, 60, async () => {
    const got = await ext.readCustomResourceDefinition({
      name: crd.metadata.name,
    });
    return got.status?.conditions?.some(
      c => c.type === 'Established' && c.status === 'True',
    );
  });
}

// 2. the production RBAC manifest (namespaces first)
const rbac = docs(env('BSO_RBAC_MANIFEST'));
for (const obj of [...rbac].sort(
  (a, b) =>
    (a.kind === 'Namespace' ? -1 : 0) - (b.kind === 'Namespace' ? -1 : 0),
)) {
  await apply(obj);
}

// 2b. the peers' cloud namespaces, onboarded as the platform team onboards one
// (deploy/rbac/cloud-namespace.yaml: the namespace labelled with its cloud, the suite's Secrets in
// it); BSO_CLOUD_NAMESPACES lists namespace=cloud pairs. Tests that make their own namespaces
// onboard them the same way (onboardCloudNamespace in openstack-node's testUtils).
const template = fs.readFileSync(env('BSO_CLOUD_NAMESPACE_RBAC'), 'utf8');
const cloudNamespaces = (
  process.env.BSO_CLOUD_NAMESPACES ?? 'openstack=openstack'
)
  .split(/[\s,]+/)
  .filter(Boolean)
  .map(pair => pair.split('='));
for (const [namespace, cloud] of cloudNamespaces) {
  const text = template
    .replaceAll('${NAMESPACE}', namespace)
    .replaceAll('${CLOUD}', cloud ?? namespace);
  // its own field manager: re-applying the RBAC manifest (which declares the openstack
  // namespace) never takes the cloud label away
  for (const obj of k8s.loadAllYaml(text).filter(Boolean)) {
    await apply(obj, 'bso-platform-team');
  }
}

// 3. kwok fake nodes (kwok manages nodes with this annotation)
const n = Number(process.env.BSO_KWOK_NODES ?? 3);
const names = Array.from({ length: n }, (_, i) => `kwok-node-${i}`);
for (const name of names) {
  await apply({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        'kwok.x-k8s.io/node': 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        type: 'kwok',
      },
    },
  });
}
await until(`${n} kwok nodes Ready`, 120, async () => {
  const list = await core.listNode({ labelSelector: 'type=kwok' });
  return (
    list.items.filter(node =>
      node.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ),
    ).length >= n
  );
});

// 4. token of the minimal ServiceAccount (TokenRequest, one year)
const tokenFile = env('BSO_TOKEN_FILE');
const sa = rbac.find(o => o.kind === 'ServiceAccount');
// (fetch trusts the cluster CA through NODE_EXTRA_CA_CERTS, set by up.sh; if not, a new token is issued)
async function tokenWorks(token) {
  const res = await fetch(
    `${kc.getCurrentCluster().server}/api/v1/namespaces/${
      sa.metadata.namespace
    }`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  ).catch(() => undefined);
  return res?.status === 200;
}
let keep = false;
if (fs.existsSync(tokenFile))
  keep = await tokenWorks(fs.readFileSync(tokenFile, 'utf8').trim());
if (!keep) {
  const tr = await core.createNamespacedServiceAccountToken({
    name: sa.metadata.name,
    namespace: sa.metadata.namespace,
    body: { spec: { expirationSeconds: 365 * 24 * 3600 } },
  });
  fs.writeFileSync(tokenFile, tr.status.token, { mode: 0o600 });
}
console.log(
  `k8s bootstrap: ${crds.length} CRDs, RBAC applied, ${
    cloudNamespaces.length
  } cloud namespace(s) onboarded, ${n} kwok nodes Ready, token ${
    keep ? 'kept' : 'issued'
  }`,
);
