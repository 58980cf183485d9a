/**
 * Every wire string factline puts on OpenTelemetry data or in files.
 *
 * These names are part of the public contract: the Collector config, the Loki
 * queries and the Grafana dashboards all depend on them. `test/wire.test.ts`
 * pins every value with a snapshot so a rename cannot leak out unnoticed.
 * Each `ATTR` belongs to one envelope field of `ENVELOPE_FIELDS`
 * (src/envelope/fields.ts), which says where its value comes from and
 * whether the Collector carries it from an events.jsonl line.
 *
 * Loki turns dots into underscores when it stores OTLP attributes as
 * structured metadata: `factline.event.version` is queried as
 * `factline_event_version`. `docs/mapping.md` lists both spellings.
 */
export const ATTR = {
  /** The full EventID, e.g. `auth.user.login:1`. */
  EVENT_ID: 'factline.event.id',
  EVENT_DOMAIN: 'factline.event.domain',
  EVENT_ENTITY: 'factline.event.entity',
  EVENT_ACTION: 'factline.event.action',
  /** Integer version of the EventID. */
  EVENT_VERSION: 'factline.event.version',
  /** The event instance's own id (UUIDv7). */
  EVENT_INSTANCE_ID: 'factline.event.instance_id',
  /** Version of the factline envelope the event was built with. */
  EVENT_SCHEMA_VERSION: 'factline.event.schema_version',
  /** A catalog's own wire name when it differs from the EventID (Intent's `event_type`). */
  EVENT_WIRE_NAME: 'factline.event.wire_name',
  /** Name of the catalog that defined the event. */
  CATALOG: 'factline.catalog',
  SOURCE_TYPE: 'factline.source.type',
  SOURCE_MODEL: 'factline.source.model',
  SOURCE_NAME: 'factline.source.name',
  SOURCE_ID: 'factline.source.id',
  /** A domain-level trace key that is not a W3C trace id, e.g. Intent's `TRACE-015`. */
  TRACE_KEY: 'factline.trace_key',
  /** Instance id of the event that caused this one (docs/event-model.md, "Causation"). */
  CAUSATION_ID: 'factline.causation_id',
  /** OpenTelemetry semantic convention `session.id`. */
  SESSION_ID: 'session.id',
  /** `false` when the payload failed validation in `report` mode; absent otherwise. */
  VALID: 'factline.valid',
  /** JSON array of validation issues (at most 10), present only when `factline.valid` is false. */
  VALIDATION_ISSUES: 'factline.validation.issues',
  /** How many issues there were, when more than `factline.validation.issues` carries. */
  VALIDATION_ISSUES_TOTAL: 'factline.validation.issues_total',
} as const;

/** Attributes only span events carry. */
export const SPAN_EVENT_ATTR = {
  /** Payload fields left out because the span event reached its attribute count limit. */
  DROPPED_PAYLOAD_FIELDS: 'factline.span_event.dropped_payload_fields',
} as const;

/** Instrumentation scope under which factline creates its loggers and tracers. */
export const INSTRUMENTATION_SCOPE = 'factline';

/** Attribute the Collector's transform processor fills from the LogRecord event name. */
export const LOKI_EVENT_NAME_ATTR = 'event_name';

/** Version of the envelope (the JSON shape of an event) this code writes. */
export const ENVELOPE_SCHEMA_VERSION = 1;
