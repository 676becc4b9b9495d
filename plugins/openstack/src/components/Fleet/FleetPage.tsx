import { Content, Header, Link, Page, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { cloudEntityPath, FleetCloud, FleetView } from '@backstage-openstack/plugin-openstack-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { openstackApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';
import { Truncated } from '../common/Truncated';
import { VerdictChip } from '../common/VerdictChip';

const useStyles = makeStyles({
  // fixed layout: the columns share the width the page has, none pushes the table wider
  table: { tableLayout: 'fixed', width: '100%' },
  cell: { overflow: 'hidden', paddingLeft: 6, paddingRight: 6 },
});

/** The columns and their share of the width: every one visible from 1280 px on. */
const COLUMNS: Array<{ id: string; title: string; width: string }> = [
  { id: 'cloud', title: 'Cloud', width: '13%' },
  { id: 'release', title: 'Release', width: '6%' },
  { id: 'verdict', title: 'Verdict', width: '10%' },
  { id: 'hosts', title: 'Hosts up', width: '7%' },
  { id: 'vcpu', title: 'vCPU used', width: '9%' },
  { id: 'ram', title: 'RAM used', width: '9%' },
  { id: 'hops', title: 'Next hops', width: '8%' },
  { id: 'blockers', title: 'Blocks next upgrade', width: '14%' },
  { id: 'approvals', title: 'Approvals', width: '7%' },
  { id: 'operation', title: 'Running', width: '9%' },
  { id: 'read', title: 'Read at', width: '8%' },
];

const percent = (used: number, capacity: number) => (capacity > 0 ? `${Math.round((used / capacity) * 100)}%` : '—');

/** One cloud's line. */
const FleetRow = ({ c }: { c: FleetCloud }) => {
  const classes = useStyles();
  const cell = (id: string, text: string, content?: React.ReactNode) => (
    <TableCell className={classes.cell} data-column={id}>
      <Truncated text={text}>{content}</Truncated>
    </TableCell>
  );
  const blockers = [...c.blockers, ...(c.laggingHosts.length ? [`lagging hosts: ${c.laggingHosts.join(', ')}`] : [])];
  // nothing blocks the next hop, or there is no next hop to block
  const noBlocker = c.nextHops.length ? 'nothing' : '—';
  const name = c.title ?? c.cloudRef.replace(/^resource:/, '');
  const gib = (mb: number) => (mb / 1024).toFixed(0);
  return (
    <TableRow data-testid="fleet-row" data-cloud={c.cloudRef}>
      {cell('cloud', `${name}${c.demo ? ' (demo)' : ''}`, <Link to={`${cloudEntityPath(c.cloudRef)}/openstack`}>{name}{c.demo ? ' (demo)' : ''}</Link>)}
      {cell('release', c.release ?? '—')}
      {cell('verdict', c.partial.length ? `${c.verdict} (partial: ${c.partial.join('; ')})` : c.verdict, <VerdictChip verdict={c.verdict} reasons={c.partial.length ? c.partial : undefined} />)}
      {cell('hosts', `${c.hosts.up} / ${c.hosts.total}`)}
      {cell('vcpu', `${c.vcpu.used} / ${c.vcpu.capacity} (${percent(c.vcpu.used, c.vcpu.capacity)})`)}
      {cell('ram', `${gib(c.memoryMb.used)} / ${gib(c.memoryMb.capacity)} GiB (${percent(c.memoryMb.used, c.memoryMb.capacity)})`)}
      {cell('hops', c.nextHops.length ? c.nextHops.join(', ') : 'newest')}
      {cell('blockers', blockers.length ? blockers.join(' · ') : noBlocker)}
      {cell('approvals', c.pendingApprovals === undefined ? '—' : `${c.pendingApprovals} pending`, c.pendingApprovals ? <Link to="/openstack/approvals">{c.pendingApprovals} pending</Link> : undefined)}
      {cell(
        'operation',
        c.operation ? `${c.operation.kind} by ${c.operation.initiator} (task ${c.operation.taskId})` : 'none',
        c.operation ? <Link to={`/create/tasks/${c.operation.taskId}`}>{c.operation.kind} by {c.operation.initiator}</Link> : undefined,
      )}
      {cell('read', new Date(c.readAt).toLocaleTimeString())}
    </TableRow>
  );
};

/** The fleet table: one line per cloud, columns that fit the page. */
export const FleetTable = ({ fleet }: { fleet: FleetView }) => {
  const classes = useStyles();
  return (
    <Paper>
      <Table size="small" className={classes.table} data-testid="fleet-table" aria-label="OpenStack clouds">
        <colgroup>
          {COLUMNS.map(col => (
            <col key={col.id} style={{ width: col.width }} />
          ))}
        </colgroup>
        <TableHead>
          <TableRow>
            {COLUMNS.map(col => (
              <TableCell key={col.id} className={classes.cell}>
                <Truncated text={col.title} />
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {fleet.items.map(c => (
            <FleetRow key={c.cloudRef} c={c} />
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
};

/** Every cloud the user may read, demo and live, with what blocks its next upgrade: at /openstack. @public */
export const FleetPage = () => {
  const api = useApi(openstackApiRef);
  const [refresh, setRefresh] = useState(false);
  const { value, error, loading, retry } = useAsyncRetry(() => api.getFleet({ refresh }), [api, refresh]);
  return (
    <Page themeId="tool">
      <Header title="OpenStack fleet" subtitle="Every cloud you may read: release, health, capacity, and what blocks its next upgrade" />
      <Content>
        {error && !value && <ErrorState error={error} />}
        {loading && !value && <Progress />}
        {value && (
          <>
            <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
              <Typography variant="body2">
                {value.items.length} cloud(s){value.failed.length ? `, ${value.failed.length} could not be read` : ''} · read{' '}
                {new Date(value.readAt).toLocaleTimeString()}
              </Typography>
              <Button size="small" variant="outlined" onClick={() => (refresh ? retry() : setRefresh(true))}>
                Refresh
              </Button>
              <Link to="/openstack/approvals">Approvals</Link>
            </Box>
            {value.failed.map(f => (
              <Alert key={f.cloudRef} severity="warning" data-testid="fleet-failed" style={{ marginBottom: 8 }}>
                <strong>{f.title ?? f.cloudRef}</strong> could not be read: {f.error}
              </Alert>
            ))}
            <FleetTable fleet={value} />
          </>
        )}
      </Content>
    </Page>
  );
};
