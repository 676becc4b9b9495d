import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
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
const tokens = '/api/openstack/clouds/default/lab/join-tokens';
const tokenOf = (joinUrl: string) => joinUrl.split('/join/')[1];

describe('joining with a one-time token', () => {
  it('issues a token once, serves the script once without a Backstage identity, takes one report, answers every refused token alike', async () => {
    const server = await start();
    expect((await request(server).post(tokens).set('Authorization', mockCredentials.none.header()).send({ host: 'cmp-1', managementIp: '127.0.0.1', files })).status).toBe(401);
    const issued = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-1', managementIp: '127.0.0.1', files });
    expect(issued.status).toBe(201);
    const { joinUrl, command, cloudInit, expiresAt } = issued.body;
    expect(joinUrl).toMatch(/\/api\/openstack\/join\/[A-Za-z0-9_-]{43}$/);
    expect(command).toBe(`curl -fsS '${joinUrl}' | sudo sh`);
    expect(cloudInit).toContain(`curl -fsS '${joinUrl}' | sh`);
    // default 1 h
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    const token = tokenOf(joinUrl);
    const path = `/api/openstack/join/${token}`;

    expect((await request(server).get(`${tokens}/cmp-1`).set('Authorization', alice)).body).toMatchObject({ state: 'unused', host: 'cmp-1', createdBy: 'user:default/alice' });

    const script = await request(server).get(path);
    expect(script.status).toBe(200);
    expect(script.type).toBe('text/x-shellscript');
    expect(script.headers['cache-control']).toBe('no-store');
    expect(script.text).toContain('transport_url = rabbit://nova:s3cret-mq@mq:5672/nova');
    expect(script.text).toContain(`${joinUrl}/report`);

    // used, wrong, malformed: the same status and body
    const used = await request(server).get(path);
    const wrong = await request(server).get(`/api/openstack/join/${randomBytes(32).toString('base64url')}`);
    const malformed = await request(server).get('/api/openstack/join/x');
    expect(used.status).toBe(404);
    for (const r of [wrong, malformed]) {
      expect(r.status).toBe(used.status);
      expect(r.body).toEqual(used.body);
    }
    expect(JSON.stringify(used.body)).not.toContain(token);

    // the follow-up report: once, with a nova version
    expect((await request(server).post(`${path}/report`).send({ novaComputeVersion: '31.0.1; rm -rf /' })).status).toBe(400);
    const report = await request(server).post(`${path}/report`).send({ novaComputeVersion: '31.0.1' });
    expect(report.status).toBe(202);
    const again = await request(server).post(`${path}/report`).send({ novaComputeVersion: '31.0.2' });
    expect(again.status).toBe(404);
    expect(again.body).toEqual(used.body);
    expect((await request(server).get(`${tokens}/cmp-1`).set('Authorization', alice)).body).toMatchObject({ state: 'reported', reportedVersion: '31.0.1', usedFrom: '127.0.0.1' });
  });

  it('refuses a fetch from another address than the management IP without using the token up', async () => {
    const server = await start();
    const issued = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-2', managementIp: '10.0.0.9', files });
    const refused = await request(server).get(`/api/openstack/join/${tokenOf(issued.body.joinUrl)}`);
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual((await request(server).get(`/api/openstack/join/${randomBytes(32).toString('base64url')}`)).body);
    expect((await request(server).get(`${tokens}/cmp-2`).set('Authorization', alice)).body.state).toBe('unused');
  });

  it('refuses input naming the field, and a second token replaces the unused first', async () => {
    const server = await start({ requireManagementIp: false });
    const bad = await request(server).post(tokens).set('Authorization', alice).send({ host: 'CMP_1', managementIp: '10.0.0.300', files: { '../etc/passwd': 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.host: .*body\.managementIp: .*body\.files: /);
    const first = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-3', managementIp: '10.0.0.3', files });
    const second = await request(server).post(tokens).set('Authorization', alice).send({ host: 'cmp-3', managementIp: '10.0.0.3', files });
    expect((await request(server).get(`/api/openstack/join/${tokenOf(first.body.joinUrl)}`)).status).toBe(404);
    expect((await request(server).get(`/api/openstack/join/${tokenOf(second.body.joinUrl)}`)).status).toBe(200);
  });

  it('limits the join requests of one address', async () => {
    const server = await start({ rateLimit: { perAddressPerMinute: 3 } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await request(server).get(`/api/openstack/join/${randomBytes(32).toString('base64url')}`)).status);
    expect(answers).toEqual([404, 404, 404, 429]);
  });
});
