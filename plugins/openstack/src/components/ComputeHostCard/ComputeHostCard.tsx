import { InfoCard, Link, Progress, StructuredMetadataTable } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_HOST,
} from '@backstage-openstack/plugin-openstack-common';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';
import { UsageBar } from '../common/UsageBar';
import { ovnAgentLabel } from '../common/format';

/** A compute host's live status, its recent operations and a link to its cloud. */
export const ComputeHostCard = () => {
  const { entity } = useEntity();
  const api = useApi(openstackApiRef);
  const cloud = entity.metadata.annotations?.[ANNOTATION_OPENSTACK_CLOUD];
  const host = entity.metadata.annotations?.[ANNOTATION_OPENSTACK_HOST] ?? entity.metadata.name;
  const cloudRef = ((entity.spec as any)?.dependsOn as string[] | undefined)?.[0];
  const { value, loading, error } = useAsync(async () => {
    if (!cloud) return undefined;
    const [h, ops] = await Promise.all([api.getHost(cloud, host), api.getOperations(cloud)]);
    return { h, ops: ops.filter(o => o.host === host).slice(0, 5) };
  }, [cloud, host]);

  return (
    <InfoCard title={`Compute host ${host}`}>
      {!cloud && `Add the annotation ${ANNOTATION_OPENSTACK_CLOUD} naming the host's cloud.`}
      {loading && <Progress />}
      {error && <ErrorState error={error} cloud={cloud} />}
      {value && (
        <StructuredMetadataTable
          // the labels as operators write them (the default start-cases them: "V Ms", "Nova Compute")
          options={{ titleFormat: (key: string) => key }}
          metadata={{
            State: value.h.state,
            Status: value.h.status === 'disabled' ? `disabled: ${value.h.disabledReason ?? 'no reason given'}` : 'enabled',
            Zone: value.h.zone ?? '—',
            Aggregates: value.h.aggregates.join(', ') || '—',
            vCPU: <UsageBar usage={value.h.vcpu} unit="vcpu" />,
            RAM: <UsageBar usage={value.h.memoryMb} unit="mb" />,
            VMs: value.h.runningVms,
            'OVN agent': ovnAgentLabel(value.h.ovnAgentAlive),
            'nova-compute release': value.h.release ?? '—',
            'Last heartbeat': value.h.lastHeartbeat ?? '—',
            'Recent operations': value.ops.length ? value.ops.map(o => `${o.kind} ${o.state}`).join(', ') : 'none',
            Cloud: cloudRef ? <Link to={`/catalog/default/resource/${cloudRef.split('/').pop()}/openstack`}>{cloudRef}</Link> : cloud,
          }}
        />
      )}
    </InfoCard>
  );
};
