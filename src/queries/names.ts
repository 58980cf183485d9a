import type { IntentEventId } from '../intent/catalog.js';
import { ATTR, LOKI_EVENT_NAME_ATTR } from '../wire.js';

/*
 * The label, metadata and attribute names the queries use. They are fixed
 * here, derived from src/wire.ts where they are factline's own, and never
 * taken from user input (issue 5). docs/mapping.md is the contract; the
 * tests check these spellings against it.
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
  EVENT_INSTANCE_ID: loki(ATTR.EVENT_INSTANCE_ID),
  CAUSATION_ID: loki(ATTR.CAUSATION_ID),
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
  /** Span attributes set by src/intent/tracing.ts on `intent.contract` spans. */
  CONTRACT_ID: 'span.intent.contract_id',
  AGENT: 'span.intent.agent',
} as const;

export type TraceqlAttribute = (typeof TRACEQL)[keyof typeof TRACEQL] | `event.${string}`;

/** Span names of the Intent loop (src/intent/tracing.ts). */
export const INTENT_SPANS = {
  LOOP: 'intent.loop',
  INTENT: 'intent.intent',
  SPEC: 'intent.spec',
  CONTRACT: 'intent.contract',
} as const;

/** The Intent EventIDs the queries refer to, checked against the catalog by the compiler. */
export const INTENT = {
  SIGNAL_CREATED: 'signal.signal.created:1',
  SIGNAL_ENRICHED: 'signal.signal.enriched:1',
  SIGNAL_CLUSTERED: 'signal.signal.clustered:1',
  SIGNAL_PROMOTED: 'signal.signal.promoted:1',
  SIGNAL_DISMISSED: 'signal.signal.dismissed:1',
  INTENT_PROPOSED: 'intent.intent.proposed:1',
  INTENT_ACCEPTED: 'intent.intent.accepted:1',
  SPEC_CREATED: 'spec.spec.created:1',
  SPEC_APPROVED: 'spec.spec.approved:1',
  CONTRACT_STARTED: 'contract.contract.started:1',
  ASSERTION_PASSED: 'contract.assertion.passed:1',
  ASSERTION_FAILED: 'contract.assertion.failed:1',
  CONTRACT_COMPLETED: 'contract.contract.completed:1',
  SYSTEM_HEALTH: 'system.health.reported:1',
  SYSTEM_ERROR: 'system.error.raised:1',
} as const satisfies Record<string, IntentEventId>;

/** The `event_name` (and span event name) of an EventID: the id without its version. */
export function eventNameOf(id: string): string {
  const colon = id.lastIndexOf(':');
  return colon === -1 ? id : id.slice(0, colon);
}
