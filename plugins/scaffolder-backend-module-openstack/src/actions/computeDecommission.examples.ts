import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Decommission a host: plan, approval by the cloud lifecycle rule, then the removal',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'openstack:compute:decommission',
          name: 'Plan',
          input: { cloud: 'resource:openstack/prod-cloud', host: 'cmp-az1-13', planOnly: true },
        },
        {
          id: 'approval',
          if: '${{ steps.plan.output.approvalRequired }}',
          action: 'openstack:approval:request',
          name: 'Approval',
          input: { title: 'Decommission cmp-az1-13', cloud: 'resource:openstack/prod-cloud', plan: '${{ steps.plan.output.plan }}' },
        },
        {
          id: 'decommission',
          action: 'openstack:compute:decommission',
          name: 'Decommission',
          input: { cloud: 'resource:openstack/prod-cloud', host: 'cmp-az1-13', reason: 'end of life' },
        },
      ],
    }),
  },
  {
    description: 'Decommission a dead host, rebuilding its instances elsewhere',
    example: yaml.stringify({
      steps: [
        {
          id: 'decommission',
          action: 'openstack:compute:decommission',
          name: 'Decommission',
          input: { cloud: 'resource:openstack/prod-cloud', host: 'cmp-az1-07', evacuate: true },
        },
      ],
    }),
  },
];
