import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  componentIssues,
  DEPLOYABLE_RELEASES,
  isDeployableRelease,
} from '@backstage-openstack/plugin-openstack-common';
import { OpenStackBackend, waitUntil } from '../OpenStackBackend';
import { buildCloudEntity, DNS_LABEL } from './cloudEntity';
import { examples } from './cloudCreate.examples';

export interface CloudCreateDeps {
  backend: OpenStackBackend;
  pollMs?: number;
}

/**
 * `openstack:cloud:create` — creates a cloud: validates the request (name, deployable release,
 * component dependencies) before anything changes, creates it on the target, optionally waits
 * until every service is Healthy (logging each one as it becomes ready), and outputs the cloud's
 * catalog entity for `catalog:write` / `catalog:register`.
 *
 * @public
 */
export function createCloudCreateAction(deps: CloudCreateDeps) {
  const pollMs = deps.pollMs ?? 3000;
  return createTemplateAction({
    id: 'openstack:cloud:create',
    description: 'Creates an OpenStack cloud whose control plane runs on Kubernetes (openstack-helm)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string({ description: 'Cloud name, a DNS-1123 label of at most 40 characters' }),
        release: z => z.string({ description: `OpenStack release; the pinned charts deploy ${DEPLOYABLE_RELEASES.join(', ')}` }),
        components: z => z.array(z.string(), { description: 'Components: keystone, glance, placement, nova, neutron, cinder, horizon' }),
        region: z => z.string({ description: 'Region name' }).default('RegionOne'),
        target: z => z.enum(['demo'], { description: 'Where to create it: the demo (simulated) cluster' }).default('demo'),
        cluster: z => z.string({ description: 'Kubernetes cluster' }).default('demo-cluster'),
        namespace: z => z.string({ description: 'Namespace of the control plane (default: the cloud name)' }).optional(),
        owner: z => z.string({ description: 'Owner entity ref' }).default('group:default/platform-team'),
        waitForReady: z => z.boolean({ description: 'Wait until every service is Healthy' }).default(true),
        timeoutMinutes: z => z.number().int().min(1).max(240).default(30),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('The cloud catalog entity'),
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply the schema's defaults to the input
      const {
        name,
        release,
        components,
        region = 'RegionOne',
        cluster = 'demo-cluster',
        owner = 'group:default/platform-team',
        waitForReady = true,
        timeoutMinutes = 30,
      } = ctx.input;
      const namespace = ctx.input.namespace ?? name;
      const issues: string[] = [];
      if (!DNS_LABEL.test(name) || name.length > 40) {
        issues.push(`input.name "${name}": not a DNS-1123 label of at most 40 characters; use lower-case letters, digits and "-"`);
      }
      if (!isDeployableRelease(release)) {
        issues.push(`input.release "${release}": the pinned openstack-helm charts deploy ${DEPLOYABLE_RELEASES.join(', ')}; pick one of them`);
      }
      issues.push(...componentIssues(components).map(i => `input.${i}`));
      if (!DNS_LABEL.test(namespace)) issues.push(`input.namespace "${namespace}": not a DNS-1123 label`);
      if (issues.length) throw new InputError(issues.join('\n'));

      const entity = buildCloudEntity({ name, cluster, namespace, release, owner, system: 'openstack' });
      ctx.logger.info(`Cloud ${name}: ${release} in ${cluster}/${namespace}, region ${region}, components ${components.join(', ')}`);
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: nothing created');
        ctx.output('entity', entity);
        return;
      }
      await ctx.checkpoint({
        key: `create.${name}.cloud`,
        fn: async () => {
          await deps.backend.createDemoCloud({ name, release, region, cluster, namespace, components });
          ctx.logger.info(`Created ${name}; its charts now roll out`);
          return true;
        },
      });
      if (waitForReady) {
        const ready = new Set<string>();
        await waitUntil(
          `every service of ${name} to be Healthy`,
          async () => {
            const s = await deps.backend.status(name);
            for (const svc of s.services) {
              if (svc.verdict === 'Healthy' && !ready.has(svc.name)) {
                ready.add(svc.name);
                ctx.logger.info(`${svc.name} is ready`);
              }
            }
            return s.verdict === 'Healthy' ? s : undefined;
          },
          { timeoutMs: timeoutMinutes * 60_000, intervalMs: pollMs, signal: ctx.signal },
        );
        ctx.logger.info(`Cloud ${name} is Healthy`);
      }
      ctx.output('entity', entity);
    },
  });
}
