// What openstack:compute:maintenance and openstack:compute:decommission share: the host input's
// check, the initiator, and where a host's effects land (the live host driver).
import { InputError } from '@backstage/errors';
import { HOST_NAME } from '@backstage-openstack/plugin-openstack-common';
import { ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { HostTarget } from './hostSteps';

/** Opens a cloud's compute host for maintenance or decommission; refuses (InputError) a cloud it cannot change. */
export type OpenHost = (cloud: ResolvedCloud, host: string) => HostTarget;

/** Problems with `input.host`, as lines naming the field. */
export function hostIssues(host: unknown): string[] {
  if (typeof host !== 'string' || !HOST_NAME.test(host) || host.length > 253) {
    return [`input.host ${JSON.stringify(host)}: give the host's nova-compute name, a lower-case DNS name (e.g. cmp-az1-13)`];
  }
  return [];
}

/** The host driver by the cloud's kind: live clouds through their APIs; the demo cloud has no instances to move. */
export function hostOpener(live: OpenHost): OpenHost {
  return (cloud, host) => {
    if (cloud.driver !== 'live') {
      throw new InputError(
        `input.cloud: ${cloud.entityRef} is the simulated demo cloud; maintenance and decommission act on a live cloud's Nova, Neutron and Placement (openstack.clouds.<key>). Nothing was changed.`,
      );
    }
    return live(cloud, host);
  };
}

/** The user who started the task, for the maintenance reason. */
export function initiatorOf(ctx: { user?: { ref?: string } }): string {
  const by = ctx.user?.ref;
  if (!by) throw new InputError('A maintenance records who started it; run the template as a signed-in user');
  return by;
}
