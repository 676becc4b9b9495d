import { coreServices, createBackendPlugin, createServiceFactory, LoggerService } from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import express from 'express';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { openstackPlugin } from '../plugin';

jest.setTimeout(60_000);

const cloud = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'lab', namespace: 'default', annotations: { 'openstack.backstage.io/cloud': 'lab', 'openstack.backstage.io/delivery': 'direct' } },
  spec: { type: 'openstack-cloud', owner: 'group:default/platform-team' },
};
const files = {
  'nova-compute.conf': '[DEFAULT]\nhost = cmp-1\ntransport_url = rabbit://nova:s3cret-mq@mq:5672/nova\n',
  'host.yaml': 'host: "cmp-1"\n',
};

/** The plugin on its real (in-memory SQLite) database, the catalog mocked, the join settings given. */
async function start(join: Record<string, any> = {}) {
  const { server } = await startTestBackend({
    features: [
      openstackPlugin,
      catalogServiceMock.factory({ entities: [cloud] }),
      mockServices.rootConfig.factory({ data: { app: { baseUrl: 'http://localhost:3000' }, openstack: { join } } as any }),
    ],
  });
  return server;
}
const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');
const tokens = '/api/openstack/clouds/default/lab/join-tokens';
const bearer = (token: string) => `Bearer ${token}`;
const someToken = () => randomBytes(32).toString('base64url');

describe('joining with a one-time token', () => {
  it('issues a token once, serves the script once without a Backstage identity, takes one report, answers every refused token alike', async () => {
    const server = await start();
    expect((await request(server).post(tokens).set('Authorization', mockCredentials.none.header()).send({ host: 'cmp-1', managementIp: '127.0.0.1', files })).status).toBe(401);
    const issued = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-1', managementIp: '127.0.0.1', files });
    expect(issued.status).toBe(201);
    const { joinUrl, token, command, cloudInit, expiresAt } = issued.body;
    // the token is never in a URL: the join route takes it in the Authorization header
    expect(joinUrl).toMatch(/\/api\/openstack\/join$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(command).toBe(`curl -fsS -H 'Authorization: Bearer ${token}' '${joinUrl}' | sudo sh`);
    expect(cloudInit).toContain(`curl -fsS -H 'Authorization: Bearer ${token}' '${joinUrl}' | sh`);
    // default 1 h
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    const path = '/api/openstack/join';

    expect((await request(server).get(`${tokens}/cmp-1`).set('Authorization', alice)).body).toMatchObject({ state: 'unused', host: 'cmp-1', createdBy: 'user:default/alice' });

    const script = await request(server).get(path).set('Authorization', bearer(token));
    expect(script.status).toBe(200);
    expect(script.type).toBe('text/x-shellscript');
    expect(script.headers['cache-control']).toBe('no-store');
    expect(script.text).toContain('transport_url = rabbit://nova:s3cret-mq@mq:5672/nova');
    expect(script.text).toContain(`-H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json'`);
    expect(script.text).toContain(`'${joinUrl}/report'`);

    // used, wrong, malformed: the same status and body
    const used = await request(server).get(path).set('Authorization', bearer(token));
    const wrong = await request(server).get(path).set('Authorization', bearer(someToken()));
    const malformed = await request(server).get(path).set('Authorization', bearer('x'));
    const none = await request(server).get(path);
    expect(used.status).toBe(404);
    for (const r of [wrong, malformed, none]) {
      expect(r.status).toBe(used.status);
      expect(r.body).toEqual(used.body);
    }
    expect(JSON.stringify(used.body)).not.toContain(token);

    // the follow-up report: once, with a nova version
    const report = (body: unknown, t = token) => request(server).post(`${path}/report`).set('Authorization', bearer(t)).send(body as object);
    expect((await report({ novaComputeVersion: '31.0.1; rm -rf /' })).status).toBe(400);
    expect((await report({ novaComputeVersion: '31.0.1' }, someToken())).body).toEqual(used.body);
    expect((await report({ novaComputeVersion: '31.0.1' })).status).toBe(202);
    const again = await report({ novaComputeVersion: '31.0.2' });
    expect(again.status).toBe(404);
    expect(again.body).toEqual(used.body);
    expect((await request(server).get(`${tokens}/cmp-1`).set('Authorization', alice)).body).toMatchObject({ state: 'reported', reportedVersion: '31.0.1', usedFrom: '127.0.0.1' });
  });

  it('refuses a fetch from another address than the management IP without using the token up', async () => {
    const server = await start();
    const issued = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-2', managementIp: '10.0.0.9', files });
    const refused = await request(server).get('/api/openstack/join').set('Authorization', bearer(issued.body.token));
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual((await request(server).get('/api/openstack/join').set('Authorization', bearer(someToken()))).body);
    expect((await request(server).get(`${tokens}/cmp-2`).set('Authorization', alice)).body.state).toBe('unused');
  });

  it('refuses input naming the field, and a second token replaces the unused first', async () => {
    const server = await start({ requireManagementIp: false });
    const bad = await request(server).post(tokens).set('Authorization', alice).send({ host: 'CMP_1', managementIp: '10.0.0.300', files: { '../etc/passwd': 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.host: .*body\.managementIp: .*body\.files: /);
    const first = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-3', managementIp: '10.0.0.3', files });
    const second = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-3', managementIp: '10.0.0.3', files });
    expect((await request(server).get('/api/openstack/join').set('Authorization', bearer(first.body.token))).status).toBe(404);
    expect((await request(server).get('/api/openstack/join').set('Authorization', bearer(second.body.token))).status).toBe(200);
  });

  it('limits the join requests of one address', async () => {
    const server = await start({ rateLimit: { perAddressPerMinute: 3 } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await request(server).get('/api/openstack/join').set('Authorization', bearer(someToken()))).status);
    expect(answers).toEqual([404, 404, 404, 429]);
  });
});

/** Every line the root logger writes (the request log among them), message and fields. */
function capturingRootLogger() {
  const lines: string[] = [];
  const logger: any = {};
  for (const level of ['error', 'warn', 'info', 'debug']) {
    logger[level] = (message: string, meta?: unknown) => lines.push(`${level} ${message} ${meta === undefined ? '' : JSON.stringify(meta, (_k, v) => (v instanceof Error ? v.message : v))}`);
  }
  logger.child = () => logger;
  return { lines, logger: logger as LoggerService, factory: createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => logger }) };
}

/**
 * A stand-in of the scaffolder's task API (`/api/scaffolder/v2/tasks`) in the same backend: it
 * records who starts which template with which values (the caller's credentials, as the real one
 * does) and lists those tasks by creator.
 */
function scaffolderStandIn() {
  const tasks: { id: string; createdBy: string; templateRef: string; values: Record<string, unknown> }[] = [];
  const plugin = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
        async init({ httpRouter, httpAuth }) {
          const router = express.Router();
          router.use(express.json());
          router.get('/v2/tasks', async (req, res) => {
            await httpAuth.credentials(req, { allow: ['user'] });
            res.json({ tasks: tasks.filter(t => t.createdBy === req.query.createdBy).map(t => ({ id: t.id, spec: { parameters: t.values } })) });
          });
          router.post('/v2/tasks', async (req, res) => {
            const credentials = await httpAuth.credentials(req, { allow: ['user'] });
            const task = { id: `task-${tasks.length + 1}`, createdBy: credentials.principal.userEntityRef, templateRef: req.body.templateRef, values: req.body.values };
            tasks.push(task);
            res.status(201).json({ id: task.id });
          });
          httpRouter.use(router);
        },
      });
    },
  });
  return { tasks, plugin };
}

describe('a joining host: the token never in a log line, the continuation started once by a read', () => {
  const templateRef = 'template:default/openstack-enroll-host';
  const parameters = { cloud: 'resource:default/lab', host: 'cmp-7', managementIp: '127.0.0.1', overlayIp: '10.1.0.7', availabilityZone: 'az1' };

  /**
   * The plugin in a test backend, a scaffolder stand-in, the root logger captured, and in front of
   * every request the backend's own request log (the root HTTP router's logging middleware, which
   * writes each request's URL to the root logger).
   */
  async function startLogged() {
    const root = capturingRootLogger();
    const scaffolder = scaffolderStandIn();
    const config = mockServices.rootConfig({ data: { app: { baseUrl: 'http://localhost:3000' } } });
    const backend = await startTestBackend({
      features: [openstackPlugin, scaffolder.plugin, root.factory, catalogServiceMock.factory({ entities: [cloud] }), mockServices.rootConfig.factory({ data: config.get() as any })],
    });
    const requestLog = MiddlewareFactory.create({ config, logger: root.logger.child({ service: 'rootHttpRouter' }) }).logging();
    backend.server.prependListener('request', (req, res) => requestLog(req as any, res as any, () => undefined));
    return { backend, server: backend.server, lines: root.lines, tasks: scaffolder.tasks };
  }

  it('serves the script and takes the report with the token in a header: the request log has no line with it; a read starts the continuation as the reader, once; it binds to one task', async () => {
    const { backend, server, lines, tasks } = await startLogged();
    try {
      const base = '/api/openstack/clouds/default/lab/join-tokens';
      const issued = await request(server).post(base).set('Authorization', alice).send({ host: 'cmp-7', managementIp: '127.0.0.1', files, continuation: { templateRef, parameters: { ...parameters, approvalId: 'a-1' } } });
      expect(issued.status).toBe(201);
      const { token, joinId } = issued.body;
      // waiting for the host: no continuation yet, whoever reads
      expect((await request(server).get(`${base}/cmp-7`).set('Authorization', alice)).body).toMatchObject({ state: 'unused', joinId, continuation: { state: 'waiting', templateRef } });

      const script = await request(server).get('/api/openstack/join').set('Authorization', bearer(token));
      expect(script.status).toBe(200);
      expect((await request(server).post('/api/openstack/join/report').set('Authorization', bearer(token)).send({ novaComputeVersion: '31.0.1' })).status).toBe(202);
      // refused ones are logged too: a wrong token, none
      await request(server).get('/api/openstack/join').set('Authorization', bearer(someToken()));

      // the request log wrote the join calls, and no line holds the token
      const requestLines = lines.filter(l => l.includes('/api/openstack/join'));
      expect(requestLines.filter(l => l.includes('"GET /api/openstack/join HTTP/1.1" 200'))).toHaveLength(1);
      expect(requestLines.filter(l => l.includes('"POST /api/openstack/join/report HTTP/1.1" 202'))).toHaveLength(1);
      expect(lines.filter(l => l.includes(token))).toEqual([]);

      // a service's read starts nothing (it would bypass the permission framework)
      const service = await request(server).get(`${base}/cmp-7`).set('Authorization', mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:catalog') } as any));
      expect(service.body).toMatchObject({ state: 'reported', continuation: { state: 'to-start' } });
      expect(tasks).toEqual([]);

      // bob, who may enroll on the cloud too, reads the state: nothing starts (the template and
      // values are alice's choice; a task of them must not run as bob)
      const byBob = await request(server).get(`${base}/cmp-7`).set('Authorization', bob);
      expect(byBob.body).toMatchObject({ state: 'reported', continuation: { state: 'to-start' } });
      expect(tasks).toEqual([]);
      // alice, who issued it, reads it twice at once (the cloud's page polls it, the list too): the
      // continuation starts once, as her task, with the stored values and joinId (approvalId dropped)
      const [a, b] = await Promise.all([
        request(server).get(`${base}/cmp-7`).set('Authorization', alice),
        request(server).get(base).set('Authorization', alice),
      ]);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toEqual({ id: 'task-1', createdBy: 'user:default/alice', templateRef, values: { ...parameters, joinId } });
      const after = (await request(server).get(`${base}/cmp-7`).set('Authorization', alice)).body;
      expect(after).toMatchObject({ state: 'reported', reportedVersion: '31.0.1', continuation: { state: 'started', taskId: 'task-1' } });
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(tasks).toHaveLength(1);

      // the continuation's enroll step binds the record: its own task passes (again, resumed); another task, other values, another host: refused
      const bind = (body: Record<string, unknown>, host = 'cmp-7') => request(server).post(`${base}/${host}/continuation`).set('Authorization', alice).send(body);
      expect((await bind({ joinId, taskId: 'task-1', parameters: { ...parameters, joinId } })).body).toMatchObject({ reportedVersion: '31.0.1', continuation: { taskId: 'task-1' } });
      expect((await bind({ joinId, taskId: 'task-1', parameters: { ...parameters, joinId } })).status).toBe(200);
      const second = await bind({ joinId, taskId: 'task-2', parameters: { ...parameters, joinId } });
      expect(second.status).toBe(409);
      expect(second.body.error.message).toContain('continued already, in task task-1');
      expect((await bind({ joinId, taskId: 'task-1', parameters: { ...parameters, aggregate: 'other', joinId } })).status).toBe(403);
      expect((await bind({ joinId, taskId: 'task-1', parameters }, 'cmp-8')).status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('decommission deletes the unused tokens of a host (with openstack.compute.decommission), keeps the record of a used one', async () => {
    const server = await start({ requireManagementIp: false });
    const base = '/api/openstack/clouds/default/lab/join-tokens';
    const unused = await request(server).post(base).set('Authorization', alice).send({ host: 'cmp-5', managementIp: '10.0.0.5', files });
    const del = await request(server).delete(`${base}/cmp-5`).set('Authorization', alice);
    expect(del.body).toEqual({ deleted: 1 });
    expect((await request(server).get(`${base}/cmp-5`).set('Authorization', alice)).status).toBe(404);
    expect((await request(server).get('/api/openstack/join').set('Authorization', bearer(unused.body.token))).status).toBe(404);
    const used = await request(server).post(base).set('Authorization', alice).send({ host: 'cmp-6', managementIp: '10.0.0.6', files });
    expect((await request(server).get('/api/openstack/join').set('Authorization', bearer(used.body.token))).status).toBe(200);
    expect((await request(server).delete(`${base}/cmp-6`).set('Authorization', alice)).body).toEqual({ deleted: 0 });
    expect((await request(server).get(`${base}/cmp-6`).set('Authorization', alice)).body.state).toBe('used');
  });
});
