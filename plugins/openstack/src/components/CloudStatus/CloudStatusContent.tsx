import { Link, Progress } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  CloudStatus,
  cloudRefOfEntity,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { startTransition, useCallback, useEffect, useState } from 'react';
import { openstackApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';
import { VerdictChip } from '../common/VerdictChip';
import { CloudOverview } from '../CloudOverview';
import { CapacityByZone } from './CapacityByZone';
import { ControlPlaneTable } from './ControlPlaneTable';
import { HostsTable } from './HostsTable';
import { OperationsTable } from './OperationsTable';
import { RunningOperation } from './RunningOperation';
import { PendingApprovalsCard } from '../Approvals';

/** The live status of one cloud, named by its cloud ref: header, control plane, compute hosts, capacity, operations. */
export const CloudStatusView = ({ cloudRef, horizonUrl }: { cloudRef: string; horizonUrl?: string }) => {
  const api = useApi(openstackApiRef);
  const config = useApi(configApiRef);
  const intervalSeconds = config.getOptionalNumber('openstack.frontend.refreshIntervalSeconds') ?? 30;
  const [status, setStatus] = useState<CloudStatus>();
  const [error, setError] = useState<Error>();
  const [refreshKey, setRefreshKey] = useState(0);

  const load = useCallback(
    async (refresh: boolean) => {
      try {
        const next = await api.getStatus(cloudRef, { refresh });
        // The status mounts the heavy part of the tab (control plane, capacity, operations): render
        // it as a transition, so the host rows, which arrive at the same moment, paint first.
        startTransition(() => {
          setStatus(next);
          setError(undefined);
        });
      } catch (e) {
        setError(e as Error);
      }
    },
    [api, cloudRef],
  );

  useEffect(() => {
    load(false);
    const t = setInterval(() => load(false), intervalSeconds * 1000);
    return () => clearInterval(t);
  }, [load, intervalSeconds]);

  if (error && !status) return <ErrorState error={error} cloudRef={cloudRef} />;
  // The hosts table loads its first page at once, beside the status, not after it.
  if (!status) {
    return (
      <Grid container spacing={3}>
        <Grid item xs={12} key="progress">
          <Progress />
        </Grid>
        <Grid item xs={12} key="hosts">
          <HostsTable cloudRef={cloudRef} refreshKey={refreshKey} />
        </Grid>
      </Grid>
    );
  }

  const s = status.hostSummary;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} key="header">
        <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 16 }} data-testid="cloud-header">
          <VerdictChip verdict={status.verdict} reasons={status.reasons} />
          {status.demo && <Chip size="small" variant="outlined" label="DEMO (simulated cloud)" />}
          <Typography variant="body1">
            Release <strong>{status.release ?? '—'}</strong> · chart {status.chartVersion ?? '—'} · {status.cluster ?? '—'}/
            {status.namespace ?? '—'}
          </Typography>
          <Typography variant="body2">
            Hosts: {s.total} ({s.up} up, {s.down} down, {s.disabled} disabled)
          </Typography>
          <Typography variant="caption">refreshed {new Date(status.fetchedAt).toLocaleTimeString()}</Typography>
          <Button
            size="small"
            variant="outlined"
            onClick={() => {
              load(true);
              setRefreshKey(k => k + 1);
            }}
          >
            Refresh
          </Button>
          <Link to="../kubernetes">Kubernetes</Link>
          <Link to="/openstack">All clouds (fleet)</Link>
          {horizonUrl && <Link to={horizonUrl}>Horizon</Link>}
        </Box>
        {status.reasons.length > 0 && (
          <Typography variant="body2" color="textSecondary">
            {status.reasons.join(' · ')}
          </Typography>
        )}
        {status.errors.map(e => (
          <Typography key={e.source} variant="body2" color="error">
            {e.source}: {e.message}
          </Typography>
        ))}
        {error && (
          <Typography variant="body2" color="error">
            Last refresh failed: {error.message}
          </Typography>
        )}
        <RunningOperation cloudRef={cloudRef} refreshKey={refreshKey} />
      </Grid>
      <Grid item xs={12} key="control-plane">
        <ControlPlaneTable services={status.services} cloudRelease={status.release} />
      </Grid>
      <Grid item xs={12} key="hosts">
        <HostsTable cloudRef={cloudRef} refreshKey={refreshKey} />
      </Grid>
      <Grid item xs={12} md={4} key="capacity">
        <CapacityByZone zones={status.capacityByZone} />
      </Grid>
      <Grid item xs={12} md={8} key="operations">
        <OperationsTable cloudRef={cloudRef} />
      </Grid>
      <Grid item xs={12} key="approvals">
        <PendingApprovalsCard cloudRef={cloudRef} />
      </Grid>
    </Grid>
  );
};

/** The cloud entity's OpenStack tab: the cloud's status, asked of the backend by its cloud ref. @public */
export const CloudStatusContent = () => {
  const { entity } = useEntity();
  // without its cloud key the backend cannot reach the cloud: show what the catalog says and how to fix it
  if (!entity.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD]) return <CloudOverview />;
  const horizon = entity.metadata.links?.find(l => /horizon/i.test(l.title ?? l.url))?.url;
  return <CloudStatusView cloudRef={stringifyCloudRef(cloudRefOfEntity(entity))} horizonUrl={horizon} />;
};
