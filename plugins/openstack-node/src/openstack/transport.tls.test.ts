import https from 'node:https';
import { AddressInfo } from 'node:net';
import { ServiceUnavailableError } from '@backstage/errors';
import { OpenStackTransport } from './transport';
import { TEST_CERT, TEST_KEY } from '../testUtils/tls';

// A real TLS server (no msw): caData must reach the socket through the undici dispatcher.
describe('transport with a custom CA', () => {
  let server: https.Server;
  let url: string;
  beforeAll(async () => {
    server = https.createServer(
      { key: TEST_KEY, cert: TEST_CERT },
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ version: { id: 'v2.1', version: '2.93' } }));
      },
    );
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v2.1/`;
  });
  afterAll(() => new Promise<void>(r => server.close(() => r())));

  it('trusts the API certificate signed by caData', async () => {
    const t = new OpenStackTransport({
      cloudKey: 'tls',
      timeoutMs: 5000,
      maxConcurrency: 2,
      caData: TEST_CERT,
    });
    const res = await t.request({ service: 'compute', method: 'GET', url });
    expect(res.body.version.version).toBe('2.93');
    await t.close();
  });

  it('without caData the self-signed certificate is a network error', async () => {
    const t = new OpenStackTransport({
      cloudKey: 'tls',
      timeoutMs: 5000,
      maxConcurrency: 2,
      retry: { retries: 0 },
    });
    const error = await t
      .request({ service: 'compute', method: 'GET', url })
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(
      /^OpenStack cloud "tls": compute GET https:\/\/127\.0\.0\.1:\d+\/v2\.1\/ failed: network error: fetch failed \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/,
    );
  });
});
