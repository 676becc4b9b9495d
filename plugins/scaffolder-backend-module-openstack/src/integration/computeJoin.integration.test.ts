/*
 * Joining a compute host with a one-time token, end to end on the real peers, in the enroll
 * template's two tasks. The suite's backend plugin (its real join routes, token store and
 * continuation starter, on SQLite) issues the token for the user's task of openstack:compute:enroll,
 * which ends with the join command as its output. The test plays the host: it fetches the join script from the host's
 * management address, runs it (its file-writing part, under a root prefix: the sandbox has no
 * systemd or packages to install; the commands it would run are printed), starts nova-compute
 * from exactly the configuration the script wrote (the one override: the fake driver, as the peers
 * have no libvirt) and the host's OVN chassis with the script's Open vSwitch external ids, and
 * the script reports the installed nova version over the token's follow-up call. The user's next
 * read of the join state (what the cloud page's card polls) makes the backend start the
 * continuation: a new task of the template, as that user, through the scaffolder's task API (a
 * stand-in in the same backend that records it); the test runs that task's enroll step as the
 * template maps its values, and it goes on against the real Nova and Neutron: up, mapped (the real
 * nova-manage discovery), enabled, in its aggregate, OVN Controller agent alive, release recorded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import yaml from 'yaml';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// the suite's backend plugin itself serves the join token (a dev dependency of this module's tests)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import openstackPlugin from '@backstage-openstack/plugin-openstack-backend';
import { checkComputeLag, hostEntityName, OpenStackPluginClient } from '@backstage-openstack/plugin-openstack-common';
import { ClusterClient, OpenStackClient, readOpenStackCloud } from '@backstage-openstack/plugin-openstack-node';
import {
  adminKubeConfig,
  describePeers,
  lazy,
  onboardCloudNamespace,
  peerEnv,
  suiteKubeConfig,
  uniqueName,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import { allowAll, cloudStatus, noApprovalsRequired, recoverableContext, scriptedApi, testDrivers } from '../__testUtils__/testing';
import { suiteApi } from '../drivers/suiteApi';
import { readComputeEnrollSettings } from '../computeEnrollSettings';
import { createComputeEnrollAction } from '../actions/computeEnroll';
import { CellSetupJobController, JOB_MANAGED_BY, peerScript } from '../__testUtils__/computeHostStandIns';

const run = promisify(execFile);
const SCRIPTS = resolvePackagePath('@backstage-openstack/plugin-scaffolder-backend-module-openstack', '../../scripts/peers/openstack');
const OS_STATE = path.join(os.homedir(), '.cache/backstage-openstack/peers/openstack');

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminBatch = lazy(() => admin().makeApiClient(k8s.BatchV1Api));
const adminRbac = lazy(() => admin().makeApiClient(k8s.RbacAuthorizationV1Api));

/** The OpenStack peer's generated service passwords (root only), which a real host's bundle carries. */
function peerSecrets(): Record<string, string> {
  const text = fs.readFileSync(path.join(OS_STATE, 'secrets.env'), 'utf8');
  return Object.fromEntries(text.split('\n').filter(Boolean).map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** GET from a given local address (the host's management IP) with the token in its header, as curl on the host would. */
function getFrom(url: string, localAddress: string, token: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: u.port, path: u.pathname, localAddress, headers: { Authorization: `Bearer ${token}` } }, res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** The join command's URL and token: `curl -fsS -H 'Authorization: Bearer <token>' '<url>' | sudo sh`. */
function parseCommand(command: string): { url: string; token: string } {
  const m = /^curl -fsS -H 'Authorization: Bearer ([A-Za-z0-9_-]{43})' '([^']+)' \| sudo sh$/.exec(command);
  if (!m) throw new Error(`not a join command: ${command}`);
  return { token: m[1], url: m[2] };
}

const TEMPLATE_FILE = path.resolve(__dirname, '../../../../templates/enroll-host/template.yaml');
const TEMPLATE_REF = 'template:default/openstack-enroll-host';

/** The input of the enroll template's `enroll` step for form values, as the scaffolder renders it (`${{ parameters.x }}`, `${{ parameters }}`). */
function enrollStepInput(values: Record<string, unknown>): Record<string, unknown> {
  const template = yaml.parse(fs.readFileSync(TEMPLATE_FILE, 'utf8'));
  const step = template.spec.steps.find((st: { id: string }) => st.id === 'enroll');
  return Object.fromEntries(
    Object.entries(step.input as Record<string, string>)
      .map(([k, v]) => {
        if (v === '${{ parameters }}') return [k, values];
        const m = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(v);
        if (!m) throw new Error(`enroll step input ${k}: ${v} is not a form value`);
        return [k, values[m[1]]];
      })
      .filter(([, v]) => v !== undefined),
  );
}

/** A stand-in of the scaffolder's task API in the suite's backend: records the tasks started (by whom, what) and lists them by creator. */
function scaffolderStandIn() {
  const tasks: { id: string; createdBy: string; templateRef: string; values: Record<string, unknown> }[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(async (req: any, res: any, next: any) => {
            if (req.path !== '/v2/tasks') return next();
            try {
              // the caller's credentials, as the scaffolder records its tasks' creators
              const credentials = await httpAuth.credentials(req, { allow: ['user'] });
              if (req.method === 'GET') {
                return res.json({ tasks: tasks.filter(t => t.createdBy === req.query.createdBy).map(t => ({ id: t.id, spec: { parameters: t.values } })) });
              }
              let raw = '';
              for await (const chunk of req) raw += chunk;
              const body = JSON.parse(raw);
              const task = { id: `join-task-${tasks.length + 1}`, createdBy: credentials.principal.userEntityRef, templateRef: body.templateRef, values: body.values };
              tasks.push(task);
              return res.status(201).json({ id: task.id });
            } catch (e) {
              return next(e);
            }
          });
        },
      });
    },
  });
  return { tasks, plugin };
}

describePeers('joining a compute host with a one-time token, on the real peers', () => {
  const ns = uniqueName('it-join');
  const host = uniqueName('it-join-cmp');
  const zone = uniqueName('it-az');
  const aggregate = uniqueName('it-agg');
  const b = randomBytes(3);
  // the host's management address: a loopback address of its own, so the join route sees the
  // script fetched from it (the token is bound to it)
  const managementIp = `127.${10 + (b[0] % 80)}.${b[1]}.${1 + (b[2] % 250)}`;
  const overlayIp = `127.0.99.${1 + (b[2] % 250)}`;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-join-root-'));
  const pidfile = path.join(root, 'nova-compute.pid');
  const override = `/etc/nova/nova-compute-${host}-fake-driver.conf`;
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let server: http.Server;
  let client: OpenStackPluginClient;
  const scaffolder = scaffolderStandIn();

  const configData = lazy(() => ({
    openstack: {
      clouds: {
        peers: {
          authUrl: peerEnv('OS_AUTH_URL'),
          region: peerEnv('OS_REGION_NAME'),
          applicationCredentialId: peerEnv('OS_APPLICATION_CREDENTIAL_ID'),
          applicationCredentialSecret: fs.readFileSync(peerEnv('OS_APPLICATION_CREDENTIAL_SECRET_FILE'), 'utf8').trim(),
          computeEnrollment: {
            // as the peer's own services reach RabbitMQ: user openstack, vhost "/"
            messageQueue: { hosts: ['127.0.0.1:5672'], user: 'openstack', vhost: '/' },
            ovnRemote: 'tcp:127.0.0.1:6642',
            endpointInterface: 'public',
            metadata: { host: '127.0.0.1', port: 8775 },
            discoveryWaitSeconds: 10,
          },
        },
      },
    },
  }));
  const config = lazy(() => mockServices.rootConfig({ data: configData() }));
  const openstack = lazy(() => new OpenStackClient(readOpenStackCloud('peers', config().getConfig('openstack.clouds.peers'))));
  const cloudEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'peers',
      namespace: 'default',
      annotations: {
        'openstack.backstage.io/cloud': 'peers',
        'openstack.backstage.io/cluster': 'peers',
        'openstack.backstage.io/namespace': ns,
        'openstack.backstage.io/delivery': 'direct',
      },
    },
    spec: { type: 'openstack-cloud', owner: 'platform-team', lifecycle: 'experimental' },
  };
  // compute1 and compute2 of the peers, with the release their entities declare
  const peerHosts = ['compute1', 'compute2'].map(h => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: hostEntityName('peers', h),
      namespace: 'default',
      annotations: { 'openstack.backstage.io/cloud': 'peers', 'openstack.backstage.io/host': h, 'openstack.backstage.io/release': '2025.1' },
    },
    spec: { type: 'openstack-compute-host', owner: 'platform-team' },
  }));

  beforeAll(async () => {
    const secrets = peerSecrets();
    await onboardCloudNamespace(ns, 'peers');
    await adminRbac().createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'backstage-openstack-jobs' },
        subjects: [{ kind: 'ServiceAccount', name: 'backstage-openstack', namespace: 'backstage-openstack' }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'backstage-openstack-jobs' },
      },
    });
    await adminBatch().createNamespacedCronJob({
      namespace: ns,
      body: {
        metadata: { name: 'nova-cell-setup' },
        spec: {
          schedule: '*/30 * * * *',
          suspend: true,
          jobTemplate: {
            spec: {
              managedBy: JOB_MANAGED_BY,
              template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'nova-cell-setup', image: 'quay.io/airshipit/nova:2025.1-ubuntu_noble' }] } },
            },
          },
        },
      },
    });
    // the cloud's credential Secrets hold the peer's real passwords: the joined host really logs in
    const values: Record<string, Record<string, string>> = {
      'peers-nova-rabbitmq': { password: secrets.RABBIT_PASS },
      'peers-nova-keystone': { password: secrets.SERVICE_PASS },
      'peers-placement-keystone': { password: secrets.SERVICE_PASS },
      'peers-neutron-keystone': { password: secrets.SERVICE_PASS },
      'peers-metadata-proxy': { 'shared-secret': randomBytes(16).toString('hex') },
    };
    for (const [name, stringData] of Object.entries(values)) {
      await adminCore().createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData } });
    }
    // the suite's backend plugin on a real database
    knex = await databases.init('SQLITE_3');
    ({ server } = await startTestBackend({
      features: [
        openstackPlugin,
        scaffolder.plugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [cloudEntity, ...peerHosts] }),
        mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, ...configData() } }),
      ],
    }));
    const port = (server.address() as AddressInfo).port;
    // the task's initiator, a member of the platform team
    client = new OpenStackPluginClient({
      discoveryApi: { getBaseUrl: async () => `http://localhost:${port}/api/openstack` },
      fetchApi: {
        fetch: (url: any, init?: RequestInit) =>
          fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: mockCredentials.user.header('user:default/alice') } }),
      },
    });
  });

  afterAll(async () => {
    await run('start-stop-daemon', ['--stop', '--quiet', '--oknodo', '--retry', '10', '--pidfile', pidfile]).catch(() => undefined);
    await peerScript('remove-compute.sh', host).catch(() => undefined);
    const o = openstack();
    for (const a of await o.nova.listAggregates().catch(() => [])) {
      if (a.name !== aggregate) continue;
      for (const h of a.hosts) await o.nova.removeHostFromAggregate(a.id, h).catch(() => undefined);
      await o.nova.deleteAggregate(a.id).catch(() => undefined);
    }
    await adminCore().deleteNamespace({ name: ns }).catch(() => undefined);
    fs.rmSync(override, { force: true });
    fs.rmSync(root, { recursive: true, force: true });
    await o.close();
    server?.close();
  });

  /** What runs on the host: the join command's fetch, the script, the services it starts. */
  async function playTheHost(joinUrl: string, token: string) {
    const fetched = await getFrom(joinUrl, managementIp, token);
    expect(fetched.status).toBe(200);
    const script = path.join(root, 'join.sh');
    fs.writeFileSync(script, fetched.body, { mode: 0o600 });
    fs.chmodSync(root, 0o755);
    const { stdout } = await run('sh', [script], {
      env: { PATH: process.env.PATH, BSO_JOIN_ROOT: root, BSO_JOIN_NO_SERVICES: '1' },
      timeout: 60_000,
    });
    // the services it starts, played here: nova-compute from the written file (fake driver:
    // the peers have no libvirt) and the host's OVN chassis with the script's external ids
    fs.writeFileSync(override, `[DEFAULT]\ncompute_driver = fake.FakeDriver\n`, { mode: 0o644 });
    await run('start-stop-daemon', [
      '--start', '--background', '--make-pidfile', '--pidfile', pidfile, '--chuid', 'nova', '--startas', '/usr/bin/python3', '--',
      '-c', 'import sys; from nova.cmd.compute import main; sys.argv[0] = "nova-compute"; sys.exit(main())',
      '--config-file', path.join(root, 'etc/nova/nova-compute.conf'), '--config-file', override,
      '--log-file', `/var/log/nova/nova-compute-${host}.log`,
    ]);
    const ovnSh = path.join(SCRIPTS, 'ovn.sh');
    if (!fs.existsSync(ovnSh)) {
      throw new Error(`${ovnSh} is missing: the peers' OVN chassis of a host (issue 17 item 2) is needed for the OVN step`);
    }
    const ids = fs.readFileSync(path.join(root, 'etc/openvswitch/backstage-openstack-external-ids.conf'), 'utf8').trim().split('\n');
    await run('bash', ['-c', `. "${SCRIPTS}/common.sh"; . "${ovnSh}"; chassis_start "$1"; shift; ovs-vsctl --db="unix:$(chassis_rundir "${host}")/db.sock" set open_vswitch . "$@"`, 'join', host, ...ids.map(kv => `external-ids:${kv}`)], {
      timeout: 120_000,
    });
    return stdout;
  }

  it('token → script → nova-compute up with exactly that configuration → mapped → enabled → OVN chassis alive → release recorded; the token works once', async () => {
    const { api: scripted } = scriptedApi({ status: () => cloudStatus('2025.1') });
    // the suite API of the action: the real backend plugin for the join token, the rest scripted
    const real = suiteApi(client, () => client);
    const api = Object.assign(scripted, { issueJoinToken: real.issueJoinToken, joinToken: real.joinToken, bindJoin: real.bindJoin });
    const action = createComputeEnrollAction({
      approvals: noApprovalsRequired,
      permissions: allowAll(),
      catalog: catalogServiceMock({ entities: [cloudEntity] }),
      api,
      drivers: testDrivers(api, {
        enrollSettings: key => readComputeEnrollSettings(config(), key),
        openstack: () => openstack(),
        cluster: name => {
          if (name !== 'peers') throw new Error(`No Kubernetes cluster "${name}"`);
          return new ClusterClient('peers', suiteKubeConfig());
        },
      }),
      pollMs: 1000,
      progressMs: 10_000,
    });
    const lines: string[] = [];
    const logger: any = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`), debug: () => undefined, child: () => logger };
    // the enroll template's form, filled in by alice (a member of the platform team)
    const form = { cloud: 'resource:default/peers', host, managementIp, overlayIp, availabilityZone: zone, aggregate };
    const asTask = (values: Record<string, unknown>, taskId: string, initiator: string) =>
      recoverableContext(enrollStepInput(values), new Map(), {
        logger,
        task: { id: taskId },
        templateInfo: { entityRef: TEMPLATE_REF },
        getInitiatorCredentials: async () => mockCredentials.user(initiator),
      });

    // 1. alice's task: checks, bundle, token; it ENDS with the join command as its output
    const first = asTask(form, 'user-task', 'user:default/alice');
    await action.handler(first as any);
    const firstOutput = first.output as jest.Mock;
    const join = firstOutput.mock.calls.find(c => c[0] === 'join')![1];
    expect(firstOutput.mock.calls.find(c => c[0] === 'entity')).toBeUndefined();
    expect(firstOutput.mock.calls.find(c => c[0] === 'next')![1]).toContain('the enrollment continues by itself in a new task');
    const { url: joinUrl, token } = parseCommand(join.command);
    expect(join).toMatchObject({ secret: true, host });
    expect(joinUrl).toMatch(/\/api\/openstack\/join$/);
    expect((await client.getJoinToken('resource:default/peers', host))?.continuation).toEqual({ state: 'waiting', templateRef: TEMPLATE_REF });

    // 2. the operator runs the join command on the host: its script reports
    const scriptOut = await playTheHost(joinUrl, token);
    expect(scaffolder.tasks).toEqual([]);

    // 3. alice's page polls the join state: that read starts the continuation, as her task, once
    const read = await client.getJoinToken('resource:default/peers', host);
    expect(read).toMatchObject({ state: 'reported', continuation: { state: 'started', taskId: 'join-task-1' } });
    expect(await client.getJoinToken('resource:default/peers', host)).toMatchObject({ continuation: { taskId: 'join-task-1' } });
    expect(scaffolder.tasks).toEqual([{ id: 'join-task-1', createdBy: 'user:default/alice', templateRef: TEMPLATE_REF, values: { ...form, joinId: read!.joinId } }]);

    // 4. the continuation task's enroll step, as the template maps its values: up, mapped, enabled, aggregate, OVN
    const started = scaffolder.tasks[0];
    const ctx = asTask(started.values, started.id, started.createdBy);
    const output = ctx.output as jest.Mock;
    const jobs = new CellSetupJobController(admin(), ns);
    jobs.start();
    try {
      await action.handler(ctx as any);
    } finally {
      await jobs.stop();
    }
    expect(lines.join('\n')).not.toContain(token);
    // a second continuation of the same join is refused
    await expect(client.bindJoinContinuation('resource:default/peers', host, { joinId: read!.joinId!, taskId: 'join-task-2', parameters: started.values })).rejects.toThrow(
      /continued already, in task join-task-1/,
    );

    // the script wrote the bundle of the Secret, byte for byte, and would start the services
    const secret = await adminCore().readNamespacedSecret({ name: `compute-bundle-${host}`, namespace: ns });
    const bundle = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(fs.readFileSync(path.join(root, 'etc/nova/nova-compute.conf'), 'utf8')).toBe(bundle['nova-compute.conf']);
    expect(fs.readFileSync(path.join(root, 'etc/neutron/neutron_ovn_metadata_agent.ini'), 'utf8')).toBe(bundle['neutron_ovn_metadata_agent.ini']);
    expect(fs.readFileSync(path.join(root, 'etc/libvirt/libvirtd.conf'), 'utf8')).toBe(bundle['libvirtd.conf']);
    expect(scriptOut).toContain('would run: systemctl restart nova-compute');
    expect(scriptOut).toMatch(/reporting nova-compute \d+\.\d+\.\d+/);

    // Nova and Neutron: the host's nova-compute (that configuration) up, mapped, enabled, in its aggregate; its chassis alive
    const o = openstack();
    const [service] = await o.nova.listComputeServices({ binary: 'nova-compute', host });
    expect(service).toMatchObject({ host, state: 'up', status: 'enabled' });
    expect((await o.nova.findHypervisors(host)).map(h => h.hostIp)).toEqual([managementIp]);
    expect((await o.nova.listAggregates()).find(a => a.name === aggregate)).toMatchObject({ availabilityZone: zone, hosts: [host] });
    expect((await o.neutron.listAgents({ host })).find(a => a.agentType === 'OVN Controller agent')?.alive).toBe(true);

    // the release: the series of the installed nova (Debian 12's Zed python3-nova: 26.x → 2022.2)
    const version = (await run('/usr/bin/python3', ['-c', 'from nova import version; print(version.version_string())'])).stdout.trim();
    const state = await client.getJoinToken('resource:default/peers', host);
    expect(state).toMatchObject({ state: 'reported', reportedVersion: version, usedFrom: managementIp });
    expect(output).toHaveBeenCalledWith(
      'entity',
      expect.objectContaining({
        metadata: expect.objectContaining({
          annotations: expect.objectContaining({ 'openstack.backstage.io/release': '2022.2', 'openstack.backstage.io/nova-compute-version': version }),
        }),
      }),
    );

    // a second use of the token, a wrong token: the same answer
    const second = await getFrom(joinUrl, managementIp, token);
    const wrong = await getFrom(joinUrl, managementIp, randomBytes(32).toString('base64url'));
    expect(second.status).toBe(404);
    expect(wrong).toEqual(second);

    // the compute-lag preflight of the next hop, on the hosts the backend reads from the real Nova:
    // the joined host has no entity yet, so its release is unknown: it blocks and is named
    const hosts = (await client.listAllHosts('resource:default/peers', { refresh: true })).map(h => ({ host: h.host, release: h.release }));
    expect(hosts.find(h => h.host === host)).toEqual({ host, release: undefined });
    const lag = checkComputeLag({ from: '2025.1', to: '2025.2' }, hosts);
    expect(lag.ok).toBe(false);
    expect(lag.unknown).toContain(host);
    // named among the hosts of unknown release (other tests' hosts may be there too)
    expect(lag.message).toMatch(new RegExp(`The release of nova-compute on [^;]*\\b${host}\\b[^;]* is unknown`));
  }, 400_000);

  it('an expired token fails with the same answer as a used one', async () => {
    const other = uniqueName('it-join-exp');
    const issued = await client.issueJoinToken('resource:default/peers', { host: other, managementIp, files: { 'host.yaml': `host: "${other}"\n` } });
    // an hour later: the token's expiry, moved in the database (the route compares it with its clock)
    await knex('openstack_join_tokens').where({ host: other }).update({ expires_at: Date.now() - 1 });
    const expired = await getFrom(issued.joinUrl, managementIp, issued.token);
    const wrong = await getFrom(issued.joinUrl, managementIp, randomBytes(32).toString('base64url'));
    expect(expired.status).toBe(404);
    expect(expired).toEqual(wrong);
    expect(await client.getJoinToken('resource:default/peers', other)).toMatchObject({ state: 'expired' });
  });
});
