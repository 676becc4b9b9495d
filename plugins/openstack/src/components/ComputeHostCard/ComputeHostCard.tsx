import { InfoCard, Link, Progress, StructuredMetadataTable } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_OPENSTACK_HOST,
  cloudEntityPath,
  parseCloudRef,
  stringifyCloudRef,
} from '@backstage-openstack/plugin-openstack-common';
import useAsync from 'react-use/esm/useAsync';
import { openstackApiRef } from '../../api';
import { ErrorState } from '../common/ErrorState';
import { UsageBar } from '../common/UsageBar';
import { hostStatusLabel, ovnAgentLabel } from '../common/format';

/**
 * The cloud ref of a compute host's cloud: the host Resource `dependsOn` its cloud (as enroll
 * registers it), the first Resource it depends on. Undefined when it depends on none.
 */
export function cloudRefOfHostEntity(spec: unknown): string | undefined {
  const dependsOn = (spec as { dependsOn?: unknown } | undefined)?.dependsOn;
  for (const ref of Array.isArray(dependsOn) ? dependsOn : []) {
    try {
      return stringifyCloudRef(parseCloudRef(ref));
    } catch {
      // not a Resource: not the cloud
    }
  }
  return undefined;
}

/** A compute host's live status, its recent operations and a link to its cloud. @public */
export const ComputeHostCard = () => {
  const { entity } = useEntity();
  const api = useApi(openstackApiRef);
  const host = entity.metadata.annotations?.[ANNOTATION_OPENSTACK_HOST] ?? entity.metadata.name;
  const cloudRef = cloudRefOfHostEntity(entity.spec);
  const { value, loading, error } = useAsync(async () => {
    if (!cloudRef) return undefined;
    const [h, ops] = await Promise.all([api.getHost(cloudRef, host), api.getOperations(cloudRef)]);
    return { h, ops: ops.filter(o => o.host === host).slice(0, 5) };
  }, [cloudRef, host]);

  return (
    <InfoCard title={`Compute host ${host}`}>
      {!cloudRef && `Add the host's cloud to spec.dependsOn (resource:<namespace>/<cloud>), as the enroll template does.`}
      {loading && <Progress />}
      {error && <ErrorState error={error} cloudRef={cloudRef} />}
      {value && (
        <StructuredMetadataTable
          // the labels as operators write them (the default start-cases them: "V Ms", "Nova Compute")
          options={{ titleFormat: (key: string) => key }}
          metadata={{
            State: value.h.state,
            Status: hostStatusLabel(value.h),
            Zone: value.h.zone ?? '—',
            Aggregates: value.h.aggregates.join(', ') || '—',
            vCPU: <UsageBar usage={value.h.vcpu} unit="vcpu" />,
            RAM: <UsageBar usage={value.h.memoryMb} unit="mb" />,
            VMs: value.h.runningVms,
            'OVN agent': ovnAgentLabel(value.h.ovnAgentAlive),
            'nova-compute release': value.h.release ?? '—',
            'Last heartbeat': value.h.lastHeartbeat ?? '—',
            'Recent operations': value.ops.length ? value.ops.map(o => `${o.kind} ${o.state}`).join(', ') : 'none',
            Cloud: <Link to={`${cloudEntityPath(cloudRef!)}/openstack`}>{cloudRef}</Link>,
          }}
        />
      )}
    </InfoCard>
  );
};
