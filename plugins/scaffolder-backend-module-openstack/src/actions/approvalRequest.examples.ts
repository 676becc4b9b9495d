import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Two phases: without approvalId the template plans and files the request, then ends; on approval the backend runs the same template with approvalId, and the upgrade step verifies it',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          if: '${{ not parameters.approvalId }}',
          action: 'openstack:cloud:upgrade',
          input: { cloud: '${{ parameters.cloud }}', targetRelease: '${{ parameters.targetRelease }}', planOnly: true },
        },
        {
          id: 'approval',
          if: '${{ not parameters.approvalId and steps.plan.output.approvalRequired }}',
          action: 'openstack:approval:request',
          name: 'Ask the platform team to approve',
          input: {
            title: 'Upgrade ${{ parameters.cloud }} to ${{ parameters.targetRelease }}',
            summary: 'One hop, service by service',
            plan: '${{ steps.plan.output.plan }}',
            cloud: '${{ parameters.cloud }}',
            approverGroup: 'group:default/platform-team',
            timeoutMinutes: 1440,
            runParameters: '${{ parameters }}',
          },
        },
        {
          id: 'upgrade',
          if: '${{ parameters.approvalId or not steps.plan.output.approvalRequired }}',
          action: 'openstack:cloud:upgrade',
          input: { cloud: '${{ parameters.cloud }}', targetRelease: '${{ parameters.targetRelease }}', approvalId: '${{ parameters.approvalId }}' },
        },
      ],
    }),
  },
];
