import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Upgrade the demo cloud one hop towards 2025.2',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'openstack:cloud:upgrade',
          name: 'Upgrade OpenStack',
          input: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2', timeoutMinutes: 30 },
        },
      ],
    }),
  },
];
