import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lokiCaFrom } from '../../src/cli/loki-auth.js';
import { createLokiBackend } from '../../src/query/index.js';

/*
 * An https Loki whose certificate a private CA signed: refused with Node's
 * bundled roots, accepted with that CA (`--loki-ca`, option `ca`). The CA and
 * the certificate are made by openssl for each run; the server answers as
 * Loki does.
 */
const openssl = spawnSync('openssl', ['version']).error === undefined;
let dir: string;
let server: Server;
let url: string;
const seen: { auth?: string; tenant?: string }[] = [];

describe.skipIf(!openssl)('an https Loki behind a private CA', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factline-loki-ca-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=factline test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => {
      seen.push({ auth: req.headers.authorization, tenant: req.headers['x-scope-orgid'] as string | undefined });
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'streams', result: [{ stream: { service_name: 'api' }, values: [['1764500000000000000', '{"a":1}']] }] },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = { query: '{service_name="api"}', start: 1764400000000000000n, end: 1764600000000000000n };

  it('is refused with the bundled roots, naming why', async () => {
    await expect(createLokiBackend({ url }).queryRange(ask)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/cannot be reached: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)/),
    });
  });

  it('answers with the CA from --loki-ca, with the headers and the tenant sent', async () => {
    const loki = createLokiBackend({ url, ca: lokiCaFrom(join(dir, 'ca.pem'), {})!, tenant: 't1', headers: { Authorization: 'Bearer x' } });
    const r = await loki.queryRange(ask);
    expect(r.data).toEqual({ resultType: 'streams', result: [{ stream: { service_name: 'api' }, values: [['1764500000000000000', '{"a":1}']] }] });
    expect(seen.at(-1)).toEqual({ auth: 'Bearer x', tenant: 't1' });
  });

  it('a cancelled request with the CA rejects as aborted', async () => {
    const loki = createLokiBackend({ url, ca: lokiCaFrom(join(dir, 'ca.pem'), {})! });
    const c = new AbortController();
    c.abort();
    await expect(loki.queryRange({ ...ask, signal: c.signal })).rejects.toMatchObject({ code: 'aborted' });
  });
});
