// Test helpers shared by the action tests: a scripted OpenStack backend and a checkpoint store
// that survives a simulated crash, the way scaffolder task recovery keeps checkpoints.
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CloudStatus, ComputeHostStatus, ControlPlaneServiceStatus } from '@backstage-openstack/plugin-openstack-common';
import { OpenStackBackend } from '../OpenStackBackend';

export const demoCloudEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'demo-cloud', namespace: 'default', annotations: { 'openstack.backstage.io/cloud': 'demo' } },
  spec: { type: 'openstack-cloud', owner: 'platform-team', lifecycle: 'production' },
};

export const catalog = () =>
  catalogServiceMock({
    entities: [
      demoCloudEntity,
      { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', metadata: { name: 'db', namespace: 'default' }, spec: { type: 'database', owner: 'x' } },
    ],
  });

const SERVICES = ['keystone', 'glance', 'placement', 'nova', 'neutron', 'cinder', 'horizon', 'mariadb', 'rabbitmq', 'memcached', 'ovn'];

export function cloudStatus(release: string, over: Partial<CloudStatus> = {}, serviceRelease: (n: string) => string | undefined = () => release): CloudStatus {
  return {
    cloud: 'demo',
    demo: true,
    release,
    verdict: 'Healthy',
    reasons: [],
    services: SERVICES.map(name => ({
      name,
      verdict: 'Healthy',
      reasons: [],
      workloads: [],
      release: ['mariadb', 'rabbitmq', 'memcached'].includes(name) ? undefined : serviceRelease(name),
    })) as ControlPlaneServiceStatus[],
    hostSummary: { total: 0, up: 0, down: 0, disabled: 0, lagging: 0 },
    capacityByZone: [],
    errors: [],
    fetchedAt: '2026-11-25T10:00:00Z',
    ...over,
  };
}

export function computeHost(host: string, release: string, over: Partial<ComputeHostStatus> = {}): ComputeHostStatus {
  return { host, zone: 'az1', aggregates: [], state: 'up', status: 'enabled', runningVms: 0, release, ...over };
}

/** A backend whose answers follow a script; every mutating call is recorded. */
export function scriptedBackend(script: {
  status: () => CloudStatus;
  hosts?: () => ComputeHostStatus[];
}) {
  const calls: string[] = [];
  const backend = {
    status: jest.fn(async (_c: string) => script.status()),
    hosts: jest.fn(async (_c: string) => script.hosts?.() ?? []),
    host: jest.fn(async (_c: string, h: string) => (script.hosts?.() ?? []).find(x => x.host === h)),
    createDemoCloud: jest.fn(async (b: { name: string }) => {
      calls.push(`create ${b.name}`);
      return { name: b.name, createdAt: 'now' };
    }),
    startDemoUpgrade: jest.fn(async (c: string, to: string) => {
      calls.push(`upgrade ${c} ${to}`);
      return { name: c, release: to, upgrade: {} };
    }),
    enrollDemoHost: jest.fn(async (c: string, b: { host: string }) => {
      calls.push(`enroll ${c} ${b.host}`);
      return { host: b.host };
    }),
  };
  return { backend: backend as unknown as OpenStackBackend & typeof backend, calls };
}

/** A mock context whose checkpoints persist in `store`, so a second run resumes like task recovery. */
export function recoverableContext<T extends Record<string, any>>(input: T, store: Map<string, unknown>, extra: Record<string, unknown> = {}) {
  const ctx = createMockActionContext({ input });
  return Object.assign(ctx, {
    async checkpoint(opts: { key: string; fn: () => Promise<any> }) {
      if (store.has(opts.key)) return store.get(opts.key);
      const v = await opts.fn();
      store.set(opts.key, v);
      return v;
    },
    ...extra,
  });
}

/** A logger that keeps every line, so tests can look for secrets in what a task logged. */
export function capturingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: unknown, meta?: unknown) => {
    lines.push(`${level} ${String(message)}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
    // eslint-disable-next-line no-console
    if (process.env.BSO_TEST_LOG) console.log(lines[lines.length - 1]);
  };
  const logger: any = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), child: () => logger };
  return { logger, lines };
}
