import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { EventTypeInfo } from '../../src/catalog/types.js';
import { weaverRegistry, type WeaverAttribute, type WeaverAttributeRef } from '../../src/catalog/weaver.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { ENVELOPE_FIELD_NAMES, ENVELOPE_FIELDS, lokiName, type EnvelopeAttribute, type EnvelopeField } from '../../src/envelope/fields.js';
import { SEVERITY_NUMBER } from '../../src/envelope/severity.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { msToHrTime, toLogRecord, toSpanEvent } from '../../src/otel/mapping.js';
import { createOtelSink } from '../../src/otel/sink.js';
import { ENTRY_LABEL_NAMES, factlineEnvelopeFormat, toEntry, type Entry } from '../../src/query/entry.js';
import { envelopeJson, envelopeRecord } from '../../src/sinks/jsonl/record.js';
import { ATTR, SPAN_EVENT_ATTR } from '../../src/wire.js';
import { memoryPipeline } from '../helpers.js';

/*
 * ENVELOPE_FIELDS (src/envelope/fields.ts) is the one list of the envelope's
 * fields. The writers and readers on an event's hot path keep their
 * straight-line code; this test holds each of them to the table with an
 * event that has every field set, and one with only the required ones:
 * the events.jsonl line (envelopeJson, both its paths, and envelopeRecord), the log record and
 * span event (src/otel/mapping.ts, and through the SDK for the trace
 * context and resource), and the local engine's labels (src/query/entry.ts).
 * The Collector config is held to the same table by
 * test/config/collector-fields.test.ts.
 */

const fields: readonly EnvelopeField[] = ENVELOPE_FIELDS;
/** An Intent type whose wire name differs from its event name, so that `factline.event.wire_name` is set. */
const type: EventTypeInfo = intentCatalog.get('signal.signal.created:1')!;
const EVENT_ID_RE = /^(?<name>(?<domain>[^.:]+)\.(?<entity>[^.:]+)\.(?<action>[^.:]+)):(?<version>\d+)$/;

/** An event with every field of the table set; a new field must be given a value here. */
const full: FactlineEvent = {
  schema_version: 1,
  id: '019bd5a1-0000-7000-8000-000000000002',
  event_id: type.id,
  time: '2026-01-23T14:32:01.000Z',
  observed_time: '2026-01-23T14:32:01.500Z',
  service_name: 'fields-test',
  catalog: type.catalog,
  // Every member the table maps: no one kind of source has them all.
  source: { type: 'child_agent', model: 'claude-sonnet-4', name: 'claude-code', id: 'agent-7' } as FactlineEvent['source'],
  severity: 'WARN',
  trace_id: '0af7651916cd43dd8448eb211c80319c',
  span_id: 'b7ad6b7169203331',
  trace_key: 'TRACE-015',
  causation_id: '019bd5a1-0000-7000-8000-000000000001',
  session_id: 'session-001',
  payload: { signal_id: 'SIG-1', nested: { n: 2 } },
  invalid: { issues: [{ code: 'schema', schemaCode: 'invalid_type', path: ['x'], message: 'expected string' }], issues_total: 12 },
};

/** The same event with only the required fields (and a source with no optional member). */
const minimal = Object.fromEntries(
  fields.filter((f) => f.required).map((f) => [f.name, f.name === 'source' ? { type: 'runtime' } : full[f.name as keyof FactlineEvent]]),
) as unknown as FactlineEvent;

/** The value the table says an attribute has for `event`, or undefined when the event has none. */
function expectedValue(event: FactlineEvent, f: EnvelopeField, a: EnvelopeAttribute): unknown {
  if (a.from === 'eventType') return type.attributes[a.name];
  const v = (event as unknown as Record<string, unknown>)[f.name];
  if (v === undefined) return undefined;
  if (a.from === '') return v;
  if (a.from === 'false') return false;
  if (a.from.startsWith('group:')) {
    const g = EVENT_ID_RE.exec(v as string)!.groups![a.from.slice('group:'.length)]!;
    return a.type === 'int' ? Number(g) : g;
  }
  if (a.from.startsWith('json:')) return JSON.stringify((v as Record<string, unknown>)[a.from.slice('json:'.length)]);
  if (a.from.startsWith('member:')) return (v as Record<string, unknown>)[a.from.slice('member:'.length)];
  throw new Error(`${a.name}: no rule for from '${a.from}'`);
}

/** Every attribute the table gives `event`, with its value. */
function expectedAttributes(event: FactlineEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    for (const a of f.attributes) {
      const v = expectedValue(event, f, a);
      if (v !== undefined) out[a.name] = v;
    }
  }
  return out;
}

const typeOfValue = (v: unknown): string => (typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int' : typeof v);

describe('ENVELOPE_FIELDS', () => {
  it('has sixteen fields in the declaration order of FactlineEvent', () => {
    const path = fileURLToPath(new URL('../../src/envelope/event.ts', import.meta.url));
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
    const decl = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'FactlineEvent')!;
    const declared = decl.members.flatMap((m) => (ts.isPropertySignature(m) && ts.isIdentifier(m.name) ? [m.name.text] : []));
    expect(ENVELOPE_FIELD_NAMES).toEqual(declared);
    expect(declared).toHaveLength(16);
  });

  it('gives every attribute of src/wire.ts ATTR to exactly one field', () => {
    const named = fields.flatMap((f) => f.attributes.map((a) => a.name));
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual(Object.values(ATTR).sort());
  });

  it('gives every Loki name to one field only', () => {
    const loki = fields.flatMap((f) => [...f.loki, ...f.attributes.map((a) => lokiName(a.name))]);
    expect(new Set(loki).size).toBe(loki.length);
  });

  it('is complete in the test events: the full one sets every field', () => {
    expect(Object.keys(full)).toEqual(ENVELOPE_FIELD_NAMES);
  });
});

describe('the events.jsonl line (envelopeJson, envelopeRecord)', () => {
  const keysOf = (line: string): string[] => Object.keys(JSON.parse(line) as object);
  const required = fields.filter((f) => f.required).map((f) => f.name);

  it('writes every field under its name, in the table order, with its value', () => {
    const line = envelopeJson(full);
    expect(line).toBe(JSON.stringify(envelopeRecord(full)));
    expect(keysOf(line)).toEqual(ENVELOPE_FIELD_NAMES);
    expect(JSON.parse(line)).toEqual(full);
    expect(Object.keys(envelopeRecord(full))).toEqual(ENVELOPE_FIELD_NAMES);
  });

  it('writes only the required fields when the optional ones are absent, and each optional one in its place', () => {
    expect(keysOf(envelopeJson(minimal))).toEqual(required);
    // A required field's key is set even when its value is missing (JSON then leaves it out).
    const holes = Object.fromEntries(ENVELOPE_FIELD_NAMES.map((n) => [n, undefined])) as unknown as FactlineEvent;
    expect(Object.keys(envelopeRecord(holes))).toEqual(required);
    for (const f of fields.filter((x) => !x.required)) {
      const one = { ...minimal, [f.name]: full[f.name as keyof FactlineEvent] } as FactlineEvent;
      expect(keysOf(envelopeJson(one)), f.name).toEqual(ENVELOPE_FIELD_NAMES.filter((n) => required.includes(n) || n === f.name));
      expect(envelopeJson(one), f.name).toBe(JSON.stringify(envelopeRecord(one)));
    }
  });

  it('writes the same on its general path (a payload with toJSON)', () => {
    const general = { ...full, payload: { toJSON: () => full.payload } };
    expect(envelopeJson(general)).toBe(envelopeJson(full));
  });
});

describe('the log record and span event (src/otel/mapping.ts)', () => {
  it('carries every attribute the table names, with its value and type, and no other', () => {
    for (const event of [full, minimal]) {
      const expected = expectedAttributes(event);
      const record = toLogRecord(event, type);
      expect(record.attributes).toEqual(expected);
      for (const f of fields) {
        for (const a of f.attributes) if (a.name in expected) expect(typeOfValue(expected[a.name]), a.name).toBe(a.type);
      }
      expect(toSpanEvent(event, type, 'envelope').attributes).toEqual(expected);
    }
    expect(Object.keys(expectedAttributes(full)).sort()).toEqual(Object.values(ATTR).sort());
  });

  it('fills the log-record part each field names', async () => {
    const p = memoryPipeline(full.service_name);
    createOtelSink({ logger: p.loggerProvider.getLogger('factline'), spanEvents: false }).write(full, type);
    const [sdk] = p.logs.getFinishedLogRecords();
    const record = toLogRecord(full, type);
    const parts = fields.filter((f) => f.record !== undefined);
    expect(parts.map((f) => f.record).sort()).toEqual(['Body', 'EventName', 'ObservedTimestamp', 'Severity', 'SpanId', 'Timestamp', 'TraceId', 'service.name']);
    for (const f of parts) {
      const v = full[f.name as keyof FactlineEvent];
      switch (f.record) {
        case 'Timestamp':
          expect(record.timestamp).toEqual(msToHrTime(Date.parse(v as string)));
          break;
        case 'ObservedTimestamp':
          expect(record.observedTimestamp).toEqual(msToHrTime(Date.parse(v as string)));
          break;
        case 'Severity':
          expect([record.severityText, record.severityNumber]).toEqual([v, SEVERITY_NUMBER[full.severity]]);
          break;
        case 'Body':
          expect(record.body).toEqual(v);
          break;
        case 'EventName':
          expect(record.eventName).toBe(EVENT_ID_RE.exec(v as string)!.groups!.name);
          break;
        case 'TraceId':
          expect(sdk!.spanContext?.traceId).toBe(v);
          break;
        case 'SpanId':
          expect(sdk!.spanContext?.spanId).toBe(v);
          break;
        case 'service.name':
          expect(sdk!.resource.attributes['service.name']).toBe(v);
          break;
        default:
          throw new Error(`no check for the log-record part ${String(f.record)} of ${f.name}`);
      }
    }
    await p.shutdown();
  });
});

describe("the local engine's labels (src/query/entry.ts)", () => {
  const entryOf = (event: FactlineEvent): Entry => {
    const e = toEntry(JSON.parse(envelopeJson(event)), { serviceName: 'factline', formats: [factlineEnvelopeFormat] }, 'events.jsonl');
    if (typeof e === 'string') throw new Error(`no entry: ${e}`);
    return e;
  };

  it('gives an events.jsonl line the Loki name of every attribute the Collector sets from a line, and every other Loki name of its fields', () => {
    const labels = entryOf(full).labels;
    const expected = expectedAttributes(full);
    for (const f of fields) {
      for (const a of f.attributes) {
        if (!a.fromFile) expect(labels, `${a.name} has no source in a line`).not.toHaveProperty(lokiName(a.name));
        else if (a.from.startsWith('json:')) expect(labels[lokiName(a.name)], a.name).toBeTypeOf('string');
        else expect(labels[lokiName(a.name)], a.name).toBe(String(expected[a.name]));
      }
      for (const name of f.loki) expect(labels[name], `${f.name}: ${name}`).toBeTypeOf('string');
    }
  });

  it('names every label it gives in ENTRY_LABEL_NAMES, and gives each one alone as among all', () => {
    for (const event of [full, minimal]) {
      const all = entryOf(event).labels;
      for (const name of Object.keys(all)) expect(ENTRY_LABEL_NAMES.has(name), name).toBe(true);
      for (const name of ENTRY_LABEL_NAMES) expect(entryOf(event).label(name), name).toBe(all[name]);
    }
  });
});

describe('the Weaver registry (src/catalog/weaver.ts, `registry.factline`)', () => {
  const registry = weaverRegistry(intentCatalog);
  const group = registry.files['factline.yaml']!.groups.find((g) => g.id === 'registry.factline')!;
  const defined = new Map((group.attributes as WeaverAttribute[]).map((a) => [a.id, a]));
  const WEAVER_TYPE: Record<EnvelopeAttribute['type'], string> = { string: 'string', int: 'int', bool: 'boolean' };
  // The one attribute of the group that no envelope field makes: the span event's count of payload fields left out.
  const SPAN_EVENT_ONLY = [SPAN_EVENT_ATTR.DROPPED_PAYLOAD_FIELDS];

  it('defines every attribute the table names, with its type, and no other', () => {
    const table = fields.flatMap((f) => f.attributes);
    expect([...defined.keys()].filter((id) => !SPAN_EVENT_ONLY.includes(id as never)).sort()).toEqual(table.map((a) => a.name).sort());
    for (const a of table) expect(defined.get(a.name)!.type, a.name).toBe(WEAVER_TYPE[a.type]);
  });

  it('requires on every event exactly the attributes the table says are always present', () => {
    const anyEvent = registry.files['intent.events.yaml']!.groups.find((g) => g.type === 'event')!;
    const levels = new Map((anyEvent.attributes as WeaverAttributeRef[]).map((r) => [r.ref, r.requirement_level]));
    for (const a of fields.flatMap((f) => f.attributes)) {
      if (a.from === 'eventType') continue; // the wire name's level depends on the event (its own test in test/catalog/weaver.test.ts)
      expect(levels.get(a.name) === 'required', a.name).toBe(a.present.startsWith('always'));
    }
  });
});
