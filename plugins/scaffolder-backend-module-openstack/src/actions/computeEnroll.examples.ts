import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Enroll a new host into zone az1 of the demo cloud',
    example: yaml.stringify({
      steps: [
        {
          id: 'enroll',
          action: 'openstack:compute:enroll',
          name: 'Enroll compute host',
          input: {
            cloud: 'resource:default/demo-cloud',
            host: 'cmp-az1-13',
            managementIp: '10.0.12.113',
            overlayIp: '10.1.12.113',
            availabilityZone: 'az1',
            aggregate: 'az1-general',
          },
        },
      ],
    }),
  },
];
