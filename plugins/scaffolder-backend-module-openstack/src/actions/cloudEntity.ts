import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_OPENSTACK_CLOUD,
  ANNOTATION_OPENSTACK_CLUSTER,
  ANNOTATION_OPENSTACK_NAMESPACE,
  OPENSTACK_CLOUD_TYPE,
} from '@backstage-openstack/plugin-openstack-common';
import { examples } from './cloudEntity.examples';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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
      const { name, cluster, namespace, release, owner, system } = ctx.input;
      if (!DNS_LABEL.test(name) || name.length > 40) {
        throw new InputError(
          `input.name "${name}" is not a DNS-1123 label of at most 40 characters; use lower-case letters, digits and "-", starting and ending with a letter or digit`,
        );
      }
      const entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name,
          description: `OpenStack cloud ${name} (${release})`,
          annotations: {
            [ANNOTATION_OPENSTACK_CLOUD]: name,
            [ANNOTATION_OPENSTACK_CLUSTER]: cluster,
            [ANNOTATION_OPENSTACK_NAMESPACE]: namespace,
            'backstage.io/kubernetes-id': name,
            'backstage.io/kubernetes-namespace': namespace,
          },
        },
        spec: { type: OPENSTACK_CLOUD_TYPE, owner, system, release },
      };
      ctx.logger.info(`Catalog entity for cloud ${name} on ${cluster}/${namespace}`);
      ctx.output('entity', entity);
    },
  });
}
