import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  DEPLOYABLE_RELEASES,
  findRelease,
  isDeployableBy,
  OPENSTACK_HELM_CHART_VERSION,
} from '../releases/catalog';
import { componentIssues, OPENSTACK_COMPONENTS } from './components';

/** A DNS-1123 label (a Kubernetes namespace, a cloud name); the length is checked apart. @public */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The official openstack-helm chart repository. @public */
export const OPENSTACK_HELM_REPOSITORY =
  'https://tarballs.opendev.org/openstack/openstack-helm/';

/** Galera and RabbitMQ clusters need 1 or an odd number ≥ 3 of members to keep a quorum. */
const quorumReplicas = z
  .number()
  .int()
  .refine(n => n === 1 || (n >= 3 && n % 2 === 1), {
    message:
      'must be 1 or an odd number ≥ 3, since a quorum needs a majority. Use 1, 3 or 5',
  });

const k8sName = (what: string) =>
  z
    .string()
    .regex(
      K8S_NAME,
      `must be a Kubernetes name. Use lower-case letters, digits, "-" and ".", e.g. ${what}`,
    );

const storage = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('ceph-rbd'),
    pool: z.string().min(1).default('volumes'),
    user: z.string().min(1).default('cinder'),
    monitors: z
      .array(
        z
          .string()
          .regex(
            /^[^\s:]+(:\d+)?$/,
            'is not a monitor address. Use host or host:port, e.g. 10.0.0.11:6789',
          ),
      )
      .min(1, 'is empty. List at least one Ceph monitor, e.g. 10.0.0.11:6789'),
    /** Name of the Kubernetes Secret that holds the Ceph client key (never the key itself). */
    secretName: k8sName('ceph-client-key'),
  }),
  z.strictObject({
    backend: z.literal('lvm'),
    volumeGroup: z.string().min(1).default('cinder-volumes'),
  }),
  z.strictObject({
    backend: z.literal('nfs'),
    shares: z
      .array(
        z
          .string()
          .regex(
            /^[^:/\s]+:\/\S*$/,
            'is not an NFS share. Use host:/export, e.g. nfs01:/srv/cinder',
          ),
      )
      .min(1, 'is empty. List at least one share, e.g. nfs01:/srv/cinder'),
  }),
]);

const gitops = {
  /** Directory of the GitOps repository the rendered files go to. */
  repositoryPath: z.string().min(1).default('clusters/openstack'),
  /** Namespace of the control plane; defaults to the cloud name. */
  namespace: z
    .string()
    .regex(
      DNS_LABEL,
      'must be a DNS-1123 label. Use lower-case letters, digits and "-"',
    )
    .optional(),
};

/**
 * The cloud spec: what a platform team asks for when it creates a cloud. Objects are strict:
 * an unknown field is an error, so a credential typed into the spec is refused rather than
 * rendered (credentials live in Kubernetes Secrets, see `renderCloud().requiredSecrets`).
 *
 * @public
 */
export const cloudSpecSchema = z
  .strictObject({
    name: z
      .string()
      .max(
        40,
        'is longer than 40 characters. Use a shorter name; it prefixes every Kubernetes object of the cloud',
      )
      .regex(
        DNS_LABEL,
        'is not a DNS-1123 label. Use lower-case letters, digits and "-", e.g. edge-1',
      ),
    region: z.string().min(1).default('RegionOne'),
    release: z.string(),
    components: z
      .array(z.enum(OPENSTACK_COMPONENTS))
      .default([...OPENSTACK_COMPONENTS]),
    infrastructure: z
      .strictObject({
        mariadbReplicas: quorumReplicas.default(3),
        rabbitmqReplicas: quorumReplicas.default(3),
        memcachedReplicas: z.number().int().min(1).max(9).default(1),
        /** OVN NB/SB raft cluster members (and northd replicas). */
        ovnDbReplicas: quorumReplicas.default(3),
      })
      .default({
        mariadbReplicas: 3,
        rabbitmqReplicas: 3,
        memcachedReplicas: 1,
        ovnDbReplicas: 3,
      }),
    /** Replicas of each API, conductor and scheduler Deployment; 2 or more roll without downtime. */
    apiReplicas: z.number().int().min(1).max(9).default(2),
    nodeSelector: z
      .strictObject({
        key: z
          .string()
          .regex(
            LABEL_KEY,
            'is not a Kubernetes label key. Use e.g. openstack-control-plane',
          ),
        value: z
          .string()
          .regex(
            LABEL_VALUE,
            'is not a Kubernetes label value. Use e.g. enabled',
          ),
      })
      .default({ key: 'openstack-control-plane', value: 'enabled' }),
    networking: z
      .strictObject({
        backend: z.literal('ovn').default('ovn'),
        /** Provider network mappings, `physnet:bridge`. */
        bridgeMappings: z
          .array(
            z
              .string()
              .regex(
                /^[A-Za-z0-9_-]+:[A-Za-z0-9_.-]+$/,
                'is not a mapping. Use physnet:bridge, e.g. physnet1:br-ex',
              ),
          )
          .default([]),
      })
      .default({ backend: 'ovn', bridgeMappings: [] }),
    storage: storage.optional(),
    publicDomain: z
      .string()
      .regex(
        DNS_NAME,
        'is not a DNS name. Use the domain the public endpoints live under, e.g. cloud.example.org',
      ),
    /** cert-manager ClusterIssuer that signs the public endpoints' certificates. */
    tlsIssuer: k8sName('letsencrypt-prod').optional(),
    exposure: z.enum(['ingress', 'gateway-api']).default('ingress'),
    ingressClassName: k8sName('nginx').optional(),
    /** The Gateway API Gateway the HTTPRoutes attach to (exposure gateway-api). */
    gateway: z
      .strictObject({
        name: k8sName('openstack'),
        namespace: k8sName('gateway-system').optional(),
      })
      .optional(),
    delivery: z.discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('flux'), ...gitops }),
      z.strictObject({
        mode: z.literal('argocd'),
        ...gitops,
        project: z.string().min(1).default('default'),
        /** Namespace Argo CD watches for Applications. */
        argocdNamespace: z.string().regex(DNS_LABEL).default('argocd'),
        destinationServer: z
          .string()
          .url()
          .default('https://kubernetes.default.svc'),
        /** Secret store path prefix argocd-vault-plugin resolves credential placeholders under. */
        secretPathPrefix: z
          .string()
          .regex(
            /^[A-Za-z0-9_./-]+$/,
            'is not a path. Use e.g. secret/data/openstack',
          )
          .default('secret/data/openstack'),
      }),
      z.strictObject({
        mode: z.literal('direct'),
        cluster: z
          .string()
          .min(
            1,
            'is empty. Name the Kubernetes cluster to apply to, as the kubernetes plugin knows it',
          ),
        namespace: z
          .string()
          .regex(
            DNS_LABEL,
            'must be a DNS-1123 label. Use lower-case letters, digits and "-", e.g. openstack',
          ),
      }),
    ]),
    chartSource: z
      .strictObject({
        url: z
          .string()
          .regex(
            /^(https:\/\/|oci:\/\/)\S+$/,
            `is neither an https:// Helm repository nor an oci:// registry. Use e.g. ${OPENSTACK_HELM_REPOSITORY}`,
          ),
        version: z
          .string()
          .regex(
            /^\d+\.\d+\.\d+$/,
            `is not a chart version. Use e.g. ${OPENSTACK_HELM_CHART_VERSION}`,
          )
          .default(OPENSTACK_HELM_CHART_VERSION),
      })
      .default({
        url: OPENSTACK_HELM_REPOSITORY,
        version: OPENSTACK_HELM_CHART_VERSION,
      }),
  })
  .superRefine((spec, ctx) => {
    if (!findRelease(spec.release)) {
      ctx.addIssue({
        code: 'custom',
        path: ['release'],
        message: `"${
          spec.release
        }" is not an OpenStack release. Use one of ${DEPLOYABLE_RELEASES.join(
          ', ',
        )}`,
      });
    } else if (!isDeployableBy(spec.release, spec.chartSource.version)) {
      ctx.addIssue({
        code: 'custom',
        path: ['release'],
        message: `${
          spec.release
        } cannot be deployed by the pinned openstack-helm charts ${
          spec.chartSource.version
        }. Use ${DEPLOYABLE_RELEASES.join(', ')}`,
      });
    }
    for (const issue of componentIssues(spec.components, !!spec.storage)) {
      const [field, ...rest] = issue.split(': ');
      ctx.addIssue({ code: 'custom', path: [field], message: rest.join(': ') });
    }
    if (spec.exposure === 'gateway-api' && !spec.gateway) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway'],
        message:
          'is missing while exposure is gateway-api. Name the Gateway the routes attach to, e.g. { name: openstack }',
      });
    }
    if (spec.storage && !spec.components.includes('cinder')) {
      ctx.addIssue({
        code: 'custom',
        path: ['storage'],
        message:
          'is set but the cloud has no cinder. Add cinder to components or remove storage',
      });
    }
  });

/** A validated cloud spec. @public */
export type CloudSpec = z.infer<typeof cloudSpecSchema>;

/** The spec as a template or a user writes it (defaults not yet applied). @public */
export type CloudSpecInput = z.input<typeof cloudSpecSchema>;

/** One problem of a spec: the field (`spec.infrastructure.mariadbReplicas`) and what to do. @public */
export interface SpecIssue {
  path: string;
  message: string;
}

const CREDENTIAL_KEY =
  /pass|secret|token|credential|keyring|private|^key$|apikey|api_key/i;

/** Fixes for zod's generic messages, by field. */
const HINTS: Record<string, string> = {
  name: 'Set a DNS-1123 label of at most 40 characters, e.g. edge-1',
  release: `Set one of ${DEPLOYABLE_RELEASES.join(', ')}`,
  publicDomain:
    'Set the domain the public endpoints live under, e.g. cloud.example.org',
  delivery: 'Set delivery.mode to flux, argocd or direct',
  'delivery.mode': 'Use flux, argocd or direct',
  'storage.backend': 'Use ceph-rbd, lvm or nfs',
  components: `Use some of ${OPENSTACK_COMPONENTS.join(', ')}`,
  exposure: 'Use ingress or gateway-api',
};

function describe(issue: z.core.$ZodIssue, path: string[]): SpecIssue[] {
  const field = path.join('.');
  const hint = HINTS[field] ?? HINTS[field.replace(/\.\d+$/, '')];
  const at = (p: string[]) => ['spec', ...p].join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map(k => ({
        path: at([...path, k]),
        message: CREDENTIAL_KEY.test(k)
          ? 'looks like a credential, and credentials never go in the spec. Remove it and put the value in the Kubernetes Secret renderCloud() lists in requiredSecrets'
          : 'is not a field of the cloud spec. Remove it (see cloudSpecJsonSchema() for the fields)',
      }));
    case 'invalid_type':
      if (issue.input === undefined)
        return [
          {
            path: at(path),
            message: `is required. ${hint ?? `Set a ${issue.expected}`}`,
          },
        ];
      return [
        {
          path: at(path),
          message: `must be a ${issue.expected}. ${hint ?? 'Fix its type'}`,
        },
      ];
    case 'invalid_union':
    case 'invalid_value':
      return [
        {
          path: at(path),
          message: `has an unsupported value. ${
            hint ?? 'See cloudSpecJsonSchema() for the allowed values'
          }`,
        },
      ];
    case 'too_small':
    case 'too_big':
      return [
        {
          path: at(path),
          message: issue.message.includes('.')
            ? issue.message
            : `${issue.message.replace(
                /^Too (small|big): expected \w+ to (have )?/,
                'must be ',
              )}. ${hint ?? 'Change the value'}`,
        },
      ];
    default:
      return [
        {
          path: at(path),
          message: issue.message.includes('. ')
            ? issue.message
            : `${issue.message}. ${hint ?? 'Fix the value'}`,
        },
      ];
  }
}

/**
 * Validates a spec without throwing. Each issue names its field (`spec.infrastructure.mariadbReplicas`)
 * and its message is `<problem>. <fix>`.
 *
 * @public
 */
export function validateCloudSpec(input: unknown): {
  spec?: CloudSpec;
  issues: SpecIssue[];
} {
  const r = cloudSpecSchema.safeParse(input);
  if (r.success) return { spec: r.data, issues: [] };
  const issues = r.error.issues.flatMap(i => describe(i, i.path.map(String)));
  return { issues };
}

/**
 * Parses a spec, or throws an `InputError` listing every issue as `spec.<path>: <problem>. <fix>`,
 * one per line.
 *
 * @public
 */
export function parseCloudSpec(input: unknown): CloudSpec {
  const { spec, issues } = validateCloudSpec(input);
  if (!spec)
    throw new InputError(
      `Invalid cloud spec:\n${issues
        .map(i => `${i.path}: ${i.message}`)
        .join('\n')}`,
    );
  return spec;
}

/** The JSON Schema (draft 2020-12) of the spec's input, for templates and editors. @public */
export function cloudSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(cloudSpecSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
}

/** The namespace the control plane runs in. @public */
export function cloudNamespace(spec: CloudSpec): string {
  return spec.delivery.namespace ?? spec.name;
}
