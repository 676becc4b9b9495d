// Test helpers shared by the action tests: a scripted OpenStack backend and a checkpoint store
// that survives a simulated crash, the way scaffolder task recovery keeps checkpoints.
import { ApprovalGate } from '../actions/approvalGate';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CloudLease,
  CloudOperationKind,
  CloudStatus,
  ComputeHostStatus,
  ControlPlaneServiceStatus,
  JoinTokenStatus,
  NewJoinToken,
  OPENSTACK_HELM_REPOSITORY,
  WorkloadStatus,
} from '@backstage-openstack/plugin-openstack-common';
import { ChartSources, readChartSources } from '@backstage-openstack/plugin-openstack-node';
import { createCloudDrivers, LiveDriverDeps } from '../drivers';
import { SuiteApi, SuiteCloud } from '../drivers/suiteApi';

/**
 * `openstack.chartSources` as the backend reads it; by default the portal's app-config entry
 * (openstack-helm's public repository under the name a spec gives by default).
 */
export function testChartSources(
  sources: Record<string, { url: string; caData?: string }> = { 'openstack-helm': { url: OPENSTACK_HELM_REPOSITORY } },
): ChartSources {
  return readChartSources(mockServices.rootConfig({ data: { openstack: { chartSources: sources } } }));
}

export const demoCloudEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'demo-cloud',
    namespace: 'default',
    annotations: { 'openstack.backstage.io/cloud': 'demo', 'openstack.backstage.io/delivery': 'demo' },
  },
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
const STATEFUL: Record<string, string> = { mariadb: 'mariadb-server', rabbitmq: 'rabbitmq-rabbitmq', memcached: 'memcached-memcached' };

/** A service's workloads as the status reports them: three ready replicas each. */
function workloads(name: string, release: string | undefined): WorkloadStatus[] {
  const kind = STATEFUL[name] ? 'StatefulSet' : 'Deployment';
  const wname = STATEFUL[name] ?? `${name}-api`;
  const image = `quay.io/airshipit/${name}:${release ?? 'latest'}-ubuntu_noble`;
  return [{ kind, name: wname, component: 'api', ready: 3, desired: 3, restarts: 0, imageTag: image, release }];
}

export function cloudStatus(release: string, over: Partial<CloudStatus> = {}, serviceRelease: (n: string) => string | undefined = () => release): CloudStatus {
  return {
    cloudKey: 'demo',
    demo: true,
    release,
    verdict: 'Healthy',
    reasons: [],
    services: SERVICES.map(name => ({
      name,
      verdict: 'Healthy',
      reasons: [],
      workloads: workloads(name, serviceRelease(name)),
      release: serviceRelease(name),
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

/** The suite API, its answers following a script; every mutating call is recorded. */
export function scriptedApi(script: {
  status: () => CloudStatus;
  hosts?: () => ComputeHostStatus[];
  /** The nova-compute version a joining host's script reports (default 31.0.1), or never: the host never runs it. */
  joinVersion?: string | 'never';
}) {
  const calls: string[] = [];
  // the backend's join tokens, by cloud ref and host; the host plays its part as the state is read:
  // it fetches its script on the first read after the token is issued and reports on the second
  const joins = new Map<string, NewJoinToken & { reads: number; n: number; joinId: string; boundTo?: string }>();
  let issued = 0;
  const leases = new Map<string, CloudLease>();
  const joinState = (cloudRef: string, host: string): JoinTokenStatus | undefined => {
    const j = joins.get(`${cloudRef} ${host}`);
    if (!j) return undefined;
    const never = script.joinVersion === 'never';
    j.reads += 1;
    let state: 'unused' | 'used' | 'reported' = 'unused';
    if (!never) state = j.reads >= 2 ? 'reported' : 'used';
    return {
      cloudRef,
      host,
      managementIp: j.managementIp,
      state,
      createdBy: 'user:default/mock',
      createdAt: 'now',
      expiresAt: '2026-12-02T11:00:00.000Z',
      ...(state !== 'unused' ? { usedAt: 'now', usedFrom: j.managementIp } : {}),
      ...(state === 'reported' ? { reportedVersion: script.joinVersion ?? '31.0.1', reportedAt: 'now' } : {}),
      joinId: j.joinId,
    } as const;
  };
  const entities = new Map<string, Record<string, unknown>>();
  const api = {
    status: jest.fn(async (_c: SuiteCloud) => script.status()),
    // as the route: a cloud the demo store does not have is not found
    demoStatus: jest.fn(async (key: string) => {
      if (!calls.includes(`create ${key}`)) throw new NotFoundError(`The demo store has no cloud "${key}"`);
      return script.status();
    }),
    hosts: jest.fn(async (_c: SuiteCloud) => script.hosts?.() ?? []),
    host: jest.fn(async (_c: SuiteCloud, h: string) => (script.hosts?.() ?? []).find(x => x.host === h)),
    createDemoCloud: jest.fn(async (b: { name: string }) => {
      calls.push(`create ${b.name}`);
      return { name: b.name, createdAt: 'now' };
    }),
    upgradeDemoCloud: jest.fn(async (c: SuiteCloud, b: { to: string; order: string[] }) => {
      calls.push(`upgrade ${c.cloudKey} ${b.to}`);
      return { name: c.cloudKey, release: b.to, upgrade: {} };
    }),
    enrollDemoHost: jest.fn(async (c: SuiteCloud, b: { host: string; zone: string; aggregate?: string }) => {
      calls.push(`enroll ${c.cloudKey} ${b.host}`);
      return { host: b.host };
    }),
    // the leases and entities the backend keeps, by ref (the real routes: openstack-backend's suite router)
    acquireLease: jest.fn(async (_cr: BackstageCredentials, cloudRef: string, b: { taskId: string; kind: CloudOperationKind }) => {
      const held = leases.get(cloudRef);
      if (held && held.taskId !== b.taskId) throw new ConflictError(`${cloudRef} is busy: ${held.kind} task ${held.taskId} is running on it`);
      const lease = { cloudRef, taskId: b.taskId, kind: b.kind, initiator: 'user:default/mock', acquiredAt: 'now', renewedAt: 'now', expiresAt: 'later' };
      leases.set(cloudRef, lease);
      return lease;
    }),
    releaseLease: jest.fn(async (_cr: BackstageCredentials, cloudRef: string, taskId: string) => leases.get(cloudRef)?.taskId === taskId && leases.delete(cloudRef)),
    issueJoinToken: jest.fn(async (_cr: BackstageCredentials, cloudRef: string, b: NewJoinToken) => {
      issued += 1;
      joins.set(`${cloudRef} ${b.host}`, { ...b, reads: 0, n: issued, joinId: `join-${issued}` });
      const joinUrl = 'https://portal.test/api/openstack/join';
      const token = `token-${issued}`;
      const fetch = `curl -fsS -H 'Authorization: Bearer ${token}' '${joinUrl}'`;
      return { host: b.host, expiresAt: '2026-12-02T11:00:00.000Z', joinId: `join-${issued}`, joinUrl, token, command: `${fetch} | sudo sh`, cloudInit: `#cloud-config\nruncmd:\n  - [sh, -c, "${fetch} | sh"]\n` };
    }),
    // the continuation binds the record once its host reported (the first task that asks)
    bindJoin: jest.fn(async (_cr: BackstageCredentials, cloudRef: string, host: string, b: { joinId: string; taskId: string }) => {
      const j = joins.get(`${cloudRef} ${host}`);
      if (!j || j.joinId !== b.joinId) throw new NotFoundError(`${cloudRef} has no join record ${b.joinId} for ${host}`);
      if (j.boundTo && j.boundTo !== b.taskId) throw new ConflictError(`Join record ${b.joinId} of ${host} is continued already, in task ${j.boundTo}`);
      j.boundTo = b.taskId;
      j.reads = Math.max(j.reads, 1);
      return joinState(cloudRef, host)!;
    }),
    deleteJoinTokens: jest.fn(async (_cr: BackstageCredentials, cloudRef: string, host: string) => {
      const j = joins.get(`${cloudRef} ${host}`);
      if (!j || j.reads > 0) return 0;
      joins.delete(`${cloudRef} ${host}`);
      return 1;
    }),
    joinToken: jest.fn(async (_cr: BackstageCredentials, cloudRef: string, host: string) => joinState(cloudRef, host)),
    /** The bundle files the host's token carries (what its join script writes). */
    joinFiles: (cloudRef: string, host: string) => joins.get(`${cloudRef} ${host}`)?.files,
    putEntity: jest.fn(async (_cr: BackstageCredentials, entity: Record<string, any>) => {
      const entityRef = `resource:${entity.metadata?.namespace ?? 'default'}/${entity.metadata?.name}`;
      entities.set(entityRef, entity);
      return { entityRef };
    }),
    deleteEntity: jest.fn(async (_cr: BackstageCredentials, ref: { kind: string; namespace: string; name: string }) =>
      entities.delete(`${ref.kind.toLowerCase()}:${ref.namespace}/${ref.name}`),
    ),
  };
  return { api: api as SuiteApi & typeof api, calls, leases, entities };
}

/** The demo and live drivers over `api`; live clusters and clouds the test does not give are unknown. */
export function testDrivers(api: SuiteApi, live: Partial<LiveDriverDeps> = {}) {
  const unknown = (what: string) => (name: string): never => {
    throw new Error(`no ${what} ${name} in this test`);
  };
  return createCloudDrivers(api, {
    cluster: unknown('cluster'),
    openstack: unknown('OpenStack cloud'),
    enrollSettings: () => undefined,
    chartSources: testChartSources(),
    ...live,
  });
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

/** The permission service of a deployment whose policy allows everything (the actions' own guard passes). */
export const allowAll = () => mockServices.permissions();

/** A deployment where no cloud key is held yet (no live config, no catalog cloud of the name). */
export const noHolders = async (_cloudKey: string): Promise<string[]> => [];

/**
 * An approval gate for tests of everything but approvals: no lifecycle needs one, and a call to
 * the backend would fail the test. The gate itself: approvalGate.test.ts.
 */
export const noApprovalsRequired: ApprovalGate = {
  required: () => [],
  verify: async () => {
    throw new Error('this test expects no approval check');
  },
};
