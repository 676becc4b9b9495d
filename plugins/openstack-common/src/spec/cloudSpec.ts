import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { DEPLOYABLE_RELEASES, findRelease, isDeployableRelease, OPENSTACK_HELM_CHART_VERSION } from '../releases/catalog';
import { componentIssues, OPENSTACK_COMPONENTS } from './components';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/** Galera and RabbitMQ clusters need 1 or an odd number ≥ 3 of members to keep a quorum. */
const quorumReplicas = z
  .number()
  .int()
  .refine(n => n === 1 || (n >= 3 && n % 2 === 1), {
    message: 'must be 1 or an odd number ≥ 3 (a quorum needs a majority); use 1, 3 or 5',
  });

const storage = z.discriminatedUnion('backend', [
  z.object({
    backend: z.literal('ceph-rbd'),
    pool: z.string().min(1).default('volumes'),
    user: z.string().min(1).default('cinder'),
    monitors: z.array(z.string().min(1)).min(1, 'list at least one Ceph monitor, e.g. 10.0.0.11:6789'),
    /** Name of the Kubernetes Secret that holds the Ceph key (never the key itself). */
    secretName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes Secret name'),
  }),
  z.object({ backend: z.literal('lvm'), volumeGroup: z.string().min(1).default('cinder-volumes') }),
  z.object({ backend: z.literal('nfs'), shares: z.array(z.string().regex(/^[^:]+:\/.*/, 'use host:/export')).min(1) }),
]);

/**
 * The cloud spec: what a platform team asks for when it creates a cloud.
 *
 * @public
 */
export const cloudSpecSchema = z
  .object({
    name: z.string().regex(DNS_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-"').max(40, 'at most 40 characters'),
    region: z.string().min(1).default('RegionOne'),
    release: z.string(),
    components: z.array(z.enum(OPENSTACK_COMPONENTS)).min(1).default([...OPENSTACK_COMPONENTS]),
    infrastructure: z
      .object({
        mariadbReplicas: quorumReplicas.default(3),
        rabbitmqReplicas: quorumReplicas.default(3),
        memcachedReplicas: z.number().int().min(1).max(9).default(1),
      })
      .default({ mariadbReplicas: 3, rabbitmqReplicas: 3, memcachedReplicas: 1 }),
    nodeSelector: z
      .object({ key: z.string().min(1), value: z.string().min(1) })
      .default({ key: 'openstack-control-plane', value: 'enabled' }),
    networking: z
      .object({
        backend: z.literal('ovn').default('ovn'),
        /** Provider network mappings, `physnet:bridge`. */
        bridgeMappings: z.array(z.string().regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9_.-]+$/, 'use physnet:bridge, e.g. physnet1:br-ex')).default([]),
      })
      .default({ backend: 'ovn', bridgeMappings: [] }),
    storage: storage.optional(),
    publicDomain: z.string().regex(DNS_NAME, 'must be a DNS name, e.g. cloud.example.org'),
    tlsIssuer: z.string().min(1).optional(),
    exposure: z.enum(['ingress', 'gateway-api']).default('ingress'),
    delivery: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('flux'), repositoryPath: z.string().min(1).default('clusters/openstack') }),
      z.object({ mode: z.literal('argocd'), repositoryPath: z.string().min(1).default('clusters/openstack'), project: z.string().default('default') }),
      z.object({ mode: z.literal('direct'), cluster: z.string().min(1), namespace: z.string().regex(DNS_LABEL) }),
    ]),
    chartSource: z
      .object({
        url: z.string().regex(/^(https?|oci):\/\//, 'use an https:// Helm repository or an oci:// registry'),
        version: z.string().default(OPENSTACK_HELM_CHART_VERSION),
      })
      .default({ url: 'https://tarballs.opendev.org/openstack/openstack-helm/', version: OPENSTACK_HELM_CHART_VERSION }),
  })
  .superRefine((spec, ctx) => {
    if (!findRelease(spec.release)) {
      ctx.addIssue({ code: 'custom', path: ['release'], message: `"${spec.release}" is not an OpenStack release; use ${DEPLOYABLE_RELEASES.join(', ')}` });
    } else if (!isDeployableRelease(spec.release)) {
      ctx.addIssue({
        code: 'custom',
        path: ['release'],
        message: `${spec.release} cannot be deployed by the pinned openstack-helm charts ${OPENSTACK_HELM_CHART_VERSION}; use ${DEPLOYABLE_RELEASES.join(', ')}`,
      });
    }
    for (const issue of componentIssues(spec.components, !!spec.storage)) {
      const [field, ...rest] = issue.split(': ');
      ctx.addIssue({ code: 'custom', path: [field], message: rest.join(': ') });
    }
  });

/** A validated cloud spec. @public */
export type CloudSpec = z.infer<typeof cloudSpecSchema>;

/** One problem of a spec: the field and what to do. @public */
export interface SpecIssue {
  path: string;
  message: string;
}

/**
 * Validates a spec without throwing; each issue names its field (`spec.infrastructure.mariadbReplicas`)
 * and the fix.
 *
 * @public
 */
export function validateCloudSpec(input: unknown): { spec?: CloudSpec; issues: SpecIssue[] } {
  const r = cloudSpecSchema.safeParse(input);
  if (r.success) return { spec: r.data, issues: [] };
  return {
    issues: r.error.issues.map(i => ({ path: ['spec', ...i.path.map(String)].join('.'), message: i.message })),
  };
}

/**
 * Parses a spec, or throws an `InputError` listing every issue as `spec.<path>: <problem>`.
 *
 * @public
 */
export function parseCloudSpec(input: unknown): CloudSpec {
  const { spec, issues } = validateCloudSpec(input);
  if (!spec) throw new InputError(`Invalid cloud spec:\n${issues.map(i => `${i.path}: ${i.message}`).join('\n')}`);
  return spec;
}

/** The JSON Schema of the spec's input, for templates and editors. @public */
export function cloudSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(cloudSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
