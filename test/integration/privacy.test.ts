import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPiiValue } from '../../src/emitter/payload.js';
import { createIntentFileSink } from '../../src/intent/flat.js';
import { setupFactline } from '../../src/setup.js';
import { crmCatalog } from '../privacy/crm-catalog.js';
import { allFiles, CLEAR, emitAll, KEY, MAX_BYTES, PAYLOADS } from '../privacy/support/clear-values.js';
import { SKIP_NOTE, waitFor } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';

/*
 * Personal data through the real Collector with the shipped config: events
 * whose personal fields sit at the top level, nested and in arrays, valid
 * and invalid, go over OTLP/HTTP (durable delivery with a spool) and through
 * the events file and the Intent flat file that file_log tails. No clear
 * value may appear in what the Collector forwards to Loki and Tempo, nor in
 * any file on disk: factline's files and spool, the Collector's queue
 * storage and its file exporter's output.
 */
describe.skipIf(SKIP_NOTE !== undefined)('personal data through the shipped Collector config', () => {
  const pipeline = usePipeline('privacy');
  const saved = { endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT, protocol: process.env.OTEL_EXPORTER_OTLP_PROTOCOL };
  let forwarded = '';
  let onDisk = '';

  beforeAll(async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = pipeline.receiver;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    const factline = setupFactline(crmCatalog, {
      serviceName: 'privacy',
      registerGlobals: false,
      shutdownOnExit: false,
      validation: 'report',
      piiKey: KEY,
      maxPayloadBytes: MAX_BYTES,
      onProblem: () => undefined,
      spool: { dir: join(pipeline.dir, 'spool') },
      file: { path: join(pipeline.tailed, 'events.jsonl'), fsync: 'never' },
      // The flat writer takes every type here (its own accepts only Intent's), to run its format over personal data.
      sinks: [Object.assign(createIntentFileSink({ path: join(pipeline.tailed, 'intent-events.jsonl'), fsync: 'never' }), { accepts: () => true })],
    });
    factline.pipeline!.tracerProvider.getTracer('privacy').startActiveSpan('request', (span) => {
      emitAll(factline.emit);
      span.end();
    });
    await factline.shutdown();
    // Each event three times (OTLP, the events file, the flat file), and the span.
    await waitFor(() => pipeline.recorder.logs().length >= 3 * PAYLOADS.length && pipeline.recorder.spans().length >= 1, {
      timeoutMs: 60_000,
      describe: () => `${pipeline.recorder.logs().length} log records and ${pipeline.recorder.spans().length} spans forwarded\n${pipeline.collector.tail()}`,
    });
    await pipeline.collector.stop();
    forwarded = JSON.stringify(pipeline.recorder.requests);
    onDisk = allFiles(pipeline.dir);
  });

  afterAll(() => {
    for (const [k, v] of [
      ['OTEL_EXPORTER_OTLP_ENDPOINT', saved.endpoint],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', saved.protocol],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('forwards every event, its personal fields hashed, and no clear value', () => {
    expect(pipeline.recorder.unreadable()).toEqual([]);
    expect(pipeline.recorder.logs().length).toBe(3 * PAYLOADS.length);
    expect(forwarded).toContain(hashPiiValue('alice@example.com', KEY));
    expect(forwarded).toContain(hashPiiValue('+1-555-0100', KEY));
    expect(CLEAR.filter((c) => forwarded.includes(c))).toEqual([]);
  });

  it('leaves no clear value in any file: events files, spool, Collector queue storage and file exporter output', () => {
    expect(onDisk).toContain(hashPiiValue('bob@example.com', KEY));
    expect(CLEAR.filter((c) => onDisk.includes(c))).toEqual([]);
  });
});
