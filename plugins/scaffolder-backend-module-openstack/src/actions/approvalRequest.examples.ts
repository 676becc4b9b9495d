import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Ask the platform team to approve an upgrade plan before it runs',
    example: yaml.stringify({
      steps: [
        {
          id: 'approval',
          action: 'openstack:approval:request',
          name: 'Platform-team approval',
          input: {
            title: 'Upgrade demo-cloud to 2025.2',
            summary: 'One hop 2025.1 → 2025.2, service by service',
            plan: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2' },
            cloud: 'resource:default/demo-cloud',
            approverGroup: 'group:default/platform-team',
            timeoutMinutes: 1440,
          },
        },
      ],
    }),
  },
];
