import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Empty a host for a hardware repair, two instances at a time',
    example: yaml.stringify({
      steps: [
        {
          id: 'maintenance',
          action: 'openstack:compute:maintenance',
          name: 'Enter maintenance',
          input: { cloud: 'resource:openstack/prod-cloud', host: 'cmp-az1-13', mode: 'enter', reason: 'replace DIMM B2', parallel: 2 },
        },
      ],
    }),
  },
  {
    description: 'Take the host back into service once it is repaired',
    example: yaml.stringify({
      steps: [
        {
          id: 'maintenance',
          action: 'openstack:compute:maintenance',
          name: 'Exit maintenance',
          input: { cloud: 'resource:openstack/prod-cloud', host: 'cmp-az1-13', mode: 'exit' },
        },
      ],
    }),
  },
];
