/*
 * A hung Kubernetes API server: the peers' kube-apiserver process is stopped (SIGSTOP) for 15 s
 * while the live status is read with the suite's identities. The read answers within its time
 * limit (DEFAULT_KUBE_TIMEOUT_MS), partial: Kubernetes is the failed source, OpenStack is read;
 * the next read after SIGCONT is whole again. The peers are shared: the process is always
 * continued (a timer at 15 s, and the finally block), whatever the test does.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { DEFAULT_KUBE_TIMEOUT_MS } from '../kubernetes/http';
import { OpenStackClient } from '../openstack/client';
import { readLiveCloudView } from '../status/liveCloudView';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  peerEnv,
  peerOpenStackCloud,
  suiteClusterClient,
  uniqueName,
} from './peers';

const STOP_MS = 15_000;

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminApps = lazy(() => admin().makeApiClient(k8s.AppsV1Api));
const openstack = lazy(() => new OpenStackClient(peerOpenStackCloud()));
// the suite's production identity with the default time limit of every Kubernetes call
const cluster = lazy(suiteClusterClient);

/** The kube-apiserver's pid, from the peers' state dir (scripts/peers/k8s/up.sh: run/<process>.pid). */
function apiserverPid(): number {
  const file = path.join(
    path.dirname(peerEnv('KUBECONFIG')),
    'run',
    'kube-apiserver.pid',
  );
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) {
    throw new Error(`${file} holds no pid`);
  }
  // signal 0: the process exists and may be signalled
  process.kill(pid, 0);
  return pid;
}

describePeers('a hung kube-apiserver (SIGSTOP for 15 s)', () => {
  const namespace = uniqueName('bso-hung');
  const read = () =>
    readLiveCloudView({
      cloudKey: 'peers',
      openstack: openstack(),
      kubernetes: { cluster: cluster(), namespace },
    });
  const kubernetesErrors = (v: Awaited<ReturnType<typeof read>>) =>
    v.status.errors.filter(e => e.source.startsWith('kubernetes'));
  const keystoneWorkloads = (v: Awaited<ReturnType<typeof read>>) =>
    v.status.services.find(s => s.name === 'keystone')?.workloads ?? [];

  beforeAll(async () => {
    await adminCore().createNamespace({
      body: { metadata: { name: namespace } },
    });
    const labels = {
      application: 'keystone',
      component: 'api',
      release_group: 'keystone',
    };
    await adminApps().createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'keystone-api', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'api',
                  image: 'quay.io/airshipit/keystone:2025.1-ubuntu_noble',
                },
              ],
            },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await adminCore()
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await openstack().close();
  });

  it('answers partial within its time limit while the API server is stopped; the next read after SIGCONT is whole', async () => {
    // whole before: the workload is read from Kubernetes
    const before = await eventually(
      'the workload in a whole read',
      async () => {
        const v = await read();
        return kubernetesErrors(v).length === 0 && keystoneWorkloads(v).length
          ? v
          : undefined;
      },
    );
    expect(keystoneWorkloads(before)).toEqual([
      expect.objectContaining({ name: 'keystone-api' }),
    ]);

    const pid = apiserverPid();
    let continued = false;
    const cont = () => {
      if (!continued) process.kill(pid, 'SIGCONT');
      continued = true;
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      process.kill(pid, 'SIGSTOP');
      const back = new Promise<void>(resolve => {
        timer = setTimeout(() => {
          cont();
          resolve();
        }, STOP_MS);
      });

      const during = await read();
      // answered while the API server was still stopped (it is continued only after 15 s)
      expect(continued).toBe(false);
      expect(kubernetesErrors(during)).toEqual([
        expect.objectContaining({
          source: 'kubernetes',
          message: expect.stringMatching(
            new RegExp(
              `^Kubernetes cluster "peers" \\(https://127\\.0\\.0\\.1:\\d+\\): list \\w+ in namespace ${namespace} failed: GET https://127\\.0\\.0\\.1:\\d+/.*: no answer within ${DEFAULT_KUBE_TIMEOUT_MS} ms`,
            ),
          ),
        }),
      ]);
      // partial, not failed: the OpenStack sources were read
      expect(keystoneWorkloads(during)).toEqual([]);
      expect(during.hosts.length).toBeGreaterThan(0);
      expect(
        during.status.errors.filter(e => !e.source.startsWith('kubernetes')),
      ).toEqual([]);

      await back;
      expect(continued).toBe(true);
      // the next read starts afresh and is whole again
      const after = await read();
      expect(kubernetesErrors(after)).toEqual([]);
      expect(keystoneWorkloads(after)).toEqual([
        expect.objectContaining({ name: 'keystone-api' }),
      ]);
    } finally {
      clearTimeout(timer);
      cont();
    }
  }, 120_000);
});
