import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { AnyValueMap, LogRecord } from '@opentelemetry/api-logs';
import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import { SEVERITY_NUMBER } from '../envelope/severity.js';
import { ATTR } from '../wire.js';

/*
 * The event → OpenTelemetry mapping, as pure functions (STYLE.md practice 1).
 * `docs/mapping.md` is the field-by-field contract; `test/otel/mapping.test.ts`
 * checks these functions by deep equality and the wiring through the SDK's
 * in-memory exporters.
 */

/** The attributes every log record of an event carries (besides the type's constants). */
export function eventAttributes(event: FactlineEvent, type: EventTypeInfo): AnyValueMap {
  const a: AnyValueMap = { ...type.attributes };
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
  }
  return a;
}

/**
 * The log record of an event, without its context (the wiring adds the
 * context that carries the trace and span ids).
 *
 * @example
 * logger.emit({ ...toLogRecord(event, type), context });
 */
export function toLogRecord(event: FactlineEvent, type: EventTypeInfo, timeMs?: number, observedMs?: number): LogRecord {
  return {
    eventName: type.name,
    timestamp: timeMs ?? Date.parse(event.time),
    observedTimestamp: observedMs ?? Date.parse(event.observed_time),
    severityNumber: SEVERITY_NUMBER[event.severity],
    severityText: event.severity,
    body: event.payload as LogRecord['body'],
    attributes: eventAttributes(event, type),
  };
}

/** How much of an event a span event carries. */
export type SpanEventMode = 'payload' | 'envelope' | false;

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function toAttributeValue(v: unknown): AttributeValue | undefined {
  if (isPrimitive(v)) return v;
  if (Array.isArray(v)) {
    if (v.length === 0) return [] as string[];
    const kind = typeof v[0];
    if (isPrimitive(v[0]) && v.every((x) => typeof x === kind)) return v as AttributeValue;
  }
  if (v === null || v === undefined) return undefined;
  return JSON.stringify(v);
}

/**
 * Payload fields as span-event attributes: primitives as they are, arrays of
 * one primitive type as arrays, nested objects flattened with dots
 * (`context.server`), anything else as JSON text; `null` is left out.
 */
export function payloadAttributes(payload: unknown, prefix = '', out: Attributes = {}, depth = 0): Attributes {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    const v = toAttributeValue(payload);
    if (v !== undefined) out[prefix || 'value'] = v;
    return out;
  }
  for (const [k, v] of Object.entries(payload)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && depth < 4) payloadAttributes(v, key, out, depth + 1);
    else {
      const av = toAttributeValue(v);
      if (av !== undefined) out[key] = av;
    }
  }
  return out;
}

/**
 * The span event of an event: same name as the log record's event name,
 * the envelope attributes, and (mode `payload`) the payload fields.
 */
export function toSpanEvent(event: FactlineEvent, type: EventTypeInfo, mode: Exclude<SpanEventMode, false> = 'payload', timeMs?: number): { name: string; attributes: Attributes; time: number } {
  const envelope = eventAttributes(event, type) as Attributes;
  const attributes = mode === 'payload' ? { ...payloadAttributes(event.payload), ...envelope } : envelope;
  return { name: type.name, attributes, time: timeMs ?? Date.parse(event.time) };
}
