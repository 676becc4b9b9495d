import { Link, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ApprovalRequest, OperationRecord } from '@backstage-openstack/plugin-openstack-common';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';

/** A row of the history: a task, or an approval request shown right after the task that made it. */
export interface HistoryRow {
  key: string;
  startedAt: string;
  kind: string;
  title: string;
  state: string;
  requestedBy?: string;
  decidedBy?: string;
  comment?: string;
  digest?: string;
  taskId?: string;
  approvalId?: string;
  /** A request's run: the task the backend started on approval. */
  runTaskId?: string;
}

/**
 * Tasks and approval requests of a cloud in one list, newest first. A request stands right after
 * the task that filed it (the request phase of a template), and the run it started on approval
 * (the run task, whose `approvalId` names it) right after the request; a request whose task is
 * not listed stands by its own date.
 */
export function historyRows(ops: OperationRecord[], approvals: ApprovalRequest[]): HistoryRow[] {
  const requestTasks = new Set(approvals.map(a => a.taskId));
  // the request phase only filed the request; the run is another task
  const phase = (o: OperationRecord) => {
    if (o.taskId && requestTasks.has(o.taskId)) return `${o.kind} (request)`;
    return o.approvalId ? `${o.kind} (approved run)` : o.kind;
  };
  const tasks: HistoryRow[] = ops.map(o => ({
    key: `op-${o.id}`,
    startedAt: o.startedAt,
    kind: phase(o),
    title: o.title,
    state: o.state,
    requestedBy: o.actor,
    taskId: o.taskId,
    approvalId: o.approvalId,
  }));
  const requests: HistoryRow[] = approvals.map(a => ({
    key: `approval-${a.id}`,
    startedAt: a.createdAt,
    kind: `approval${a.operation ? ` (${a.operation})` : ''}`,
    title: a.title,
    state: a.state,
    requestedBy: a.requester,
    decidedBy: a.decidedBy,
    comment: a.comment,
    digest: a.digest,
    taskId: a.taskId,
    approvalId: a.id,
    runTaskId: a.runTaskId,
  }));
  const taskStart = new Map(tasks.filter(t => t.taskId).map(t => [t.taskId!, t.startedAt]));
  const requestOf = new Map(approvals.map(a => [a.id, a]));
  // sort key: the start of the group (the request's task, else the request, else the task
  // itself), then the request task, its request, the run it started
  const sortKey = (r: HistoryRow): [string, number, string] => {
    if (r.key.startsWith('approval-')) return [(r.taskId && taskStart.get(r.taskId)) || r.startedAt, 1, r.startedAt];
    const request = r.approvalId ? requestOf.get(r.approvalId) : undefined;
    if (request) return [taskStart.get(request.taskId) || request.createdAt, 2, r.startedAt];
    return [r.startedAt, 0, r.startedAt];
  };
  return [...tasks, ...requests].sort((x, y) => {
    const [a1, a2, a3] = sortKey(x);
    const [b1, b2, b3] = sortKey(y);
    return b1.localeCompare(a1) || a2 - b2 || a3.localeCompare(b3);
  });
}

const Links = ({ row }: { row: HistoryRow }) => (
  <>
    {row.taskId && <Link to={`/create/tasks/${row.taskId}`}>task</Link>}
    {row.taskId && row.approvalId && ' · '}
    {row.approvalId && <Link to={`/openstack/approvals/${row.approvalId}`}>approval</Link>}
    {row.runTaskId && ' · '}
    {row.runTaskId && <Link to={`/create/tasks/${row.runTaskId}`}>run</Link>}
    {!row.taskId && !row.approvalId && '—'}
  </>
);

/** Create/upgrade/enroll tasks and the approval requests next to them, newest first, linking to each. */
export const OperationsTable = ({ cloudRef }: { cloudRef: string }) => {
  const api = useApi(openstackApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [ops, approvals] = await Promise.all([
      api.getOperations(cloudRef),
      // a caller who may not read approvals still sees the tasks
      api.listApprovals({ cloud: cloudRef }).catch(() => [] as ApprovalRequest[]),
    ]);
    return historyRows(ops, approvals);
  }, [cloudRef]);
  if (error) return <ErrorState error={error} cloudRef={cloudRef} />;
  return (
    <Table<HistoryRow>
      title="Operations"
      isLoading={loading}
      options={{ paging: true, pageSize: 10, search: false, padding: 'dense' }}
      data={value ?? []}
      emptyContent={<div style={{ padding: 16 }}>No create, upgrade or enroll task has run on this cloud yet. Start one from Create.</div>}
      columns={[
        { title: 'Started', render: o => new Date(o.startedAt).toLocaleString() },
        { title: 'Operation', field: 'kind' },
        { title: 'What', field: 'title' },
        { title: 'State', field: 'state' },
        { title: 'Requested by', field: 'requestedBy' },
        { title: 'Decided by', field: 'decidedBy' },
        { title: 'Comment', field: 'comment' },
        { title: 'Plan digest', render: o => (o.digest ? <code title={o.digest}>{o.digest.slice(7, 19)}</code> : '') },
        { title: 'Links', render: o => <Links row={o} /> },
      ]}
    />
  );
};
