import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { ComputeHostStatus, HostFilter, HostSortField } from '@backstage-openstack/plugin-openstack-common';
import { useState } from 'react';
import { openstackApiRef } from '../../api';
import { UsageBar } from '../common/UsageBar';
import { ovnAgentLabel } from '../common/format';

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
  const [filter, setFilter] = useState<HostFilter>('all');
  const columns: TableColumn<ComputeHostStatus>[] = [
    { title: 'Host', field: 'host', render: h => (h.entityRef ? <EntityRefLink entityRef={h.entityRef}>{h.host}</EntityRefLink> : h.host) },
    { title: 'Zone / aggregates', field: 'zone', render: h => [h.zone, ...h.aggregates].filter(Boolean).join(' · ') },
    { title: 'State', field: 'state', render: h => <span style={{ color: h.state === 'down' ? '#d32f2f' : undefined }}>{h.state}</span> },
    { title: 'Status', field: 'status', render: h => (h.status === 'disabled' ? `disabled${h.disabledReason ? `: ${h.disabledReason}` : ''}` : 'enabled') },
    { title: 'vCPU', field: 'vcpu', render: h => <UsageBar usage={h.vcpu} unit="vcpu" /> },
    { title: 'RAM', field: 'memoryMb', render: h => <UsageBar usage={h.memoryMb} unit="mb" /> },
    { title: 'VMs', field: 'runningVms', type: 'numeric' },
    { title: 'OVN agent', sorting: false, render: h => ovnAgentLabel(h.ovnAgentAlive) },
    {
      title: 'nova-compute',
      field: 'release',
      render: h => (h.blocksUpgrade ? <Chip size="small" color="secondary" label={`${h.release} (blocks upgrade)`} /> : h.release ?? '—'),
    },
    { title: 'Last heartbeat', sorting: false, render: h => (h.lastHeartbeat ? new Date(h.lastHeartbeat).toLocaleTimeString() : '—') },
  ];
  return (
    <Box>
      <Box mb={1} display="flex" style={{ gap: 8 }}>
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
      </Box>
      <Table<ComputeHostStatus>
        key={`${filter}-${refreshKey}`}
        title="Compute hosts"
        options={{ pageSize: 25, pageSizeOptions: [25, 50, 100], search: true, padding: 'dense', debounceInterval: 300 }}
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
    </Box>
  );
};
