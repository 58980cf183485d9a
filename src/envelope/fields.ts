import { ATTR } from '../wire.js';

/*
 * The envelope's fields, once. Each writer and reader of the envelope either
 * builds its list from this table when its module loads (the local engine's
 * label names and what it leaves of a line without a payload) or keeps
 * straight-line code on a hot path (`envelopeJson`, `envelopeRecord`,
 * `envelopeAttributes`, the local engine's labels) that
 * test/envelope/fields.test.ts holds to this table, as it holds the Collector
 * config (collector-config/otel-collector.yaml), `FactlineEvent`
 * (test/envelope/fields.types.test.ts) and the docs (docs/mapping.md,
 * docs/event-model.md). docs/architecture.md, "Where to make a change",
 * lists what a new field touches.
 */

/** An OpenTelemetry attribute name factline writes (a value of `ATTR`, src/wire.ts). */
export type AttributeName = (typeof ATTR)[keyof typeof ATTR];

/** One log-record attribute made from an envelope field. */
export interface EnvelopeAttribute {
  /** The attribute (src/wire.ts `ATTR`); Loki stores it as structured metadata, dots written as underscores. */
  readonly name: AttributeName;
  /** Its OTLP value type: `string`, `int` (intValue) or `bool`. */
  readonly type: 'string' | 'int' | 'bool';
  /**
   * Where its value comes from, relative to the field:
   * `''` the field's value; `member:<name>` a member of it (`member:model`
   * of `source`); `group:<name>` a named group of the EventID grammar
   * (`domain`, `entity`, `action`, `version`); `false` the constant `false`,
   * set when the field is present; `json:<member>` the JSON text of a
   * member; `eventType` the event's type in the catalog (its wire name), not
   * the envelope.
   */
  readonly from: '' | 'false' | 'eventType' | `member:${string}` | `group:${string}` | `json:${string}`;
  /** When the SDK sets it (the "present" column of docs/mapping.md, "Attributes"). */
  readonly present: string;
  /**
   * Whether the Collector's `file_log` route sets it from an events.jsonl
   * line too, so that a line and an OTLP record of the same event carry it
   * alike; false when the line holds nothing it could come from.
   */
  readonly fromFile: boolean;
}

/**
 * A part of the OpenTelemetry log record other than its attributes that a
 * field fills: `Timestamp`, `ObservedTimestamp`, `Severity` (SeverityNumber
 * and SeverityText), `TraceId`, `SpanId`, `Body`, `EventName` (the EventID
 * without its version), `service.name` (the resource attribute, from the
 * SDK's resource or the line's field).
 */
export type LogRecordPart = 'Timestamp' | 'ObservedTimestamp' | 'Severity' | 'TraceId' | 'SpanId' | 'Body' | 'EventName' | 'service.name';

/** One field of `FactlineEvent`. */
export interface EnvelopeField {
  /** Its name in the envelope and its JSON key in events.jsonl. */
  readonly name: string;
  /** Its JSON type, as docs/mapping.md writes it: `int`, `string`, `object`, `any`. */
  readonly type: 'int' | 'string' | 'object' | 'any';
  /** Whether every event has it; an optional field is left out of the line when absent, never written as `null`. */
  readonly required: boolean;
  /** What it holds: the "meaning" column of docs/mapping.md, "The event (envelope)". */
  readonly doc: string;
  /** The log-record part it fills, if any besides attributes. */
  readonly record?: LogRecordPart;
  /** The log-record attributes made from it. */
  readonly attributes: readonly EnvelopeAttribute[];
  /**
   * Loki names it has besides its attributes': the stream label
   * `service_name`, and the structured metadata Loki makes of record fields
   * (`severity_text`, `trace_id`, `observed_timestamp`, …, and `event_name`,
   * which the Collector copies from the EventName).
   */
  readonly loki: readonly string[];
}

/**
 * Every field of the envelope (`FactlineEvent`), in the order of its type and
 * of the JSON keys of an events.jsonl line.
 */
export const ENVELOPE_FIELDS = [
  {
    name: 'schema_version',
    type: 'int',
    required: true,
    doc: 'version of this envelope shape; `1`',
    attributes: [{ name: ATTR.EVENT_SCHEMA_VERSION, type: 'int', from: '', present: 'always', fromFile: true }],
    loki: [],
  },
  {
    name: 'id',
    type: 'string',
    required: true,
    doc: "the event instance's id, a UUIDv7 (RFC 9562): sortable by creation time, strictly increasing within one process",
    attributes: [{ name: ATTR.EVENT_INSTANCE_ID, type: 'string', from: '', present: 'always: the envelope `id`', fromFile: true }],
    loki: [],
  },
  {
    name: 'event_id',
    type: 'string',
    required: true,
    doc: 'the EventID, `domain.entity.action:version`',
    record: 'EventName',
    attributes: [
      { name: ATTR.EVENT_ID, type: 'string', from: '', present: 'always: `auth.user.login:1`', fromFile: true },
      { name: ATTR.EVENT_DOMAIN, type: 'string', from: 'group:domain', present: 'always', fromFile: true },
      { name: ATTR.EVENT_ENTITY, type: 'string', from: 'group:entity', present: 'always', fromFile: true },
      { name: ATTR.EVENT_ACTION, type: 'string', from: 'group:action', present: 'always', fromFile: true },
      { name: ATTR.EVENT_VERSION, type: 'int', from: 'group:version', present: 'always', fromFile: true },
      {
        name: ATTR.EVENT_WIRE_NAME,
        type: 'string',
        from: 'eventType',
        present: "when the catalog gives the event a wire name other than `domain.entity.action` (Intent's `event_type`)",
        fromFile: false,
      },
    ],
    loki: ['event_name'],
  },
  {
    name: 'time',
    type: 'string',
    required: true,
    doc: "ISO 8601 UTC, millisecond precision: when the fact happened (`emit`'s `time` option, else now)",
    record: 'Timestamp',
    attributes: [],
    loki: [],
  },
  {
    name: 'observed_time',
    type: 'string',
    required: true,
    doc: 'when factline recorded it',
    record: 'ObservedTimestamp',
    attributes: [],
    loki: ['observed_timestamp'],
  },
  {
    name: 'service_name',
    type: 'string',
    required: true,
    doc:
      "the OpenTelemetry `service.name`: the emitter's `serviceName` option (`setupFactline` passes its own), else `OTEL_SERVICE_NAME`, " +
      'else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:node`',
    record: 'service.name',
    attributes: [],
    loki: ['service_name'],
  },
  {
    name: 'catalog',
    type: 'string',
    required: true,
    doc: 'the name of the catalog that defines the event (the same value as the `factline.catalog` attribute)',
    attributes: [{ name: ATTR.CATALOG, type: 'string', from: '', present: "always: the catalog's name", fromFile: true }],
    loki: [],
  },
  {
    name: 'source',
    type: 'object',
    required: true,
    doc:
      'where it came from: `{type:"user", id?}`, `{type:"child_agent", model, name?}`, `{type:"tool", name}`, `{type:"runtime", name?}`, ' +
      '`{type:"external_outcome", name?}`, `{type:"manual_correction", id?}`',
    attributes: [
      { name: ATTR.SOURCE_TYPE, type: 'string', from: 'member:type', present: 'always', fromFile: true },
      { name: ATTR.SOURCE_MODEL, type: 'string', from: 'member:model', present: '`child_agent` sources', fromFile: true },
      {
        name: ATTR.SOURCE_NAME,
        type: 'string',
        from: 'member:name',
        present: '`tool`, and optionally `runtime`, `external_outcome`, `child_agent`',
        fromFile: true,
      },
      { name: ATTR.SOURCE_ID, type: 'string', from: 'member:id', present: 'optionally `user`, `manual_correction`', fromFile: true },
    ],
    loki: [],
  },
  {
    name: 'severity',
    type: 'string',
    required: true,
    doc: '`TRACE` `DEBUG` `INFO` `WARN` `ERROR` `FATAL` (see below)',
    record: 'Severity',
    attributes: [],
    loki: ['severity_text', 'severity_number'],
  },
  {
    name: 'trace_id',
    type: 'string',
    required: false,
    doc: 'W3C trace id, 32 lowercase hex',
    record: 'TraceId',
    attributes: [],
    loki: ['trace_id'],
  },
  {
    name: 'span_id',
    type: 'string',
    required: false,
    doc: 'W3C span id, 16 lowercase hex',
    record: 'SpanId',
    attributes: [],
    loki: ['span_id'],
  },
  {
    name: 'trace_key',
    type: 'string',
    required: false,
    doc: 'a domain trace key that is not a W3C id (`TRACE-015`)',
    attributes: [{ name: ATTR.TRACE_KEY, type: 'string', from: '', present: 'when the event has a domain trace key', fromFile: true }],
    loki: [],
  },
  {
    name: 'causation_id',
    type: 'string',
    required: false,
    doc: '`id` of the event that caused this one',
    attributes: [{ name: ATTR.CAUSATION_ID, type: 'string', from: '', present: 'when `emit` was given `causedBy`', fromFile: true }],
    loki: [],
  },
  {
    name: 'session_id',
    type: 'string',
    required: false,
    doc: 'the session',
    attributes: [{ name: ATTR.SESSION_ID, type: 'string', from: '', present: 'when a session id is set', fromFile: true }],
    loki: [],
  },
  {
    name: 'payload',
    type: 'any',
    required: true,
    doc: 'the payload as read once at `emit`, a plain JSON value (see "What is delivered" below)',
    record: 'Body',
    attributes: [],
    loki: [],
  },
  {
    name: 'invalid',
    type: 'object',
    required: false,
    doc: '`{issues: [...], issues_total?}`, only on an event delivered flagged (see "What is delivered"); at most 10 issues, `issues_total` when there were more',
    attributes: [
      { name: ATTR.VALID, type: 'bool', from: 'false', present: 'only `false`, only on events delivered flagged invalid', fromFile: true },
      {
        name: ATTR.VALIDATION_ISSUES,
        type: 'string',
        from: 'json:issues',
        present: 'JSON array of the issues (at most 10, see "Size limits"), with `factline.valid`',
        fromFile: true,
      },
      {
        name: ATTR.VALIDATION_ISSUES_TOTAL,
        type: 'int',
        from: 'member:issues_total',
        present: 'how many issues there were, only when more than `factline.validation.issues` carries',
        fromFile: true,
      },
    ],
    loki: [],
  },
] as const satisfies readonly EnvelopeField[];

/** The name of an envelope field. */
export type EnvelopeFieldName = (typeof ENVELOPE_FIELDS)[number]['name'];

/** The field names, in the table's order (the key order of an events.jsonl line). */
export const ENVELOPE_FIELD_NAMES: readonly EnvelopeFieldName[] = ENVELOPE_FIELDS.map((f) => f.name);

/** An attribute's name as Loki stores it: `factline.event.id` is `factline_event_id`. */
export function lokiName(attribute: string): string {
  return attribute.replace(/\./g, '_');
}
