import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ControlPlaneServiceStatus } from '@backstage-openstack/plugin-openstack-common';
import { VerdictChip } from '../common/VerdictChip';

const sum = (s: ControlPlaneServiceStatus, f: (w: ControlPlaneServiceStatus['workloads'][number]) => number) =>
  s.workloads.reduce((a, w) => a + f(w), 0);

function upDown(s: ControlPlaneServiceStatus): string {
  const parts: string[] = [];
  const svcs = (s.services ?? []).filter(x => x.binary !== 'nova-compute');
  if (svcs.length) parts.push(`services ${svcs.filter(x => x.state === 'up').length}/${svcs.length} up`);
  if (s.agents?.length) parts.push(`agents ${s.agents.filter(a => a.alive).length}/${s.agents.length} alive`);
  return parts.join(', ') || '—';
}

function apiLabel(api: ControlPlaneServiceStatus['api']): string {
  if (!api) return '—';
  return api.ok ? `ok, ${api.latencyMs} ms` : `failing: ${api.error ?? 'no answer'}`;
}

/** One row per control-plane service; a row expands to its workloads and services/agents. */
export const ControlPlaneTable = ({ services, cloudRelease }: { services: ControlPlaneServiceStatus[]; cloudRelease?: string }) => {
  const columns: TableColumn<ControlPlaneServiceStatus>[] = [
    { title: 'Service', field: 'name', render: s => <strong>{s.name}</strong> },
    { title: 'Verdict', render: s => <VerdictChip verdict={s.verdict} reasons={s.reasons} /> },
    { title: 'Pods ready', render: s => `${sum(s, w => w.ready)}/${sum(s, w => w.desired)}` },
    {
      title: 'Restarts',
      // unknown when the backend may not list pods
      render: s => (s.workloads.some(w => w.restarts === undefined) ? '—' : sum(s, w => w.restarts ?? 0)),
    },
    {
      title: 'Release',
      render: s =>
        s.release ? (
          <Typography
            variant="body2"
            color={cloudRelease && s.release !== cloudRelease ? 'error' : 'textPrimary'}
            title={cloudRelease && s.release !== cloudRelease ? `differs from the cloud's ${cloudRelease}` : undefined}
          >
            {s.release}
          </Typography>
        ) : (
          '—'
        ),
    },
    {
      title: 'API',
      render: s => apiLabel(s.api),
    },
    { title: 'Services / agents', render: upDown },
    { title: 'Why', render: s => (s.reasons.length ? s.reasons.join('; ') : '') },
  ];
  return (
    <Table<ControlPlaneServiceStatus>
      title="Control plane"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={services}
      detailPanel={({ rowData }) => (
        <Box p={2}>
          <Typography variant="subtitle2">Workloads</Typography>
          <table>
            <tbody>
              {rowData.workloads.map(w => (
                <tr key={`${w.kind}/${w.name}`}>
                  <td>{w.kind}</td>
                  <td>{w.name}</td>
                  <td>
                    {w.ready}/{w.desired} ready
                  </td>
                  <td>{w.restarts === undefined ? 'restarts unknown' : `${w.restarts} restarts`}</td>
                  <td>{w.imageTag}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!!rowData.services?.filter(x => x.binary !== 'nova-compute').length && (
            <>
              <Typography variant="subtitle2">Services</Typography>
              <table>
                <tbody>
                  {rowData.services
                    .filter(x => x.binary !== 'nova-compute')
                    .map(x => (
                      <tr key={`${x.binary}@${x.host}`}>
                        <td>{x.binary}</td>
                        <td>{x.host}</td>
                        <td>{x.zone}</td>
                        <td>{x.status}</td>
                        <td>{x.state}</td>
                        <td>{x.updatedAt}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </>
          )}
        </Box>
      )}
    />
  );
};
