// Where the demo driver's create effects land: the backend's demo store, which rolls the new
// cloud's charts out on its own clock. The wait observes it through the suite's demo route.
import { InputError } from '@backstage/errors';
import { componentIssues, DEPLOYABLE_RELEASES, DNS_LABEL, isDeployableRelease, quoteValue, SAFE_NAME } from '@backstage-openstack/plugin-openstack-common';
import { pollUntil } from '@backstage-openstack/plugin-openstack-node';
import { SuiteApi } from './suiteApi';
import { CreateInput, CreateTarget, DriverContext } from './types';

/** A not-found answer of the suite's backend (a `ResponseError` of 404, or a `NotFoundError`). */
function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; response?: { status?: number } };
  return err?.response?.status === 404 || err?.name === 'NotFoundError';
}

/** Opens a new demo cloud: checks its name, release, components, namespace and region, each naming its field. */
export function openDemoCreate(api: SuiteApi, ctx: Pick<DriverContext, 'logger' | 'signal'>, input: CreateInput): CreateTarget {
  const { name = '', release = '', components = [], region = 'RegionOne', cluster = 'demo-cluster' } = input;
  const namespace = input.namespace ?? name;
  const issues: string[] = [];
  if (!DNS_LABEL.test(name) || name.length > 40) {
    issues.push(`input.name ${quoteValue(name)}: not a DNS-1123 label of at most 40 characters; use lower-case letters, digits and "-"`);
  }
  if (!isDeployableRelease(release)) {
    issues.push(`input.release ${quoteValue(release)}: the pinned openstack-helm charts deploy ${DEPLOYABLE_RELEASES.join(', ')}; pick one of them`);
  }
  issues.push(...componentIssues(components).map(i => `input.${i}`));
  // the default namespace is the name, which is reported above when it is bad
  if (input.namespace !== undefined && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
    issues.push(`input.namespace ${quoteValue(namespace)}: not a DNS-1123 label of at most 63 characters`);
  }
  if (!SAFE_NAME.test(region)) {
    issues.push(`input.region ${quoteValue(region)}: use 1-64 letters, digits, ".", "_" or "-" (no spaces, line breaks or quotes), e.g. RegionOne`);
  }
  if (issues.length) throw new InputError(issues.join('\n'));
  const body = { name, release, region, cluster, namespace, components };

  return {
    cloud: { cloudKey: name, cluster, namespace, release, delivery: 'demo' },
    keyField: 'input.name',
    // a demo cloud of this name in the demo store is taken too
    heldBy: () =>
      api.demoStatus(name).then(
        () => [`the demo cloud "${name}" in the demo store`],
        e => (isNotFound(e) ? [] : Promise.reject(e)),
      ),
    preflight: async () => [],
    render: () => ({
      plan: [`create the demo cloud ${name} in the demo store (region ${region}; components ${components.join(', ')}); its charts then roll out`],
      preview: [`the demo store would create ${JSON.stringify(body)}`],
      effects: [
        {
          id: `DemoCloud.${name}`,
          run: async () => {
            await api.createDemoCloud(body);
            return `Created ${name}; its charts now roll out`;
          },
        },
      ],
      manifests: [],
      // the demo store creates nothing but this cloud
      approval: { spec: { ...body, delivery: 'demo' }, objects: [] },
    }),
    async waitReady({ timeoutMs, intervalMs = 3000 }) {
      const ready = new Set<string>();
      await pollUntil(
        `every service of ${name} to be Healthy`,
        async () => {
          const s = await api.demoStatus(name);
          for (const svc of s.services) {
            if (svc.verdict === 'Healthy' && !ready.has(svc.name)) {
              ready.add(svc.name);
              ctx.logger.info(`${svc.name} is ready`);
            }
          }
          return s.verdict === 'Healthy' ? s : undefined;
        },
        { timeoutMs, intervalMs, signal: ctx.signal },
      );
    },
  };
}
