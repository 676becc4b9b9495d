import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_HOST,
  ANNOTATION_OPENSTACK_RELEASE,
  OPENSTACK_COMPUTE_HOST_TYPE,
  validateComputeEnrollInput,
} from '@backstage-openstack/plugin-openstack-common';
import { pollUntil } from '@backstage-openstack/plugin-openstack-node';
import { OpenStackBackend } from '../OpenStackBackend';
import { resolveCloud } from '../resolveCloud';
import { examples } from './computeEnroll.examples';
import { enrollLiveHost, LiveEnrollDeps } from './computeEnrollLive';

export interface ComputeEnrollDeps {
  catalog: CatalogService;
  backend: OpenStackBackend;
  pollMs?: number;
  /** Live clouds (`openstack.clouds.<key>` configured); without it only the demo cloud is enrolled into. */
  live?: LiveEnrollDeps;
}

/**
 * `openstack:compute:enroll` — enrolls a bare-metal compute host: checks the host is not a
 * hypervisor yet and the cloud is healthy, then (live cloud) creates the host's configuration
 * bundle Secret, waits until nova-compute reports up, runs host discovery until the host is
 * mapped to its cell, enables it, adds it to its aggregate and waits for its OVN agent — or
 * (demo cloud) enrolls it in the simulation; outputs the host's catalog entity.
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
        managementIp: z => z.string({ description: 'Management network IP (message queue, APIs, live migration)' }),
        overlayIp: z => z.string({ description: 'Overlay (Geneve tunnel) IP for the OVN encapsulation' }),
        availabilityZone: z => z.string({ description: 'Availability zone' }),
        aggregate: z => z.string({ description: 'Host aggregate to add the host to (created in the zone if missing); default: the zone name' }).optional(),
        bmcAddress: z => z.string({ description: 'BMC (IPMI/Redfish) address, optional' }).optional(),
        timeoutMinutes: z => z.number({ description: 'How long to wait for the host' }).int().min(1).max(120).default(15),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('Catalog entity of the host (Resource openstack-compute-host)'),
        bundleSecret: z =>
          z
            .string()
            .describe("Live clouds: namespace/name of the Secret with the host's configuration bundle (its contents are never output)")
            .optional(),
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply the schema's defaults to the input
      const { host, managementIp, overlayIp, availabilityZone, timeoutMinutes = 15 } = ctx.input;
      // a form field left empty arrives as ""
      const aggregate = ctx.input.aggregate || undefined;
      const bmcAddress = ctx.input.bmcAddress || undefined;
      const issues = validateComputeEnrollInput({ host, managementIp, overlayIp, availabilityZone, aggregate, bmcAddress });
      if (issues.length) {
        throw new InputError(issues.map(i => `input.${i.field} ${i.message}`).join('\n'));
      }
      const cloud = await resolveCloud(deps.catalog, ctx.input.cloud, await ctx.getInitiatorCredentials());
      // for the entity: the release the host joins on (a status that cannot be read leaves it out)
      const cloudRelease = () =>
        deps.backend.status(cloud.key).then(
          st => st.release,
          () => undefined,
        );

      // a live cloud: one this backend has openstack.clouds.<key> for
      const settings = deps.live?.settings(cloud.key);
      if (deps.live && settings) {
        const { bundleSecret } = await enrollLiveHost(ctx, deps.live, cloud, settings, {
          host,
          managementIp,
          overlayIp,
          availabilityZone,
          aggregate,
          bmcAddress,
          timeoutMinutes,
        });
        ctx.output('entity', hostEntity(cloud.entityRef, cloud.key, host, availabilityZone, await cloudRelease()));
        ctx.output('bundleSecret', bundleSecret);
        return;
      }

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
        ctx.output('entity', hostEntity(cloud.entityRef, cloud.key, host, availabilityZone, await cloudRelease()));
        return;
      }
      if (!started.demo) {
        throw new InputError(
          `input.cloud: ${cloud.entityRef} is a live cloud, but this backend has no openstack.clouds.${cloud.key} (with computeEnrollment) to reach it; configure it (README: "Enrolling compute hosts"). Nothing was changed.`,
        );
      }
      await ctx.checkpoint({
        key: `enroll.${cloud.key}.${host}.start`,
        fn: async () => {
          await deps.backend.enrollDemoHost(cloud.key, { host, zone: availabilityZone, aggregate });
          return true;
        },
      });
      const opts = { timeoutMs: timeoutMinutes * 60_000, intervalMs: pollMs, signal: ctx.signal };
      await pollUntil(`nova-compute on ${host} to report up`, async () => ((await deps.backend.host(cloud.key, host))?.state === 'up' ? true : undefined), opts);
      ctx.logger.info(`nova-compute on ${host} is up`);
      await pollUntil(`${host} to be mapped in its cell (hypervisor with a Placement resource provider)`, async () => ((await deps.backend.host(cloud.key, host))?.vcpu ? true : undefined), opts);
      ctx.logger.info(`${host} is mapped: a hypervisor with its Placement inventory`);
      await pollUntil(`the OVN controller agent on ${host}`, async () => ((await deps.backend.host(cloud.key, host))?.ovnAgentAlive ? true : undefined), opts);
      ctx.logger.info(`OVN controller agent on ${host} is alive`);
      ctx.output('entity', hostEntity(cloud.entityRef, cloud.key, host, availabilityZone, await cloudRelease()));
    },
  });
}

/**
 * The compute-host entity. It declares nova-compute's release as the cloud's at enrollment (the
 * bundle is made for it; no OpenStack API reports a host's release), so the status backend can
 * flag the host once the cloud moves on without it.
 */
function hostEntity(cloudRef: string, cloudKey: string, host: string, zone: string, release?: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: host.replace(/\./g, '-'),
      title: host,
      description: `Compute host ${host} of ${cloudKey} in zone ${zone}`,
      annotations: {
        [ANNOTATION_OPENSTACK_CLOUD]: cloudKey,
        [ANNOTATION_OPENSTACK_HOST]: host,
        ...(release ? { [ANNOTATION_OPENSTACK_RELEASE]: release } : {}),
      },
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
