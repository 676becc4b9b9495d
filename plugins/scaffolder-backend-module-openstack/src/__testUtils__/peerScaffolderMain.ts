// The first backend of the restart test, in a process of its own so the test can kill it in the
// middle of a task (SIGKILL: no shutdown hook, no last heartbeat): started by
// `node --require @backstage/cli/config/nodeTransform.cjs` with its options as JSON in
// BSO_PEER_SCAFFOLDER; prints `PORT <port>` once it serves.
import { startPeerScaffolder } from './peerScaffolder';

startPeerScaffolder(JSON.parse(process.env.BSO_PEER_SCAFFOLDER ?? '{}'))
  .then(backend => {
    const address = backend.server.address();
    process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : ''}\n`);
  })
  .catch(e => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
