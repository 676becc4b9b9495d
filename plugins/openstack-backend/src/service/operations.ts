import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ANNOTATION_OPENSTACK_CLOUD, OperationRecord } from '@backstage-openstack/plugin-openstack-common';
import { RouterOptions } from './router';

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

/** The cloud a task's parameters name: `cloud` (entity ref or key) or, for a new cloud, `name`. */
function cloudOf(params: Record<string, unknown>): string | undefined {
  const c = params.cloud ?? params.name;
  if (typeof c !== 'string') return undefined;
  return c.includes('/') ? c.split('/').pop() : c;
}

/**
 * The history of create/upgrade/enroll operations on a cloud, read from the scaffolder's own
 * task list on behalf of the caller (so they see exactly the tasks they may see).
 */
export async function listOperations(
  options: Pick<RouterOptions, 'auth' | 'discovery' | 'logger' | 'catalog'>,
  credentials: BackstageCredentials,
  cloud: string,
): Promise<OperationRecord[]> {
  // Tasks name the cloud by its entity (upgrade, enroll) or by its key (create).
  const { items } = await options.catalog.getEntities(
    { filter: { kind: 'Resource', [`metadata.annotations.${ANNOTATION_OPENSTACK_CLOUD}`]: cloud } },
    { credentials },
  );
  const names = new Set([cloud, ...items.map(e => e.metadata.name)]);
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
    .filter(t => {
      const c = cloudOf(t.spec.parameters ?? {});
      return c !== undefined && names.has(c);
    })
    .map(t => ({
      id: t.id,
      cloud,
      kind: TEMPLATE_KINDS[t.spec.templateInfo!.entityRef!],
      title: `${TEMPLATE_KINDS[t.spec.templateInfo!.entityRef!]} ${String(t.spec.parameters?.targetRelease ?? t.spec.parameters?.host ?? t.spec.parameters?.release ?? '')}`.trim(),
      state: STATE[t.status],
      actor: t.createdBy,
      taskId: t.id,
      host: typeof t.spec.parameters?.host === 'string' ? t.spec.parameters.host : undefined,
      startedAt: t.createdAt,
      finishedAt: STATE[t.status] === 'running' ? undefined : t.lastHeartbeatAt,
    }));
}
