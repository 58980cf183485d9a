import type { AnyValue, KeyValue, OtlpLogRecord } from './recorder.js';

/*
 * What the Collector delivers, in a form a deep-equality assertion can
 * compare with what was emitted, types included: OTLP distinguishes an int
 * (`intValue`) from a double, so a number is `{ int }` or `{ double }`
 * here, never a bare number.
 *
 * The expected attributes are written from docs/mapping.md's table, not
 * computed by src/otel/mapping.ts: the wire is checked against the contract,
 * not against the code that produced it.
 */

export type Typed = null | string | boolean | { int: string } | { double: number } | { bytes: string } | Typed[] | { kv: { [key: string]: Typed } };

export const int = (n: number): Typed => ({ int: String(n) });

/** An OTLP/JSON AnyValue as a Typed value. An empty AnyValue (`{}`) is `null`. */
export function fromAnyValue(v: AnyValue | undefined): Typed {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return { int: String(v.intValue) };
  if (v.doubleValue !== undefined) return { double: v.doubleValue };
  if (v.bytesValue !== undefined) return { bytes: v.bytesValue };
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(fromAnyValue);
  if (v.kvlistValue !== undefined) return { kv: attributeMap(v.kvlistValue.values ?? []) };
  return null;
}

/** A JSON value as the OTLP encoders type it: integers are ints, other numbers doubles. */
export function fromJs(v: unknown): Typed {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? { int: String(v) } : { double: v };
  if (Array.isArray(v)) return v.map(fromJs);
  if (typeof v === 'object') {
    const kv: { [key: string]: Typed } = {};
    for (const [k, x] of Object.entries(v)) kv[k] = fromJs(x);
    return { kv };
  }
  throw new TypeError(`not a JSON value: ${typeof v}`);
}

/** OTLP key/value pairs as an object; a repeated key fails loudly instead of hiding. */
export function attributeMap(kvs: readonly KeyValue[]): { [key: string]: Typed } {
  const out: { [key: string]: Typed } = {};
  for (const { key, value } of kvs) {
    if (Object.hasOwn(out, key)) throw new Error(`attribute ${key} appears twice`);
    out[key] = fromAnyValue(value);
  }
  return out;
}

export function stringAttr(kvs: readonly KeyValue[] | undefined, key: string): string | undefined {
  const v = kvs?.find((a) => a.key === key)?.value.stringValue;
  return v;
}

/** The record's `factline.event.instance_id`, the key for "exactly once". */
export const instanceId = (r: OtlpLogRecord): string | undefined => stringAttr(r.attributes, 'factline.event.instance_id');

/** Epoch nanoseconds, as OTLP/JSON writes them, of an ISO 8601 time. */
export const unixNano = (iso: string): string => (BigInt(Date.parse(iso)) * 1_000_000n).toString();

/** `SeverityNumber` of each `severity` (docs/mapping.md, "The log record"). */
export const SEVERITY_NUMBER: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/** A line of factline's chained events.jsonl (the envelope fields this file reads). */
export interface EnvelopeLine {
  schema_version: number;
  id: string;
  event_id: string;
  time: string;
  observed_time: string;
  service_name: string;
  catalog: string;
  source: { type: string; model?: string; name?: string; id?: string };
  severity: string;
  trace_id?: string;
  span_id?: string;
  trace_key?: string;
  causation_id?: string;
  session_id?: string;
  payload: unknown;
  invalid?: { issues: unknown[]; issues_total?: number };
}

/** `domain.entity.action` of an EventID, and its parts. */
export function eventIdParts(eventId: string): { name: string; domain: string; entity: string; action: string; version: number } {
  const m = /^(([^.:]+)\.([^.:]+)\.([^.:]+)):(\d+)$/.exec(eventId);
  if (!m) throw new Error(`not an EventID: ${eventId}`);
  return { name: m[1]!, domain: m[2]!, entity: m[3]!, action: m[4]!, version: Number(m[5]) };
}

/**
 * The attributes docs/mapping.md gives an event type ("always" rows that
 * depend only on the type): EventID and parts, catalog, and the wire name
 * when it differs from `domain.entity.action`.
 */
export function typeAttributes(eventId: string, catalog: string, wireName: string): { [key: string]: Typed } {
  const p = eventIdParts(eventId);
  const out: { [key: string]: Typed } = {
    'factline.event.id': eventId,
    'factline.event.domain': p.domain,
    'factline.event.entity': p.entity,
    'factline.event.action': p.action,
    'factline.event.version': int(p.version),
    'factline.catalog': catalog,
  };
  if (wireName !== p.name) out['factline.event.wire_name'] = wireName;
  return out;
}

/**
 * Every attribute docs/mapping.md promises for one event on the SDK path,
 * with `event_name` as the Collector adds it: the type's attributes, then
 * the instance's (instance id, schema version, source, trace key, causation,
 * session, validity).
 */
export function sdkAttributes(e: EnvelopeLine, catalog: string, wireName: string): { [key: string]: Typed } {
  const out = typeAttributes(e.event_id, catalog, wireName);
  out['factline.event.instance_id'] = e.id;
  out['factline.event.schema_version'] = int(e.schema_version);
  out['factline.source.type'] = e.source.type;
  if (e.source.model !== undefined) out['factline.source.model'] = e.source.model;
  if (e.source.name !== undefined) out['factline.source.name'] = e.source.name;
  if (e.source.id !== undefined) out['factline.source.id'] = e.source.id;
  if (e.trace_key !== undefined) out['factline.trace_key'] = e.trace_key;
  if (e.causation_id !== undefined) out['factline.causation_id'] = e.causation_id;
  if (e.session_id !== undefined) out['session.id'] = e.session_id;
  if (e.invalid !== undefined) {
    out['factline.valid'] = false;
    out['factline.validation.issues'] = JSON.stringify(e.invalid.issues);
    if (e.invalid.issues_total !== undefined) out['factline.validation.issues_total'] = int(e.invalid.issues_total);
  }
  out.event_name = eventIdParts(e.event_id).name;
  return out;
}
