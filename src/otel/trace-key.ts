/*
 * The trace-key hashing is core (the emitter uses it without the OTel
 * adapter); it is re-exported here for the OpenTelemetry entry point.
 */
export { idsForTraceKey } from '../trace/trace-key.js';
