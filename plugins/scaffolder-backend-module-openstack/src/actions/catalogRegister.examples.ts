import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register the entity of a cloud that openstack:cloud:create made',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'openstack:catalog:register',
          name: 'Register in the catalog',
          input: {
            entity: {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: { name: 'edge-1', annotations: { 'openstack.backstage.io/cloud': 'edge-1' } },
              spec: { type: 'openstack-cloud', owner: 'group:default/platform-team' },
            },
          },
        },
      ],
    }),
  },
];
