import { ATTR, LOKI_EVENT_NAME_ATTR } from '../wire.js';

/*
 * The label, metadata and attribute names the queries use. They are fixed
 * here, derived from src/wire.ts where they are factline's own, and never
 * taken from user input, so a value can never change a query's shape.
 * docs/mapping.md is the contract; the tests check these spellings against it.
 */

/** Loki's spelling of an OTLP attribute: dots become underscores (docs/mapping.md). */
export type LokiSpelling<S extends string> = S extends `${infer Head}.${infer Tail}` ? `${Head}_${LokiSpelling<Tail>}` : S;

function loki<S extends string>(attribute: S): LokiSpelling<S> {
  return attribute.replaceAll('.', '_') as LokiSpelling<S>;
}

/** Index labels and structured metadata as Loki 3 stores factline's records. */
export const LOKI = {
  /** Index label from the resource attribute `service.name`. */
  SERVICE_NAME: 'service_name',
  /** Added by the Collector from the LogRecord's EventName: `contract.assertion.failed`. */
  EVENT_NAME: LOKI_EVENT_NAME_ATTR,
  EVENT_ID: loki(ATTR.EVENT_ID),
  EVENT_DOMAIN: loki(ATTR.EVENT_DOMAIN),
  EVENT_ENTITY: loki(ATTR.EVENT_ENTITY),
  EVENT_ACTION: loki(ATTR.EVENT_ACTION),
  EVENT_VERSION: loki(ATTR.EVENT_VERSION),
  SOURCE_TYPE: loki(ATTR.SOURCE_TYPE),
  SOURCE_MODEL: loki(ATTR.SOURCE_MODEL),
  SOURCE_NAME: loki(ATTR.SOURCE_NAME),
  TRACE_KEY: loki(ATTR.TRACE_KEY),
  VALID: loki(ATTR.VALID),
  VALIDATION_ISSUES: loki(ATTR.VALIDATION_ISSUES),
  /** The LogRecord's trace id (32 hex digits), structured metadata. */
  TRACE_ID: 'trace_id',
  SPAN_ID: 'span_id',
} as const;

/** A label or structured-metadata name a query may use. */
export type LokiName = (typeof LOKI)[keyof typeof LOKI];

/** TraceQL attribute paths: scope, then the OTel attribute name. */
export const TRACEQL = {
  SERVICE_NAME: 'resource.service.name',
  TRACE_KEY: `span.${ATTR.TRACE_KEY}`,
  EVENT_ID: `event.${ATTR.EVENT_ID}`,
} as const;

/** A TraceQL attribute path: factline's own, or an event or span attribute a catalog defines. */
export type TraceqlAttribute = (typeof TRACEQL)[keyof typeof TRACEQL] | `event.${string}` | `span.${string}`;

/** The `event_name` (and span event name) of an EventID: the id without its version. */
export function eventNameOf(id: string): string {
  const colon = id.lastIndexOf(':');
  return colon === -1 ? id : id.slice(0, colon);
}
