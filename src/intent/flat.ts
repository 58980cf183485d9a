import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import { createJsonlSink, type JsonlSink, type JsonlSinkOptions } from '../sinks/jsonl/index.js';
import { INTENT_FIELD_ORDER, isIntentType } from './catalog.js';

/*
 * Intent's own `events.jsonl` (docs/intent.md): one flat JSON object per line,
 * `{"event_type": "signal.created", ...the fields..., "timestamp": "..."}`,
 * no envelope and no hash chain. This module writes it; `flat-read.ts` reads
 * it back. `docs/intent.md` describes the format.
 */

export {
  checkIntentRecord,
  importIntentEvents,
  INTENT_EVENT_TYPES,
  parseIntentLine,
  parseJsonObjectLine,
  readIntentFile,
} from './flat-read.js';
export type {
  IntentEmitTarget,
  IntentImportResult,
  IntentLine,
  IntentLineError,
  IntentLineIssue,
  IntentLineIssueCode,
  IntentLineResult,
} from './flat-read.js';

/** Default file of {@link createIntentFileSink}: Intent's name for it, in the working directory. */
export const INTENT_EVENTS_FILE = 'events.jsonl';

/**
 * The envelope's `time` as Intent writes a timestamp. Intent's examples have
 * second precision (`2026-03-30T14:23:45Z`) and factline's `time` always has
 * milliseconds (`2026-03-30T14:23:45.000Z`): `.000` is dropped, other
 * milliseconds are kept (`2026-03-30T14:23:45.120Z`), so no precision is lost
 * and an example of Intent's own comes back byte for byte.
 *
 * @example
 * intentTimestamp('2026-03-30T14:23:45.000Z'); // '2026-03-30T14:23:45Z'
 * intentTimestamp('2026-03-30T14:23:45.120Z'); // '2026-03-30T14:23:45.120Z'
 */
export function intentTimestamp(time: string): string {
  return time.endsWith('.000Z') ? time.slice(0, -5) + 'Z' : time;
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, not `out[key] =`: a `__proto__` key from an unvalidated
  // payload (validation 'off') must stay a plain field, not a prototype.
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * One event as a line of Intent's flat `events.jsonl`: `event_type` (the
 * type's `wireName`), the payload's fields, and `timestamp` (the envelope's
 * `time`, see {@link intentTimestamp}), keys in `INTENT_FIELD_ORDER` order.
 * Optional fields that are absent stay absent. Payload keys the order does not
 * know (only an event delivered flagged invalid can have them) follow, so
 * nothing is lost; for a type outside the Intent catalog the payload keeps its
 * own order between `event_type` and `timestamp`.
 *
 * A pure function: usable as the `format` of `createJsonlSink` (with
 * `chain: false`, since Intent's lines have no chain fields).
 *
 * @example
 * toIntentFlat(event, intentCatalog.get('signal.signal.created:1')!);
 * // { event_type: 'signal.created', signal_id: 'SIG-042', source: 'cli',
 * //   content: '…', confidence: 0.75, timestamp: '2026-03-30T14:23:45Z' }
 */
export function toIntentFlat(event: FactlineEvent, type: EventTypeInfo): Record<string, unknown> {
  const wire = type.wireName;
  const p = event.payload;
  const payload: Record<string, unknown> = typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  const timestamp = intentTimestamp(event.time);
  // hasOwn: a user type's wireName may be `constructor` or `toString`.
  const order = Object.hasOwn(INTENT_FIELD_ORDER, wire) ? INTENT_FIELD_ORDER[wire] : undefined;
  const out: Record<string, unknown> = {};
  if (order !== undefined) {
    for (const key of order) {
      if (key === 'event_type') out.event_type = wire;
      else if (key === 'timestamp') out.timestamp = timestamp;
      else if (Object.hasOwn(payload, key) && payload[key] !== undefined) setKey(out, key, payload[key]);
    }
  } else {
    out.event_type = wire;
  }
  for (const key of Object.keys(payload)) {
    if (key === 'event_type' || key === 'timestamp' || Object.hasOwn(out, key)) continue;
    setKey(out, key, payload[key]);
  }
  if (order === undefined) out.timestamp = timestamp;
  return out;
}

/**
 * A file sink that writes Intent's flat `events.jsonl`, for the events of the
 * Intent catalog only (`accepts` is decided once per type, when the emitter
 * is created; a combined catalog's other events never reach it).
 *
 * Defaults differ from `createJsonlSink`'s: `chain: false`, `format:
 * toIntentFlat`, `path: 'events.jsonl'` (not `FACTLINE_EVENTS_FILE`, which
 * names factline's own chained file), `name: 'intent-jsonl'`. Everything else
 * (fsync policy, rotation, torn-line recovery) is the JSONL sink's. `options`
 * override the defaults. Give it a different path from a chained factline
 * sink in the same process: two writers would interleave in one file.
 *
 * @example
 * const events = createEmitter(intentCatalog, { sinks: [createIntentFileSink({ path: '.intent/events.jsonl' })] });
 * events.emit('signal.signal.created:1', { signal_id: 'SIG-042', source: 'cli', content: 'p99 > 2s', confidence: 0.75 });
 * // .intent/events.jsonl: {"event_type":"signal.created","signal_id":"SIG-042",…,"timestamp":"2026-…Z"}
 */
export function createIntentFileSink(options: JsonlSinkOptions = {}): JsonlSink {
  const sink = createJsonlSink({
    name: 'intent-jsonl',
    ...options,
    // `??`, not spread order alone: an explicit `undefined` still gets Intent's default.
    chain: options.chain ?? false,
    format: options.format ?? toIntentFlat,
    path: options.path ?? INTENT_EVENTS_FILE,
  });
  return Object.assign(sink, { accepts: (t: EventTypeInfo): boolean => isIntentType(t) });
}
