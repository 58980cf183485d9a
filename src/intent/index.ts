/** The built-in catalog of Intent's events (seed 001) and what an Intent deployment needs around it. */
export { intentCatalog, INTENT_FIELD_ORDER, INTENT_EVENT_ID_BY_WIRE_NAME } from './catalog.js';
export type { IntentEntries, IntentEventId } from './catalog.js';
export { setupIntent } from './setup.js';
export type { IntentFactline, IntentOptions } from './setup.js';
export { createIntentTracing } from './tracing.js';
export type { IntentTracing, IntentTracingOptions } from './tracing.js';
export { startHeartbeat, memoryUsagePercent } from './heartbeat.js';
export type { Heartbeat, HeartbeatOptions } from './heartbeat.js';
export { emitSystemErrors, SYSTEM_ERROR_TYPES } from './system-errors.js';
export { toIntentFlat, createIntentFileSink } from './flat.js';
