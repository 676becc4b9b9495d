// The benchmarks' synthetic upstream: one local HTTP server that answers with msw handlers (the
// fake OpenStack and Kubernetes of openstack-node's testUtils) after a simulated network latency.
import { createServer } from 'node:http';

/**
 * Listens on 127.0.0.1 (a free port). `route(req)` picks the handlers of a request and the path
 * they see (`{ handlers, path }`), or nothing for a 404. Returns the server and its origin.
 */
export async function serveHandlers({ getResponse, latency: [lo, hi], route }) {
  let origin;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () =>
      setTimeout(async () => {
        try {
          const picked = route(req);
          const request = new Request(new URL(picked?.path ?? req.url, origin), {
            method: req.method,
            headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])),
            body: req.method === 'GET' || req.method === 'HEAD' || !chunks.length ? undefined : Buffer.concat(chunks),
          });
          const answer = picked && (await getResponse(picked.handlers, request));
          if (!answer) {
            res.writeHead(404, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ error: { code: 404, message: `${req.url} not found` } }));
            return;
          }
          const text = Buffer.from(await answer.arrayBuffer());
          const headers = Object.fromEntries(answer.headers);
          delete headers['content-length'];
          res.writeHead(answer.status, { ...headers, 'Content-Length': text.length });
          res.end(text);
        } catch (e) {
          res.writeHead(500);
          res.end(String(e));
        }
      }, lo + Math.random() * (hi - lo)),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin };
}
