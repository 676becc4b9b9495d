import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_DELIVERY,
  ANNOTATION_OPENSTACK_NAMESPACE,
  cloudKubernetesAnnotations,
  DNS_LABEL,
  OPENSTACK_CLOUD_TYPE,
} from '@backstage-openstack/plugin-openstack-common';
import { examples } from './cloudEntity.examples';

/** The catalog entity of a cloud, annotated for the status backend and the Kubernetes plugin. */
export function buildCloudEntity(c: {
  name: string;
  cluster: string;
  namespace: string;
  release: string;
  owner: string;
  system: string;
  /** demo, direct, flux or argocd (`cloudDriverKind`); absent: a live cloud the suite only reads. */
  delivery?: string;
  /** `spec.lifecycle` (e.g. production): picks which operations need an approval. */
  lifecycle?: string;
}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: c.name,
      description: `OpenStack cloud ${c.name} (${c.release})`,
      annotations: {
        [ANNOTATION_OPENSTACK_CLOUD]: c.name,
        [ANNOTATION_OPENSTACK_CLUSTER]: c.cluster,
        [ANNOTATION_OPENSTACK_NAMESPACE]: c.namespace,
        ...cloudKubernetesAnnotations({ cluster: c.cluster, namespace: c.namespace }),
        ...(c.delivery ? { [ANNOTATION_OPENSTACK_DELIVERY]: c.delivery } : {}),
      },
    },
    spec: {
      type: OPENSTACK_CLOUD_TYPE,
      owner: c.owner,
      system: c.system,
      release: c.release,
      ...(c.lifecycle ? { lifecycle: c.lifecycle } : {}),
    },
  };
}

/**
 * `openstack:cloud:entity` — builds the catalog entity of a cloud (Resource of type
 * `openstack-cloud`, annotated for the status backend and the Kubernetes plugin), for
 * `catalog:write` or `catalog:register`.
 *
 * @public
 */
export function createCloudEntityAction() {
  return createTemplateAction({
    id: 'openstack:cloud:entity',
    description:
      'Builds the catalog entity of an OpenStack cloud (Resource openstack-cloud) with the annotations the status backend reads',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({ description: 'Cloud name, a DNS-1123 label (also the openstack.clouds.<name> config key)' }),
        cluster: z =>
          z.string({ description: 'Kubernetes cluster name, as configured for the kubernetes backend' }),
        namespace: z =>
          z.string({ description: 'Namespace of the control plane' }).default('openstack'),
        release: z => z.string({ description: 'OpenStack release, e.g. 2025.1' }),
        owner: z => z.string({ description: 'Owner entity ref, e.g. group:default/platform-team' }),
        system: z => z.string({ description: 'System the cloud belongs to' }).default('openstack'),
      },
      output: {
        entity: z => z.record(z.string(), z.unknown()).describe('The catalog entity'),
      },
    },
    async handler(ctx) {
      // the scaffolder does not apply the schema's defaults to the input
      const { name, cluster, namespace = 'openstack', release, owner, system = 'openstack' } = ctx.input;
      if (!DNS_LABEL.test(name) || name.length > 40) {
        throw new InputError(
          `input.name "${name}" is not a DNS-1123 label of at most 40 characters; use lower-case letters, digits and "-", starting and ending with a letter or digit`,
        );
      }
      const entity = buildCloudEntity({ name, cluster, namespace, release, owner, system });
      ctx.logger.info(`Catalog entity for cloud ${name} on ${cluster}/${namespace}`);
      ctx.output('entity', entity);
    },
  });
}
