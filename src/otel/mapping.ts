import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { AnyValue, AnyValueMap, LogRecord } from '@opentelemetry/api-logs';
import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER } from '../envelope/severity.js';
import { isWideInteger, mayHoldWideIntegers } from '../validation/json-value.js';
import { ATTR, SPAN_EVENT_ATTR } from '../wire.js';

/*
 * The event → OpenTelemetry mapping, as pure functions: `docs/mapping.md` is
 * the field-by-field contract; `test/otel/mapping.test.ts` checks these
 * functions by deep equality and the wiring through the SDK's in-memory
 * exporters. Three rules keep every record one the Collector accepts:
 * - times go to the SDK as HrTime, never as a bare number, which the SDK
 *   would read as time since process start when it is small;
 * - an integer outside int64 goes out as its decimal string (the JavaScript
 *   exporters write every whole number as `intValue`);
 * - a span event keeps every envelope attribute within the SDK's attribute
 *   count limit, dropping payload fields instead, and says how many.
 */

/**
 * Epoch milliseconds as an OpenTelemetry HrTime `[seconds, nanoseconds]`.
 *
 * @example
 * msToHrTime(1769178721500); // [1769178721, 500000000]
 */
export function msToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** The attributes every log record of an event carries (besides the type's constants). */
export function eventAttributes(event: FactlineEvent, type: EventTypeInfo): AnyValueMap {
  const a: AnyValueMap = { ...type.attributes };
  addEnvelope(a, event);
  return a;
}

function addEnvelope(a: Record<string, unknown>, event: FactlineEvent): void {
  a[ATTR.EVENT_INSTANCE_ID] = event.id;
  a[ATTR.EVENT_SCHEMA_VERSION] = event.schema_version;
  const src = event.source;
  a[ATTR.SOURCE_TYPE] = src.type;
  if ('model' in src && src.model !== undefined) a[ATTR.SOURCE_MODEL] = src.model;
  if ('name' in src && src.name !== undefined) a[ATTR.SOURCE_NAME] = src.name;
  if ('id' in src && src.id !== undefined) a[ATTR.SOURCE_ID] = src.id;
  if (event.trace_key !== undefined) a[ATTR.TRACE_KEY] = event.trace_key;
  if (event.causation_id !== undefined) a[ATTR.CAUSATION_ID] = event.causation_id;
  if (event.session_id !== undefined) a[ATTR.SESSION_ID] = event.session_id;
  if (event.invalid !== undefined) {
    a[ATTR.VALID] = false;
    a[ATTR.VALIDATION_ISSUES] = JSON.stringify(event.invalid.issues);
    if (event.invalid.issues_total !== undefined) a[ATTR.VALIDATION_ISSUES_TOTAL] = event.invalid.issues_total;
  }
}

/**
 * A JSON value with every integer outside int64 written as its decimal
 * string; a copy only where something changes.
 *
 * @example
 * int64Safe({ amount_wei: 1e19, n: 1 }); // { amount_wei: '10000000000000000000', n: 1 }
 */
export function int64Safe(v: unknown): unknown {
  if (typeof v === 'number') return isWideInteger(v) ? JSON.stringify(v) : v;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(int64Safe);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    Object.defineProperty(out, k, { value: int64Safe((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The log record of an event, without its context (the wiring adds the
 * context that carries the trace and span ids). `timeMs` and `observedMs`
 * are epoch milliseconds (default: parsed from the envelope); the record
 * carries them as HrTime.
 *
 * @example
 * logger.emit({ ...toLogRecord(event, type), context });
 */
export function toLogRecord(event: FactlineEvent, type: EventTypeInfo, timeMs?: number, observedMs?: number): LogRecord {
  const body = event.payload;
  return {
    eventName: type.name,
    timestamp: msToHrTime(timeMs ?? Date.parse(event.time)),
    observedTimestamp: msToHrTime(observedMs ?? Date.parse(event.observed_time)),
    severityNumber: SEVERITY_NUMBER[event.severity],
    severityText: event.severity,
    body: (mayHoldWideIntegers(body) ? int64Safe(body) : body) as AnyValue,
    attributes: eventAttributes(event, type),
  };
}

/** How much of an event a span event carries. */
export type SpanEventMode = 'payload' | 'envelope' | false;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Most attributes a span event keeps: the SDK's limit, from
 * `OTEL_SPAN_EVENT_ATTRIBUTE_COUNT_LIMIT`, else `OTEL_ATTRIBUTE_COUNT_LIMIT`,
 * else 128. Read once when the module loads.
 */
export const SPAN_EVENT_ATTRIBUTE_LIMIT = envNumber('OTEL_SPAN_EVENT_ATTRIBUTE_COUNT_LIMIT') ?? envNumber('OTEL_ATTRIBUTE_COUNT_LIMIT') ?? 128;

/** Deepest nested object flattened into dotted keys; deeper ones go as JSON text. */
const FLATTEN_DEPTH = 4;

function toAttributeValue(v: unknown): AttributeValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return isWideInteger(v) ? JSON.stringify(v) : v;
  }
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return [] as string[];
    const kind = typeof v[0];
    if ((kind === 'string' || kind === 'boolean' || kind === 'number') && v.every((x) => typeof x === kind && !(kind === 'number' && isWideInteger(x as number)))) return v as AttributeValue;
  }
  return JSON.stringify(int64Safe(v));
}

/** Collects payload attributes with the collision rule (see {@link payloadAttributes}). */
class AttributeWriter {
  dropped = 0;
  lastKey: string | undefined;
  private room: number;
  constructor(
    readonly out: Attributes,
    limit: number,
  ) {
    this.room = limit - Object.keys(out).length;
  }
  put(key: string, value: AttributeValue): void {
    if (this.room <= 0) {
      this.dropped++;
      return;
    }
    let k = key;
    // A key already taken (by the envelope, or by a dotted key and a nested
    // object that flatten alike) keeps its value; this one gets `#2`, `#3`.
    for (let n = 2; Object.hasOwn(this.out, k); n++) k = `${key}#${n}`;
    this.out[k] = value;
    this.lastKey = k;
    this.room--;
  }
  walk(v: unknown, prefix: string, depth: number): void {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      const av = toAttributeValue(v);
      if (av !== undefined) this.put(prefix || 'value', av);
      return;
    }
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof x === 'object' && x !== null && !Array.isArray(x) && depth < FLATTEN_DEPTH) this.walk(x, key, depth + 1);
      else {
        const av = toAttributeValue(x);
        if (av !== undefined) this.put(key, av);
      }
    }
  }
}

/**
 * Payload fields as span-event attributes: primitives as they are, arrays of
 * one primitive type as arrays, nested objects flattened with dots
 * (`context.server`) up to 4 levels, anything else as JSON text; `null` is
 * left out; an integer outside int64 as its decimal string. A key already
 * in `out` is never overwritten: the later value gets `#2` (`#3`, …).
 * At most `limit` attributes in all; the rest are counted, not kept.
 *
 * @example
 * payloadAttributes({ 'http.status': 200, http: { status: 503 } }).attributes;
 * // { 'http.status': 200, 'http.status#2': 503 }
 */
export function payloadAttributes(payload: unknown, out: Attributes = {}, limit = Infinity): { attributes: Attributes; dropped: number } {
  const w = new AttributeWriter(out, limit);
  w.walk(payload, '', 0);
  return { attributes: out, dropped: w.dropped };
}

/**
 * The span event of an event: same name as the log record's event name, the
 * envelope attributes first, then (mode `payload`) the payload fields, built
 * in one object. When the payload has more fields than the span event's
 * attribute limit leaves room for, the last ones are dropped and
 * `factline.span_event.dropped_payload_fields` says how many. The time is an
 * HrTime.
 */
export function toSpanEvent(
  event: FactlineEvent,
  type: EventTypeInfo,
  mode: Exclude<SpanEventMode, false> = 'payload',
  timeMs?: number,
  limit = SPAN_EVENT_ATTRIBUTE_LIMIT,
): { name: string; attributes: Attributes; time: HrTime } {
  const attributes: Attributes = { ...(type.attributes as Attributes) };
  addEnvelope(attributes, event);
  if (mode === 'payload') {
    const w = new AttributeWriter(attributes, limit);
    w.walk(event.payload, '', 0);
    if (w.dropped > 0) {
      // The count needs a slot of its own: the last payload field gives it up.
      let dropped = w.dropped;
      if (w.lastKey !== undefined) {
        delete attributes[w.lastKey];
        dropped++;
      }
      attributes[SPAN_EVENT_ATTR.DROPPED_PAYLOAD_FIELDS] = dropped;
    }
  }
  return { name: type.name, attributes, time: msToHrTime(timeMs ?? Date.parse(event.time)) };
}
