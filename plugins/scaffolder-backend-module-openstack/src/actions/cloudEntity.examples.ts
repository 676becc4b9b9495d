import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Catalog entity for a new cloud, then written to catalog-info.yaml',
    example: yaml.stringify({
      steps: [
        {
          id: 'entity',
          action: 'openstack:cloud:entity',
          name: 'Build catalog entity',
          input: {
            name: 'region-two',
            cluster: 'prod-eu',
            namespace: 'openstack',
            release: '2025.1',
            owner: 'group:default/platform-team',
          },
        },
      ],
    }),
  },
];
