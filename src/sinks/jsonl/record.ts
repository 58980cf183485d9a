import type { FactlineEvent } from '../../envelope/event.js';
import { CHAIN_FIELD, chainRecordHead } from '../../chain/record.js';

/**
 * The envelope as the object written on a line, its fields in the order of
 * `ENVELOPE_FIELDS` (src/envelope/fields.ts; the order `FactlineEvent` and
 * docs/mapping.md list). Absent optional fields are left out rather than
 * written as `null`; a required field's key is always set. Written out field
 * by field: an object literal is several times faster than a loop over the
 * table (`envelopeJson` falls back to it); test/envelope/fields.test.ts holds
 * it to the table.
 *
 * @example
 * JSON.stringify(envelopeRecord(event)); // '{"schema_version":1,"id":"…","event_id":"auth.user.login:1",…}'
 */
export function envelopeRecord(e: FactlineEvent): Record<string, unknown> {
  const r: Record<string, unknown> = {
    schema_version: e.schema_version,
    id: e.id,
    event_id: e.event_id,
    time: e.time,
    observed_time: e.observed_time,
    service_name: e.service_name,
    catalog: e.catalog,
    source: e.source,
    severity: e.severity,
  };
  if (e.trace_id !== undefined) r.trace_id = e.trace_id;
  if (e.span_id !== undefined) r.span_id = e.span_id;
  if (e.trace_key !== undefined) r.trace_key = e.trace_key;
  if (e.causation_id !== undefined) r.causation_id = e.causation_id;
  if (e.session_id !== undefined) r.session_id = e.session_id;
  r.payload = e.payload;
  if (e.invalid !== undefined) r.invalid = e.invalid;
  return r;
}

/** A string as JSON prints it, remembering the last one: most fields repeat from one event to the next. */
function quoter(): (s: string) => string {
  let last = '';
  let quoted = '""';
  return (s) => {
    if (s !== last) {
      quoted = JSON.stringify(s);
      last = s;
    }
    return quoted;
  };
}
const quoteEventId = quoter();
const quoteTime = quoter();
const quoteObserved = quoter();
const quoteService = quoter();
const quoteCatalog = quoter();
const quoteSeverity = quoter();

/**
 * JSON of a member value that `JSON.stringify` prints the same alone as in
 * its object (no top-level `toJSON`, which would be given another key), or
 * undefined when it would not, or would leave the member out.
 */
function memberJson(v: unknown): string | undefined {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return undefined;
  return JSON.stringify(v);
}

/** `,"name":"value"` for an optional string field, '' when absent, undefined when not a string. */
function optionalString(name: string, v: unknown): string | undefined {
  if (v === undefined) return '';
  return typeof v === 'string' ? ',"' + name + '":' + JSON.stringify(v) : undefined;
}

/**
 * `JSON.stringify(envelopeRecord(e))`, byte for byte, built from the fields
 * without the intermediate object, with the strings that repeat from one
 * event to the next (EventID, times, service, catalog, severity) quoted
 * once. It is on every event's path, so it is written out field by field
 * rather than looped over `ENVELOPE_FIELDS`; test/envelope/fields.test.ts
 * holds it to that table. Each field is read once. An event of another shape (a field of the
 * wrong type, a `toJSON` on the payload) goes through `envelopeRecord`.
 *
 * @throws TypeError for a BigInt or a cycle in the payload, as JSON.stringify does.
 *
 * @example
 * envelopeJson(event) === JSON.stringify(envelopeRecord(event)); // true
 */
export function envelopeJson(e: FactlineEvent): string {
  const schemaVersion: unknown = e.schema_version;
  const id: unknown = e.id;
  const eventId: unknown = e.event_id;
  const time: unknown = e.time;
  const observed: unknown = e.observed_time;
  const service: unknown = e.service_name;
  const catalog: unknown = e.catalog;
  const source: unknown = e.source;
  const severity: unknown = e.severity;
  const traceId: unknown = e.trace_id;
  const spanId: unknown = e.span_id;
  const traceKey: unknown = e.trace_key;
  const causationId: unknown = e.causation_id;
  const sessionId: unknown = e.session_id;
  const payload: unknown = e.payload;
  const invalid: unknown = e.invalid;
  const generic = (): string =>
    JSON.stringify(
      envelopeRecord({
        schema_version: schemaVersion,
        id,
        event_id: eventId,
        time,
        observed_time: observed,
        service_name: service,
        catalog,
        source,
        severity,
        trace_id: traceId,
        span_id: spanId,
        trace_key: traceKey,
        causation_id: causationId,
        session_id: sessionId,
        payload,
        invalid,
      } as FactlineEvent),
    );
  if (
    typeof schemaVersion !== 'number' ||
    !Number.isFinite(schemaVersion) ||
    typeof id !== 'string' ||
    typeof eventId !== 'string' ||
    typeof time !== 'string' ||
    typeof observed !== 'string' ||
    typeof service !== 'string' ||
    typeof catalog !== 'string' ||
    typeof severity !== 'string'
  ) {
    return generic();
  }
  const sourceJson = memberJson(source);
  const payloadJson = memberJson(payload);
  const invalidJson = invalid === undefined ? '' : memberJson(invalid);
  if (sourceJson === undefined || payloadJson === undefined || invalidJson === undefined) return generic();
  const trace =
    traceId === undefined && spanId === undefined && traceKey === undefined && causationId === undefined && sessionId === undefined
      ? ''
      : [
          optionalString('trace_id', traceId),
          optionalString('span_id', spanId),
          optionalString('trace_key', traceKey),
          optionalString('causation_id', causationId),
          optionalString('session_id', sessionId),
        ];
  if (typeof trace !== 'string' && trace.includes(undefined)) return generic();
  return (
    '{"schema_version":' +
    schemaVersion +
    ',"id":' +
    JSON.stringify(id) +
    ',"event_id":' +
    quoteEventId(eventId) +
    ',"time":' +
    quoteTime(time) +
    ',"observed_time":' +
    quoteObserved(observed) +
    ',"service_name":' +
    quoteService(service) +
    ',"catalog":' +
    quoteCatalog(catalog) +
    ',"source":' +
    sourceJson +
    ',"severity":' +
    quoteSeverity(severity) +
    (typeof trace === 'string' ? trace : trace.join('')) +
    ',"payload":' +
    payloadJson +
    (invalid === undefined ? '' : ',"invalid":' + invalidJson) +
    '}'
  );
}

const CHAIN_KEYS = [CHAIN_FIELD.SEQ, CHAIN_FIELD.PREV_HASH, CHAIN_FIELD.HASH] as const;

/**
 * The part of `record`'s chain line that its hash covers (`chainRecordHead`):
 * its own keys, then `seq` and `prev_hash`. Chain-named keys of `record`
 * are deleted first (it is the sink's own object).
 *
 * @throws TypeError for a BigInt or a cycle in the record. Nothing has been
 * written at that point; the caller reports and drops the event.
 */
export function chainedHead(record: Record<string, unknown>, seq: number, prevHash: string): string {
  // A `format` may return keys of these names: drop them so that the chain
  // fields come last, in this order, and a stale "hash" is not hashed.
  // (Checked first: a delete turns the object into a slow dictionary.)
  for (const k of CHAIN_KEYS) if (Object.hasOwn(record, k)) delete record[k];
  return chainRecordHead(record, seq, prevHash);
}
