/**
 * `factline/intent`: the built-in catalog of the Intent loop's events
 * (docs/intent.md) and everything an Intent deployment needs around it, in
 * one place: set-up, the loop's trace and spans, the heartbeat, Intent's
 * flat `events.jsonl` (write, read, import) and the queries over the loop.
 */
export { intentCatalog, INTENT_FIELD_ORDER, INTENT_EVENT_ID_BY_WIRE_NAME } from './catalog.js';
export type { IntentEntries, IntentEventId } from './catalog.js';
export { INTENT } from './events.js';
export { setupIntent } from './setup-intent.js';
export type { IntentFactline, IntentOptions } from './setup-intent.js';
export { createIntentTracing } from './tracing.js';
export type { IntentTracing, IntentTracingOptions } from './tracing.js';
export { INTENT_SPANS, INTENT_SPAN_ATTR } from './span-names.js';
export { startHeartbeat, memoryUsagePercent } from './heartbeat.js';
export type { Heartbeat, HeartbeatOptions } from './heartbeat.js';
export { emitSystemErrors, SYSTEM_ERROR_TYPES } from './system-errors.js';
export { toIntentFlat, createIntentFileSink, INTENT_EVENTS_FILE } from './flat.js';
export { intentFlatFormat } from './flat-format.js';
export { parseIntentLine, readIntentFile, importIntentEvents, INTENT_EVENT_TYPES } from './flat-read.js';
export type { IntentEmitTarget, IntentImportResult, IntentLine, IntentLineError, IntentLineIssue, IntentLineIssueCode, IntentLineResult } from './flat-read.js';
export {
  signalsBySource,
  countByEvent,
  payloadFigure,
  trustScoreBySignal,
  clusterSizes,
  promotionsAndDismissals,
  contractDurationQuantile,
  contractsByAgent,
  assertionPassRate,
  assertionPassRateByName,
  failingAssertions,
  FAILING_ASSERTION_FIELDS,
  systemErrorsByCode,
  healthFigure,
} from './queries.js';
export type { HealthFigure } from './queries.js';
export { failingAssertionSpans, errorContractSpans, contractSpans, INTENT_TRACEQL } from './trace-queries.js';
