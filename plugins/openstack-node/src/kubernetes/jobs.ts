import { NotFoundError } from '@backstage/errors';
import { V1CronJob, V1Job } from '@kubernetes/client-node';
import { ClusterClient, FIELD_MANAGER } from './apply';
import { kubeStatusOf } from './kubeErrors';

/**
 * A Job made from a CronJob's template, as `kubectl create job <name> --from=cronjob/<cronjob>`
 * makes it: the template's labels, annotations and spec, annotation
 * `cronjob.kubernetes.io/instantiate: manual`, owned by the CronJob (so the CronJob's history
 * limits and its deletion clean it up). Pure.
 *
 * @public
 */
export function jobFromCronJob(
  cronJob: V1CronJob,
  name: string,
  labels: Record<string, string> = {},
): V1Job {
  const template = cronJob.spec?.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cronJob.metadata?.namespace,
      labels: { ...template?.metadata?.labels, ...labels },
      annotations: {
        ...template?.metadata?.annotations,
        'cronjob.kubernetes.io/instantiate': 'manual',
      },
      ownerReferences: cronJob.metadata?.uid
        ? [
            {
              apiVersion: 'batch/v1',
              kind: 'CronJob',
              name: cronJob.metadata.name!,
              uid: cronJob.metadata.uid,
              controller: true,
            },
          ]
        : undefined,
    },
    spec: JSON.parse(JSON.stringify(template?.spec ?? {})),
  };
}

/**
 * Runs a Job from a CronJob once: creates `name` from the CronJob's template, or, when a Job of
 * that name exists (a resumed task), returns it. The name is the caller's idempotency key.
 * Needs `get cronjobs` and `create`/`get jobs` in the namespace (deploy/rbac: the
 * backstage-openstack-jobs RoleBinding).
 *
 * @public
 */
export async function runJobFromCronJob(
  client: ClusterClient,
  opts: {
    namespace: string;
    cronJob: string;
    name: string;
    labels?: Record<string, string>;
  },
): Promise<{ created: boolean; job: V1Job }> {
  const existing = await client.readJob(opts.namespace, opts.name);
  if (existing) return { created: false, job: existing };
  const cronJob = await readCronJob(client, opts.namespace, opts.cronJob);
  if (!cronJob) {
    throw new NotFoundError(
      `Kubernetes cluster "${client.name}" (${client.url}): no CronJob ${opts.namespace}/${opts.cronJob}; it comes with openstack-helm's nova chart (manifests.cron_job_cell_setup) — check the chart is installed in ${opts.namespace}, or configure the CronJob's name`,
    );
  }
  try {
    // a Job of this name that exists is the one this call made: repeating the create is harmless
    const job = await client.batch.createNamespacedJob(
      {
        namespace: opts.namespace,
        body: jobFromCronJob(cronJob, opts.name, opts.labels),
        fieldManager: FIELD_MANAGER,
      },
      client.conflictSafe,
    );
    return { created: true, job };
  } catch (e) {
    if (kubeStatusOf(e) === 409) {
      const job = await client.readJob(opts.namespace, opts.name);
      if (job) return { created: false, job };
    }
    throw client.fail(
      `create job ${opts.namespace}/${opts.name} from cronjob ${opts.cronJob}`,
      e,
    );
  }
}

/** A CronJob, or undefined when it does not exist. @public */
export async function readCronJob(
  client: ClusterClient,
  namespace: string,
  name: string,
): Promise<V1CronJob | undefined> {
  try {
    return await client.batch.readNamespacedCronJob({ name, namespace });
  } catch (e) {
    if (kubeStatusOf(e) === 404) return undefined;
    throw client.fail(`GET cronjob ${namespace}/${name}`, e);
  }
}
