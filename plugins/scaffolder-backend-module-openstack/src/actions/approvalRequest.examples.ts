import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The request phase of a two-phase template: file the request for the planned upgrade with the form values to run it with, and end. On approval the backend runs the same template again with approvalId (so the step has `if: ${{ not parameters.approvalId }}`), and the upgrade step verifies it',
    example: yaml.stringify({
      steps: [
        {
          id: 'approval',
          action: 'openstack:approval:request',
          name: 'Ask the platform team to approve (the upgrade runs once approved)',
          if: '${{ not parameters.approvalId and steps.plan.output.approvalRequired }}',
          input: {
            title: 'Upgrade demo-cloud to 2025.2',
            summary: 'One hop 2025.1 → 2025.2, service by service',
            plan: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2' },
            cloud: 'resource:default/demo-cloud',
            approverGroup: 'group:default/platform-team',
            timeoutMinutes: 1440,
            runParameters: { cloud: 'resource:default/demo-cloud', targetRelease: '2025.2' },
          },
        },
      ],
    }),
  },
];
