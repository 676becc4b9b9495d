/*
 * A backend restart in the middle of an Argo CD create, on the real peers: the real scaffolder
 * backend (task recovery on) runs a template whose step is the suite's openstack:cloud:create
 * (delivery argocd, waiting for the cloud) and then a step that lists the workspace (what the
 * publish step would find). The first backend runs in a child process; the test merges the pull
 * request (commits the manifests of its workspace to the peer's Git server) and kills the process
 * with SIGKILL while the action waits for Argo CD's waves, after the first chart turned Ready. A
 * second backend, on the same SQLite files but another working directory (a new pod: the workspace
 * is gone), recovers the task: the action resumes, changes nothing in the cluster again (every
 * change is checkpointed: no apply, no Secret, no namespace call), writes the manifests again into
 * the new workspace, sees every chart Ready and the task completes.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Entity } from '@backstage/catalog-model';
import { mockCredentials } from '@backstage/backend-test-utils';
import { applicationReadiness } from '@backstage-openstack/plugin-openstack-node';
import {
  adminKubeConfig,
  describePeers,
  eventually,
  lazy,
  uniqueName,
} from '@backstage-openstack/plugin-openstack-node/testUtils';
import { ARGOCD_CHARTS as CHARTS, argocdTestCloud, git } from '../__testUtils__/argocdPeer';
import { startPeerScaffolder, PeerScaffolderOptions } from '../__testUtils__/peerScaffolder';

const admin = lazy(adminKubeConfig);
const adminCore = lazy(() => admin().makeApiClient(k8s.CoreV1Api));
const adminCustom = lazy(() => admin().makeApiClient(k8s.CustomObjectsApi));
const USER = 'user:default/alice';
const auth = mockCredentials.user.header(USER);

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'argocd-restart', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/platform-team',
    parameters: [{ properties: { spec: { type: 'object' } } }],
    steps: [
      {
        id: 'create',
        action: 'openstack:cloud:create',
        input: { spec: '${{ parameters.spec }}', cluster: 'peers', lifecycle: 'experimental', waitForReady: true, timeoutMinutes: 20 },
      },
      // what the publish step (publish:github:pull-request) would find in the workspace
      { id: 'workspace', action: 'bso-test:workspace' },
    ],
    output: { files: '${{ steps.workspace.output.files }}' },
  },
};
const alice: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice', namespace: 'default' },
  spec: { memberOf: ['platform-team'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/platform-team' }],
};

type TaskEvent = { type: string; body: { message?: string; output?: { files?: Record<string, string> } } };

/** The first backend, in a child process: resolves with its port once it serves. */
function startChild(opts: PeerScaffolderOptions): Promise<{ child: ChildProcess; port: number }> {
  const main = path.join(__dirname, '../__testUtils__/peerScaffolderMain.ts');
  const child = spawn(process.execPath, ['--require', require.resolve('@backstage/cli/config/nodeTransform.cjs'), main], {
    env: { ...process.env, NODE_ENV: 'test', BSO_PEER_SCAFFOLDER: JSON.stringify(opts) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', d => {
    err = (err + d).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', d => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', code => reject(new Error(`the first backend exited (${code}) before it served:\n${err}`)));
  });
}

describePeers('a backend restart in the middle of an Argo CD create', () => {
  const name = uniqueName('it-rst');
  const ns = name;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-restart-'));
  const merged = fs.mkdtempSync(path.join(os.tmpdir(), 'bso-restart-git-'));
  const changesFile = path.join(dir, 'changes.log');
  const cloud = argocdTestCloud(name);
  let child: ChildProcess | undefined;
  let second: Awaited<ReturnType<typeof startPeerScaffolder>> | undefined;
  const getApp = (app: string) =>
    adminCustom().getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: cloud.argocdNamespace, plural: 'applications', name: app }) as Promise<any>;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await second?.stop();
    await cloud.tearDown();
    for (const d of [dir, merged]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('resumes the task on a second backend: no change repeated, the manifests written again, every chart Ready', async () => {
    await cloud.setUp();
    const { spec, bare } = cloud;
    const options = (label: string): PeerScaffolderOptions => ({
      label,
      dbDir: path.join(dir, 'db'),
      workDir: path.join(dir, `work-${label}`),
      changesFile,
      entities: [template, alice],
    });
    const changes = (label: string) =>
      (fs.existsSync(changesFile) ? fs.readFileSync(changesFile, 'utf8') : '')
        .split('\n')
        .filter(l => l.startsWith(`${label} `))
        .map(l => l.slice(label.length + 1));

    // 1. the first backend starts the task
    const first = await startChild(options('first'));
    child = first.child;
    const base = `http://127.0.0.1:${first.port}/api/scaffolder/v2/tasks`;
    const started = await fetch(base, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ templateRef: 'template:default/argocd-restart', values: { spec } }),
    });
    expect(started.status).toBe(201);
    const { id: taskId } = (await started.json()) as { id: string };
    const firstLog = async () => {
      const events = (await (await fetch(`${base}/${taskId}/events`, { headers: { Authorization: auth } })).json()) as TaskEvent[];
      return events.map(e => e.body.message ?? '').join('\n');
    };

    // 2. the manifests in its workspace: the test merges the pull request
    const workspace = path.join(options('first').workDir, taskId);
    await eventually(
      'the create action to write the manifests',
      async () => {
        const log = await firstLog();
        const { status } = (await (await fetch(`${base}/${taskId}`, { headers: { Authorization: auth } })).json()) as { status: string };
        if (status !== 'open' && status !== 'processing') throw new Error(`the task ended (${status}) before writing the manifests:\n${log}`);
        return log.includes('Wrote ') ? true : undefined;
      },
      300_000,
    );
    fs.cpSync(path.join(workspace, 'clusters'), path.join(merged, 'clusters'), { recursive: true });
    git(merged, 'init', '-q', '-b', 'main');
    git(merged, 'add', 'clusters');
    git(merged, 'commit', '-q', '-m', `OpenStack cloud ${name} (2025.1)`);
    git(merged, 'push', '-q', bare, 'main');
    const committed = Object.fromEntries(
      git(merged, 'ls-files')
        .trim()
        .split('\n')
        .map(f => [f, crypto.createHash('sha256').update(fs.readFileSync(path.join(merged, f))).digest('hex')]),
    );

    // 3. kill it while the action waits for Argo CD's waves, after the first chart is Ready
    const beforeKill = await eventually(
      'the wait to see the first chart Ready',
      async () => {
        const log = await firstLog();
        return / is Ready \(\d+ workloads rolled out\)/.test(log) ? log : undefined;
      },
      600_000,
    );
    child.kill('SIGKILL');
    await new Promise(r => child!.once('exit', r));
    // the kill came in the middle of the wait: not every chart was Ready yet
    expect(beforeKill).not.toContain(`Every chart of ${name} is Ready`);
    const readyBefore = CHARTS.filter(c => beforeKill.includes(`${c} is Ready`));
    expect(readyBefore.length).toBeLessThan(CHARTS.length);
    const made = changes('first');
    const secretsBefore = (await adminCore().listNamespacedSecret({ namespace: ns, labelSelector: 'openstack.backstage.io/cloud' })).items;
    const secretVersions = (items: k8s.V1Secret[]) => Object.fromEntries(items.map(s => [s.metadata!.name, `${s.metadata!.uid} ${s.metadata!.resourceVersion}`]));
    // every change the create makes, by the first backend: the namespace, the Secrets, the parked children and the parent
    expect(made).toContain(`ensureNamespace ${ns}`);
    expect(made.filter(c => c.startsWith('ensureSecret '))).toHaveLength(secretsBefore.length);
    expect(made.filter(c => c.startsWith('apply Application '))).toHaveLength(CHARTS.length + 1);

    // 4. a second backend on the same database, another working directory: it recovers the task
    const killedAt = Date.now();
    second = await startPeerScaffolder(options('second'));
    const finished = await eventually(
      'the recovered task to finish',
      async () => {
        const res = await fetch(`http://127.0.0.1:${(second!.server.address() as { port: number }).port}/api/scaffolder/v2/tasks/${taskId}`, {
          headers: { Authorization: auth },
        });
        const task = (await res.json()) as { status: string };
        return ['completed', 'failed', 'cancelled'].includes(task.status) ? task : undefined;
      },
      900_000,
    );
    const resumedSeconds = Math.round((Date.now() - killedAt) / 1000);
    const events = (await (
      await fetch(`http://127.0.0.1:${(second.server.address() as { port: number }).port}/api/scaffolder/v2/tasks/${taskId}/events`, { headers: { Authorization: auth } })
    ).json()) as TaskEvent[];
    const log = events.map(e => e.body.message ?? '').join('\n');
    expect({ status: finished.status, log: finished.status === 'completed' ? '' : log }).toEqual({ status: 'completed', log: '' });
    // recovered by the scaffolder (not started anew), after the kill
    expect(events.map(e => e.type)).toContain('recovered');
    // the first backend never saw every chart Ready (asserted above): the resumed wait did
    expect(log).toContain(`Every chart of ${name} is Ready`);

    // nothing changed twice: the second backend asked the cluster for no change at all
    expect(changes('second')).toEqual([]);
    expect(changes('first')).toEqual(made);
    const secretsAfter = (await adminCore().listNamespacedSecret({ namespace: ns, labelSelector: 'openstack.backstage.io/cloud' })).items;
    expect(secretVersions(secretsAfter)).toEqual(secretVersions(secretsBefore));
    // the merged pull request is the only commit; the resumed task wrote the same manifests into
    // its new workspace, which the publish step found there
    expect(git(bare, 'rev-list', '--count', 'main').trim()).toBe('1');
    const completion = events.find(e => e.type === 'completion');
    expect(completion?.body.output?.files).toEqual(committed);
    // and Argo CD: every child Synced to its spec and Healthy
    for (const c of CHARTS) expect({ c, readiness: applicationReadiness(await getApp(`${name}-${c}`)) }).toMatchObject({ c, readiness: { ready: true } });

    // eslint-disable-next-line no-console
    console.log(
      `restart in the middle of an Argo CD create: killed after ${readyBefore.join(', ')} Ready; the second backend finished the task ${resumedSeconds} s after the kill; changes by the first backend ${made.length} (${secretsBefore.length} Secrets, ${CHARTS.length + 1} Applications, 1 namespace), by the second 0; ${Object.keys(committed).length} manifests written again, byte-identical`,
    );
  }, 1_800_000);
});
