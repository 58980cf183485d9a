import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_SERVICE, writeConformanceCorpus } from './conformance-corpus.js';
import { compactResponse, conformanceRequests, type ConformanceCase } from './conformance-support.js';

/*
 * Records the conformance fixtures: writes the corpus (conformance-corpus.ts)
 * with factline itself, ships it with the real Collector and the shipped
 * config (collector-config/otel-collector.yaml, file_log path) into a real
 * Loki, and saves Loki's answer to every query of conformance-cases.json
 * (harvested from Loki's docs and tests) in test/fixtures/query/conformance/.
 *
 * Runs only when FACTLINE_CONFORMANCE_LOKI_URL names a Loki 3.7.6 started with
 * collector-config/loki.yaml that holds no other `service_name="conformance"`
 * data (a fresh one):
 *
 *   FACTLINE_CONFORMANCE_LOKI_URL=http://127.0.0.1:3100 npx vitest run -c vitest.e2e.config.ts test/query/conformance.record.test.ts
 */

const LOKI = process.env.FACTLINE_CONFORMANCE_LOKI_URL?.replace(/\/$/, '');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures', 'query', 'conformance');
const CASES = join(ROOT, 'test', 'query', 'conformance-cases.json');

function collectorBinary(): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-collector.mjs'), '--print-path'], { encoding: 'utf8' });
  return r.stdout.trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function loki(path: string, params: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${LOKI}${path}?${new URLSearchParams(params)}`);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Loki answers errors as text.
  }
  return { status: res.status, body };
}

describe.skipIf(LOKI === undefined)('record the conformance fixtures from a real Loki', () => {
  let collector: ChildProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'factline-conformance-'));
  afterAll(() => {
    collector?.kill('SIGTERM');
  });

  it('ships the corpus through the Collector and saves every answer', { timeout: 900_000 }, async () => {
    const start = Date.now() - 20 * 60_000;
    const data = join(work, 'data');
    const staging = join(work, 'staging');
    mkdirSync(data);
    mkdirSync(staging);
    const events = await writeConformanceCorpus(staging, start);
    // The file grows by 150 lines a second, as a service writes it: shipped
    // in one burst, the stream would pass Loki's shard_streams desired_rate
    // and be split into `__stream_shard__` streams, which no file records.
    const lines = readFileSync(join(staging, 'events.jsonl'), 'utf8').split(/(?<=\n)/);
    const feeding = (async () => {
      for (let i = 0; i < lines.length; i += 150) {
        appendFileSync(join(data, 'events.jsonl'), lines.slice(i, i + 150).join(''));
        await new Promise((res) => setTimeout(res, 1000));
      }
    })();

    const binary = collectorBinary();
    expect(existsSync(binary), `the Collector binary (${binary}); build it with npm run collector:build`).toBe(true);
    const [health, grpc, http] = [await freePort(), await freePort(), await freePort()];
    mkdirSync(join(work, 'storage'));
    let output = '';
    // The Collector's own metrics endpoint (:8888) off: another Collector on the machine may hold it.
    collector = spawn(binary, ['--config', join(ROOT, 'collector-config', 'otel-collector.yaml'), '--set=service::telemetry::metrics::level=none'], {
      env: {
        ...process.env,
        FACTLINE_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
        FACTLINE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
        FACTLINE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
        FACTLINE_COLLECTOR_STORAGE: join(work, 'storage'),
        FACTLINE_EVENTS_FILE: join(data, '*.jsonl'),
        LOKI_OTLP_ENDPOINT: `${LOKI}/otlp`,
        TEMPO_OTLP_ENDPOINT: '127.0.0.1:1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collector.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    collector.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    const to = BigInt(start + 30 * 60_000) * 1_000_000n;
    const deadline = Date.now() + 300_000;
    let have = 0;
    while (Date.now() < deadline) {
      const r = await loki('/loki/api/v1/query', { query: `sum(count_over_time({service_name="${CONFORMANCE_SERVICE}"}[2h]))`, time: String(to) });
      const result = (r.body as { data?: { result?: { value: [number, string] }[] } }).data?.result ?? [];
      have = result.length > 0 ? Number(result[0]!.value[1]) : 0;
      if (have >= events) break;
      await new Promise((res) => setTimeout(res, 2000));
    }
    await feeding;
    expect(have, `lines in Loki (Collector output:\n${output.slice(-3000)})`).toBe(events);
    await new Promise((res) => setTimeout(res, 3000));

    const window = {
      logStart: String(BigInt(start - 60_000) * 1_000_000n),
      logEnd: String(to),
      metricStart: String(BigInt(start) * 1_000_000n),
      metricEnd: String(BigInt(start + 15 * 60_000) * 1_000_000n),
      time: String(BigInt(start + 16 * 60_000) * 1_000_000n),
    };
    const { cases } = JSON.parse(readFileSync(CASES, 'utf8')) as { cases: ConformanceCase[] };
    const answers = [];
    for (const c of cases) {
      const req = conformanceRequests(c.query, window);
      const r = req.kind === 'instant' ? await loki('/loki/api/v1/query', req.params) : await loki('/loki/api/v1/query_range', req.params);
      answers.push({ origin: c.origin, query: c.query, status: r.status, response: compactResponse(r.body) });
    }
    mkdirSync(FIXTURES, { recursive: true });
    copyFileSync(join(staging, 'events.jsonl'), join(FIXTURES, 'events.jsonl'));
    const lokiVersion = await fetch(`${LOKI}/loki/api/v1/status/buildinfo`)
      .then((r) => r.json())
      .catch(() => undefined);
    // gzip: the answers repeat label sets at every step (14 MB as JSON).
    writeFileSync(
      join(FIXTURES, 'answers.json.gz'),
      gzipSync(
        JSON.stringify(
          {
            about:
              'Answers of a real Loki (collector-config/loki.yaml) to the queries of test/query/conformance-cases.json over events.jsonl, shipped by the real Collector with the shipped config. Log lines are kept as the first 16 hex digits of their SHA-256. Recorded (gzip) by test/query/conformance.record.test.ts.',
            loki: lokiVersion,
            window,
            answers,
          },
          null,
          0,
        ).replace(/\},\{"origin"/g, '},\n{"origin"') + '\n',
        { level: 9 },
      ),
    );
  });
});
