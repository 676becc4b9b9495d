import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_HOST,
  ANNOTATION_OPENSTACK_RELEASE,
  ANNOTATION_NOVA_COMPUTE_VERSION,
  computeCredentialSources,
  enrollApprovalPlan,
  hostEntityName,
  novaSeriesOf,
  OPENSTACK_COMPUTE_HOST_TYPE,
  openstackComputeEnrollPermission,
  validateComputeEnrollInput,
} from '@backstage-openstack/plugin-openstack-common';
import { resolveCloud, ResolvedCloud } from '@backstage-openstack/plugin-openstack-node';
import { CloudDrivers } from '../drivers/types';
import { SuiteApi } from '../drivers/suiteApi';
import { examples } from './computeEnroll.examples';
import { cloudRefField, timeoutMinutesField, approvalPlanOutputs, approvalIdField } from './inputFields';
import { enrollHost, EnrollStepDeps, JoinChannel } from './enrollSteps';
import { authorizeAction } from './authorize';
import { holdCloudLease } from './cloudLease';
import { ApprovalGate, enforceApproval, outputApprovalPlan } from './approvalGate';

export interface ComputeEnrollDeps extends EnrollStepDeps {
  /** Asked for openstack.compute.enroll with the initiator's credentials before anything else. */
  permissions: PermissionsService;
  catalog: CatalogService;
  api: SuiteApi;
  drivers: CloudDrivers;
  /** Which lifecycles need an approval to enroll a host, and the backend that checks the task's. */
  approvals: ApprovalGate;
}

/**
 * `openstack:compute:enroll` — enrolls a bare-metal compute host: checks the host is not a
 * hypervisor yet and the cloud is healthy, delivers the host's configuration bundle, waits until
 * nova-compute reports up, runs host discovery until the host is mapped to its cell, enables it,
 * adds it to its aggregate and waits for its OVN agent; outputs the host's catalog entity
 * (named `hostEntityName(cloudKey, host)`). The same steps for every cloud: the cloud's driver
 * (`cloudDriverKind` of its delivery annotation) decides where the effects land (the demo store;
 * a Secret, Jobs and the OpenStack APIs of a live cloud).
 *
 * @public
 */
export function createComputeEnrollAction(deps: ComputeEnrollDeps) {
  return createTemplateAction({
    id: 'openstack:compute:enroll',
    description: 'Enrolls a bare-metal compute host into an OpenStack cloud and waits until it is up, mapped and its OVN agent alive',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cloud: cloudRefField(),
        host: z => z.string({ description: 'Host name as nova-compute will report it (DNS name)' }),
        managementIp: z => z.string({ description: 'Management network IP (message queue, APIs, live migration)' }),
        overlayIp: z => z.string({ description: 'Overlay (Geneve tunnel) IP for the OVN encapsulation' }),
        availabilityZone: z => z.string({ description: 'Availability zone' }),
        aggregate: z => z.string({ description: 'Host aggregate to add the host to (created in the zone if missing); default: the zone name' }).optional(),
        bmcAddress: z => z.string({ description: 'BMC (IPMI/Redfish) address, optional' }).optional(),
        timeoutMinutes: timeoutMinutesField('How long to wait for the host', 120, 15),
        planOnly: z =>
          z.boolean({ description: 'Only validate and plan: output the plan to approve (openstack:approval:request), change nothing' }).default(false),
        approvalId: approvalIdField,
        joinId: z =>
          z
            .string()
            .describe("The host's join record this task continues (set by the backend once the host's join script reported; empty in the first task)")
            .optional(),
        runParameters: z =>
          z
            .record(z.string(), z.unknown())
            .describe('The form values the enrollment continues with once the host reports (live clouds): runParameters: ${{ parameters }}')
            .optional(),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('Catalog entity of the host (Resource openstack-compute-host)'),
        join: z =>
          z
            .object({
              secret: z.literal(true),
              host: z.string(),
              expiresAt: z.string(),
              command: z.string(),
              cloudInit: z.string(),
            })
            .describe('SECRET. Live clouds: the one-time join command of the host and the same as cloud-init user-data; shown once, never logged')
            .optional(),
        next: z =>
          z
            .string()
            .describe('Live clouds, first task: what happens next (the enrollment continues by itself in a new task once the host reports)')
            .optional(),
        bundleSecret: z =>
          z
            .string()
            .describe("Live clouds: namespace/name of the Secret with the host's configuration bundle (its contents are never output)")
            .optional(),
        ...approvalPlanOutputs,
      },
    },
    async handler(ctx) {
      const credentials = await authorizeAction(deps.permissions, ctx, 'openstack:compute:enroll', openstackComputeEnrollPermission);
      // the scaffolder does not apply the schema's defaults to the input
      const { host, managementIp, overlayIp, availabilityZone, timeoutMinutes = 15 } = ctx.input;
      // a form field left empty arrives as ""
      const aggregate = ctx.input.aggregate || undefined;
      const bmcAddress = ctx.input.bmcAddress || undefined;
      const issues = validateComputeEnrollInput({ host, managementIp, overlayIp, availabilityZone, aggregate, bmcAddress });
      if (issues.length) {
        throw new InputError(issues.map(i => `input.${i.field} ${i.message}`).join('\n'));
      }
      const cloud = await resolveCloud(deps.catalog, ctx.input.cloud, credentials, 'input.cloud');
      const joinId = ctx.input.joinId || undefined;
      const runParameters = ctx.input.runParameters;
      const templateRef = ctx.templateInfo?.entityRef;
      // a joining host's enrollment continues in a new task of the same template with the same values
      if (cloud.driver === 'live' && !ctx.input.planOnly && !ctx.isDryRun && (!runParameters || !templateRef)) {
        throw new InputError(
          `input.runParameters: the hosts of ${cloud.entityRef} join with a token, and the enrollment continues in a new task of this template once the host reports: set runParameters: \${{ parameters }}${templateRef ? '' : ' and run it from a template'}. Nothing was changed`,
        );
      }
      const input = { host, managementIp, overlayIp, availabilityZone, aggregate, bmcAddress, timeoutMinutes };
      // what the approver approves: the host's inputs, the bundle's files and (live) the Secrets its credentials come from
      const approvalPlan = enrollApprovalPlan(cloud.entityRef, input, cloud.driver === 'live' ? computeCredentialSources(cloud.cloudKey) : []);
      if (ctx.input.planOnly) {
        outputApprovalPlan(ctx, deps.approvals, approvalPlan, cloud.lifecycle);
        return;
      }
      // the continuation of an approved enrollment: its first task was the approval's run, and the
      // join record (bound to this task in enrollHost) is what lets it go on
      if (!joinId) await enforceApproval(ctx, deps.approvals, approvalPlan, cloud.lifecycle, ctx.input.approvalId);
      // one operation per cloud: the enrollment holds the cloud's lease
      // live hosts join with a one-time token, through the suite's backend as the task's initiator
      const continuation = runParameters && templateRef ? { templateRef, parameters: runParameters } : undefined;
      const join: JoinChannel = {
        issue: files => deps.api.issueJoinToken(credentials, cloud.entityRef, { host, managementIp, files, continuation }),
        state: () => deps.api.joinToken(credentials, cloud.entityRef, host),
        bind: id => deps.api.bindJoin(credentials, cloud.entityRef, host, { joinId: id, taskId: ctx.task.id, parameters: runParameters ?? {} }),
      };
      const outcome = await holdCloudLease(ctx, deps.api, credentials, cloud.entityRef, 'enroll', async () => {
        const target = await deps.drivers[cloud.driver].openEnroll(ctx, cloud, input);
        ctx.logger.info(
          `Enrolling ${host} (management ${managementIp}, overlay ${overlayIp}) into ${cloud.entityRef}, zone ${availabilityZone}${aggregate ? `, aggregate ${aggregate}` : ''}`,
        );
        ctx.logger.info('The host configuration bundle (nova-compute, OVN remote, libvirt) is delivered as a Secret; its contents are never logged.');
        return enrollHost(ctx, target, cloud, input, deps, join, joinId);
      });
      if (outcome.bundleSecret) ctx.output('bundleSecret', outcome.bundleSecret);
      if (outcome.phase === 'joining') {
        ctx.output(
          'next',
          `Run the join command on ${host} as root${outcome.expiresAt ? ` before ${outcome.expiresAt}` : ''}. Once its join script reports, the enrollment continues by itself in a new task (nova-compute up, mapped, enabled, aggregate, OVN chassis, catalog): follow it on the page of ${cloud.entityRef}, where the host's join state shows`,
        );
        return;
      }
      const { novaComputeVersion } = outcome;
      // the host's release: what its join script reported (the series of that nova version; an
      // unknown one leaves the release out, so the upgrade's compute-lag check names the host).
      // A demo host joins on the demo cloud's release.
      const release = novaComputeVersion
        ? novaSeriesOf(novaComputeVersion)
        : await deps.api.status(cloud).then(
            st => st.release,
            () => undefined,
          );
      ctx.output('entity', hostEntity(cloud, host, availabilityZone, release, novaComputeVersion));
    },
  });
}

/**
 * The compute-host entity. It declares nova-compute's release as the cloud's at enrollment (the
 * bundle is made for it; no OpenStack API reports a host's release), so the status backend can
 * flag the host once the cloud moves on without it.
 */
function hostEntity(cloud: ResolvedCloud, host: string, zone: string, release?: string, novaComputeVersion?: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: hostEntityName(cloud.cloudKey, host),
      namespace: cloud.ref.namespace,
      title: host,
      description: `Compute host ${host} of ${cloud.entityRef} in zone ${zone}`,
      annotations: {
        [ANNOTATION_OPENSTACK_CLOUD]: cloud.cloudKey,
        [ANNOTATION_OPENSTACK_HOST]: host,
        ...(release ? { [ANNOTATION_OPENSTACK_RELEASE]: release } : {}),
        ...(novaComputeVersion ? { [ANNOTATION_NOVA_COMPUTE_VERSION]: novaComputeVersion } : {}),
      },
      tags: ['openstack', 'compute', zone],
    },
    spec: {
      type: OPENSTACK_COMPUTE_HOST_TYPE,
      owner: 'group:default/platform-team',
      system: 'openstack',
      dependsOn: [cloud.entityRef],
    },
  };
}
