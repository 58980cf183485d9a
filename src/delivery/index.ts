export { DurableLogRecordProcessor, type DeliveryStats, type DurableDeliveryOptions } from './durable-log-record-processor.js';
export { createOtlpHttpTransport, parseRetryAfter, type OtlpHttpTransportOptions } from './otlp-http-transport.js';
export type { LogTransport, SendOutcome } from './send-outcome.js';
export type { SpoolOptions } from './spool.js';
export type { BackoffOptions } from './backoff.js';
