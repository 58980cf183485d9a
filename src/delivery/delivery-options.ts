import type { BackoffOptions } from './backoff.js';
import type { LogRecordJson, RequestShape } from './otlp-json.js';
import type { SpoolOptions } from './spool.js';

/**
 * What differs between log records and spans: how a batch is serialised,
 * the request's shape, and what identifies one record in a dead letter.
 */
export interface SignalCodec<T> {
  /** For messages and `details.signal`. */
  readonly signal: 'logs' | 'traces';
  /** Plural noun for messages: `log records`, `spans`. */
  readonly noun: string;
  readonly shape: RequestShape;
  /** OTLP JSON request body of a batch (the OTel JS serializer). */
  serialize(items: T[]): Uint8Array | undefined;
  /** The id a dead letter names a record by. */
  idOf(record: LogRecordJson): string | undefined;
}

/** Options of durable delivery (`DurableLogRecordProcessor`, `DurableSpanProcessor`); every one has a default. */
export interface DurableDeliveryOptions {
  /** Records per OTLP request. Default 1024. */
  maxExportBatchSize?: number;
  /** Longest a record waits for its batch to fill, in ms. Default 1000. */
  scheduledDelayMillis?: number;
  /**
   * Most bytes of serialised batches held in memory. Past it, batches go to
   * the spool, or, without one, the newest batch is dropped and reported
   * (`FACTLINE_BUFFER_FULL`). Default 64 MiB.
   */
  maxBufferBytes?: number;
  /** Requests in flight while the endpoint answers. Default 4 (one probe at a time while it fails). */
  maxConcurrentExports?: number;
  /**
   * Time for one request, in ms. A request that times out is retried (the
   * endpoint may have taken it: at-least-once), and the timeout of every
   * later request doubles, up to `maxTimeoutMillis`, until answers come
   * quickly again. Default 10000, as `OTEL_EXPORTER_OTLP_TIMEOUT`.
   */
  timeoutMillis?: number;
  /** Cap of the doubled timeout, in ms. Default 120000. */
  maxTimeoutMillis?: number;
  /** Retry pacing; `Retry-After` wins when the endpoint sends it. */
  backoff?: BackoffOptions;
  /** Store and forward on disk. Default: none (memory only). */
  spool?: SpoolOptions;
  /**
   * Whether each spooled batch is fsync'ed before it counts as spooled.
   * Default false: a spooled batch survives the process being killed, not
   * a power loss in the seconds before the OS writes it back.
   */
  spoolFsync?: boolean;
  /** JSONL file for refused records. Default `<spool.dir>/dead-letters.jsonl`; none without a spool. */
  deadLetterPath?: string;
  /** How long `forceFlush` and `shutdown` wait for the endpoint, in ms. Default 5000: shorter than `shutdownOnSignals`' 10 s, so that what shutdown cannot deliver is still reported (`FACTLINE_UNDELIVERED_AT_SHUTDOWN`) before the process exits. */
  flushTimeoutMillis?: number;
}

/** Counters of durable delivery, in records (log records or spans). */
export interface DeliveryStats {
  /** Records handed to the processor. */
  received: number;
  /** Records the endpoint acknowledged (2xx, less partial-success rejections). */
  delivered: number;
  /** Records in memory, not yet acknowledged. */
  pending: number;
  /** Records on disk in the spool, not yet acknowledged. */
  spooled: number;
  /** Records the endpoint refused, written to the dead-letter file. */
  deadLettered: number;
  /** Records the endpoint rejected in a partial success. */
  rejected: number;
  /** Records dropped: buffer full, spool full, undelivered at shutdown. Each drop was reported. */
  dropped: number;
  /** Records found in the spool when the processor started (left by an earlier process). */
  replayed: number;
  /** Failed export attempts (each retried). */
  retries: number;
  /** Bytes of batches in memory and on disk. */
  bufferBytes: number;
  spoolBytes: number;
  /** False from a failed attempt until the next acknowledged one. */
  endpointHealthy: boolean;
}
