// A cloud's Kubernetes tab on the real peers' cluster: a namespace with openstack-helm-labelled
// workloads whose pods kwok runs, and a workload of another application beside them; a cloud
// entity annotated like examples/demo-cloud.yaml (the annotations of cloudKubernetesAnnotations)
// for that namespace; the tab lists the cloud's pods and not the other one. The portal reads the
// cluster with the suite's minimal-RBAC token (e2e/run.mjs gives it the peers' cluster).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  launchBrowser,
  newPage,
  PORTAL_URL,
  screenshot,
  signInAsGuest,
} from './browser.mjs';
import { PEERS_CLUSTER, readPeersEnv } from './peers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BACKEND_URL = process.env.BSO_BACKEND_URL ?? 'http://localhost:7007';
const namespace = `bso-e2e-k8s-${randomBytes(3).toString('hex')}`;
const cloudName = namespace;

/** The selector a cloud carries, as the demo cloud of examples/ carries it. */
function exampleSelector() {
  const demo = parse(
    readFileSync(join(root, 'examples', 'demo-cloud.yaml'), 'utf8'),
  );
  const selector =
    demo.metadata.annotations['backstage.io/kubernetes-label-selector'];
  assert.ok(
    selector,
    'examples/demo-cloud.yaml has no backstage.io/kubernetes-label-selector',
  );
  return selector;
}

/** A workload with openstack-helm's labels (helm-toolkit's kubernetes_metadata_labels) or others. */
function workload(name, labels, replicas) {
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      serviceName: name, // StatefulSets only; Deployments ignore it
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'quay.io/airshipit/keystone:2025.1-ubuntu_noble',
            },
          ],
        },
      },
    },
  };
}
const helm = (application, component) => ({
  release_group: application,
  application,
  component,
});

/** The cloud's workloads (kind, name, labels, replicas), as the charts name and label them. */
const CLOUD_WORKLOADS = [
  ['Deployment', 'keystone-api', helm('keystone', 'api'), 2],
  ['Deployment', 'nova-conductor', helm('nova', 'conductor'), 1],
  ['StatefulSet', 'mariadb-server', helm('mariadb', 'server'), 1],
];
/** Another application in the same namespace: not the cloud's. */
const OTHER_WORKLOAD = ['Deployment', 'grafana', helm('grafana', 'server'), 1];

async function until(what, probe, ms = 120_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last.message}` : ''}`,
      );
    await new Promise(r => setTimeout(r, 1000));
  }
}

/** A user's token: the guest sign-in, as the frontend gets it. */
async function guestToken() {
  const res = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (res.status !== 200)
    throw new Error(`guest sign-in: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
}

let core;
let apps;
let browser;
let page;
let token;
let registered = false;
let cloudPods; // names of the pods the tab must list
let otherPods; // names of the pods it must not

before(async () => {
  const peers = readPeersEnv();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(peers.KUBECONFIG); // cluster admin: setup and cleanup only
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);

  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await Promise.all(
    [...CLOUD_WORKLOADS, OTHER_WORKLOAD].map(
      ([kind, name, labels, replicas]) => {
        const body = workload(name, labels, replicas);
        return kind === 'StatefulSet'
          ? apps.createNamespacedStatefulSet({ namespace, body })
          : apps.createNamespacedDeployment({ namespace, body });
      },
    ),
  );
  const total = [...CLOUD_WORKLOADS, OTHER_WORKLOAD].reduce(
    (n, w) => n + w[3],
    0,
  );
  const pods = await until(`${total} pods Running on kwok nodes`, async () => {
    const list = await core.listNamespacedPod({ namespace });
    const running = list.items.filter(p => p.status?.phase === 'Running');
    return running.length === total ? running : undefined;
  });
  const isCloud = p =>
    p.metadata.labels.application !== OTHER_WORKLOAD[2].application;
  cloudPods = pods
    .filter(isCloud)
    .map(p => p.metadata.name)
    .sort();
  otherPods = pods.filter(p => !isCloud(p)).map(p => p.metadata.name);
  assert.equal(cloudPods.length, total - OTHER_WORKLOAD[3]);

  // the cloud's entity, registered as the suite's actions register one: through the suite's
  // entity route as a user (permission openstack.cloud.create), served to the catalog by the
  // suite's entity provider (catalog-backend-module-openstack)
  token = await guestToken();
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: cloudName,
      title: 'Kubernetes tab test cloud',
      annotations: {
        'openstack.backstage.io/cloud': cloudName,
        'openstack.backstage.io/cluster': PEERS_CLUSTER,
        'openstack.backstage.io/namespace': namespace,
        'backstage.io/kubernetes-cluster': PEERS_CLUSTER,
        'backstage.io/kubernetes-namespace': namespace,
        'backstage.io/kubernetes-label-selector': exampleSelector(),
      },
    },
    spec: {
      type: 'openstack-cloud',
      owner: 'group:default/platform-team',
      system: 'openstack',
      lifecycle: 'experimental',
      release: '2025.1',
    },
  };
  const res = await fetch(`${BACKEND_URL}/api/openstack/catalog/entities`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ entity }),
  });
  if (res.status !== 201)
    throw new Error(
      `registering resource:default/${cloudName}: ${res.status} ${await res.text()}`,
    );
  registered = true;
  await until(
    `entity resource:default/${cloudName} in the catalog`,
    async () => {
      const r = await fetch(
        `${BACKEND_URL}/api/catalog/entities/by-name/resource/default/${cloudName}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      return r.ok ? true : undefined;
    },
  );

  browser = await launchBrowser();
  page = await newPage(browser);
  await signInAsGuest(page);
});

after(async () => {
  await browser?.close();
  if (registered) {
    await fetch(
      `${BACKEND_URL}/api/openstack/catalog/entities/resource/default/${cloudName}`,
      { method: 'DELETE', headers: { authorization: `Bearer ${token}` } },
    ).catch(() => undefined);
  }
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
});

test("a cloud's Kubernetes tab lists its control plane's pods, from its namespace only", async t => {
  t.after(async () => {
    // what the page showed when an assertion failed
    if (page && !t.passed)
      await screenshot(page, 'kubernetes-tab-failed').catch(() => undefined);
  });
  await page.goto(`${PORTAL_URL}/catalog/default/resource/${cloudName}`);
  // the tab is on the cloud's entity page, next to Overview and OpenStack
  await page
    .getByRole('tab', { name: 'Kubernetes' })
    .or(page.getByRole('link', { name: 'Kubernetes', exact: true }))
    .first()
    .click();
  await page.waitForURL(/\/kubernetes$/);
  // one panel per cluster with objects: the peers' cluster, named as configured, with the
  // cloud's pods counted (the other application's pod is not selected)
  const cluster = page.getByText(PEERS_CLUSTER, { exact: true }).first();
  await cluster.waitFor();
  await page.getByText(`${cloudPods.length} pods`, { exact: true }).waitFor();
  await cluster.click();
  // the cloud's workloads, each folded; unfolded (its expand icon: the name opens a drawer) it
  // lists its pods
  for (const [, name] of CLOUD_WORKLOADS) {
    const summary = page
      .locator('[aria-expanded="false"]', { hasText: name })
      .first();
    await summary.locator('.MuiAccordionSummary-expandIcon').click();
  }
  for (const pod of cloudPods) {
    await page.getByText(pod, { exact: true }).first().waitFor();
  }
  assert.equal(
    await page.getByText(OTHER_WORKLOAD[1]).count(),
    0,
    'the other application is listed',
  );
  for (const pod of otherPods) {
    assert.equal(
      await page.getByText(pod).count(),
      0,
      `${pod} (not the cloud's) is listed`,
    );
  }
  await screenshot(page, 'kubernetes-tab');
});
