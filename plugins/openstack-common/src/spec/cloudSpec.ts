import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  DEPLOYABLE_RELEASES,
  findRelease,
  isDeployableBy,
  OPENSTACK_HELM_CHART_VERSION,
} from '../releases/catalog';
import { componentIssues, OPENSTACK_COMPONENTS } from './components';
import { relativePathField, safeNameField } from './fields';

/** A DNS-1123 label (a Kubernetes namespace, a cloud name); the length is checked apart. @public */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The official openstack-helm chart repository. @public */
export const OPENSTACK_HELM_REPOSITORY =
  'https://tarballs.opendev.org/openstack/openstack-helm/';

/**
 * The chart source a spec names when it names none: the `openstack.chartSources` key the portal's
 * app-config gives openstack-helm's public repository. @public
 */
export const DEFAULT_CHART_SOURCE = 'openstack-helm';

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
    .max(253, `is longer than 253 characters. Use e.g. ${what}`)
    .regex(
      K8S_NAME,
      `must be a Kubernetes name. Use lower-case letters, digits, "-" and ".", e.g. ${what}`,
    );

const storage = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('ceph-rbd'),
    pool: safeNameField('volumes').default('volumes'),
    user: safeNameField('cinder').default('cinder'),
    monitors: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:\d{1,5})?$/,
            'is not a monitor address. Use host or host:port, e.g. 10.0.0.11:6789',
          ),
      )
      .min(1, 'is empty. List at least one Ceph monitor, e.g. 10.0.0.11:6789')
      .max(9, 'lists more than 9 monitors. List the cluster\'s monitors, e.g. 10.0.0.11:6789'),
    /** Name of the Kubernetes Secret that holds the Ceph client key (never the key itself). */
    secretName: k8sName('ceph-client-key'),
    /** Pool glance stores images in, with the same client user. */
    imagePool: z.string().min(1).default('images'),
    /** ConfigMap with the Ceph client's `ceph.conf` (e.g. Rook's ceph-adapter writes `ceph-etc`). */
    configMapName: k8sName('ceph-etc').default('ceph-etc'),
  }),
  z.strictObject({
    backend: z.literal('lvm'),
    volumeGroup: safeNameField('cinder-volumes').default('cinder-volumes'),
  }),
  z.strictObject({
    backend: z.literal('nfs'),
    shares: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?:(\/[A-Za-z0-9_.-]+)+$/,
            'is not an NFS share. Use host:/export, e.g. nfs01:/srv/cinder',
          )
          .max(512, 'is longer than 512 characters. Use host:/export, e.g. nfs01:/srv/cinder')
          .refine(s => !/\/\.\.?(\/|$)/.test(s), {
            message: 'has a "." or ".." segment. Use the export\'s own path, e.g. nfs01:/srv/cinder',
          }),
      )
      .min(1, 'is empty. List at least one share, e.g. nfs01:/srv/cinder')
      .max(16, 'lists more than 16 shares. Use at most 16'),
  }),
]);

/** The Git repository URL schemes Argo CD may be pointed at. */
const GIT_URL = /^(https|ssh|git):\/\/[^\s]+$/;

/**
 * A GitOps repository URL: https://, ssh:// or git://, a host, no password or token in it (an
 * ssh user name such as `git@` is not a credential), no query or fragment.
 */
const gitRepoUrlField = z
  .string()
  .max(2048, 'is longer than 2048 characters. Use e.g. https://git.example.org/platform/openstack-gitops.git')
  .superRefine((value, ctx) => {
    const problem = gitRepoUrlProblem(value);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        message: `${problem}. Use e.g. https://git.example.org/platform/openstack-gitops.git`,
      });
  });

function gitRepoUrlProblem(value: string): string | undefined {
  if (!GIT_URL.test(value)) return 'is not an https://, ssh:// or git:// URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (!url.hostname) return 'has no host';
  if (url.password) return 'carries a password; keep credentials out of the URL (Argo CD holds the repository\'s credentials)';
  if (url.username && !url.protocol.startsWith('ssh'))
    return 'carries a user or token; keep credentials out of the URL (Argo CD holds the repository\'s credentials)';
  if (url.search || url.hash) return 'has a query or fragment; name the repository only';
  return undefined;
}

const gitops = {
  /** Directory of the GitOps repository the rendered files go to. */
  repositoryPath: relativePathField('clusters/openstack').default('clusters/openstack'),
  /** Namespace of the control plane; defaults to the cloud name. */
  namespace: z
    .string()
    .max(63, 'is longer than 63 characters. Use a DNS-1123 label, e.g. edge-1')
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
    region: safeNameField('RegionOne').default('RegionOne'),
    release: z.string().max(20, 'is longer than 20 characters. Use a release, e.g. 2026.1'),
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
                /^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_.-]{1,15}$/,
                'is not a mapping. Use physnet:bridge (a bridge name has at most 15 characters), e.g. physnet1:br-ex',
              ),
          )
          .max(16, 'has more than 16 mappings. Use at most 16')
          .default([]),
      })
      .default({ backend: 'ovn', bridgeMappings: [] }),
    storage: storage.optional(),
    /**
     * StorageClasses of the control plane's volumes: MariaDB, RabbitMQ, OVN's databases, and
     * glance's image volume when the cloud has no Ceph. `default` for each one not named.
     */
    storageClasses: z
      .strictObject({
        default: k8sName('general').default('general'),
        mariadb: k8sName('fast-ssd').optional(),
        rabbitmq: k8sName('fast-ssd').optional(),
        ovn: k8sName('fast-ssd').optional(),
        /** glance's image volume: with more than one API replica it must offer ReadWriteMany. */
        glance: k8sName('shared-rwx').optional(),
      })
      .default({ default: 'general' }),
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
        project: k8sName('default').default('default'),
        /** Namespace Argo CD watches for Applications. */
        argocdNamespace: z
          .string()
          .max(63, 'is longer than 63 characters. Use e.g. argocd')
          .regex(DNS_LABEL, 'must be a DNS-1123 label. Use e.g. argocd')
          .default('argocd'),
        /** The API server Argo CD deploys to, as Argo CD names it (the backend never fetches it). */
        destinationServer: z
          .string()
          .max(2048, 'is longer than 2048 characters. Use e.g. https://kubernetes.default.svc')
          .regex(
            /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9_.\/-]*)?$/,
            'is not an https:// API server URL. Use e.g. https://kubernetes.default.svc',
          )
          .default('https://kubernetes.default.svc'),
        /**
         * The cloud's GitOps repository, which the parent Application (app-of-apps) syncs:
         * https://, ssh:// or git://, without credentials (Argo CD holds the repository's).
         */
        repoUrl: gitRepoUrlField,
        /** The branch, tag or commit the parent Application follows. */
        revision: z
          .string()
          .max(255, 'is longer than 255 characters. Use a branch, tag or commit, e.g. main')
          .refine(
            r =>
              /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/.test(r) &&
              !r.includes('..') &&
              !r.endsWith('/') &&
              !r.endsWith('.lock'),
            { message: 'is not a Git revision. Use a branch, tag or commit, e.g. main' },
          )
          .default('HEAD'),
      }),
      z.strictObject({
        mode: z.literal('direct'),
        cluster: safeNameField('prod-eu (the cluster as the kubernetes plugin names it)'),
        namespace: z
          .string()
          .max(63, 'is longer than 63 characters. Use e.g. openstack')
          .regex(
            DNS_LABEL,
            'must be a DNS-1123 label. Use lower-case letters, digits and "-", e.g. openstack',
          ),
      }),
    ]),
    /**
     * The charts' source, by name: a key of the backend's `openstack.chartSources` (its URL and CA
     * are the platform team's configuration; a spec never carries a URL).
     */
    chartSource: z
      .strictObject({
        name: safeNameField(DEFAULT_CHART_SOURCE).default(DEFAULT_CHART_SOURCE),
        version: z
          .string()
          .regex(
            /^\d+\.\d+\.\d+$/,
            `is not a chart version. Use e.g. ${OPENSTACK_HELM_CHART_VERSION}`,
          )
          .default(OPENSTACK_HELM_CHART_VERSION),
      })
      .default({
        name: DEFAULT_CHART_SOURCE,
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
  'chartSource.name': `Name a chart source of openstack.chartSources, e.g. ${DEFAULT_CHART_SOURCE}`,
};

function describe(issue: z.core.$ZodIssue, path: string[]): SpecIssue[] {
  const field = path.join('.');
  const hint = HINTS[field] ?? HINTS[field.replace(/\.\d+$/, '')];
  const at = (p: string[]) => ['spec', ...p].join('.');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map(k => {
        let message =
          'is not a field of the cloud spec. Remove it (see cloudSpecJsonSchema() for the fields)';
        if (CREDENTIAL_KEY.test(k))
          message =
            'looks like a credential, and credentials never go in the spec. Remove it and put the value in the Kubernetes Secret renderCloud() lists in requiredSecrets';
        else if (field === 'chartSource' && k === 'url')
          message = `is not taken: a chart source is named, never typed. Remove it and set chartSource.name to a source the platform team configured (openstack.chartSources), e.g. ${DEFAULT_CHART_SOURCE}`;
        return { path: at([...path, k]), message };
      });
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

/** The StorageClass of one of the control plane's volumes. @public */
export function storageClassOf(
  spec: CloudSpec,
  volume: 'mariadb' | 'rabbitmq' | 'ovn' | 'glance',
): string {
  return spec.storageClasses[volume] ?? spec.storageClasses.default;
}

/** Every StorageClass a cloud's volumes use. @public */
export function storageClassesOf(spec: CloudSpec): string[] {
  return [
    ...new Set(
      (['mariadb', 'rabbitmq', 'ovn', 'glance'] as const).map(v =>
        storageClassOf(spec, v),
      ),
    ),
  ];
}

/** The namespace the control plane runs in. @public */
export function cloudNamespace(spec: CloudSpec): string {
  return spec.delivery.namespace ?? spec.name;
}
