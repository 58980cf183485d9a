import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lokiHeadersFromEnv } from '../../src/cli/loki-auth.js';
import { agentFeedback } from '../../src/feedback/index.js';
import { eventChain, labelValues, listLabels } from '../../src/history/index.js';
import { createLocalBackend, createLokiBackend } from '../../src/query/index.js';
import { setupFactline } from '../../src/setup.js';
import { buildCli } from '../cli/built.js';
import { agentCatalog, MODEL } from '../feedback/history.js';
import { writeChainHistory, writeTwoServices, type ChainIds } from '../mcp/histories.js';
import { eventually } from './backends.js';
import { buildCollector } from '../integration/support/collector.js';
import type { RecordedLokiAuth } from '../mcp/loki-auth-fixture.js';

/*
 * factline against a real Loki 3.7.6 run with `auth_enabled: true` (the
 * project's collector-config/loki.yaml with that one line changed), behind a
 * reverse proxy that, like a production gateway, refuses a request without
 * the right bearer token. The events go from factline's emitter through the
 * real Collector (shipped config) and a gateway that sets the tenant to
 * Loki's /otlp endpoint, and to files, so every answer on Loki is checked
 * against the local engine's.
 *
 * Needs the Loki binary: FACTLINE_LOKI_BIN=/path/to/loki (3.7.6). Without it
 * the suite is skipped and says why. FACTLINE_E2E_SAVE=1 records the answers
 * into test/fixtures/mcp/loki-auth.json, which test/mcp/loki-auth-replay.test.ts
 * checks in the fast suite.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const lokiBin = process.env.FACTLINE_LOKI_BIN;
const runnable = (() => {
  if (!lokiBin) return 'FACTLINE_LOKI_BIN is not set: point it at a Loki 3.7.6 binary to run this suite';
  try {
    accessSync(lokiBin, constants.X_OK);
    return undefined;
  } catch {
    return `FACTLINE_LOKI_BIN=${lokiBin} is not an executable file`;
  }
})();
if (runnable !== undefined) console.log(`loki-auth e2e skipped: ${runnable}`);

const TOKEN = 'e2e-secret-token';
const TENANT = 'team-a';

function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(runnable !== undefined)('a real Loki with auth_enabled: true, behind a bearer-token proxy', () => {
  let dir: string;
  let loki: ChildProcess;
  let proxy: Server;
  let writeGate: Server;
  let collector: ChildProcess;
  let lokiUrl: string;
  let proxyUrl: string;
  let out: string;
  let now: number;
  let ids: ChainIds;
  const exchanges: RecordedLokiAuth['exchanges'] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factline-loki-auth-'));
    const [http, grpc] = [await freePort(), await freePort()];
    const config = readFileSync(join(ROOT, 'collector-config', 'loki.yaml'), 'utf8').replace(/^auth_enabled: false$/m, 'auth_enabled: true');
    expect(config).toMatch(/^auth_enabled: true$/m);
    writeFileSync(join(dir, 'loki.yaml'), config);
    mkdirSync(join(dir, 'loki'));
    loki = spawn(
      lokiBin!,
      [
        `-config.file=${join(dir, 'loki.yaml')}`,
        '-config.expand-env=true',
        '-server.http-listen-address=127.0.0.1',
        '-server.grpc-listen-address=127.0.0.1',
        `-server.http-listen-port=${http}`,
        `-server.grpc-listen-port=${grpc}`,
      ],
      {
        env: { ...process.env, LOKI_DATA_DIR: join(dir, 'loki') },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let lokiLog = '';
    loki.stderr?.on('data', (d: Buffer) => (lokiLog = (lokiLog + d.toString()).slice(-4000)));
    lokiUrl = `http://127.0.0.1:${http}`;
    await eventually(
      'Loki ready',
      async () =>
        (
          await fetch(`${lokiUrl}/ready`)
            .then((r) => r.text())
            .catch(() => '')
        ).trim() === 'ready'
          ? true
          : undefined,
      150_000,
      1000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${lokiLog}`);
    });

    // The gateway: a bearer token or 401; everything else passed to Loki as it came, and recorded.
    proxy = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        refused.push(req.url ?? '');
        res.writeHead(401, { 'content-type': 'text/plain' }).end('missing or wrong bearer token\n');
        return;
      }
      const headers = { ...req.headers };
      delete headers.authorization;
      delete headers.host;
      const upstream = request(`${lokiUrl}${req.url}`, { method: req.method, headers }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          exchanges.push({ path: req.url ?? '', tenant: String(req.headers['x-scope-orgid'] ?? ''), status: up.statusCode ?? 0, body });
          res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'application/json' }).end(body);
        });
      });
      upstream.on('error', (e) => res.writeHead(502).end(String(e)));
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

    // The write path: the real Collector with the shipped config, exporting
    // to a gateway that puts the tenant on each push (as a multi-tenant
    // gateway does) before Loki's /otlp endpoint.
    writeGate = createServer((req, res) => {
      const headers = { ...req.headers, 'x-scope-orgid': TENANT };
      delete headers.host;
      const upstream = request(`${lokiUrl}${req.url}`, { method: req.method, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (e) => res.writeHead(502).end(String(e)));
      req.pipe(upstream);
    });
    await new Promise<void>((r) => writeGate.listen(0, '127.0.0.1', () => r()));
    const [health, otlpGrpc, otlpHttp, tempo] = [await freePort(), await freePort(), await freePort(), await freePort()];
    mkdirSync(join(dir, 'collector-storage'));
    // Its own metrics would listen on localhost:8888, which another Collector may hold.
    collector = spawn(
      await buildCollector(),
      [`--config=${join(ROOT, 'collector-config', 'otel-collector.yaml')}`, '--config=yaml:service::telemetry::metrics::level: none'],
      {
        env: {
          ...process.env,
          FACTLINE_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
          FACTLINE_COLLECTOR_STORAGE: join(dir, 'collector-storage'),
          FACTLINE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${otlpGrpc}`,
          FACTLINE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttp}`,
          FACTLINE_EVENTS_FILE: join(dir, 'no-file-log', 'events.jsonl'),
          LOKI_OTLP_ENDPOINT: `http://127.0.0.1:${(writeGate.address() as { port: number }).port}/otlp`,
          TEMPO_OTLP_ENDPOINT: `127.0.0.1:${tempo}`,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let collectorLog = '';
    collector.stderr?.on('data', (d: Buffer) => (collectorLog = (collectorLog + d.toString()).slice(-4000)));
    await eventually(
      'Collector healthy',
      async () =>
        (await fetch(`http://127.0.0.1:${health}`)
          .then((r) => r.ok)
          .catch(() => false))
          ? true
          : undefined,
      60_000,
      500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${collectorLog}`);
    });

    // The events, through the Collector to Loki, and to files.
    now = Date.now();
    const make = (service: string, path: string) =>
      setupFactline(agentCatalog, {
        serviceName: service,
        logExporter: new OTLPLogExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/logs` }),
        spanExporter: null,
        file: { path, fsync: 'never' },
        validation: 'strict',
        registerGlobals: false,
        shutdownOnExit: false,
      });
    ids = await writeChainHistory(join(dir, 'chain-demo.jsonl'), now, make);
    await writeTwoServices(dir, now, make);
    const loose = createLokiBackend({ url: lokiUrl, tenant: TENANT });
    await eventually(
      'every event in Loki',
      async () => {
        const r = await loose.query({ query: 'sum(count_over_time({service_name=~".+"}[2h]))', time: BigInt(now) * 1_000_000n });
        const n = r.data.resultType === 'vector' ? Number(r.data.result[0]?.value[1] ?? 0) : 0;
        return n >= 85 ? n : undefined;
      },
      120_000,
      1000,
    );
    out = buildCli();
  }, 300_000);

  afterAll(async () => {
    collector?.kill('SIGTERM');
    loki?.kill('SIGTERM');
    await new Promise<void>((r) => (writeGate ? writeGate.close(() => r()) : r()));
    await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (out) rmSync(join(out, '..'), { recursive: true, force: true });
  });

  const range = () => ({ start: BigInt(now - 2 * 3_600_000) * 1_000_000n, end: BigInt(now + 60_000) * 1_000_000n });
  const local = () => createLocalBackend({ files: [join(dir, '*.jsonl')] });
  const authed = () => createLokiBackend({ url: proxyUrl, tenant: TENANT, headers: lokiHeadersFromEnv({ FACTLINE_LOKI_BEARER_TOKEN: TOKEN }) });

  it('refuses without the token (401 from the gateway) and without a tenant (401 from Loki), naming the status', async () => {
    await expect(createLokiBackend({ url: proxyUrl, tenant: TENANT }).queryRange({ query: '{service_name="alpha"}', ...range() })).rejects.toMatchObject({
      code: 'bad_request',
      message: 'Loki (401): missing or wrong bearer token',
    });
    await expect(
      createLokiBackend({ url: proxyUrl, headers: lokiHeadersFromEnv({ FACTLINE_LOKI_BEARER_TOKEN: TOKEN }) }).queryRange({
        query: '{service_name="alpha"}',
        ...range(),
      }),
    ).rejects.toMatchObject({ code: 'bad_request', message: 'Loki (401): no org id' });
    expect(refused.length).toBeGreaterThan(0);
  });

  it('event_chain, label values, labels and feedback per service: the same answers on Loki as on the files', async () => {
    const loki = authed();
    const files = local();
    const r = range();
    const [onLoki, onFiles] = [await eventChain(loki, { id: ids.reviewFailed, ...r }), await eventChain(files, { id: ids.reviewFailed, ...r })];
    expect(onLoki?.causes.map((e) => e.id)).toEqual([ids.generated, ids.testFailed]);
    expect(onLoki?.effects.map((e) => e.id)).toEqual([ids.regenerated]);
    expect(onLoki).toEqual(onFiles);
    const values = await labelValues(loki, 'factline_event_id', { ...r, service: 'chain-demo' });
    expect(values).toEqual(await labelValues(files, 'factline_event_id', { ...r, service: 'chain-demo' }));
    const labels = await listLabels(loki, { ...r, service: 'chain-demo' });
    expect(labels.indexed).toContain('service_name');
    expect(labels.onLines).toEqual(expect.arrayContaining(['factline_event_id', 'factline_event_instance_id', 'factline_causation_id']));
    const ask = { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', failure: 'agent.test.failed:%', model: MODEL, ...r };
    for (const service of ['alpha', 'beta']) {
      const f = await agentFeedback(loki, { ...ask, service });
      expect(f.total.sentence).toBe('6 of 20 attempts failed (30%)');
      expect(f.total).toEqual((await agentFeedback(files, { ...ask, service })).total);
    }
    const pooled = await agentFeedback(loki, ask);
    expect(pooled.total).toEqual((await agentFeedback(files, ask)).total);
    expect(pooled.total.sentence).toBe('13 of 42 attempts failed (31%)');

    if (process.env.FACTLINE_E2E_SAVE === '1') {
      // Record the exchanges of the answers the fast suite replays, and only those.
      exchanges.length = 0;
      const chain = await eventChain(loki, { id: ids.reviewFailed, ...r });
      const chainValues = await labelValues(loki, 'factline_event_id', { ...r, service: 'chain-demo' });
      const alpha = await agentFeedback(loki, { ...ask, service: 'alpha' });
      const fixture: RecordedLokiAuth = {
        about:
          'Answers of a real Loki 3.7.6 (auth_enabled: true) behind a bearer-token proxy, fed by the real Collector; recorded by test/e2e/loki-auth.test.ts with FACTLINE_E2E_SAVE=1, replayed by test/mcp/loki-auth-replay.test.ts.',
        tenant: TENANT,
        token: TOKEN,
        range: { start: r.start.toString(), end: r.end.toString() },
        ids,
        expected: { chain: JSON.parse(JSON.stringify(chain)) as unknown, values: chainValues, alpha: alpha.total.sentence, alphaQueries: alpha.queries },
        exchanges: [...exchanges],
      };
      writeFileSync(join(ROOT, 'test', 'fixtures', 'mcp', 'loki-auth.json'), JSON.stringify(fixture, null, 1) + '\n');
    }
  }, 120_000);

  it('factline mcp and factline chain reach it with the token from the environment', async () => {
    const env = { ...process.env, FACTLINE_LOKI_BEARER_TOKEN: TOKEN } as Record<string, string>;
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(out, 'src', 'cli', 'main.js'), 'mcp', '--loki', proxyUrl, '--loki-tenant', TENANT],
      env,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'loki-auth-e2e', version: '1' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.find((t) => t.name === 'query_events')!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
      const c = await client.callTool({ name: 'event_chain', arguments: { id: ids.testFailed, since: '3h' } });
      expect(c.isError).toBeFalsy();
      expect((c.structuredContent as { effects: { id: string }[] }).effects.map((e) => e.id)).toEqual([ids.reviewFailed, ids.testRerun]);
      const f = await client.callTool({
        name: 'agent_feedback',
        arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', failure: 'agent.test.failed:%', service: 'beta', since: '3h' },
      });
      expect((f.content as { text: string }[])[0]!.text).toBe('6 of 20 attempts failed (30%).');
      const empty = await client.callTool({
        name: 'query_events',
        arguments: { query: '{service_name="alpha"}', start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' },
      });
      expect((empty.content as { text: string }[])[0]!.text).toMatch(
        /the history covers .* \(within the last 30 days\): ask again with start\/end in that range\./,
      );
    } finally {
      await client.close();
    }
    // Not spawnSync: the proxy answers from this process's event loop.
    const cli = await run([join(out, 'src', 'cli', 'main.js'), 'chain', ids.reviewFailed, '--loki', proxyUrl, '--loki-tenant', TENANT, '--since', '3h'], env);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout.split('\n').map((l) => l.replace(/^(\s*(?:> |-> )?)\S+ (\S+) (\S+).*$/, '$1$2 $3'))).toEqual([
      `  agent.code.generated:1 ${ids.generated}`,
      `  agent.test.failed:1 ${ids.testFailed}`,
      `> agent.review.failed:1 ${ids.reviewFailed}`,
      `    -> agent.code.generated:1 ${ids.regenerated}`,
      '',
    ]);
    const noToken = await run([join(out, 'src', 'cli', 'main.js'), 'chain', ids.reviewFailed, '--loki', proxyUrl, '--loki-tenant', TENANT], {
      ...env,
      FACTLINE_LOKI_BEARER_TOKEN: '',
    });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toBe('factline chain: Loki (401): missing or wrong bearer token\n');
  }, 240_000);
});
