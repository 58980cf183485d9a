import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { verifyChain } from '../../src/chain/verify.js';
import { createEmitter } from '../../src/emitter/index.js';
import { createOtelPipeline } from '../../src/otel/setup.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { hostilePayload, oddTime } from '../support/hostile.js';
import { SKIP_NOTE, waitFor } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';
import { instanceId } from './support/otlp.js';

/*
 * Hostile payloads and odd times through the real Collector: one value the
 * Collector cannot decode (an intValue beyond int64, a timeUnixNano beyond
 * uint64) makes it answer 400 and lose the whole batch. The control shows
 * that the raw SDK still sends such a batch; factline's must all be accepted.
 */

const catalog = defineCatalog(
  {
    'app.any.seen:1': z.record(z.string(), z.unknown()),
    'app.job.ran:1': z.object({ n: z.number() }),
  },
  { name: 'app' },
);

/** An exporter that remembers every export result. */
function recordingResults<E extends { export(items: never[], done: (r: ExportResult) => void): void }>(exporter: E, results: ExportResult[]): E {
  const original = exporter.export.bind(exporter);
  exporter.export = ((items: never[], done: (r: ExportResult) => void) =>
    original(items, (r) => {
      results.push(r);
      done(r);
    })) as E['export'];
  return exporter;
}

describe.skipIf(SKIP_NOTE !== undefined)('hostile records through the real Collector', () => {
  const pipeline = usePipeline('hostile-records');
  const { recorder, dir } = pipeline;
  let receiver: string;
  beforeAll(() => {
    receiver = pipeline.receiver;
  });

  it('control: the Collector rejects a raw SDK batch holding an integer beyond int64', async () => {
    const results: ExportResult[] = [];
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter: recordingResults(new OTLPLogExporter({ url: `${receiver}/v1/logs` }), results) })],
    });
    provider.getLogger('control').emit({ body: { amount_wei: 1e19 } });
    await provider.forceFlush();
    await provider.shutdown();
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED]);
    expect(String(results[0]!.error?.message)).toMatch(/400|Bad Request/);
  });

  it('accepts every batch factline sends, and delivers every event once', async () => {
    const logResults: ExportResult[] = [];
    const spanResults: ExportResult[] = [];
    const otel = createOtelPipeline({
      serviceName: 'hostile-records',
      registerGlobals: false,
      logExporter: recordingResults(new OTLPLogExporter({ url: `${receiver}/v1/logs` }), logResults),
      spanExporter: recordingResults(new OTLPTraceExporter({ url: `${receiver}/v1/traces` }), spanResults),
    });
    const file = join(dir, 'events.jsonl');
    const problems: RuntimeProblem[] = [];
    const ev = createEmitter(catalog, {
      sinks: [otel.sink, createJsonlSink({ path: file, fsync: 'never' })],
      validation: 'report',
      onProblem: (p) => problems.push(p),
    });
    const tracer = otel.tracerProvider.getTracer('hostile');
    const cases = fc.sample(
      fc.record({ id: fc.constantFrom('app.any.seen:1' as const, 'app.job.ran:1' as const), payload: hostilePayload, time: oddTime, inSpan: fc.boolean() }),
      { numRuns: 300, seed: 8 },
    );
    // The classic inputs, for certain.
    cases.push(
      { id: 'app.any.seen:1', payload: { amount_wei: 1e19 }, time: undefined, inSpan: true },
      { id: 'app.any.seen:1', payload: { a: 1 }, time: Date.now() * 1000, inSpan: true },
      { id: 'app.any.seen:1', payload: { a: 1 }, time: new Date('1990-06-15T12:00:00Z'), inSpan: false },
    );
    const ids: string[] = [];
    for (const c of cases) {
      const run = () => ev.emit(c.id, c.payload as never, c.time === undefined ? undefined : { time: c.time });
      const e = c.inSpan
        ? tracer.startActiveSpan('op', (span) => {
            try {
              return run();
            } finally {
              span.end();
            }
          })
        : run();
      expect(e).toBeDefined();
      ids.push(e!.id);
    }
    await ev.shutdown();
    await otel.shutdown();

    expect(problems.filter((p) => p.code !== 'FACTLINE_VALIDATION_FAILED')).toEqual([]);
    expect(logResults.length).toBeGreaterThan(0);
    expect(logResults.filter((r) => r.code !== ExportResultCode.SUCCESS).map((r) => r.error?.message)).toEqual([]);
    expect(spanResults.filter((r) => r.code !== ExportResultCode.SUCCESS).map((r) => r.error?.message)).toEqual([]);
    await waitFor(() => new Set(recorder.logs().map((l) => instanceId(l.record))).size >= ids.length, {
      timeoutMs: 60_000,
      describe: () => `${recorder.logs().length} of ${ids.length} log records delivered\n${pipeline.collector.tail()}`,
    });
    await pipeline.collector.stop();
    expect(recorder.unreadable()).toEqual([]);
    const counts = new Map<string | undefined, number>();
    for (const l of recorder.logs()) counts.set(instanceId(l.record), (counts.get(instanceId(l.record)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    expect(await verifyChain(file)).toMatchObject({ ok: true, records: ids.length });
  }, 180_000);
});
