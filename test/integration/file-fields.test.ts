import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/emitter.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { ENVELOPE_FIELDS } from '../../src/envelope/fields.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { toLogRecord } from '../../src/otel/mapping.js';
import { factlineEnvelopeFormat, toEntry } from '../../src/query/entry.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { SKIP_NOTE, waitFor } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';
import { attributeMap, eventIdParts, fromAnyValue, fromJs, instanceId, stringAttr } from './support/otlp.js';

/*
 * ENVELOPE_FIELDS says which attributes the Collector's file_log route sets
 * from an events.jsonl line (`fromFile`). Through the real Collector with the
 * shipped config: every such attribute of an event arrives from its line with
 * the value and type the SDK's record of the same event has (src/otel/mapping.ts),
 * a line with a null payload with an empty body, as the SDK path sends it,
 * and a line without a payload arrives with the body the local engine gives
 * it (src/query/entry.ts), so `factline query --file` and Loki agree.
 */

const EVENTS = 'events.jsonl';
const BARE = 'bare.jsonl';
/** A line without a payload, every other field set: the Collector keeps what its operators do not move as the body. */
const BARE_LINE = {
  schema_version: 1,
  id: '019bd5a1-0000-7000-8000-0000000000b1',
  event_id: 'app.thing.seen:1',
  time: '2026-03-30T14:00:00.000Z',
  observed_time: '2026-03-30T14:00:00.500Z',
  service_name: 'bare-service',
  catalog: 'bare',
  source: { type: 'child_agent', model: 'm-1', name: 'n-1', extra: 'kept' },
  severity: 'WARN',
  trace_id: '0af7651916cd43dd8448eb211c80319c',
  span_id: 'b7ad6b7169203331',
  trace_key: 'TRACE-9',
  causation_id: '019bd5a1-0000-7000-8000-0000000000b0',
  session_id: 'S-9',
  invalid: { issues: [{ code: 'schema', message: 'm' }], issues_total: 11 },
  seq: 1,
};

describe.skipIf(SKIP_NOTE !== undefined)('envelope fields through the file path of the shipped Collector config', () => {
  const pipeline = usePipeline('file-fields');
  const emitted: FactlineEvent[] = [];

  beforeAll(async () => {
    const emitter = createEmitter(intentCatalog, {
      validation: 'report',
      sessionId: 'S-1',
      onProblem: () => {},
      sinks: [createJsonlSink({ path: join(pipeline.tailed, EVENTS) })],
    });
    const cause = emitter.emit(
      'intent.intent.accepted:1',
      { intent_id: 'INT-1', accepted_by: 'auto', confidence: 1 },
      { source: { type: 'user', id: '@brien' } },
    )!;
    emitted.push(cause);
    emitted.push(
      emitter.emit(
        'signal.signal.promoted:1',
        { signal_id: 'SIG-1', cluster_id: 'CL-1', intent_id: 'INT-1', trace_id: 'TRACE-1', reason: 'r' },
        {
          causedBy: cause,
          source: { type: 'child_agent', model: 'm', name: 'n' },
        },
      )!,
    );
    // Twelve issues: more than an event carries, so `invalid.issues_total` is set.
    emitted.push(emitter.emit('intent.intent.accepted:1', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, Number.NaN])) as never)!);
    // A null payload: delivered flagged; its body is empty on both paths.
    emitted.push(emitter.emit('intent.intent.accepted:1', null as never)!);
    await emitter.shutdown();
    appendFileSync(join(pipeline.tailed, BARE), `${JSON.stringify(BARE_LINE)}\n`);
    await waitFor(() => pipeline.recorder.logs().length >= emitted.length + 1, {
      timeoutMs: 60_000,
      describe: () => `${pipeline.recorder.logs().length} records delivered\n${pipeline.collector.tail()}`,
    });
  });

  it("gives a line every attribute the table carries from a file, as the SDK's record of the event has it", () => {
    expect(emitted.some((e) => e.invalid?.issues_total !== undefined)).toBe(true);
    const fromFile = new Set<string>(ENVELOPE_FIELDS.flatMap((f) => f.attributes.filter((a) => a.fromFile).map((a) => a.name)));
    // JSON text made by the Collector (OTTL String() of a list) has each object's keys sorted, as Go writes a
    // map; the SDK's keeps the issue's own key order. The same value, compared as such.
    const jsonText = new Set<string>(ENVELOPE_FIELDS.flatMap((f) => f.attributes.filter((a) => a.from.startsWith('json:')).map((a) => a.name)));
    const value = (attrs: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, jsonText.has(k) ? JSON.parse(v as string) : v]));
    const lines = readFileSync(join(pipeline.tailed, EVENTS), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(emitted.length);
    const byId = new Map(pipeline.recorder.logs().map((l) => [instanceId(l.record), l.record]));
    for (const e of emitted) {
      const sdk = toLogRecord(e, intentCatalog.get(e.event_id)!).attributes as Record<string, unknown>;
      const expected = Object.fromEntries(
        Object.entries(sdk)
          .filter(([k]) => fromFile.has(k))
          .map(([k, v]) => [k, fromJs(v)]),
      );
      const got = attributeMap(byId.get(e.id)!.attributes ?? []);
      expect(value(got)).toEqual(value({ ...expected, event_name: eventIdParts(e.event_id).name, 'log.file.name': EVENTS }));
    }
  });

  it('gives a line with a null payload an empty body, as the SDK path and the local engine do', () => {
    const e = emitted.find((x) => x.payload === null)!;
    const record = pipeline.recorder.logs().find((l) => instanceId(l.record) === e.id)!.record;
    expect(fromAnyValue(record.body)).toBeNull();
    expect(fromJs(toLogRecord(e, intentCatalog.get(e.event_id)!).body)).toBeNull();
    const line = readFileSync(join(pipeline.tailed, EVENTS), 'utf8')
      .trim()
      .split('\n')
      .find((l) => l.includes(e.id))!;
    const entry = toEntry(JSON.parse(line) as Record<string, unknown>, { serviceName: 'factline', formats: [factlineEnvelopeFormat] }, EVENTS);
    if (typeof entry === 'string') throw new Error(entry);
    expect(entry.body).toBeNull();
  });

  it('gives a line without a payload the body the local engine gives it', () => {
    const record = pipeline.recorder.logs().find((l) => stringAttr(l.record.attributes, 'log.file.name') === BARE)!.record;
    const entry = toEntry(structuredClone(BARE_LINE), { serviceName: 'factline', formats: [factlineEnvelopeFormat] }, BARE);
    if (typeof entry === 'string') throw new Error(entry);
    expect(fromAnyValue(record.body)).toEqual(fromJs(entry.body));
    const attributes = attributeMap(record.attributes ?? []);
    const labels = entry.labels;
    // Loki's label text of each attribute (AttributeToLabels writes `pcommon.Value.AsString()`).
    const asLabel = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : (v as { int: string }).int);
    for (const [k, v] of Object.entries(attributes)) expect(labels[k.replace(/\./g, '_')], k).toBe(asLabel(v));
  });
});
