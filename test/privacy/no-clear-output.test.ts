import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../src/emitter/emitter.js';
import { hashPiiValue } from '../../src/emitter/payload.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { createIntentFileSink } from '../../src/intent/flat.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { setupFactline } from '../../src/setup.js';
import { createConsoleSink } from '../../src/sinks/console/index.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import type { Sink } from '../../src/sinks/sink.js';
import { FactlineValidationError } from '../../src/validation/error.js';
import { memoryPipeline } from '../helpers.js';
import { crmCatalog } from './crm-catalog.js';
import { allFiles, emitAll, expectNoClear, KEY, MAX_BYTES, PAYLOADS, valid, wrongValues } from './support/clear-values.js';
import { RecordingEndpoint } from './support/recording-endpoint.js';
import type { RuntimeProblemOf } from '../../src/problems.js';

/*
 * Every output of factline, with every sink and exporter attached, is read
 * back byte for byte after events whose personal data sits at the top level,
 * nested and inside arrays, valid and invalid (wrong values, wrong shapes,
 * too large), and no clear personal value may appear in any of them.
 */

describe('no personal value leaves the process in clear', () => {
  it('through the SDK exporters (log records and span events), the events file, the console line, the Intent flat file and the problem handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'factline-privacy-'));
    const pipeline = memoryPipeline('privacy');
    const file = join(dir, 'events.jsonl');
    const intentFile = join(dir, 'intent-events.jsonl');
    const jsonl = createJsonlSink({ path: file, fsync: 'never' });
    // The flat writer takes every type here (its own accepts only Intent's), to run its format over personal data.
    const flat = Object.assign(createIntentFileSink({ path: intentFile, fsync: 'never' }), { accepts: () => true });
    const consoleLines: string[] = [];
    const recorded: FactlineEvent[] = [];
    const problems: RuntimeProblem[] = [];
    const recorder: Sink = { name: 'recorder', write: (e) => void recorded.push(e) };
    const emitter = createEmitter(crmCatalog, {
      validation: 'report',
      piiKey: KEY,
      maxPayloadBytes: MAX_BYTES,
      onProblem: (p) => problems.push(p),
      sinks: [pipeline.sink, jsonl, flat, createConsoleSink({ stream: { write: (s: string) => void consoleLines.push(s) }, color: false }), recorder],
    });
    pipeline.tracerProvider.getTracer('privacy').startActiveSpan('request', (span) => {
      emitAll(emitter.emit);
      span.end();
    });
    await emitter.flush();
    // Read before shutdown: the in-memory exporters forget on shutdown.
    const logs = [...pipeline.logs.getFinishedLogRecords()];
    const spans = [...pipeline.spans.getFinishedSpans()];
    await emitter.shutdown();
    // After shutdown: rejected, its payload in the problem report.
    emitter.emit('crm.contact.created:1', valid);
    await pipeline.shutdown();

    expect(recorded).toHaveLength(PAYLOADS.length);
    expect(recorded.map((e) => e.invalid !== undefined)).toEqual([false, true, true, true]);
    expect(logs).toHaveLength(PAYLOADS.length);
    expect(spans[0]!.events).toHaveLength(PAYLOADS.length);
    const outputs: Record<string, string> = {
      'the OTLP/JSON log request': new TextDecoder().decode(JsonLogsSerializer.serializeRequest(logs as never)),
      'the OTLP/JSON trace request (span events)': new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans as never)),
      'the log records (body and attributes)': JSON.stringify(logs.map((r) => ({ body: r.body, attributes: r.attributes }))),
      'the events file': readFileSync(file, 'utf8'),
      'the Intent flat file': readFileSync(intentFile, 'utf8'),
      'the console lines': consoleLines.join(''),
      'the events emit returned': JSON.stringify(recorded),
      'the problem reports': JSON.stringify(problems.map((p) => ({ ...p, cause: String(p.cause) }))),
    };
    for (const [what, bytes] of Object.entries(outputs)) expectNoClear(bytes, what);

    // The data is there, protected: hashed under the key, or gone.
    const hashed = hashPiiValue('alice@example.com', KEY);
    for (const what of [
      'the OTLP/JSON log request',
      'the OTLP/JSON trace request (span events)',
      'the events file',
      'the Intent flat file',
      'the console lines',
    ])
      expect(outputs[what], what).toContain(hashed);
    expect(recorded[0]!.payload).toEqual({
      contact_id: 'C-valid',
      email: hashed,
      contact: { phone: hashPiiValue('+1-555-0100', KEY) },
      items: [
        { sku: 'S1', buyer_email: hashPiiValue('bob@example.com', KEY) },
        { sku: 'S2', buyer_email: hashPiiValue('carol@example.com', KEY) },
      ],
      aliases: [hashPiiValue('ally-nick', KEY), hashPiiValue('al-handle', KEY)],
    });
    // The issue that quoted the email keeps its path and code; the oversized payload's preview shows the hash.
    expect(recorded[1]!.invalid!.issues).toContainEqual({
      code: 'schema',
      schemaCode: 'custom',
      path: ['email'],
      message: 'the message quoted a personal-data value and is withheld',
    });
    expect((recorded[3]!.payload as { preview: string }).preview).toContain(hashPiiValue('hank@example.com', KEY));
    expect(problems.map((p) => p.code)).toEqual([
      'FACTLINE_VALIDATION_FAILED',
      'FACTLINE_VALIDATION_FAILED',
      'FACTLINE_VALIDATION_FAILED',
      'FACTLINE_EVENT_REJECTED',
    ]);
    expect((problems[2] as RuntimeProblemOf<'FACTLINE_VALIDATION_FAILED'>).details.payload).toMatchObject({ email: hashPiiValue('hank@example.com', KEY) });
    expect(((problems[3] as RuntimeProblemOf<'FACTLINE_EVENT_REJECTED'>).details as { payload: unknown }).payload).toMatchObject({ email: hashed });
  });

  it('through the problem report of an EventID the catalog lacks (no rules to apply: keys only, no values)', () => {
    const problems: RuntimeProblem[] = [];
    const emitter = createEmitter(crmCatalog, {
      validation: 'report',
      piiKey: KEY,
      onProblem: (p) => problems.push(p),
      sinks: [{ name: 'none', write: () => undefined }],
    });
    // A version the catalog does not have yet: the payload has personal data, in every shape.
    for (const payload of PAYLOADS) emitter.emit('crm.contact.created:99' as never, payload as never);
    expect(problems.map((p) => p.code)).toEqual(PAYLOADS.map(() => 'FACTLINE_EVENT_REJECTED'));
    expectNoClear(JSON.stringify(problems), 'the unknown-EventID problem reports');
    expect(problems[0]!.details).toMatchObject({ payload_type: 'object', payload_keys: Object.keys(valid) });
  });

  it('through the error strict validation throws', () => {
    const emitter = createEmitter(crmCatalog, { validation: 'strict', piiKey: KEY, sinks: [{ name: 'none', write: () => undefined }] });
    let thrown: unknown;
    try {
      emitter.emit('crm.contact.created:1', wrongValues as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FactlineValidationError);
    const e = thrown as FactlineValidationError;
    expectNoClear(`${e.message}\n${JSON.stringify(e)}\n${e.stack}`, 'the validation error');
    expect(e.message).toContain('email: the message quoted a personal-data value and is withheld (custom)');
  });
});

describe('durable OTLP delivery keeps no personal value in clear', () => {
  const endpoint = new RecordingEndpoint();
  beforeAll(() => endpoint.start());
  afterAll(() => endpoint.stop());
  afterEach(() => vi.unstubAllEnvs());

  // Both bodies carry strings as UTF-8 (protobuf's strings are raw bytes), so the same text checks read both.
  it.each(['http/protobuf', 'http/json'])('in the requests sent, the spool files and the dead-letter file (%s)', async (protocol) => {
    endpoint.bodies.length = 0;
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint.origin);
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', protocol);
    const dir = mkdtempSync(join(tmpdir(), 'factline-privacy-spool-'));
    const deadLetterPath = join(dir, 'dead-letters.jsonl');
    const options = {
      serviceName: 'privacy-durable',
      registerGlobals: false,
      shutdownOnExit: false,
      validation: 'report' as const,
      piiKey: KEY,
      maxPayloadBytes: MAX_BYTES,
      onProblem: () => undefined,
      spool: { dir },
      delivery: { deadLetterPath, flushTimeoutMillis: 1000, scheduledDelayMillis: 50, backoff: { initialMillis: 20, maxMillis: 100 } },
    };

    // 1. The endpoint is down: every record goes to the spool at shutdown.
    endpoint.mode = { kind: 'unavailable' };
    const first = setupFactline(crmCatalog, options);
    const tracer = first.pipeline!.tracerProvider.getTracer('privacy');
    tracer.startActiveSpan('request', (span) => {
      emitAll(first.emit);
      span.end();
    });
    await first.shutdown();
    expect(first.stats().sinks.otel).toMatchObject({ emitted: PAYLOADS.length, spooled: PAYLOADS.length });
    const spooled = allFiles(dir);
    expectNoClear(spooled, 'the spool files');
    expect(spooled).toContain(hashPiiValue('alice@example.com', KEY));

    // 2. The next process replays the spool; the endpoint refuses the record of C-shape (400): it is dead-lettered.
    endpoint.mode = { kind: 'refuse', marker: 'C-shape' };
    const next = setupFactline(crmCatalog, options);
    const deadline = Date.now() + 20_000;
    while (next.stats().sinks.otel!.delivered + next.stats().sinks.otel!.deadLettered < PAYLOADS.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(next.stats().sinks.otel).toMatchObject({ replayed: PAYLOADS.length, delivered: PAYLOADS.length - 1, deadLettered: 1 });
    await next.shutdown();

    const deadLetters = readFileSync(deadLetterPath, 'utf8');
    expectNoClear(deadLetters, 'the dead-letter file');
    expect(deadLetters).toContain(hashPiiValue('gina@example.com', KEY));
    const sent = endpoint.bodies.join('\n');
    expectNoClear(sent, 'the OTLP requests sent');
    expect(sent).toContain(hashPiiValue('alice@example.com', KEY));
    expectNoClear(allFiles(dir), 'the spool directory after replay');
  });
});
