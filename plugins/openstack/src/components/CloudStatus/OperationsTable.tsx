import { Link, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { OperationRecord } from '@backstage-openstack/plugin-openstack-common';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';

const OperationLink = ({ op }: { op: OperationRecord }) => {
  if (op.taskId) return <Link to={`/create/tasks/${op.taskId}`}>task</Link>;
  if (op.approvalId) return <Link to={`/openstack/approvals/${op.approvalId}`}>approval</Link>;
  return <>—</>;
};

/** Create/upgrade/enroll tasks and approvals on the cloud, newest first, linking to each task. */
export const OperationsTable = ({ cloudRef }: { cloudRef: string }) => {
  const api = useApi(openstackApiRef);
  const { value, loading, error } = useAsync(() => api.getOperations(cloudRef), [cloudRef]);
  if (error) return <ErrorState error={error} cloudRef={cloudRef} />;
  return (
    <Table<OperationRecord>
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
        { title: 'By', field: 'actor' },
        {
          title: 'Task',
          render: o => <OperationLink op={o} />,
        },
      ]}
    />
  );
};
