import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  Table,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import { Route, Routes, useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ApprovalRequest } from '@backstage-openstack/plugin-openstack-common';
import { openstackApiRef } from '../../api';
import { PlanView } from './PlanView';


const STATES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;

const StateChip = ({ state }: { state: ApprovalRequest['state'] }) => (
  <Chip size="small" label={state} color={state === 'pending' ? 'primary' : 'default'} data-state={state} />
);

/** Approval requests, filtered by state. */
export const ApprovalsList = ({ cloudRef, initialState = 'pending' }: { cloudRef?: string; initialState?: string }) => {
  const api = useApi(openstackApiRef);
  const [state, setState] = useState<string>(initialState);
  const { value, loading, error } = useAsyncRetry(() => api.listApprovals({ state: state === 'all' ? undefined : (state as ApprovalRequest['state']), cloud: cloudRef }), [state, cloudRef]);
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <>
      <Box mb={1} display="flex" style={{ gap: 8 }}>
        {['all', ...STATES].map(s => (
          <Chip key={s} label={s} clickable color={state === s ? 'primary' : 'default'} onClick={() => setState(s)} data-testid={`approval-filter-${s}`} />
        ))}
      </Box>
      <Table<ApprovalRequest>
        title="Approval requests"
        isLoading={loading}
        options={{ paging: true, pageSize: 20, search: true, padding: 'dense' }}
        data={value ?? []}
        emptyContent={<Box p={2}>No {state === 'all' ? '' : state} approval requests.</Box>}
        columns={[
          { title: 'Request', field: 'title', render: a => <Link to={`/openstack/approvals/${a.id}`}>{a.title}</Link> },
          { title: 'State', field: 'state', render: a => <StateChip state={a.state} /> },
          { title: 'Requester', field: 'requester' },
          { title: 'Approvers', field: 'approverGroup' },
          { title: 'Cloud', field: 'cloud' },
          { title: 'Requested', render: a => new Date(a.createdAt).toLocaleString() },
          { title: 'Decided by', field: 'decidedBy' },
        ]}
      />
    </>
  );
};

/** One request: its plan, its audit trail, and Approve / Reject for those allowed. */
/**
 * The run the approval started (the backend starts it on approval, as the approver's task), or
 * where starting it stands: a start the backend did not finish is finished by the approver's next
 * read of this page.
 */
function runCell(a: ApprovalRequest) {
  if (a.runTaskId) {
    return (
      <Link to={`/create/tasks/${a.runTaskId}`} data-testid="approval-run-link">
        {a.runTaskId}
      </Link>
    );
  }
  if (a.state !== 'approved') return a.runParameters ? 'starts once approved' : '—';
  if (a.runError) return `not started yet (${a.runError}); the approver's next visit of this page tries again`;
  return a.runState ? 'starting' : '—';
}

export const ApprovalView = ({ id }: { id: string }) => {
  const api = useApi(openstackApiRef);
  const alertApi = useApi(alertApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const { value, loading, error, retry } = useAsyncRetry(() => api.getApproval(id), [id]);
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return <EmptyState missing="data" title="No such request" />;
  const { approval: a, audit, canDecide, canCancel } = value;

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await fn();
      alertApi.post({ message: done, severity: 'success', display: 'transient' });
    } catch (e) {
      alertApi.post({ message: (e as Error).message, severity: 'error' });
    } finally {
      setBusy(false);
      retry();
    }
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title={a.title} subheader={<StateChip state={a.state} />}>
          <StructuredMetadataTable
            metadata={{
              summary: a.summary || '—',
              requester: a.requester,
              approvers: a.approverGroup,
              cloud: a.cloud ?? '—',
              'request task': <Link to={`/create/tasks/${a.taskId}`}>{a.taskId}</Link>,
              run: runCell(a),
              requested: new Date(a.createdAt).toLocaleString(),
              expires: new Date(a.expiresAt).toLocaleString(),
              decision: a.decidedBy ? `${a.state} by ${a.decidedBy}${a.comment ? `: ${a.comment}` : ''}` : '—',
              operation: a.operation ?? 'none (this request lets no action run)',
              digest: <code>{a.digest}</code>,
            }}
          />
          {canDecide && (
            <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
              <TextField id="approval-comment" label="Comment" value={comment} onChange={e => setComment(e.target.value)} size="small" variant="outlined" fullWidth />
              <Button variant="contained" color="primary" disabled={busy} onClick={() => act(() => api.decideApproval(a.id, 'approve', comment || undefined), 'Approved')}>
                Approve
              </Button>
              <Button variant="outlined" color="secondary" disabled={busy} onClick={() => act(() => api.decideApproval(a.id, 'reject', comment || undefined), 'Rejected')}>
                Reject
              </Button>
            </Box>
          )}
          {canCancel && (
            <Box mt={2}>
              <Button variant="outlined" disabled={busy} onClick={() => act(() => api.cancelApproval(a.id), 'Cancelled')}>
                Cancel my request
              </Button>
            </Box>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Plan" subheader="Exactly what will run: the action refuses any other plan">
          <PlanView plan={a.plan} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table
          title="Audit trail"
          options={{ paging: false, search: false, padding: 'dense' }}
          data={audit}
          columns={[
            { title: 'When', render: e => new Date(e.at).toLocaleString() },
            { title: 'Who', field: 'actor' },
            { title: 'Event', field: 'event' },
            { title: 'State', render: e => `${e.fromState ?? ''} → ${e.toState ?? ''}` },
            { title: 'Comment', field: 'comment' },
          ]}
        />
      </Grid>
    </Grid>
  );
};

/** The Approvals page: the list, or one request at /openstack/approvals/:id. */
const ApprovalRoute = () => {
  const { id } = useParams();
  return <ApprovalView id={id!} />;
};

/** The approvals page: requests waiting for a decision and the decided ones. @public */
export const ApprovalsPage = () => (
  <Page themeId="tool">
    <Header title="OpenStack approvals" subtitle="Risky changes wait here for a platform-team member other than the requester" />
    <Content>
      <Routes>
        <Route path="/" element={<ApprovalsList />} />
        <Route path="/:id" element={<ApprovalRoute />} />
      </Routes>
    </Content>
  </Page>
);

/** Pending requests of one cloud (by its cloud ref), for its entity page. @public */
export const PendingApprovalsCard = ({ cloudRef }: { cloudRef: string }) => <ApprovalsList cloudRef={cloudRef} initialState="pending" />;
