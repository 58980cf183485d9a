import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { createEmitter } from '../../src/emitter/index.js';
import { createOtelPipeline } from '../../src/otel/setup.js';
import { createOtlpTransport, otlpTlsFromEnv } from '../../src/otel/otlp-transport.js';

/*
 * An https OTLP endpoint whose certificate a private CA signed, and one that
 * asks for a client certificate (mutual TLS): factline's own transport
 * takes the CA and the client certificate from the standard variables
 * (OTEL_EXPORTER_OTLP_CERTIFICATE, _CLIENT_CERTIFICATE, _CLIENT_KEY), for
 * batches and for the probe alike. The CA and certificates are made by
 * openssl for each run.
 */
const openssl = spawnSync('openssl', ['version']).error === undefined;
let dir: string;
let plain: Server;
let mutual: Server;
const bodies: { server: string; bytes: number; client?: string }[] = [];
const pem = (name: string) => join(dir, name);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
let plainUrl: string;
let mutualUrl: string;

describe.skipIf(!openssl)('OTLP over https with a private CA and mutual TLS', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factline-otlp-tls-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=factline test CA');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    for (const who of ['server', 'client']) {
      run(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${who}.key`,
        '-out',
        `${who}.csr`,
        '-subj',
        `/CN=${who === 'server' ? '127.0.0.1' : 'factline client'}`,
      );
      run(
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${who}.pem`,
        '-days',
        '2',
        '-extfile',
        'san.ext',
      );
    }
    const answer = (server: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate?.();
        bodies.push({ server, bytes, ...(peer?.subject?.CN ? { client: String(peer.subject.CN) } : {}) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    };
    const tls = { key: readFileSync(pem('server.key')), cert: readFileSync(pem('server.pem')) };
    plain = createServer(tls, answer('plain'));
    mutual = createServer({ ...tls, ca: readFileSync(pem('ca.pem')), requestCert: true, rejectUnauthorized: true }, answer('mutual'));
    plainUrl = await listen(plain);
    mutualUrl = await listen(mutual);
  }, 60_000);
  afterAll(async () => {
    for (const s of [plain, mutual]) await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const body = Buffer.from('{}');

  it("without the CA, Node's bundled roots refuse the endpoint's certificate: retried, naming why", async () => {
    const { transport } = createOtlpTransport('logs', { OTEL_EXPORTER_OTLP_ENDPOINT: plainUrl });
    const outcome = await transport.send(body, 5_000);
    expect(outcome).toMatchObject({ kind: 'retryable', reason: expect.stringMatching(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE/) });
    transport.shutdown?.();
  });

  it('with OTEL_EXPORTER_OTLP_CERTIFICATE, batches and the probe are accepted', async () => {
    const { transport } = createOtlpTransport('logs', { OTEL_EXPORTER_OTLP_ENDPOINT: plainUrl, OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem') });
    expect(await transport.send(body, 5_000)).toMatchObject({ kind: 'accepted' });
    expect(await transport.probe!(body, 5_000)).toMatchObject({ kind: 'accepted' });
    transport.shutdown?.();
  });

  it('mutual TLS: refused without the client certificate, accepted with the signal-specific variables', async () => {
    const without = createOtlpTransport('traces', { OTEL_EXPORTER_OTLP_ENDPOINT: mutualUrl, OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem') }).transport;
    expect(await without.send(body, 5_000)).toMatchObject({ kind: 'retryable' });
    without.shutdown?.();
    const before = bodies.length;
    const { transport } = createOtlpTransport('traces', {
      OTEL_EXPORTER_OTLP_ENDPOINT: mutualUrl,
      OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem'),
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: pem('client.pem'),
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: pem('client.key'),
    });
    expect(await transport.send(body, 5_000)).toMatchObject({ kind: 'accepted' });
    expect(await transport.probe!(body, 5_000)).toMatchObject({ kind: 'accepted' });
    expect(bodies.slice(before)).toEqual([
      { server: 'mutual', bytes: 2, client: 'factline client' },
      { server: 'mutual', bytes: 2, client: 'factline client' },
    ]);
    transport.shutdown?.();
  });

  it('the default pipeline delivers events to the https endpoint with the CA from the environment', async () => {
    const before = bodies.filter((b) => b.server === 'plain').length;
    const pipeline = createOtelPipeline(
      { registerGlobals: false, serviceName: 'tls' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: plainUrl, OTEL_EXPORTER_OTLP_CERTIFICATE: pem('ca.pem'), OTEL_TRACES_EXPORTER: 'none' },
    );
    const events = createEmitter(defineCatalog({ 'a.b.c:1': z.object({ n: z.number() }) }), { sinks: [pipeline.sink] });
    events.emit('a.b.c:1', { n: 1 });
    await events.shutdown();
    expect(pipeline.delivery!.stats()).toMatchObject({ received: 1, delivered: 1, dropped: 0 });
    expect(bodies.filter((b) => b.server === 'plain').length).toBeGreaterThan(before);
  });

  it('a variable naming a file that cannot be read, or half a client pair, throws at set-up naming it', () => {
    expect(() => otlpTlsFromEnv('logs', { OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: join(dir, 'nope.pem') })).toThrow(
      `factline: OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE=${join(dir, 'nope.pem')}: cannot read the file (ENOENT)`,
    );
    expect(() => otlpTlsFromEnv('logs', { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem('client.pem') })).toThrow(
      /go together for mutual TLS; only the certificate is set/,
    );
    expect(() => createOtelPipeline({ registerGlobals: false }, { OTEL_EXPORTER_OTLP_CERTIFICATE: join(dir, 'nope.pem') })).toThrow(
      /OTEL_EXPORTER_OTLP_CERTIFICATE=.*cannot read the file/,
    );
    expect(otlpTlsFromEnv('logs', {})).toEqual({});
  });
});
