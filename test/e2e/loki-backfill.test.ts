import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BASE_CONFIG,
  buildCollector,
  CollectorProcess,
  collectorEnv,
  collectorPorts,
  SKIP_NOTE,
  TEST_OVERLAY,
  waitFor,
} from '../integration/support/collector.js';

/*
 * The backfill window, end to end: the Intent examples dated 2026-03-30 (15
 * lines, months before today) dropped into the file_log directory of the real
 * Collector with the shipped config arrive in a real Loki with the shipped
 * loki.yaml, each exactly once. Needs a running Loki (FACTLINE_LOKI_URL, e.g.
 * http://127.0.0.1:3100); skips without one, so CI does not need Loki.
 * FACTLINE_LOKI_SAVE=1 saves Loki's answer to test/fixtures/loki/.
 */

const LOKI = process.env.FACTLINE_LOKI_URL?.replace(/\/$/, '');
const SEED = fileURLToPath(new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/loki/backfill-seed-examples.json', import.meta.url));
const DAY_START = Date.parse('2026-03-30T00:00:00Z');
const DAY_END = Date.parse('2026-03-31T00:00:00Z');

interface Streams {
  data: { result: { stream: Record<string, string>; values: [string, string][] }[] };
}

describe.skipIf(SKIP_NOTE !== undefined || LOKI === undefined)('Intent examples dated 2026-03-30 through the Collector into a real Loki', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factline-backfill-'));
  let collector: CollectorProcess | undefined;
  afterAll(async () => {
    await collector?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('arrive, each exactly once', async () => {
    const service = `backfill-${Date.now()}`;
    const tailed = join(dir, 'tailed');
    mkdirSync(tailed);
    const ports = await collectorPorts();
    const env = {
      ...collectorEnv(ports, { storageDir: join(dir, 'storage'), eventsGlob: join(tailed, '*.jsonl'), outDir: join(dir, 'out'), sinkUrl: LOKI! }),
      FACTLINE_LOKI_OTLP_ENCODING: 'proto',
      FACTLINE_FILE_SERVICE_NAME: service,
      FACTLINE_TEST_TRACES_ENDPOINT: 'http://127.0.0.1:1',
    };
    collector = new CollectorProcess(await buildCollector(), [BASE_CONFIG, TEST_OVERLAY], env, ports.health);
    await collector.start();
    copyFileSync(SEED, join(tailed, 'intent-events.jsonl'));

    const query = new URLSearchParams({
      query: `{service_name="${service}"}`,
      start: String(DAY_START * 1e6),
      end: String(DAY_END * 1e6),
      limit: '1000',
      direction: 'forward',
    });
    let answer: Streams | undefined;
    const count = () => (answer?.data.result ?? []).reduce((n, s) => n + s.values.length, 0);
    await waitFor(
      async () => {
        // An old line is found by a query over its time range only once its
        // chunk is flushed from the ingester (docs/collector.md): flush first.
        await fetch(`${LOKI}/flush`, { method: 'POST' });
        const res = await fetch(`${LOKI}/loki/api/v1/query_range?${query}`);
        answer = (await res.json()) as Streams;
        return count() >= 15;
      },
      { timeoutMs: 120_000, intervalMs: 2000, describe: () => `${count()} of 15 lines in Loki\n${collector!.tail()}` },
    );
    // Past the point where all arrived, wait for a duplicate that would come late (a retried batch).
    await new Promise((r) => setTimeout(r, 10_000));
    await fetch(`${LOKI}/flush`, { method: 'POST' });
    const res = await fetch(`${LOKI}/loki/api/v1/query_range?${query}`);
    answer = (await res.json()) as Streams;
    if (process.env.FACTLINE_LOKI_SAVE === '1') {
      mkdirSync(join(FIXTURE, '..'), { recursive: true });
      writeFileSync(FIXTURE, JSON.stringify(answer, null, 2) + '\n');
    }
    const lines = answer.data.result.flatMap((s) => s.values.map(([ts, line]) => `${ts} ${line}`));
    expect(lines).toHaveLength(15);
    expect(new Set(lines).size).toBe(15);
    expect(collector.output).not.toMatch(/timestamp too old|Permanent error/);
  });
});
