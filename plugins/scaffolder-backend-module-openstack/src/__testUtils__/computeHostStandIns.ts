/*
 * What runs outside the action when a compute host is enrolled, played by the integration test
 * on the peers (admin credentials: these are the controllers' and the provisioning's identities,
 * not the suite's):
 *
 * - CellSetupJobController: no container runs under kwok, so it plays the Kubernetes Job
 *   controller for the Jobs made from the nova-cell-setup CronJob: it runs the real
 *   `nova-manage cell_v2 discover_hosts` of the OpenStack peer (scripts/peers/openstack/
 *   discover-hosts.sh, as nova) and then marks the Job Complete through the status subresource.
 *   The CronJob's template sets `spec.managedBy`, so kube-controller-manager leaves those Jobs to it.
 * - HostProvisioning: waits for the host's bundle Secret, reads it as the host would, and starts
 *   a fake-driver nova-compute and agent for that host name (scripts/peers/openstack/add-compute.sh).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import * as k8s from '@kubernetes/client-node';

const run = promisify(execFile);
const SCRIPTS = resolvePackagePath(
  '@backstage-openstack/plugin-scaffolder-backend-module-openstack',
  '../../scripts/peers/openstack',
);

/** The value of spec.managedBy on the Jobs this stand-in completes. */
export const JOB_MANAGED_BY = 'backstage-openstack.test/job-controller-stand-in';

/** Runs a peer script; returns its stdout. */
export async function peerScript(name: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(`${SCRIPTS}/${name}`, args, { timeout: 120_000 });
  return stdout;
}

export class CellSetupJobController {
  private stopped = false;
  private loop?: Promise<void>;
  /** Jobs it ran discovery for, in order. */
  readonly completed: string[] = [];
  private readonly batch: k8s.BatchV1Api;

  constructor(kc: k8s.KubeConfig, private readonly namespace: string, private readonly cronJob = 'nova-cell-setup') {
    this.batch = kc.makeApiClient(k8s.BatchV1Api);
  }

  start(intervalMs = 500) {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.tick();
        await new Promise(r => setTimeout(r, intervalMs));
      }
    })();
    this.loop.catch(() => undefined); // reported by stop()
  }

  async stop() {
    this.stopped = true;
    await this.loop;
  }

  private async tick() {
    const jobs = await this.batch.listNamespacedJob({ namespace: this.namespace });
    for (const job of jobs.items) {
      const fromCronJob = job.metadata?.ownerReferences?.some(o => o.kind === 'CronJob' && o.name === this.cronJob);
      const done = job.status?.conditions?.some(c => ['Complete', 'Failed'].includes(c.type) && c.status === 'True');
      if (!fromCronJob || done || job.spec?.managedBy !== JOB_MANAGED_BY) continue;
      const startTime = new Date();
      // what the Job's container runs: a snapshot of the compute nodes, mapped into cell1
      await peerScript('discover-hosts.sh');
      const now = new Date();
      await this.batch.replaceNamespacedJobStatus({
        name: job.metadata!.name!,
        namespace: this.namespace,
        body: {
          ...job,
          status: {
            startTime,
            completionTime: now,
            succeeded: 1,
            active: 0,
            failed: 0,
            ready: 0,
            terminating: 0,
            uncountedTerminatedPods: {},
            conditions: [
              { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now },
              { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now },
            ],
          },
        },
      });
      this.completed.push(job.metadata!.name!);
    }
  }
}

/** The host's provisioning: pulls the bundle Secret, then starts nova-compute for the host. */
export class HostProvisioning {
  private stopped = false;
  private loop?: Promise<void>;
  /** The bundle as the host pulled it (file → content), once pulled. */
  bundle?: Record<string, string>;
  started = false;
  private readonly core: k8s.CoreV1Api;

  constructor(kc: k8s.KubeConfig, private readonly namespace: string, private readonly host: string) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  start(intervalMs = 500) {
    this.loop = (async () => {
      while (!this.stopped && !this.started) {
        try {
          const s = await this.core.readNamespacedSecret({ name: `compute-bundle-${this.host}`, namespace: this.namespace });
          this.bundle = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
          await peerScript('add-compute.sh', this.host);
          this.started = true;
        } catch (e) {
          if ((e as { code?: number }).code !== 404) throw e;
          await new Promise(r => setTimeout(r, intervalMs));
        }
      }
    })();
    this.loop.catch(() => undefined); // reported by stop()
  }

  async stop() {
    this.stopped = true;
    await this.loop;
  }
}
