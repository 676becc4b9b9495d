import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_HOST,
  OPENSTACK_COMPUTE_HOST_TYPE,
} from '@backstage-openstack/plugin-openstack-common';
import { OpenStackBackend, waitUntil } from '../OpenStackBackend';
import { resolveCloud } from '../resolveCloud';
import { examples } from './computeEnroll.examples';

const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export interface ComputeEnrollDeps {
  catalog: CatalogService;
  backend: OpenStackBackend;
  pollMs?: number;
}

/**
 * `openstack:compute:enroll` — enrolls a bare-metal compute host: checks the host is not a
 * hypervisor yet and the cloud is healthy, starts the enrollment, waits until nova-compute
 * reports up, the host is mapped in its cell (a Placement resource provider exists) and its OVN
 * controller is alive, then outputs the host's catalog entity.
 *
 * @public
 */
export function createComputeEnrollAction(deps: ComputeEnrollDeps) {
  const pollMs = deps.pollMs ?? 2000;
  return createTemplateAction({
    id: 'openstack:compute:enroll',
    description: 'Enrolls a bare-metal compute host into an OpenStack cloud and waits until it is up, mapped and its OVN agent alive',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cloud: z => z.string({ description: 'Entity ref of the cloud' }),
        host: z => z.string({ description: 'Host name as nova-compute will report it (DNS name)' }),
        managementIp: z => z.string({ description: 'Management network IPv4 (message queue, APIs)' }),
        overlayIp: z => z.string({ description: 'Overlay (Geneve tunnel) IPv4 for the OVN encapsulation' }),
        availabilityZone: z => z.string({ description: 'Availability zone' }),
        aggregate: z => z.string({ description: 'Host aggregate to add the host to' }).optional(),
        bmcAddress: z => z.string({ description: 'BMC (IPMI/Redfish) address, optional' }).optional(),
        timeoutMinutes: z => z.number({ description: 'How long to wait for the host' }).int().min(1).max(120).default(15),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('Catalog entity of the host (Resource openstack-compute-host)'),
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply the schema's defaults to the input
      const { host, managementIp, overlayIp, availabilityZone, aggregate, bmcAddress, timeoutMinutes = 15 } = ctx.input;
      if (!HOSTNAME.test(host) || host.length > 63) {
        throw new InputError(`input.host "${host}" is not a host name; use lower-case letters, digits, "-" and "."`);
      }
      for (const [field, value] of [['managementIp', managementIp], ['overlayIp', overlayIp]] as const) {
        if (!IPV4.test(value)) throw new InputError(`input.${field} "${value}" is not an IPv4 address, e.g. 10.0.12.21`);
      }
      if (bmcAddress !== undefined && !IPV4.test(bmcAddress) && !HOSTNAME.test(bmcAddress)) {
        throw new InputError(`input.bmcAddress "${bmcAddress}" is neither an IPv4 address nor a host name`);
      }
      const cloud = await resolveCloud(deps.catalog, ctx.input.cloud, await ctx.getInitiatorCredentials());

      const started = await ctx.checkpoint({
        key: `enroll.${cloud.key}.${host}.checked`,
        fn: async () => {
          const existing = await deps.backend.host(cloud.key, host);
          if (existing) {
            throw new ConflictError(`input.host: ${host} is already a compute host of ${cloud.key} (state ${existing.state}); pick another host`);
          }
          const status = await deps.backend.status(cloud.key);
          if (status.verdict !== 'Healthy') {
            throw new Error(`The cloud ${cloud.key} is ${status.verdict} (${status.reasons.join('; ')}); enroll when it is Healthy. Nothing was changed.`);
          }
          return { demo: status.demo };
        },
      });
      ctx.logger.info(
        `Enrolling ${host} (management ${managementIp}, overlay ${overlayIp}) into ${cloud.key}, zone ${availabilityZone}${aggregate ? `, aggregate ${aggregate}` : ''}`,
      );
      ctx.logger.info('The host configuration bundle (nova-compute, OVN remote, libvirt) is delivered as a Secret; its contents are never logged.');
      if (ctx.isDryRun) {
        ctx.output('entity', hostEntity(cloud.entityRef, cloud.key, host, availabilityZone));
        return;
      }
      if (!started.demo) {
        throw new InputError(`input.cloud: ${cloud.entityRef} is a live cloud; this version enrolls hosts into the demo cloud only. Nothing was changed.`);
      }
      await ctx.checkpoint({
        key: `enroll.${cloud.key}.${host}.start`,
        fn: async () => {
          await deps.backend.enrollDemoHost(cloud.key, { host, zone: availabilityZone, aggregate });
          return true;
        },
      });
      const opts = { timeoutMs: timeoutMinutes * 60_000, intervalMs: pollMs, signal: ctx.signal };
      await waitUntil(`nova-compute on ${host} to report up`, async () => ((await deps.backend.host(cloud.key, host))?.state === 'up' ? true : undefined), opts);
      ctx.logger.info(`nova-compute on ${host} is up`);
      await waitUntil(`${host} to be mapped in its cell (hypervisor with a Placement resource provider)`, async () => ((await deps.backend.host(cloud.key, host))?.vcpu ? true : undefined), opts);
      ctx.logger.info(`${host} is mapped: a hypervisor with its Placement inventory`);
      await waitUntil(`the OVN controller agent on ${host}`, async () => ((await deps.backend.host(cloud.key, host))?.ovnAgentAlive ? true : undefined), opts);
      ctx.logger.info(`OVN controller agent on ${host} is alive`);
      ctx.output('entity', hostEntity(cloud.entityRef, cloud.key, host, availabilityZone));
    },
  });
}

function hostEntity(cloudRef: string, cloudKey: string, host: string, zone: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: host.replace(/\./g, '-'),
      title: host,
      description: `Compute host ${host} of ${cloudKey} in zone ${zone}`,
      annotations: { [ANNOTATION_OPENSTACK_CLOUD]: cloudKey, [ANNOTATION_OPENSTACK_HOST]: host },
      tags: ['openstack', 'compute', zone],
    },
    spec: {
      type: OPENSTACK_COMPUTE_HOST_TYPE,
      owner: 'group:default/platform-team',
      system: 'openstack',
      dependsOn: [cloudRef],
    },
  };
}
