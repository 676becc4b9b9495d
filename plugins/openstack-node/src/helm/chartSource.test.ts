import https from 'node:https';
import { AddressInfo } from 'node:net';
import { TEST_CERT, TEST_KEY } from '../testUtils/tls';
import { checkChartSource } from './chartSource';

// A real TLS server (no msw): the CA must reach the socket, as for a private chart repository.
describe('checkChartSource', () => {
  let server: https.Server;
  const hanging: Array<{ end(): void }> = [];
  let base: string;
  beforeAll(async () => {
    server = https.createServer({ key: TEST_KEY, cert: TEST_CERT }, (req, res) => {
      if (req.url === '/charts/index.yaml') {
        res.writeHead(200);
        res.end('apiVersion: v1\nentries:\n  keystone:\n    - version: 2026.1.0\n  nova:\n    - version: 2025.2.0\n');
      } else if (req.url === '/garbage/index.yaml') {
        res.writeHead(200);
        res.end('entries: [unclosed\n  SECRET-BODY-TEXT: {');
      } else if (req.url === '/hang/index.yaml') {
        // answers nothing: the check's timeout ends the wait
        hanging.push(res);
      } else if (req.url === '/v2/') {
        res.writeHead(401, { 'Docker-Distribution-API-Version': 'registry/2.0' });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const res of hanging) res.end();
    return new Promise<void>(r => server.close(() => r()));
  });

  it('accepts a Helm repository whose index lists every chart at the version', async () => {
    const r = await checkChartSource({ url: `https://${base}/charts/`, version: '2026.1.0', caData: TEST_CERT }, ['keystone'], 'input.spec.chartSource.name');
    expect(r).toEqual({ url: `https://${base}/charts/`, probed: `https://${base}/charts/index.yaml`, detail: '1 charts at 2026.1.0 in the index' });
  });

  it('names the charts missing at the version, the field and the fix', async () => {
    await expect(
      checkChartSource({ url: `https://${base}/charts`, version: '2026.1.0', caData: TEST_CERT }, ['keystone', 'nova', 'glance'], 'input.spec.chartSource.name'),
    ).rejects.toThrow(/^input\.spec\.chartSource\.name: the Helm repository .* has no nova, glance chart at version 2026\.1\.0\. Use a repository/);
  });

  it('a 404 index and an untrusted certificate are errors naming the field', async () => {
    await expect(
      checkChartSource({ url: `https://${base}/nope/`, version: '2026.1.0', caData: TEST_CERT }, ['keystone'], 'f'),
    ).rejects.toThrow(/^f: https:\/\/.*\/nope\/index\.yaml answered HTTP 404; a Helm repository serves index\.yaml/);
    await expect(checkChartSource({ url: `https://${base}/charts/`, version: '2026.1.0' }, ['keystone'], 'f')).rejects.toThrow(
      /^f: chart source https:\/\/.* is not reachable: fetch failed \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)/,
    );
  });

  it('an OCI registry answers its /v2/ base (401 is the token challenge)', async () => {
    const r = await checkChartSource({ url: `oci://${base}/openstack-helm`, version: '2026.1.0', caData: TEST_CERT }, ['keystone'], 'f');
    expect(r.detail).toBe(`OCI registry ${base} answers (HTTP 401)`);
  });

  it('never quotes what the source answered', async () => {
    const error = await checkChartSource({ url: `https://${base}/garbage/`, version: '2026.1.0', caData: TEST_CERT }, ['keystone'], 'f').catch(e => e);
    expect(error.message).toMatch(/^f: https:\/\/.*\/garbage\/index\.yaml is not a Helm repository index \(not YAML\)/);
    expect(error.message).not.toContain('SECRET-BODY-TEXT');
    expect(error.message).not.toContain('unclosed');
  });

  it('gives up on a source that does not answer after its timeout', async () => {
    await expect(
      checkChartSource({ url: `https://${base}/hang/`, version: '2026.1.0', caData: TEST_CERT }, ['keystone'], 'f', { timeoutMs: 200 }),
    ).rejects.toThrow(/^f: chart source https:\/\/.*\/hang\/index\.yaml is not reachable: .*(timeout|aborted)/i);
  });
});
