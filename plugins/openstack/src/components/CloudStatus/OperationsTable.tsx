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
}

/**
 * Tasks and approval requests of a cloud in one list, newest task first; each request follows the
 * task it belongs to (the same task id), a request whose task is not listed stands by its own date.
 */
export function historyRows(ops: OperationRecord[], approvals: ApprovalRequest[]): HistoryRow[] {
  const tasks: HistoryRow[] = ops.map(o => ({
    key: `op-${o.id}`,
    startedAt: o.startedAt,
    kind: o.kind,
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
  }));
  const taskStart = new Map(tasks.filter(t => t.taskId).map(t => [t.taskId!, t.startedAt]));
  // sort key: the task's start (a request joins its task), then the task before its requests
  const sortKey = (r: HistoryRow) => [(r.taskId && taskStart.get(r.taskId)) || r.startedAt, r.key.startsWith('op-') ? 1 : 0, r.startedAt] as const;
  return [...tasks, ...requests].sort((x, y) => {
    const [a1, a2, a3] = sortKey(x);
    const [b1, b2, b3] = sortKey(y);
    return b1.localeCompare(a1) || b2 - a2 || a3.localeCompare(b3);
  });
}

const Links = ({ row }: { row: HistoryRow }) => (
  <>
    {row.taskId && <Link to={`/create/tasks/${row.taskId}`}>task</Link>}
    {row.taskId && row.approvalId && ' · '}
    {row.approvalId && <Link to={`/openstack/approvals/${row.approvalId}`}>approval</Link>}
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
