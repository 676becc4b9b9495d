import { InfoCard, Link, Progress, StructuredMetadataTable } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ANNOTATION_OPENSTACK_CLOUD, cloudRefOfEntity, stringifyCloudRef } from '@backstage-openstack/plugin-openstack-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';
import { VerdictChip } from '../common/VerdictChip';

/**
 * The cloud at a glance, first on its Overview tab: release, verdict, hosts up/total, the
 * running operation, and links to its OpenStack tab and to the fleet. @public
 */
export const CloudSummaryCard = () => {
  const { entity } = useEntity();
  const api = useApi(openstackApiRef);
  const cloudRef = stringifyCloudRef(cloudRefOfEntity(entity));
  const hasKey = !!entity.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD];
  const { value, loading, error } = useAsync(async () => {
    if (!hasKey) return undefined;
    const [status, lease] = await Promise.all([api.getStatus(cloudRef), api.getCloudLease(cloudRef)]);
    return { status, lease };
  }, [api, cloudRef, hasKey]);
  let body;
  if (!hasKey) {
    body = <Typography variant="body2">No {ANNOTATION_OPENSTACK_CLOUD} annotation: the portal cannot read this cloud.</Typography>;
  } else if (loading) {
    body = <Progress />;
  } else if (error || !value) {
    body = <Typography variant="body2" color="error">Could not read the cloud: {error?.message}</Typography>;
  } else {
    const { status, lease } = value;
    body = (
      <StructuredMetadataTable
        metadata={{
          release: status.release ?? '—',
          verdict: <VerdictChip verdict={status.verdict} reasons={status.reasons} />,
          hosts: `${status.hostSummary.up} up of ${status.hostSummary.total}`,
          running: lease ? <Link to={`/create/tasks/${lease.taskId}`}>{`${lease.kind} by ${lease.initiator}`}</Link> : 'nothing',
        }}
      />
    );
  }
  return (
    <InfoCard title="OpenStack cloud" subheader={cloudRef} deepLink={{ title: 'All clouds (fleet)', link: '/openstack' }}>
      <div data-testid="cloud-summary">{body}</div>
      {hasKey && <Link to="./openstack">Status, hosts and operations</Link>}
    </InfoCard>
  );
};
