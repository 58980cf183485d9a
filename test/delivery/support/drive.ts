import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { intentCatalog } from '../../../src/intent/catalog.js';
import type { RuntimeProblem } from '../../../src/problems.js';
import { setupFactline, type FactlineOptions } from '../../../src/setup.js';
import type { OtlpEndpoint } from './otlp-endpoint.js';

/** Problem codes whose `details.records` are records dropped. */
const DROP_CODES = new Set([
  'FACTLINE_SINK_FAILED',
  'FACTLINE_EVENT_UNSERIALISABLE',
  'FACTLINE_SINK_CLOSED',
  'FACTLINE_BUFFER_FULL',
  'FACTLINE_SPOOL_FULL',
  'FACTLINE_SPOOL_NOT_WRITABLE',
  'FACTLINE_UNDELIVERED_AT_SHUTDOWN',
]);

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `factline-${prefix}-`));
}

/** Peak resident set size of this process, sampled every 50 ms. */
export function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/**
 * factline's own pipeline (setupFactline, durable OTLP/HTTP log export) to
 * the endpoint, with every run-time problem collected.
 */
export function factlineTo(endpoint: OtlpEndpoint, options: Partial<FactlineOptions> = {}) {
  process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = endpoint.url;
  const problems: RuntimeProblem[] = [];
  const sdk = setupFactline(intentCatalog, {
    serviceName: 'fault-suite',
    spanExporter: null,
    registerGlobals: false,
    shutdownOnExit: false,
    validation: 'strict',
    onProblem: () => undefined,
    ...options,
  });
  sdk.onProblem((p) => problems.push(p));
  const emitOne = (i: number, content = `fault event ${i}`): string =>
    sdk.emit('signal.signal.created:1', { signal_id: `SIG-${i}`, source: 'cli', content, confidence: 0.5 })!.id;
  return { sdk, problems, emitOne };
}

/** Emits `total` events at `perSecond`, in 10 ms ticks; returns their instance ids. */
export async function emitAtRate(emitOne: (i: number) => string, total: number, perSecond: number): Promise<string[]> {
  const ids: string[] = [];
  const started = Date.now();
  while (ids.length < total) {
    const due = Math.min(total, Math.ceil(((Date.now() - started) / 1000) * perSecond) + 1);
    while (ids.length < due) ids.push(emitOne(ids.length));
    await new Promise((r) => setTimeout(r, 10));
  }
  return ids;
}

/** Waits until `done()` or `ms` have passed. */
export async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Instance ids in a dead-letter file. */
export function deadLetterIds(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { instance_id: string }).instance_id);
}

/**
 * The fault suite's one verdict: every emitted event was received by the
 * endpoint, dead-lettered, or dropped with a report, and the sink's own
 * counters say the same.
 */
export function expectNothingLostUnreported(
  emitted: readonly string[],
  endpoint: OtlpEndpoint,
  deadLettered: readonly string[],
  problems: readonly RuntimeProblem[],
  sinkStats: { emitted: number; delivered: number; deadLettered: number; dropped: number; pending: number; spooled: number },
) {
  const dead = new Set(deadLettered);
  const missing = emitted.filter((id) => !endpoint.received.has(id) && !dead.has(id));
  const reportedDrops = problems
    .filter((p) => DROP_CODES.has(p.code))
    .reduce((n, p) => n + Number((p.details as { records?: number } | undefined)?.records ?? 0), 0);
  const unreported = missing.length - reportedDrops;
  expect({ unreported, pending: sinkStats.pending, spooled: sinkStats.spooled }).toEqual({ unreported: 0, pending: 0, spooled: 0 });
  expect(sinkStats.delivered + sinkStats.deadLettered + sinkStats.dropped).toBe(sinkStats.emitted);
  expect(sinkStats.dropped).toBe(reportedDrops);
  expect(sinkStats.deadLettered).toBe(dead.size);
  return { lost: missing.length, reportedDrops, duplicates: endpoint.acknowledged - endpoint.received.size };
}
