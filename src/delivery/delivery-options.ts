import { checkOptionNames, optionNames } from '../option-names.js';
import type { BackoffOptions } from './backoff.js';
import type { LogRecordJson, RequestShape } from './otlp-json.js';
import type { OtlpEncoding } from './otlp-protobuf.js';
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
  /** The request body of a batch in an encoding (the OTel JS `Protobuf…Serializer` or `Json…Serializer`). */
  serialize(items: T[], encoding: OtlpEncoding): Uint8Array | undefined;
  /** The id a dead letter names a record by (from the record's OTLP JSON, whatever the encoding it was sent in). */
  idOf(record: LogRecordJson): string | undefined;
}

/** Options of durable delivery (`DurableLogRecordProcessor`, `DurableSpanProcessor`); every one has a default. */
export interface DurableDeliveryOptions {
  /**
   * The body encoding of the requests: `'protobuf'` (OTLP/HTTP binary
   * protobuf, `Content-Type: application/x-protobuf`, the encoding of the
   * specification's default protocol `http/protobuf`) or `'json'` (OTLP
   * JSON, `application/json`, protocol `http/json`). Default `'protobuf'`.
   * Each batch keeps the encoding it was made in, in memory and in its
   * spool file, and is sent with that `Content-Type`: a spool written
   * under one encoding is replayed as it was written under the other.
   * Dead letters are OTLP JSON either way.
   */
  encoding?: OtlpEncoding;
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
   * tenth of its serialised size or less (~40 B per record for a typical
   * nested event in protobuf, ~80 B in OTLP JSON, so a burst of 200,000
   * such records fits the default).
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

/** How a value reads in a set-up error: strings quoted, objects named by kind. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/**
 * A path or name option: a string that is not empty and not only
 * whitespace. An empty path would write nowhere without a word.
 *
 * @throws Error naming the option and the value.
 */
export function checkPathOption(name: string, v: unknown): void {
  if (typeof v !== 'string' || v.trim() === '') {
    throw new Error(`${name}: ${describeValue(v)} is not allowed; pass a non-empty path`);
  }
}

const DELIVERY_COUNTS = ['maxExportBatchSize', 'maxConcurrentExports'] as const;
const DELIVERY_AMOUNTS = [
  'scheduledDelayMillis',
  'maxBufferBytes',
  'timeoutMillis',
  'maxTimeoutMillis',
  'probeTimeoutMillis',
  'parkAfterAttempts',
  'parkedRetryMillis',
  'deadLetterMaxBytes',
  'flushTimeoutMillis',
] as const;
const BACKOFF_AMOUNTS = ['initialMillis', 'multiplier', 'maxMillis', 'randomizationFactor'] as const;

/** Every name of the option objects, held to their interfaces at compile time (src/option-names.ts). */
const DELIVERY_OPTION_NAMES = optionNames<DurableDeliveryOptions>()([
  'encoding',
  'maxExportBatchSize',
  'scheduledDelayMillis',
  'maxBufferBytes',
  'maxConcurrentExports',
  'timeoutMillis',
  'maxTimeoutMillis',
  'probeTimeoutMillis',
  'parkAfterAttempts',
  'parkedRetryMillis',
  'backoff',
  'spool',
  'spoolFsync',
  'deadLetterPath',
  'deadLetterMaxBytes',
  'fileMode',
  'flushTimeoutMillis',
]);
const BACKOFF_OPTION_NAMES = optionNames<BackoffOptions>()(['initialMillis', 'multiplier', 'maxMillis', 'randomizationFactor']);
const SPOOL_OPTION_NAMES = optionNames<SpoolOptions>()(['dir', 'maxBytes']);

/**
 * Checks the durable delivery options at set-up, so that a typo fails at
 * once instead of behaving like a default or writing nowhere. `prefix`
 * names where they were given (`delivery.` under `setupFactline`).
 *
 * @throws Error naming the option (with `prefix`), the value and what is allowed.
 * @example
 * checkDeliveryOptions({ deadLetterPath: '' }, 'delivery.');
 * // Error: delivery.deadLetterPath: "" is not allowed; pass a non-empty path
 */
export function checkDeliveryOptions(o: DurableDeliveryOptions | undefined, prefix = ''): void {
  if (o === undefined) return;
  const fail = (name: string, v: unknown, want: string): never => {
    throw new Error(`${prefix}${name}: ${describeValue(v)} is not allowed; ${want}`);
  };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(prefix === '' ? 'options' : prefix.slice(0, -1), o, 'pass an object');
  checkOptionNames(o, DELIVERY_OPTION_NAMES, prefix, 'the delivery options');
  if (o.backoff !== undefined && typeof o.backoff === 'object' && o.backoff !== null)
    checkOptionNames(o.backoff, BACKOFF_OPTION_NAMES, `${prefix}backoff.`, 'the backoff options');
  for (const name of DELIVERY_COUNTS) {
    const v = o[name];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) fail(name, v, 'pass a whole number ≥ 1');
  }
  for (const name of DELIVERY_AMOUNTS) {
    const v = o[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(name, v, 'pass a finite number ≥ 0');
  }
  if (o.deadLetterPath !== undefined) checkPathOption(`${prefix}deadLetterPath`, o.deadLetterPath);
  if (o.encoding !== undefined && o.encoding !== 'protobuf' && o.encoding !== 'json') fail('encoding', o.encoding, "pass 'protobuf' or 'json'");
  if (o.spoolFsync !== undefined && typeof o.spoolFsync !== 'boolean') fail('spoolFsync', o.spoolFsync, 'pass true or false');
  if (o.fileMode !== undefined) checkFileMode(`${prefix}fileMode`, o.fileMode);
  if (o.backoff !== undefined) {
    if (typeof o.backoff !== 'object' || o.backoff === null || Array.isArray(o.backoff))
      fail('backoff', o.backoff, 'pass { initialMillis?, multiplier?, maxMillis?, randomizationFactor? }');
    for (const name of BACKOFF_AMOUNTS) {
      const v = o.backoff[name];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(`backoff.${name}`, v, 'pass a finite number ≥ 0');
    }
  }
  if (o.spool !== undefined) checkSpoolOption(o.spool, `${prefix}spool`);
}

/**
 * The `spool` option: `{ dir, maxBytes? }` with a non-empty `dir` (or
 * `false` where the caller allows it).
 *
 * @throws Error naming the option and the value.
 */
export function checkSpoolOption(spool: unknown, name = 'spool'): void {
  if (typeof spool !== 'object' || spool === null || Array.isArray(spool)) {
    throw new Error(`${name}: ${describeValue(spool)} is not allowed; pass { dir, maxBytes? }`);
  }
  checkOptionNames(spool, SPOOL_OPTION_NAMES, `${name}.`, 'the spool option');
  const s = spool as { dir?: unknown; maxBytes?: unknown };
  checkPathOption(`${name}.dir`, s.dir);
  if (s.maxBytes !== undefined && !(typeof s.maxBytes === 'number' && Number.isFinite(s.maxBytes) && s.maxBytes > 0)) {
    throw new Error(`${name}.maxBytes: ${describeValue(s.maxBytes)} is not allowed; pass a number of bytes > 0`);
  }
}

/**
 * A file permission option: a whole number from `0` to `0o777`.
 *
 * @throws Error naming the option and the value.
 */
export function checkFileMode(name: string, v: unknown): void {
  if (!(Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 0o777)) {
    throw new Error(`${name}: ${describeValue(v)} is not allowed; pass permission bits from 0o000 to 0o777, e.g. 0o600`);
  }
}
