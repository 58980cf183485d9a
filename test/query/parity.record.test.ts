import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCorpus } from './corpus.js';
import { parityCases } from './parity-cases.js';

/*
 * Records the parity fixtures: writes the corpus (corpus.ts) with factline
 * itself, ships it with the real Collector and the shipped config
 * (collector-config/otel-collector.yaml, file_log path) into a real Loki, and
 * saves Loki's answer to every parity case in test/fixtures/query/.
 *
 * Runs only when FACTLINE_PARITY_LOKI_URL names a Loki that holds no other
 * `service_name="factline"` data (a fresh one):
 *
 *   FACTLINE_PARITY_LOKI_URL=http://127.0.0.1:3100 npx vitest run -c vitest.e2e.config.ts test/query/parity.record.test.ts
 *
 * With FACTLINE_PARITY_REUSE_EVENTS=1 it ships the committed events
 * (test/fixtures/query/events/) again instead of writing a new corpus, and
 * keeps the fixture's times: new cases are recorded over the same events, so
 * the answers of the others do not change. The lines are then days old, so
 * the recorder flushes the ingester (`POST /flush`) until Loki finds them.
 */

const LOKI = process.env.FACTLINE_PARITY_LOKI_URL?.replace(/\/$/, '');
const REUSE = process.env.FACTLINE_PARITY_REUSE_EVENTS === '1';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures', 'query');

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

describe.skipIf(LOKI === undefined)('record the parity fixtures from a real Loki', () => {
  let collector: ChildProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'factline-parity-'));
  afterAll(() => {
    collector?.kill('SIGTERM');
  });

  it('ships the corpus through the Collector and saves every answer', { timeout: 600_000 }, async () => {
    const data = join(work, 'data');
    mkdirSync(data);
    let start = Date.now() - 20 * 60_000;
    if (REUSE) {
      const old = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as { metricRange: { start: string }; files: string[] };
      start = Number(BigInt(old.metricRange.start) / 1_000_000n);
      for (const f of old.files) copyFileSync(join(FIXTURES, 'events', f), join(data, f));
    } else await writeCorpus(data, start);
    const files = readdirSync(data)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    const lines = files.reduce(
      (n, f) =>
        n +
        readFileSync(join(data, f), 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '').length,
      0,
    );

    const binary = collectorBinary();
    expect(existsSync(binary), `the Collector binary (${binary}); build it with npm run collector:build`).toBe(true);
    const [health, grpc, http] = [await freePort(), await freePort(), await freePort()];
    mkdirSync(join(work, 'storage'));
    let output = '';
    // No internal metrics endpoint (localhost:8888 by default): another Collector on the machine may hold that port.
    collector = spawn(binary, ['--config', join(ROOT, 'collector-config', 'otel-collector.yaml'), '--set=service.telemetry.metrics.level=none'], {
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

    const from = BigInt(start - 60_000) * 1_000_000n;
    const to = BigInt(start + 30 * 60_000) * 1_000_000n;
    const deadline = Date.now() + 240_000;
    let have = 0;
    while (Date.now() < deadline) {
      // Old lines are found by a query only once the ingester has flushed their chunks (collector-config/loki.yaml).
      if (REUSE) await fetch(`${LOKI}/flush`, { method: 'POST' });
      const r = await loki('/loki/api/v1/query', { query: 'sum(count_over_time({service_name="factline"}[2h]))', time: String(to) });
      const result = (r.body as { data?: { result?: { value: [number, string] }[] } }).data?.result ?? [];
      have = result.length > 0 ? Number(result[0]!.value[1]) : 0;
      if (have >= lines) break;
      await new Promise((res) => setTimeout(res, 2000));
    }
    expect(have, `lines in Loki (Collector output:\n${output.slice(-3000)})`).toBe(lines);
    // Let the ingester settle before querying.
    await new Promise((res) => setTimeout(res, 3000));

    const time = BigInt(start + 25 * 60_000) * 1_000_000n;
    const rangeStart = BigInt(start) * 1_000_000n;
    const rangeEnd = BigInt(start + 15 * 60_000) * 1_000_000n;
    const results = [];
    for (const c of parityCases()) {
      let r: { status: number; body: unknown };
      if (c.kind === 'instant') r = await loki('/loki/api/v1/query', { query: c.query, time: String(time) });
      else {
        const isLog = c.step === undefined;
        r = await loki('/loki/api/v1/query_range', {
          query: c.query,
          start: String(isLog ? from : rangeStart),
          end: String(isLog ? to : rangeEnd),
          ...(c.step !== undefined ? { step: String(c.step) } : {}),
          ...(c.limit !== undefined ? { limit: String(c.limit) } : {}),
          ...(c.direction !== undefined ? { direction: c.direction } : {}),
        });
      }
      if (typeof r.body === 'object' && r.body !== null) delete (r.body as { data?: { stats?: unknown } }).data?.stats;
      results.push({ ...c, status: r.status, response: r.body });
    }
    if (REUSE) {
      // Over the same events, a case whose query is unchanged keeps its recorded answer: where Loki's
      // order is not determined (entries of one stream at one time, ties of topk and sort), a new
      // recording may pick another of the right answers, which is no change.
      const old = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as { cases: { name: string; query: string }[] };
      const kept = new Map(old.cases.map((c) => [`${c.name}\n${c.query}`, c]));
      for (let i = 0; i < results.length; i++) {
        const previous = kept.get(`${results[i]!.name}\n${results[i]!.query}`);
        if (previous !== undefined) results[i] = previous as (typeof results)[number];
      }
    }
    rmSync(join(FIXTURES, 'events'), { recursive: true, force: true });
    mkdirSync(join(FIXTURES, 'events'), { recursive: true });
    for (const f of files) copyFileSync(join(data, f), join(FIXTURES, 'events', f));
    const lokiVersion = await fetch(`${LOKI}/loki/api/v1/status/buildinfo`)
      .then((r) => r.json())
      .catch(() => undefined);
    writeFileSync(
      join(FIXTURES, 'parity.json'),
      JSON.stringify(
        {
          about:
            'Answers of a real Loki to the parity cases (test/query/parity-cases.ts) over the events in events/, shipped by the real Collector with the shipped config. Recorded by test/query/parity.record.test.ts.',
          loki: lokiVersion,
          files,
          logRange: { start: String(from), end: String(to) },
          metricRange: { start: String(rangeStart), end: String(rangeEnd) },
          time: String(time),
          cases: results,
        },
        null,
        1,
      ) + '\n',
    );
  });
});
