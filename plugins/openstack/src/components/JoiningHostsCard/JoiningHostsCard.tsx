import { InfoCard, Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { cloudRefOfEntity, JoinTokenStatus, stringifyCloudRef } from '@backstage-openstack/plugin-openstack-common';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useState } from 'react';
import { openstackApiRef } from '../../api';

/** How often the card reads the join state while a host is joining (its read starts a reported host's continuation). */
export const JOIN_POLL_SECONDS = 10;

/** What a host's join record says, in words: waiting, fetched, reported and continuing, expired. */
export function joinStateText(j: JoinTokenStatus, viewer?: string): string {
  switch (j.state) {
    case 'unused':
      return `Waiting for the host to run the join command (valid until ${j.expiresAt})`;
    case 'expired':
      return `The join command expired at ${j.expiresAt} unused: enroll the host again`;
    case 'used':
      return `Join script fetched from ${j.usedFrom ?? '?'} at ${j.usedAt ?? '?'}; waiting for its report`;
    default: {
      const reported = `Reported nova-compute ${j.reportedVersion} at ${j.reportedAt}`;
      const c = j.continuation;
      if (!c) return reported;
      if (c.state === 'started') return `${reported}; the enrollment continues in task ${c.taskId}`;
      // only the issuer's read starts it (as their task)
      if (viewer && viewer !== j.createdBy) return `${reported}; the enrollment continues when ${j.createdBy} opens this page`;
      return `${reported}; starting the enrollment's continuation${c.error ? ` (last try failed: ${c.error})` : ''}`;
    }
  }
}

const joining = (j: JoinTokenStatus) => j.state === 'unused' || j.state === 'used' || (j.state === 'reported' && !!j.continuation && !j.continuation.taskId);

/**
 * The hosts joining the cloud (enrolled in the last day), on the cloud's Overview where the enroll
 * template's first task links (no card when none is, or the user may not enroll there): waiting for the host, script fetched, reported and continuing in
 * task …, expired. It reads the join state every {@link JOIN_POLL_SECONDS} s while a host is
 * joining: the read of the user who issued the host's token starts its continuation once the
 * host reported, as their task (another user's read starts nothing). @public
 */
export const JoiningHostsCard = () => {
  const { entity } = useEntity();
  const api = useApi(openstackApiRef);
  const cloudRef = stringifyCloudRef(cloudRefOfEntity(entity));
  const identity = useApi(identityApiRef);
  const [viewer, setViewer] = useState<string>();
  useEffect(() => {
    identity.getBackstageIdentity().then(i => setViewer(i.userEntityRef), () => setViewer(undefined));
  }, [identity]);
  const [items, setItems] = useState<JoinTokenStatus[]>();
  const [error, setError] = useState<Error>();
  const load = useCallback(async () => {
    try {
      setItems(await api.listJoinTokens(cloudRef));
      setError(undefined);
    } catch (e) {
      // a user who may not enroll on the cloud has no joining hosts to follow there
      if ((e as { response?: { status?: number } }).response?.status === 403) setItems([]);
      else setError(e as Error);
    }
  }, [api, cloudRef]);
  useEffect(() => {
    load();
  }, [load]);
  const active = !!items?.some(joining);
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(load, JOIN_POLL_SECONDS * 1000);
    return () => clearInterval(t);
  }, [active, load]);

  const columns: TableColumn<JoinTokenStatus>[] = [
    { title: 'Host', field: 'host' },
    { title: 'Management IP', field: 'managementIp' },
    {
      title: 'Join',
      render: j =>
        j.continuation?.taskId ? (
          <>
            {joinStateText(j, viewer)} (<Link to={`/create/tasks/${j.continuation.taskId}`}>follow it</Link>)
          </>
        ) : (
          joinStateText(j, viewer)
        ),
    },
    { title: 'Enrolled by', field: 'createdBy' },
  ];
  if (error) {
    return (
      <InfoCard title="Joining hosts">
        <Typography variant="body2" color="error">
          Could not read the join state of {cloudRef}: {error.message}
        </Typography>
      </InfoCard>
    );
  }
  if (!items) {
    return (
      <InfoCard title="Joining hosts">
        <Progress />
      </InfoCard>
    );
  }
  // nothing joining (or nothing the user may follow): no card on the overview
  if (!items.length) return null;
  return (
    <Table<JoinTokenStatus>
      title="Joining hosts"
      subtitle="Hosts enrolled in the last day. A host's enrollment continues by itself once its join script reports."
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={items}
    />
  );
};
