import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create a small demo edge cloud on 2026.1 and wait until it is Healthy',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'openstack:cloud:create',
          name: 'Create cloud',
          input: {
            delivery: 'demo',
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
  {
    description:
      'Create a live cloud on 2026.1 with Flux: Secrets in cluster prod-eu, manifests in the workspace for a pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'openstack:cloud:create',
          name: 'Create cloud',
          input: {
            delivery: 'flux',
            cluster: 'prod-eu',
            waitForReady: false,
            spec: {
              name: 'edge-2',
              release: '2026.1',
              components: ['keystone', 'glance', 'placement', 'nova', 'neutron'],
              publicDomain: 'edge-2.cloud.example.org',
              delivery: { mode: 'flux', repositoryPath: 'clusters', namespace: 'edge-2' },
            },
          },
        },
      ],
    }),
  },
];
