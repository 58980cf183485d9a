/*
 * A node:http service that already runs the OpenTelemetry Node SDK, with
 * factline added the way the README's "Use it in a service" says: set up
 * before `sdk.start()`, emitting through the service's own SDK, and stopped
 * on SIGTERM by closing the server, flushing, shutting the SDK down and
 * exiting. The SDK and factline are set up in examples/node-sdk-telemetry.ts.
 *
 *   npm run build
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 node --import ./dist/examples/node-sdk-telemetry.js dist/examples/node-sdk-service.js
 *
 * It prints `listening on <port>` once it serves; PORT picks the port
 * (default 0: any free one). GET /login?user=<uuid> emits `auth.user.login:1`
 * inside the request's span, GET /fail emits `auth.user.locked:1`.
 */
import { createServer } from 'node:http';
import { factline, sdk } from './node-sdk-telemetry.js';

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const user_id = url.searchParams.get('user') ?? '550e8400-e29b-41d4-a716-446655440000';
  if (url.pathname === '/login') {
    factline.emit('auth.user.login:1', { user_id, ip: req.socket.remoteAddress ?? '', method: 'password', mfa: true });
  } else if (url.pathname === '/fail') {
    factline.emit('auth.user.locked:1', { user_id, attempts: 5 });
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
});

server.listen(Number(process.env.PORT ?? 0), () => {
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : address}\n`);
});

// SIGTERM / SIGINT: stop taking requests, flush factline, shut the SDK down, exit.
factline.shutdownOnSignals({
  beforeShutdown: () => new Promise((resolve) => server.close(resolve)),
  afterShutdown: () => sdk.shutdown(),
});
