import { detectLevel } from '../query/detected-level.js';
import { attributeString, createEntry, lineOf, parseTime, type Entry, type LineFormat } from '../query/entry.js';
import { INTENT_WIRE_NAMES } from './wire-names.js';

/*
 * Intent's flat `events.jsonl` line (`{"event_type": ..., ..., "timestamp": ...}`)
 * as a line format of the local LogQL engine: the entry Loki stores for it
 * after the shipped Collector config (collector-config/otel-collector.yaml,
 * the `intent_*` operators and the EventID table) and Loki's OTLP ingestion.
 * Loads the wire-name table only, never the catalog's schemas.
 */

/** The label names an Intent line's entry can have before a pipeline adds any. */
const LABEL_NAMES: ReadonlySet<string> = new Set([
  'service_name',
  'log_file_name',
  'factline_event_id',
  'factline_event_domain',
  'factline_event_entity',
  'factline_event_action',
  'factline_event_version',
  'factline_catalog',
  'event_name',
  'factline_event_wire_name',
  'detected_level',
]);

const EVENT_ID_RE = /^(([^.:]+)\.([^.:]+)\.([^.:]+)):(\d+)$/;

/**
 * Intent's flat line (an object with `event_type`) for
 * `createLocalBackend({ formats: [intentFlatFormat, factlineEnvelopeFormat] })`:
 * the line is the object minus `event_type` and `timestamp`, the time is
 * `timestamp`, `service_name` is the engine's `serviceName`, and a known
 * `event_type` gets its EventID's labels with `factline_catalog="intent"`
 * (docs/query-engine.md). Listed before the envelope format, as the
 * Collector's operators test `event_type` first.
 */
export const intentFlatFormat: LineFormat = {
  name: 'intent-flat',
  read(rec, serviceName, fileName) {
    if (rec.event_type === undefined || rec.event_type === null) return undefined;
    const time = parseTime(rec.timestamp);
    if (time === undefined) return 'no_time';
    // Rest properties copy own keys as own keys: a field named `__proto__` stays a field.
    const { event_type: _type, timestamp: _time, ...body } = rec;
    return createEntry({
      ms: time[0],
      ns: time[1],
      body,
      stream: { service_name: serviceName },
      labelNames: LABEL_NAMES,
      labels: (entry) => intentLabels(rec, serviceName, fileName, entry),
    });
  },
};

function intentLabels(rec: Record<string, unknown>, service: string, fileName: string, entry: Entry): Record<string, string> {
  const labels: Record<string, string> = { service_name: service, log_file_name: fileName };
  const wire = attributeString(rec.event_type);
  const eventId = wire === undefined || !Object.hasOwn(INTENT_WIRE_NAMES, wire) ? undefined : INTENT_WIRE_NAMES[wire];
  if (eventId !== undefined) {
    const m = EVENT_ID_RE.exec(eventId)!;
    labels.factline_event_id = eventId;
    labels.factline_event_domain = m[2]!;
    labels.factline_event_entity = m[3]!;
    labels.factline_event_action = m[4]!;
    labels.factline_event_version = String(Number.parseInt(m[5]!, 10));
    labels.factline_catalog = 'intent';
    labels.event_name = m[1]!;
    if (wire !== m[1]) labels.factline_event_wire_name = wire!;
  } else if (wire !== undefined && wire !== '') {
    labels.factline_event_wire_name = wire;
    labels.event_name = wire;
  }
  labels.detected_level = detectLevel(labels, entry.body, () => lineOf(entry));
  return labels;
}
