/**
 * Durable delivery of OTLP log records and spans (store and forward, disk
 * spool, dead letters; docs/collector.md, "Delivery guarantees, end to end").
 * `setupFactline` and `createOtelPipeline` build these for their own
 * pipeline. A service that runs its own OpenTelemetry SDK (NodeSDK, a
 * `LoggerProvider`) plugs the two processors in itself: they, their transport
 * and their options are exported from the package root, `factline` (README,
 * "Durable delivery in your own SDK").
 */
export { DurableLogRecordProcessor } from './durable-log-record-processor.js';
export { DurableSpanProcessor } from './durable-span-processor.js';
export type { DeliveryStats, DurableDeliveryOptions } from './delivery-options.js';
export { createOtlpHttpTransport, type OtlpHttpTransportOptions } from './otlp-http-transport.js';
export type { LogTransport, SendOutcome } from './send-outcome.js';
export type { OtlpEncoding } from './otlp-protobuf.js';
export type { SpoolOptions } from './spool.js';
export type { BackoffOptions } from './backoff.js';
