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
  /**
   * Longest a record waits for its batch to fill, in ms. Default 1000. With
   * a spool this is also the window in which a record is only in memory:
   * every batch is written to the spool when it is sealed, before it is
   * sent, whatever the endpoint does.
   */
  scheduledDelayMillis?: number;
  /**
   * Most bytes of serialised batches held in memory, counted as they are
   * held: a batch that cannot be sent at once (every request slot busy, a
   * burst, an endpoint that fails) is held gzip-compressed, at about a
   * tenth of its OTLP JSON size or less (~80 B per record for a typical
   * nested event, so a burst of 200,000 such records fits the default).
   * Past it, batches wait in the spool only (read back to be sent), or,
   * without one, the newest batch is dropped and reported
   * (`FACTLINE_BUFFER_FULL`). Default 64 MiB.
   */
  maxBufferBytes?: number;
  /** Requests in flight while the endpoint answers. Default 4 (one probe at a time while it fails). */
  maxConcurrentExports?: number;
  /**
   * Time for one request, in ms. A request that times out is retried (the
   * endpoint may have taken it: at-least-once), and the timeout of every
   * later request doubles, up to `maxTimeoutMillis`, until answers come
   * quickly again: an endpoint that is slow but answering is not sent every
   * batch twice. Default 10000, as `OTEL_EXPORTER_OTLP_TIMEOUT`.
   */
  timeoutMillis?: number;
  /** Cap of the doubled timeout, in ms. Default 120000. */
  maxTimeoutMillis?: number;
  /**
   * The probe rule for an endpoint that hung (takes connections, never
   * answers): while a request has waited longer than `timeoutMillis`, an
   * empty OTLP request (no records) is sent every `probeTimeoutMillis`,
   * with that timeout. When one is answered, the endpoint answers again:
   * requests still waiting on it are abandoned and sent again at once
   * (at-least-once), with the timeout back at `timeoutMillis`. So delivery
   * resumes within about twice this of the endpoint answering again,
   * however far the timeout had doubled. Default 2000.
   */
  probeTimeoutMillis?: number;
  /**
   * Failed attempts after which one batch stops holding back the ones
   * behind it: it is parked (in the spool, or in memory without one),
   * reported once as `FACTLINE_BATCH_PARKED`, and retried once every
   * `parkedRetryMillis` while later batches go out. Default 10.
   */
  parkAfterAttempts?: number;
  /** How often a parked batch is tried again, in ms. Default 60000. */
  parkedRetryMillis?: number;
  /** Retry pacing; a usable `Retry-After` (a positive number of seconds or a future date, at most 60 s) wins when the endpoint sends one. */
  backoff?: BackoffOptions;
  /** Store and forward on disk. Default: none (memory only). */
  spool?: SpoolOptions;
  /**
   * Whether each spooled batch is fsync'ed before it counts as spooled.
   * Default false: a spooled batch survives the process being killed, not
   * a power loss in the seconds before the OS writes it back.
   */
  spoolFsync?: boolean;
  /** JSONL file for refused records. Default `<spool.dir>/dead-letters-<signal>.jsonl`; none without a spool. */
  deadLetterPath?: string;
  /**
   * Bound of the dead-letter file, in bytes. A write that would take it
   * past this renames it to `<deadLetterPath>.1` (replacing the previous
   * `.1`) and starts a new one; the records of a replaced `.1` are counted
   * and reported as `FACTLINE_DEAD_LETTER_DISCARDED`. Default 32 MiB.
   */
  deadLetterMaxBytes?: number;
  /**
   * Permissions of the spool files and the dead-letter file, which hold
   * payloads; the directories created for them get the matching search
   * bits. Default `0o600` (owner only; directories `0o700`).
   */
  fileMode?: number;
  /**
   * How long `forceFlush` and `shutdown` wait for the endpoint, in ms.
   * Default 5000. `shutdown` then sends nothing new and waits up to half
   * this long again for the answers to requests already sent, since the endpoint
   * may have taken them: their records are counted by the answer, never
   * both delivered and dropped. A request with no answer even then is
   * dropped and reported (`FACTLINE_UNDELIVERED_AT_SHUTDOWN`,
   * `details.unanswered: true`: it may still have arrived). A shutdown
   * thus takes at most 1.5 times this long (7.5 s by default, under
   * `shutdownOnSignals`' 10 s, so that the report is made before the
   * process exits).
   */
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
  /** Records the endpoint refused, or found in a damaged spool file, written to the dead-letter file. */
  deadLettered: number;
  /** Records the endpoint rejected in a partial success. */
  rejected: number;
  /** Records dropped: buffer full, spool full, undelivered at shutdown. Each drop was reported. */
  dropped: number;
  /** Records found in the spool when the processor started (left by an earlier process). */
  replayed: number;
  /** Failed export attempts (each retried). */
  retries: number;
  /** Requests abandoned by the probe rule (stuck on an endpoint that hung and answers again), each sent again at once. */
  abandoned: number;
  /** Records in parked batches (refused with a retryable answer `parkAfterAttempts` times), retried every `parkedRetryMillis`. */
  parked: number;
  /** Bytes of batches in memory and on disk. */
  bufferBytes: number;
  spoolBytes: number;
  /** False from a failed attempt until the next acknowledged one. */
  endpointHealthy: boolean;
  /** False from a failed spool write until a retry (every 5 s) writes again. */
  spoolWritable: boolean;
}
