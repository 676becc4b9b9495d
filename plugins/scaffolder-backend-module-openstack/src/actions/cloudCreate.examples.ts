import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create a small edge cloud on 2026.1 and wait until it is Healthy',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'openstack:cloud:create',
          name: 'Create cloud',
          input: {
            name: 'edge-1',
            release: '2026.1',
            components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
            region: 'EdgeOne',
            waitForReady: true,
          },
        },
      ],
    }),
  },
];
