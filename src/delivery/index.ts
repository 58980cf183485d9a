export { DurableLogRecordProcessor } from './durable-log-record-processor.js';
export { DurableSpanProcessor } from './durable-span-processor.js';
export type { DeliveryStats, DurableDeliveryOptions } from './delivery-options.js';
export { createOtlpHttpTransport, parseRetryAfter, type OtlpHttpTransportOptions } from './otlp-http-transport.js';
export type { LogTransport, SendOutcome } from './send-outcome.js';
export type { SpoolOptions } from './spool.js';
export type { BackoffOptions } from './backoff.js';
