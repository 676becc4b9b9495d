import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { ComputeHostStatus, HostFilter, HostSortField } from '@backstage-openstack/plugin-openstack-common';
import { useState } from 'react';
import { openstackApiRef } from '../../api';
import { UsageBar } from '../common/UsageBar';
import { hostStatusLabel, ovnAgentLabel } from '../common/format';
import { Truncated } from '../common/Truncated';

/** A header's sort label never wider than its column: its title shrinks, cut with an ellipsis. */
const useStyles = makeStyles({
  // by attribute: class names carry a suffix in development builds (MuiTableSortLabel-root-12)
  fit: { '& th [class*="MuiTableSortLabel-root"]': { maxWidth: '100%' } },
});

/** A cell of the hosts table: one line, cut at the column's edge. */
const CELL = { overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', paddingLeft: 8, paddingRight: 8 } as const;

const SORTABLE: Record<string, HostSortField> = {
  host: 'host',
  zone: 'zone',
  state: 'state',
  status: 'status',
  vcpu: 'vcpu',
  memoryMb: 'memory',
  runningVms: 'vms',
  release: 'release',
};

const FILTERS: Array<{ id: HostFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'down', label: 'Down' },
  { id: 'disabled', label: 'Disabled' },
  { id: 'lagging', label: 'Lagging release' },
];

/**
 * Compute hosts, paged, sorted and filtered by the backend so 2,000 hosts stay fast. Each links
 * to its catalog entity (`entityRef` of the row: `hostEntityName`, as enroll names it).
 */
export const HostsTable = ({ cloudRef, refreshKey }: { cloudRef: string; refreshKey: number }) => {
  const api = useApi(openstackApiRef);
  const classes = useStyles();
  const [filter, setFilter] = useState<HostFilter>('all');
  // Fixed layout, a share of the width per column and one line per cell (cut with an ellipsis,
  // the whole text in a tooltip): every column stays visible from 1280 px on.
  const col = (width: string): Partial<TableColumn<ComputeHostStatus>> => ({ width, cellStyle: CELL, headerStyle: CELL });
  // a header's title is cut like a cell (its sort arrow keeps its place)
  const head = (t: string) => <Truncated text={t} />;
  const columns: TableColumn<ComputeHostStatus>[] = [
    {
      title: head('Host'),
      field: 'host',
      ...col('12%'),
      render: h => <Truncated text={h.host}>{h.entityRef ? <EntityRefLink entityRef={h.entityRef}>{h.host}</EntityRefLink> : h.host}</Truncated>,
    },
    { title: head('Zone'), field: 'zone', ...col('9%'), render: h => <Truncated text={[h.zone, ...h.aggregates].filter(Boolean).join(' · ')} /> },
    { title: head('State'), field: 'state', ...col('8%'), render: h => <span style={{ color: h.state === 'down' ? '#d32f2f' : undefined }}>{h.state}</span> },
    {
      title: head('Status'),
      field: 'status',
      ...col('11%'),
      render: h => <Truncated text={hostStatusLabel(h)} />,
    },
    { title: head('vCPU'), field: 'vcpu', ...col('11%'), render: h => <UsageBar usage={h.vcpu} unit="vcpu" minWidth={0} /> },
    { title: head('RAM'), field: 'memoryMb', ...col('11%'), render: h => <UsageBar usage={h.memoryMb} unit="mb" minWidth={0} /> },
    { title: head('VMs'), field: 'runningVms', type: 'numeric', ...col('6%') },
    { title: head('OVN'), sorting: false, ...col('6%'), render: h => ovnAgentLabel(h.ovnAgentAlive) },
    {
      title: head('nova-compute'),
      field: 'release',
      ...col('17%'),
      render: h =>
        h.blocksUpgrade ? (
          <Truncated text={`${h.release} (blocks upgrade)`}>
            <Chip size="small" color="secondary" label={`${h.release} (blocks upgrade)`} style={{ maxWidth: '100%' }} />
          </Truncated>
        ) : (
          h.release ?? '—'
        ),
    },
    { title: head('Heartbeat'), sorting: false, ...col('9%'), render: h => <Truncated text={h.lastHeartbeat ? new Date(h.lastHeartbeat).toLocaleTimeString() : '—'} /> },
  ];
  return (
    // plain divs, not MUI's Box (a style sheet attached per Box): the first rows paint sooner
    <div data-testid="hosts-table" className={classes.fit}>
      <div style={{ display: 'flex', gap: 8, marginBottom: 8 }}>
        {FILTERS.map(f => (
          <Chip
            key={f.id}
            label={f.label}
            clickable
            color={filter === f.id ? 'primary' : 'default'}
            onClick={() => setFilter(f.id)}
            data-testid={`host-filter-${f.id}`}
          />
        ))}
      </div>
      <Table<ComputeHostStatus>
        key={`${filter}-${refreshKey}`}
        title="Compute hosts"
        options={{ pageSize: 25, pageSizeOptions: [25, 50, 100], search: true, padding: 'dense', debounceInterval: 300, tableLayout: 'fixed' }}
        columns={columns}
        data={async query => {
          const field = query.orderBy?.field as string | undefined;
          const page = await api.getHosts(cloudRef, {
            filter,
            search: query.search || undefined,
            sort: field ? SORTABLE[field] : undefined,
            order: query.orderDirection === 'desc' ? 'desc' : 'asc',
            offset: query.page * query.pageSize,
            limit: query.pageSize,
          });
          return { data: page.items, page: query.page, totalCount: page.total };
        }}
      />
    </div>
  );
};
