import { AuthService, BackstageCredentials, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { OperationRecord, parseCloudRef, stringifyCloudRef } from '@backstage-openstack/plugin-openstack-common';

/** What reading the operations needs: the scaffolder's task list, on behalf of the caller. */
export interface OperationsDeps {
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
}

/** The suite's templates, by the operation kind each performs. */
const TEMPLATE_KINDS: Record<string, OperationRecord['kind']> = {
  'template:default/openstack-new-cloud': 'create',
  'template:default/openstack-upgrade-cloud': 'upgrade',
  'template:default/openstack-enroll-host': 'enroll',
};

interface ScaffolderTask {
  id: string;
  status: 'open' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  createdAt: string;
  lastHeartbeatAt?: string;
  createdBy?: string;
  spec: {
    templateInfo?: { entityRef?: string };
    parameters?: Record<string, unknown>;
  };
}

const STATE: Record<ScaffolderTask['status'], OperationRecord['state']> = {
  open: 'running',
  processing: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'failed',
  skipped: 'failed',
};

/**
 * The cloud ref a task's parameters name: `cloud` (the upgrade and enroll forms' entity picker)
 * or, for a new cloud, `name` (the entity the create template registers, in the default
 * namespace). Undefined when they name no cloud.
 */
export function cloudRefOfTask(params: Record<string, unknown>): string | undefined {
  const named = params.cloud ?? params.name;
  if (typeof named !== 'string') return undefined;
  try {
    return stringifyCloudRef(parseCloudRef(named));
  } catch {
    return undefined; // e.g. a task of another form: names no cloud
  }
}

/**
 * The history of create/upgrade/enroll operations on a cloud, read from the scaffolder's own
 * task list on behalf of the caller (so they see exactly the tasks they may see).
 */
export async function listOperations(
  options: OperationsDeps,
  credentials: BackstageCredentials,
  cloudRef: string,
): Promise<OperationRecord[]> {
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: credentials,
    targetPluginId: 'scaffolder',
  });
  const base = await options.discovery.getBaseUrl('scaffolder');
  const res = await fetch(`${base}/v2/tasks?limit=500&order=desc:created_at`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!res.ok) {
    options.logger.warn(`scaffolder task list answered ${res.status}`);
    return [];
  }
  const { tasks } = (await res.json()) as { tasks: ScaffolderTask[] };
  return tasks
    .filter(t => TEMPLATE_KINDS[t.spec.templateInfo?.entityRef ?? ''])
    .filter(t => cloudRefOfTask(t.spec.parameters ?? {}) === cloudRef)
    .map(t => ({
      id: t.id,
      cloudRef,
      kind: TEMPLATE_KINDS[t.spec.templateInfo!.entityRef!],
      title: `${TEMPLATE_KINDS[t.spec.templateInfo!.entityRef!]} ${String(t.spec.parameters?.targetRelease ?? t.spec.parameters?.host ?? t.spec.parameters?.release ?? '')}`.trim(),
      state: STATE[t.status],
      actor: t.createdBy,
      taskId: t.id,
      // a run the backend started on approval: the request it runs (the request's runTaskId names this task)
      approvalId: typeof t.spec.parameters?.approvalId === 'string' && t.spec.parameters.approvalId ? t.spec.parameters.approvalId : undefined,
      host: typeof t.spec.parameters?.host === 'string' ? t.spec.parameters.host : undefined,
      startedAt: t.createdAt,
      finishedAt: STATE[t.status] === 'running' ? undefined : t.lastHeartbeatAt,
    }));
}
