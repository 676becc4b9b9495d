import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** The components both examples deploy: a minimal compute cloud. */
const COMPUTE_COMPONENTS = ['keystone', 'glance', 'placement', 'nova', 'neutron'];

/** An example template with one `openstack:cloud:create` step taking `input`. */
function createStep(description: string, input: Record<string, unknown>): TemplateExample {
  return {
    description,
    example: yaml.stringify({
      steps: [{ id: 'create', action: 'openstack:cloud:create', name: 'Create cloud', input }],
    }),
  };
}

export const examples: TemplateExample[] = [
  createStep('Create a small demo edge cloud on 2026.1 and wait until it is Healthy', {
    delivery: 'demo',
    name: 'edge-1',
    release: '2026.1',
    components: COMPUTE_COMPONENTS,
    region: 'EdgeOne',
    waitForReady: true,
  }),
  createStep(
    'Create a live cloud on 2026.1 with Flux: Secrets in cluster prod-eu, manifests in the workspace for a pull request',
    {
      delivery: 'flux',
      cluster: 'prod-eu',
      waitForReady: false,
      spec: {
        name: 'edge-2',
        release: '2026.1',
        components: COMPUTE_COMPONENTS,
        publicDomain: 'edge-2.cloud.example.org',
        // a name of openstack.chartSources (app-config names openstack-helm's public repository so)
        chartSource: { name: 'openstack-helm' },
        delivery: { mode: 'flux', repositoryPath: 'clusters', namespace: 'edge-2' },
      },
    },
  ),
];
