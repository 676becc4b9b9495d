/*
 * Joining a compute host with a one-time token, end to end on the real peers, in the enroll
 * template's two tasks, run by the REAL scaffolder (@backstage/plugin-scaffolder-backend, the
 * peer harness of __testUtils__/peerScaffolder.ts) from the real templates/enroll-host/template.yaml
 * (its expressions, `if:`s, hidden joinId and outputs), with the suite's backend plugin (its real
 * join routes, token store and continuation starter) and the suite's enroll and catalog-register
 * actions wired to the peers' OpenStack (openstack.clouds.peers) and cluster.
 *
 * alice starts the template through the scaffolder's task API; its first task checks, delivers
 * the bundle, issues the token and ends with the join command in its output. The test plays the
 * host: it fetches the join script from the host's management address, runs it (its
 * file-writing part, under a root prefix: the sandbox has no systemd or packages to install; the
 * commands it would run are printed), starts nova-compute from exactly the configuration the
 * script wrote (the one override: the fake driver, as the peers have no libvirt) and the host's
 * OVN chassis with the script's Open vSwitch external ids, and the script reports the installed
 * nova version over the token's follow-up call. alice's next read of the join state (what the
 * cloud page's card polls) makes the backend start the continuation on the scaffolder, as her
 * task of the same template with the hidden joinId: up, mapped (the real nova-manage discovery),
 * enabled, in its aggregate, OVN Controller agent alive, and the register step records the host
 * with its release.
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
import knexFactory, { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import yaml from 'yaml';
import request from 'supertest';
import { ApprovalRequest, checkComputeLag, hostEntityName, JoinTokenStatus, OpenStackPluginClient, SuiteEntityRecord } from '@backstage-openstack/plugin-openstack-common';
import { OpenStackClient, readOpenStackCloud } from '@backstage-openstack/plugin-openstack-node';
import { adminKubeConfig, describePeers, lazy, onboardCloudNamespace, peerEnv, uniqueName } from '@backstage-openstack/plugin-openstack-node/testUtils';
import { CellSetupJobController, JOB_MANAGED_BY, peerScript } from '../__testUtils__/computeHostStandIns';
import { startPeerScaffolder } from '../__testUtils__/peerScaffolder';
import { ScaffolderTask, scaffolderTasks, TaskOutput, userEntity } from '../__testUtils__/scaffolderTasks';

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
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** The join command block of a task's output (the template's `text`). */
const joinTextOf = (output: TaskOutput) => output.text?.find(t => t.title === 'Join command (secret, single use)')?.content ?? '';
/** The command line of that block (indented as code). */
const commandOf = (joinText: string) => /^ {4}(curl .*)$/m.exec(joinText)?.[1] ?? '';

describePeers('joining a compute host with a one-time token, on the real peers', () => {
  const ns = uniqueName('it-join');
  const host = uniqueName('it-join-cmp');
  const zone = uniqueName('it-az');
  const aggregate = uniqueName('it-agg');
  const b = randomBytes(3);
  // the host's management address: a loopback address of its own, so the join route sees the
  // script fetched from it (the token is bound to it)
  const managementIp = `127.${10 + (b[0] % 80)}.${b[1]}.${1 + (b[2] % 250)}`;
  const gatedIp = `127.${10 + (b[0] % 80)}.${b[1]}.${1 + ((b[2] + 1) % 250)}`;
  const overlayIp = `127.0.99.${1 + (b[2] % 250)}`;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-join-root-'));
  const pidfile = path.join(root, 'nova-compute.pid');
  const override = `/etc/nova/nova-compute-${host}-fake-driver.conf`;
  // the harness's SQLite files (one a plugin: the suite's backend's is openstack.sqlite) and working directory
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-join-backend-'));
  let backend: Awaited<ReturnType<typeof startPeerScaffolder>> | undefined;
  let knex: Knex | undefined;
  let server: http.Server;
  let client: OpenStackPluginClient;
  let tasks: ReturnType<typeof scaffolderTasks>;

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
  // the same cloud as a production entity: its enrollments need the platform team's approval
  // (openstack.approvals.required: none for experimental, every operation for the others)
  const gatedCloud = { ...cloudEntity, metadata: { ...cloudEntity.metadata, name: 'peers-gated' }, spec: { ...cloudEntity.spec, lifecycle: 'production' } };
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
  // the enroll template as the catalog serves it
  const template = yaml.parse(fs.readFileSync(TEMPLATE_FILE, 'utf8')) as Entity;

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
    // the real scaffolder with the suite's backend plugin and actions, on SQLite files
    backend = await startPeerScaffolder({
      label: 'join',
      dbDir: path.join(dir, 'db'),
      workDir: path.join(dir, 'work'),
      changesFile: path.join(dir, 'changes'),
      entities: [cloudEntity, gatedCloud, ...peerHosts, { ...template, metadata: { ...template.metadata, namespace: 'default' } }, userEntity('alice', 'platform-team'), userEntity('bob', 'app-team')],
      openstack: { ...configData().openstack, approvals: { required: { experimental: [] } } },
      approvalsFromConfig: true,
    });
    ({ server } = backend);
    tasks = scaffolderTasks(server);
    fs.mkdirSync(path.join(dir, 'db'), { recursive: true });
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'db', 'openstack.sqlite') }, useNullAsDefault: true });
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
    await knex?.destroy();
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
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
    // the enroll template's form, filled in by alice (a member of the platform team)
    const form = { cloud: 'resource:default/peers', host, managementIp, overlayIp, availabilityZone: zone, aggregate };

    // 1. alice's task: plan, then the enroll step checks, delivers the bundle, issues the token and
    // ENDS; the task's output (what its page shows her) holds the join command
    const firstId = await tasks.start(ALICE, TEMPLATE_REF, form);
    const first = await tasks.finished(ALICE, firstId);
    expect({ status: first.status, log: first.status === 'completed' ? '' : await tasks.log(ALICE, firstId) }).toEqual({ status: 'completed', log: '' });
    const firstOutput = await tasks.output(ALICE, firstId);
    const joinText = joinTextOf(firstOutput);
    const { url: joinUrl, token } = parseCommand(commandOf(joinText));
    expect(joinText).toContain(`Run on ${host} as root`);
    expect(joinText).toContain('#cloud-config');
    expect(joinText).toContain('the enrollment continues by itself in a new task');
    expect(joinUrl).toMatch(/\/api\/openstack\/join$/);
    // no approval, no host registered yet (the register step's `if:` skipped it): the one link is the cloud's page
    expect(firstOutput.links).toEqual([expect.objectContaining({ title: expect.stringMatching(/^Follow the host's join/), entityRef: 'resource:default/peers' })]);
    expect(firstOutput.text).toHaveLength(1);
    expect((await client.getJoinToken('resource:default/peers', host))?.continuation).toEqual({ state: 'waiting', templateRef: TEMPLATE_REF });

    // 2. the operator runs the join command on the host: its script reports
    const scriptOut = await playTheHost(joinUrl, token);

    // 3. alice's page polls the join state: that read starts the continuation on the scaffolder,
    // as her task, once (the cell's discovery Jobs run while it waits for the mapping)
    const jobs = new CellSetupJobController(admin(), ns);
    jobs.start();
    let continuation: ScaffolderTask;
    let read: JoinTokenStatus | undefined;
    try {
      read = await client.getJoinToken('resource:default/peers', host);
      expect(read).toMatchObject({ state: 'reported', continuation: { state: 'started', taskId: expect.any(String) } });
      const taskId = read!.continuation!.taskId!;
      expect(await client.getJoinToken('resource:default/peers', host)).toMatchObject({ continuation: { taskId } });
      // 4. the continuation: up, mapped, enabled, aggregate, OVN; then the register step
      continuation = await tasks.finished(ALICE, taskId);
    } finally {
      await jobs.stop();
    }
    const contLog = await tasks.log(ALICE, continuation.id);
    expect({ status: continuation.status, log: continuation.status === 'completed' ? '' : contLog }).toEqual({ status: 'completed', log: '' });
    expect(continuation).toMatchObject({
      createdBy: ALICE,
      spec: { parameters: { ...form, joinId: read!.joinId }, templateInfo: { entityRef: TEMPLATE_REF } },
    });
    // the token is in no task's log
    expect(`${await tasks.log(ALICE, firstId)}\n${contLog}`).not.toContain(token);
    // a second continuation of the same join is refused
    await expect(
      client.bindJoinContinuation('resource:default/peers', host, { joinId: read!.joinId!, taskId: 'a-second-task', parameters: continuation.spec.parameters }),
    ).rejects.toThrow(new RegExp(`continued already, in task ${continuation.id}`));

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
    // the register step recorded the host with its release, in the suite's entity provider
    const entityRef = `resource:default/${hostEntityName('peers', host)}`;
    const contOutput = await tasks.output(ALICE, continuation.id);
    // its output: the host's link only (no join command, no link to follow the join)
    expect(contOutput).toEqual({ links: [{ title: 'Open the host', icon: 'catalog', entityRef }], text: [] });
    const kept = await request(server).get('/api/openstack/catalog/entities').set('Authorization', mockCredentials.service.header());
    expect(kept.status).toBe(200);
    const record = (kept.body.items as SuiteEntityRecord[]).find(r => r.entityRef === entityRef);
    expect(record?.updatedBy).toBe(ALICE);
    expect((record?.entity as Entity | undefined)?.metadata.annotations).toMatchObject({
      'openstack.backstage.io/release': '2022.2',
      'openstack.backstage.io/nova-compute-version': version,
    });

    // a second use of the token, a wrong token: the same answer
    const second = await getFrom(joinUrl, managementIp, token);
    const wrong = await getFrom(joinUrl, managementIp, randomBytes(32).toString('base64url'));
    expect(second.status).toBe(404);
    expect(wrong).toEqual(second);

    // the compute-lag preflight of the next hop, on the hosts the backend reads from the real Nova:
    // the catalog here is the harness's fixed mock (the entity the register step gave the suite's
    // provider does not reach it), so the joined host's release is unknown: it blocks and is named
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
    await knex!('openstack_join_tokens').where({ host: other }).update({ expires_at: Date.now() - 1 });
    const expired = await getFrom(issued.joinUrl, managementIp, issued.token);
    const wrong = await getFrom(issued.joinUrl, managementIp, randomBytes(32).toString('base64url'));
    expect(expired.status).toBe(404);
    expect(expired).toEqual(wrong);
    expect(await client.getJoinToken('resource:default/peers', other)).toMatchObject({ state: 'expired' });
  });

  it("an approval-gated enroll: bob requests, alice approves, and the approval's run is phase 1, her task ending with the join command", async () => {
    const gatedHost = uniqueName('it-join-apr');
    const values = { cloud: 'resource:default/peers-gated', host: gatedHost, managementIp: gatedIp, overlayIp, availabilityZone: zone, aggregate };
    const as = (who: string) => mockCredentials.user.header(who);

    // bob's task plans, files the request and ends: no token yet
    const requestTask = await tasks.finished(BOB, await tasks.start(BOB, TEMPLATE_REF, values));
    expect({ status: requestTask.status, log: requestTask.status === 'completed' ? '' : await tasks.log(BOB, requestTask.id) }).toEqual({ status: 'completed', log: '' });
    expect(await tasks.output(BOB, requestTask.id)).toEqual({
      links: [{ title: 'Approval request (the host is enrolled once approved)', url: expect.stringContaining('http://localhost:3000/') }],
      text: [],
    });
    expect(await client.getJoinToken('resource:default/peers-gated', gatedHost)).toBeUndefined();
    const pending = await request(server).get('/api/openstack/approvals').query({ state: 'pending', requester: BOB }).set('Authorization', as(ALICE));
    expect(pending.status).toBe(200);
    const approval = (pending.body.items as ApprovalRequest[]).find(a => a.taskId === requestTask.id)!;
    expect(approval).toMatchObject({ templateRef: TEMPLATE_REF, requester: BOB, state: 'pending' });

    // bob may not decide his own request; alice of the platform team approves: her task of the template, with the approval id
    expect((await request(server).post(`/api/openstack/approvals/${approval.id}/decision`).set('Authorization', as(BOB)).send({ decision: 'approve' })).status).toBe(403);
    const decided = await request(server).post(`/api/openstack/approvals/${approval.id}/decision`).set('Authorization', as(ALICE)).send({ decision: 'approve' });
    expect(decided.status).toBe(200);
    const runTaskId = (decided.body.approval as ApprovalRequest).runTaskId!;
    const runTask = await tasks.finished(ALICE, runTaskId);
    const runLog = await tasks.log(ALICE, runTaskId);
    expect({ status: runTask.status, log: runTask.status === 'completed' ? '' : runLog }).toEqual({ status: 'completed', log: '' });
    expect(runTask).toMatchObject({ createdBy: ALICE, spec: { parameters: { ...approval.runParameters, approvalId: approval.id } } });
    expect(runLog).toContain(`approved by ${ALICE}`);

    // the run is phase 1: it ends with the host's join command, and the join waits for the host
    const runOutput = await tasks.output(ALICE, runTaskId);
    const { url, token } = parseCommand(commandOf(joinTextOf(runOutput)));
    expect(url).toMatch(/\/api\/openstack\/join$/);
    expect(runLog).not.toContain(token);
    expect(runOutput.links).toEqual([expect.objectContaining({ title: expect.stringMatching(/^Follow the host's join/), entityRef: 'resource:default/peers-gated' })]);
    expect(await client.getJoinToken('resource:default/peers-gated', gatedHost)).toMatchObject({
      state: 'unused',
      continuation: { state: 'waiting', templateRef: TEMPLATE_REF },
    });
  }, 120_000);
});
