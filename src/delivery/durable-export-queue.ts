import { join } from 'node:path';
import type { ProblemDetails, RuntimeProblem, RuntimeProblemCode } from '../problems.js';
import { nextBackoffMs } from './backoff.js';
import { tryParse, writeDeadLetters, type DeadLetterReason } from './dead-letter-file.js';
import { checkDeliveryOptions, type DeliveryStats, type DurableDeliveryOptions, type SignalCodec } from './delivery-options.js';
import { gunzipBody, gzipBody } from './gzip.js';
import { encodeRequest, splitRequest } from './otlp-json.js';
import { splitProtobufRequest, type OtlpEncoding } from './otlp-protobuf.js';
import type { LogTransport, SendOutcome } from './send-outcome.js';
import { DEFAULT_FILE_MODE, Spool, SpoolFileDamaged, type DamagedSpoolFile, type SpoolEntry } from './spool.js';

interface Batch {
  /** Delivery order: a zero-padded sequence, then `a`/`b` per split. */
  key: string;
  count: number;
  /** Bytes of the request body as serialised (what the spool holds). */
  bytes: number;
  /** The body's encoding, which it is sent (`Content-Type`), spooled and split in. */
  encoding: OtlpEncoding;
  /**
   * The request body while in memory (with a spool: a copy of the spool
   * file's, while the memory budget allows): as serialised, or
   * gzip-compressed when `gzipped` (see `compact`).
   */
  body?: Uint8Array;
  /** Whether `body` is the gzip (RFC 1952) of the request body. */
  gzipped?: boolean;
  /** Bytes `body` takes in memory while it counts against `maxBufferBytes` (its real size, compressed or not). */
  held?: number;
  /** The spool file once on disk. */
  entry?: SpoolEntry;
  /** Whether its body counts against `maxBufferBytes`. */
  counted?: boolean;
  /** Failed attempts in a row. */
  attempts: number;
  /** When its first failure of the current run of failures happened (ms). */
  firstFailedAt?: number;
  /** Parked: not before this time (ms). */
  retryAt?: number;
  /** Whether it was parked while other batches went through (refused on its own). */
  refusedAlone?: boolean;
  /** Whether its parking was reported. */
  reportedParked?: boolean;
}

const keyOf = (seq: number) => `${String(seq).padStart(12, '0')}-`;
/** The empty export request a probe sends, for logs and traces alike: no records (an empty protobuf message is a valid one). */
const EMPTY_REQUEST: Record<OtlpEncoding, Uint8Array> = { json: Buffer.from('{}', 'utf8'), protobuf: new Uint8Array(0) };
/** How often a spool that failed a write is tried again, in ms. */
export const SPOOL_RETRY_MILLIS = 5_000;

/**
 * Keeps every record (log record or span) until the OTLP endpoint has
 * acknowledged it; the engine of `DurableLogRecordProcessor` and
 * `DurableSpanProcessor`, which replace the SDK's batch processors (those
 * drop what does not fit their queue and a batch that failed its retries).
 *
 * - Records are batched (`maxExportBatchSize`, `scheduledDelayMillis`) and
 *   serialised once, in the `encoding` of the options (binary protobuf by
 *   default, or OTLP JSON); a batch keeps its encoding in memory and in
 *   the spool, and is sent with its `Content-Type`. A batch that cannot be
 *   sent at once (every request slot busy, a burst, an endpoint that
 *   fails) is held gzip-compressed, and `maxBufferBytes` counts the bytes
 *   it really takes: a burst of a few hundred thousand records fits the
 *   default 64 MiB. It goes out as is (`Content-Encoding: gzip`) when the
 *   transport compresses, else decompressed at send. With a spool, every
 *   batch is written to it when sealed (a self-checking file, see `Spool`),
 *   so a crash loses at most the records of batches not yet sealed; its
 *   body stays in memory too while `maxBufferBytes` allows. Without one,
 *   batches wait in memory up to `maxBufferBytes`. Batches are sent in
 *   order, up to `maxConcurrentExports` at a time (one while the endpoint
 *   fails); a restart replays the spool first.
 * - 429/502/503/504, other non-refusing statuses, timeouts and connection
 *   errors are retried with exponential backoff and jitter, or after a
 *   usable `Retry-After` (see `parseRetryAfter`); a batch is never sent
 *   again sooner than that delay after its own failure. A timed-out request
 *   may be delivered twice (each log record carries its instance id). A
 *   request stuck on an endpoint that hung is abandoned once an empty probe
 *   request is answered (`probeTimeoutMillis`).
 * - A batch that fails `parkAfterAttempts` times in a row is parked and
 *   retried every `parkedRetryMillis`, so it does not hold back the rest.
 * - A refused batch (400/413/422) is split in halves until the refused
 *   records are alone; those go to the dead-letter file with the reason. A
 *   spool file that fails its check goes there whole (`spool file damaged`).
 * - Nothing is dropped silently: a full buffer without a writable spool, a
 *   full spool, or shutdown without a spool drop the newest batch, counted
 *   in `stats().dropped` and reported with a problem code. A spool that
 *   failed a write is tried again every 5 s (`FACTLINE_SPOOL_RECOVERED`).
 */
export class DurableExportQueue<T> {
  private readonly batchSize: number;
  private readonly delayMs: number;
  private readonly maxBufferBytes: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly maxTimeoutMs: number;
  private readonly probeTimeoutMs: number;
  private readonly parkAfter: number;
  private readonly parkedRetryMs: number;
  private readonly flushTimeoutMs: number;
  private readonly fileMode: number;
  private readonly encoding: OtlpEncoding;
  private readonly spool: Spool | undefined;
  private readonly deadLetterPath: string | undefined;

  private pending: T[] = [];
  private sealTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setInterval> | undefined;
  private spoolTimer: ReturnType<typeof setInterval> | undefined;
  private parkTimer: ReturnType<typeof setTimeout> | undefined;
  /** Batches waiting, in key order. */
  private readonly queue: Batch[] = [];
  /** Parked batches, retried at their `retryAt`. */
  private readonly parked: Batch[] = [];
  /** Requests in flight: when each was sent, and how to abandon it. */
  private readonly inFlight = new Map<Batch, { sentAt: number; abort: AbortController }>();
  private seq = 0;
  /** The request timeout now: doubled after a timeout, halved again after quick answers. */
  private currentTimeoutMs: number;
  private failures = 0;
  private backoffUntil = 0;
  private lastAcceptedAt = 0;
  private probing = false;
  private healthy = true;
  /** No new record or request: shutdown has begun. */
  private closed = false;
  /** Shutdown has settled every batch: an answer arriving now changes nothing. */
  private finished = false;
  private spoolWritable = true;
  private readonly s = {
    received: 0,
    delivered: 0,
    deadLettered: 0,
    rejected: 0,
    dropped: 0,
    replayed: 0,
    retries: 0,
    abandoned: 0,
    bufferBytes: 0,
    spooledRecords: 0,
  };

  /**
   * Throws at set-up when the spool directory cannot be created (the error
   * names the directory and the file system's reason, e.g. `EROFS`) or is
   * held by another process (one process per spool), or when an option
   * has a value it cannot use (`checkDeliveryOptions`).
   */
  constructor(
    private readonly codec: SignalCodec<T>,
    private readonly transport: LogTransport,
    private readonly options: DurableDeliveryOptions = {},
    private readonly report: (p: RuntimeProblem) => void = () => undefined,
  ) {
    checkDeliveryOptions(options);
    this.batchSize = options.maxExportBatchSize ?? 1024;
    this.delayMs = options.scheduledDelayMillis ?? 1000;
    this.maxBufferBytes = options.maxBufferBytes ?? 64 * 1024 * 1024;
    this.concurrency = options.maxConcurrentExports ?? 4;
    this.timeoutMs = options.timeoutMillis ?? 10_000;
    this.maxTimeoutMs = Math.max(this.timeoutMs, options.maxTimeoutMillis ?? 120_000);
    this.probeTimeoutMs = options.probeTimeoutMillis ?? 2_000;
    this.parkAfter = Math.max(1, options.parkAfterAttempts ?? 10);
    this.parkedRetryMs = options.parkedRetryMillis ?? 60_000;
    this.flushTimeoutMs = options.flushTimeoutMillis ?? 5_000;
    this.fileMode = options.fileMode ?? DEFAULT_FILE_MODE;
    this.encoding = options.encoding ?? 'protobuf';
    this.currentTimeoutMs = this.timeoutMs;
    this.deadLetterPath = options.deadLetterPath ?? (options.spool ? join(options.spool.dir, `dead-letters-${codec.signal}.jsonl`) : undefined);
    if (options.spool) {
      const dir = options.spool.dir;
      this.spool = new Spool(
        { ...options.spool, dir: join(dir, codec.signal) },
        (e) => this.spoolFailed(`the lock of spool ${dir} was lost: ${e.message}`, e),
        this.fileMode,
      );
      const { entries, damaged } = this.spool.load();
      for (const entry of entries) {
        this.queue.push({ key: entry.key, count: entry.count, bytes: entry.bytes, encoding: entry.encoding, entry, attempts: 0 });
        this.s.spooledRecords += entry.count;
        this.s.replayed += entry.count;
      }
      // After set-up returns, so that the handlers the host subscribes at once hear of them.
      if (damaged.length > 0)
        setImmediate(() => {
          for (const d of damaged) this.damaged(d);
        });
      for (const k of [...entries, ...damaged]) this.seq = Math.max(this.seq, Number(k.key.slice(0, 12)) + 1);
    }
    if (this.queue.length > 0) setImmediate(() => this.pump());
  }

  // ---- the processor's calls -----------------------------------------------

  /** The hot path: O(1) except every `maxExportBatchSize`-th record, which serialises its batch. */
  add(record: T): void {
    this.s.received++;
    if (this.closed) {
      this.drop('FACTLINE_UNDELIVERED_AT_SHUTDOWN', 1, `a record (${this.codec.signal}) arrived after shutdown`);
      return;
    }
    this.pending.push(record);
    if (this.pending.length >= this.batchSize) this.seal();
    else if (this.sealTimer === undefined) {
      this.sealTimer = setTimeout(() => {
        this.sealTimer = undefined;
        this.seal();
      }, this.delayMs);
      this.sealTimer.unref();
    }
  }

  /**
   * Resolves when every record emitted so far is acknowledged, dead-lettered
   * or dropped, or, while the endpoint fails, safe in the spool; or after
   * `flushTimeoutMillis`. Never rejects.
   */
  async forceFlush(): Promise<void> {
    this.seal();
    const deadline = Date.now() + this.flushTimeoutMs;
    while (!this.settled() && Date.now() < deadline) {
      this.pump();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Flushes (up to `flushTimeoutMillis`); then sends nothing more and waits
   * up to half of `flushTimeoutMillis` again for the answers to requests
   * already sent: such a request may have reached the endpoint, so its records are
   * counted by its answer (delivered, dead-lettered), never dropped while
   * the answer is on its way. Then it spools what is still in memory (or,
   * without a spool, drops it and reports `FACTLINE_UNDELIVERED_AT_SHUTDOWN`;
   * a request that got no answer even then is reported with
   * `details.unanswered: true`, as the endpoint may still have taken it),
   * and releases the spool.
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.forceFlush();
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.sealTimer);
    clearTimeout(this.parkTimer);
    clearInterval(this.probeTimer);
    clearInterval(this.spoolTimer);
    // Batches on disk are safe whatever the answer; those only in memory wait for theirs.
    const deadline = Date.now() + this.flushTimeoutMs / 2;
    while ([...this.inFlight.keys()].some((b) => !b.entry) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.finished = true;
    const unanswered = new Set(this.inFlight.keys());
    for (const [, f] of this.inFlight) f.abort.abort('shutdown');
    for (const b of [...unanswered, ...this.queue, ...this.parked]) {
      if (b.entry) continue;
      // A spool that failed earlier may take it now: one last try.
      if (this.spool && this.toDisk(b, true)) continue;
      this.release(b);
      if (unanswered.has(b)) {
        this.drop(
          'FACTLINE_UNDELIVERED_AT_SHUTDOWN',
          b.count,
          `shutdown found ${b.count} ${this.codec.noun} sent to ${this.transport.endpoint} but not answered by the end of shutdown, and not spooled; the endpoint may still have taken them`,
          { unanswered: true },
        );
      } else {
        this.drop(
          'FACTLINE_UNDELIVERED_AT_SHUTDOWN',
          b.count,
          `shutdown found ${b.count} ${this.codec.noun} neither acknowledged by ${this.transport.endpoint} nor spooled`,
        );
      }
    }
    this.queue.length = 0;
    this.parked.length = 0;
    this.inFlight.clear();
    this.spool?.close();
    this.transport.shutdown?.();
  }

  stats(): DeliveryStats {
    let memoryRecords = 0;
    let parked = 0;
    for (const b of [...this.queue, ...this.inFlight.keys(), ...this.parked]) if (!b.entry) memoryRecords += b.count;
    for (const b of this.parked) parked += b.count;
    return {
      received: this.s.received,
      delivered: this.s.delivered,
      pending: this.pending.length + memoryRecords,
      spooled: this.s.spooledRecords,
      deadLettered: this.s.deadLettered,
      rejected: this.s.rejected,
      dropped: this.s.dropped,
      replayed: this.s.replayed,
      retries: this.s.retries,
      abandoned: this.s.abandoned,
      parked,
      bufferBytes: this.s.bufferBytes,
      spoolBytes: this.spool?.bytes ?? 0,
      endpointHealthy: this.healthy,
      spoolWritable: this.spool !== undefined && this.spoolWritable,
    };
  }

  // ---- batches -------------------------------------------------------------

  private seal(): void {
    clearTimeout(this.sealTimer);
    this.sealTimer = undefined;
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    let body: Uint8Array | undefined;
    let e: unknown = new Error(`the OTLP ${this.encoding === 'protobuf' ? 'protobuf' : 'JSON'} serializer returned nothing`);
    try {
      body = this.codec.serialize(records, this.encoding);
    } catch (thrown) {
      e = thrown;
    }
    if (body === undefined) {
      this.s.dropped += records.length;
      this.problem(
        'FACTLINE_EVENT_UNSERIALISABLE',
        `cannot serialise ${records.length} ${this.codec.noun} for OTLP: ${(e as Error).message}; dropped`,
        { records: records.length, reason: 'unserialisable' },
        e,
      );
      return;
    }
    this.place({ key: keyOf(this.seq++), count: records.length, bytes: body.byteLength, encoding: this.encoding, body, attempts: 0 });
    this.pump();
  }

  /**
   * A new batch: with a writable spool, on disk at once (and in memory too
   * while under budget); else in memory while under budget; else dropped.
   */
  private place(b: Batch): void {
    if (this.spool && this.spoolWritable) {
      if (!this.spool.fits(b.bytes)) {
        this.drop(
          'FACTLINE_SPOOL_FULL',
          b.count,
          `spool ${this.spool.dir} is full (${this.spool.bytes} of ${this.spool.maxBytes} bytes); dropped the newest batch of ${b.count} ${this.codec.noun}`,
        );
        return;
      }
      if (this.toDisk(b)) {
        this.compact(b);
        if (this.s.bufferBytes + this.heldOf(b) <= this.maxBufferBytes) this.count(b);
        else delete b.body;
        return this.insert(b);
      }
    }
    this.compact(b);
    if (this.s.bufferBytes + this.heldOf(b) > this.maxBufferBytes) {
      this.drop(
        'FACTLINE_BUFFER_FULL',
        b.count,
        `delivery buffer full (${this.s.bufferBytes} bytes in memory, ${this.spool ? 'spool not writable' : 'no spool configured'}); dropped the newest batch of ${b.count} ${this.codec.noun}`,
      );
      return;
    }
    this.count(b);
    this.insert(b);
  }

  /** Bytes the batch's body takes in memory as it is held now. */
  private heldOf(b: Batch): number {
    return b.body?.byteLength ?? 0;
  }

  private count(b: Batch): void {
    if (b.counted || !b.body) return;
    b.counted = true;
    b.held = this.heldOf(b);
    this.s.bufferBytes += b.held;
  }

  private uncount(b: Batch): void {
    if (!b.counted) return;
    b.counted = false;
    this.s.bufferBytes -= b.held ?? 0;
    delete b.held;
  }

  /**
   * Whether a new batch would wait rather than go out at once: every
   * request slot is taken, batches are queued before it, or the endpoint
   * is failing (backoff, one request at a time).
   */
  private mustWait(): boolean {
    return !this.healthy || this.queue.length > 0 || this.inFlight.size >= this.concurrency || this.backoffUntil > Date.now();
  }

  /**
   * Holds a batch that must wait, or that would not fit `maxBufferBytes` as
   * it is, gzip-compressed (a batch that goes out at once and fits is left
   * as it is: compressing it would only cost CPU). Keeps
   * `maxBufferBytes` accounting right for a batch already counted. When
   * compression fails (it does not, short of memory), the batch stays as
   * it was.
   */
  private compact(b: Batch): void {
    if (!b.body || b.gzipped) return;
    const fits = this.s.bufferBytes - (b.counted ? (b.held ?? 0) : 0) + b.body.byteLength <= this.maxBufferBytes;
    if (fits && !this.mustWait()) return;
    let packed: Uint8Array;
    try {
      packed = gzipBody(b.body);
    } catch {
      return;
    }
    if (packed.byteLength >= b.body.byteLength) return;
    const counted = b.counted === true;
    this.uncount(b);
    b.body = packed;
    b.gzipped = true;
    if (counted) this.count(b);
  }

  /** The request body as serialised (decompressed when held compressed). */
  private plain(body: Uint8Array, gzipped: boolean | undefined): Uint8Array {
    return gzipped ? gunzipBody(body) : body;
  }

  /**
   * Writes a batch's body to the spool (keeping the body). False when the
   * spool is full, not writable (unless `force`: one more try), or fails,
   * which marks it not writable and starts the 5 s retry.
   */
  private toDisk(b: Batch, force = false, freeing = 0): boolean {
    if (!this.spool || b.entry || !b.body) return false;
    if (!this.spoolWritable && !force) return false;
    // `freeing`: bytes of a file removed right after this write (a split batch's own), so its halves fit where it did.
    if (!this.spool.fits(Math.max(0, b.bytes - freeing))) return false;
    try {
      if (!this.spool.locked) this.spool.relock();
      b.entry = this.spool.write(b.key, b.count, this.plain(b.body, b.gzipped), this.options.spoolFsync === true, b.encoding);
    } catch (e) {
      if (!force) this.spoolFailed(`cannot write to spool ${this.spool.dir}: ${(e as Error).message}`, e);
      return false;
    }
    this.s.spooledRecords += b.count;
    return true;
  }

  /** The spool failed: batches stay in memory (within budget), and the spool is tried again every 5 s. */
  private spoolFailed(message: string, cause: unknown): void {
    if (!this.spool || this.closed) return;
    const first = this.spoolWritable;
    this.spoolWritable = false;
    if (first)
      this.problem(
        'FACTLINE_SPOOL_NOT_WRITABLE',
        `${message}; keeping new batches in memory (up to maxBufferBytes) and trying the spool again every ${SPOOL_RETRY_MILLIS / 1000} s`,
        { dir: this.spool.dir },
        cause,
      );
    if (this.spoolTimer === undefined) {
      this.spoolTimer = setInterval(() => this.retrySpool(), SPOOL_RETRY_MILLIS);
      this.spoolTimer.unref();
    }
  }

  /** Every 5 s while the spool fails: takes its lock again, writes what waits in memory; reports when it works. */
  private retrySpool(): void {
    const spool = this.spool!;
    try {
      spool.relock();
      const waiting = [...this.queue, ...this.parked, ...this.inFlight.keys()].filter((b) => !b.entry && b.body);
      let moved = 0;
      for (const b of waiting) {
        if (!spool.fits(b.bytes)) break;
        b.entry = spool.write(b.key, b.count, this.plain(b.body!, b.gzipped), this.options.spoolFsync === true, b.encoding);
        this.s.spooledRecords += b.count;
        moved += b.count;
      }
      if (waiting.length === 0) spool.checkWritable();
      clearInterval(this.spoolTimer);
      this.spoolTimer = undefined;
      this.spoolWritable = true;
      this.problem('FACTLINE_SPOOL_RECOVERED', `spool ${spool.dir} is writable again; ${moved} ${this.codec.noun} kept in memory meanwhile are now spooled`, {
        dir: spool.dir,
        records: moved,
      });
    } catch {
      // still failing: the next tick tries again
    }
  }

  /** Forgets a batch that is settled (acknowledged, split, dead-lettered or dropped). */
  private release(b: Batch): void {
    if (b.entry) {
      this.spool?.remove(b.entry);
      this.s.spooledRecords -= b.count;
      delete b.entry;
    }
    this.uncount(b);
    delete b.body;
    delete b.gzipped;
  }

  private insert(b: Batch): void {
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.key > b.key) i--;
    this.queue.splice(i, 0, b);
  }

  // ---- sending ---------------------------------------------------------------

  private pump(): void {
    if (this.closed) return;
    const wait = this.backoffUntil - Date.now();
    if (wait > 0) {
      if (this.retryTimer === undefined) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.pump();
        }, wait);
        this.retryTimer.unref();
      }
      return;
    }
    // While the endpoint fails, one probe at a time; the rest waits in order.
    const limit = this.healthy ? this.concurrency : 1;
    while (this.inFlight.size < limit && this.queue.length > 0) {
      const b = this.queue.shift()!;
      void this.send(b);
    }
  }

  private async send(b: Batch): Promise<void> {
    const abort = new AbortController();
    this.inFlight.set(b, { sentAt: Date.now(), abort });
    let body = b.body;
    let gzipped = body !== undefined && b.gzipped === true;
    if (!body) {
      try {
        body = this.spool!.read(b.entry!);
        gzipped = false;
      } catch (e) {
        this.inFlight.delete(b);
        if (e instanceof SpoolFileDamaged) {
          this.damaged(e.damaged, b);
        } else {
          this.s.spooledRecords -= b.count;
          delete b.entry;
          this.drop(
            'FACTLINE_SPOOL_NOT_WRITABLE',
            b.count,
            `cannot read spooled batch ${b.key}: ${(e as Error).message}; its ${b.count} ${this.codec.noun} are lost`,
          );
        }
        return this.pump();
      }
    }
    this.watchHung();
    const timeout = this.currentTimeoutMs;
    const sentAt = Date.now();
    let outcome: SendOutcome;
    try {
      outcome = gzipped
        ? this.transport.acceptsGzip
          ? await this.transport.send(body, timeout, abort.signal, 'gzip', b.encoding)
          : await this.transport.send(gunzipBody(body), timeout, abort.signal, undefined, b.encoding)
        : await this.transport.send(body, timeout, abort.signal, undefined, b.encoding);
    } catch (e) {
      // A transport breaks its promise never to reject: a failed attempt like any other.
      outcome = { kind: 'retryable', reason: `the transport failed: ${(e as Error).message}` };
    }
    this.inFlight.delete(b);
    this.adaptTimeout(outcome, timeout, Date.now() - sentAt);
    if (this.finished) return; // shutdown has already settled it
    try {
      this.handle(b, body, gzipped, outcome);
    } catch (e) {
      // Never an unhandled rejection in the host: a bug here costs this batch, counted.
      this.release(b);
      this.s.dropped += b.count;
      this.problem(
        'FACTLINE_SINK_FAILED',
        `internal error handling the answer for ${b.count} ${this.codec.noun}: ${(e as Error).message}; dropped`,
        { records: b.count, reason: 'internal' },
        e,
      );
    }
    this.pump();
  }

  private handle(b: Batch, sent: Uint8Array, gzipped: boolean, outcome: SendOutcome): void {
    // The request as serialised, for splitting and dead letters: decompressed only when one needs it.
    const bodyOf = () => this.plain(sent, gzipped);
    switch (outcome.kind) {
      case 'accepted': {
        const wasFailing = !this.healthy;
        this.healthy = true;
        this.failures = 0;
        this.lastAcceptedAt = Date.now();
        this.release(b);
        this.s.delivered += b.count - Math.min(b.count, outcome.rejected);
        if (outcome.rejected > 0) {
          this.s.rejected += Math.min(b.count, outcome.rejected);
          const reason = outcome.message ?? 'partial success without a message';
          this.deadLetter(bodyOf(), { reason, status: 200, partial: outcome.rejected }, b.encoding);
          this.problem('FACTLINE_EXPORT_PARTIAL', `${this.transport.endpoint} rejected ${outcome.rejected} of ${b.count} ${this.codec.noun}: ${reason}`, {
            rejected: outcome.rejected,
            records: b.count,
            reason,
          });
        }
        // Batches parked while the endpoint failed everything go again now that it answers.
        if (wasFailing) this.unpark((p) => !p.refusedAlone);
        return;
      }
      case 'refused': {
        const body = bodyOf();
        const halves = b.count > 1 ? this.halve(body, b) : undefined;
        if (halves !== undefined) {
          // Halve until the refused records are alone; the others go through.
          const [headBody, tailBody] = halves;
          const pieces: Batch[] = [
            { key: `${b.key}a`, count: Math.ceil(b.count / 2), bytes: headBody.byteLength, encoding: b.encoding, body: headBody, attempts: 0 },
            { key: `${b.key}b`, count: Math.floor(b.count / 2), bytes: tailBody.byteLength, encoding: b.encoding, body: tailBody, attempts: 0 },
          ];
          // A spooled batch's halves are spooled before its file is removed: a crash in between replays both
          // (records carry their instance ids: at least once), never neither.
          if (b.entry !== undefined) {
            let freed = b.bytes;
            for (const p of pieces) if (this.toDisk(p, false, freed)) freed = Math.max(0, freed - p.bytes);
          }
          this.release(b);
          for (const p of pieces) {
            this.count(p);
            this.insert(p);
          }
          return;
        }
        // One refused record, or a body that cannot be read any more: all of it is dead-lettered.
        this.release(b);
        this.s.deadLettered += b.count;
        const ids = this.deadLetter(body, { reason: outcome.reason, status: outcome.status, records: b.count }, b.encoding);
        const where = this.deadLetterPath ? `written to ${this.deadLetterPath}` : 'no dead-letter file configured: its instance id is in details';
        this.problem('FACTLINE_DEAD_LETTERED', `${this.transport.endpoint} refused a record (${outcome.reason}); ${where}`, {
          status: outcome.status,
          reason: outcome.reason,
          instance_ids: ids,
          ...(this.deadLetterPath ? { path: this.deadLetterPath } : {}),
        });
        return;
      }
      case 'retryable': {
        if (outcome.abandoned) {
          // The endpoint answers again (a probe got through): send it again at once.
          this.s.abandoned++;
          this.compact(b);
          this.insert(b);
          return;
        }
        this.s.retries++;
        this.healthy = false;
        this.failures++;
        const now = Date.now();
        if (b.attempts === 0) b.firstFailedAt = now;
        b.attempts++;
        // A usable Retry-After, else the backoff: never 0, so a batch is not resent in a loop.
        const delay = outcome.retryAfterMs ?? nextBackoffMs(this.failures, this.options.backoff);
        this.backoffUntil = Math.max(this.backoffUntil, now + delay);
        const parking = b.attempts >= this.parkAfter;
        // It waits now: held compressed like every waiting batch.
        this.compact(b);
        if (parking) this.park(b, outcome.reason);
        else this.insert(b);
        const next = parking ? `parked, retrying in ${Math.round((b.retryAt ?? now) - now)} ms` : `retrying in ${Math.round(delay)} ms`;
        const kept = b.entry ? 'in the spool' : 'in memory';
        this.problem(
          'FACTLINE_EXPORT_FAILED',
          `exporting ${b.count} ${this.codec.noun} to ${this.transport.endpoint} failed (${outcome.reason}); kept ${kept}, ${next}`,
          {
            items: b.count,
            ...(outcome.status !== undefined ? { status: outcome.status } : {}),
            retry_in_ms: Math.round(delay),
          },
        );
        return;
      }
    }
  }

  /**
   * The two halves of a refused batch's body, the first `ceil(count / 2)`
   * records and the rest, in its own encoding (each record kept under its
   * resource and scope); undefined when the body cannot be read.
   */
  private halve(body: Uint8Array, b: Batch): [Uint8Array, Uint8Array] | undefined {
    const at = Math.ceil(b.count / 2);
    if (b.encoding === 'protobuf') {
      try {
        return splitProtobufRequest(body, at);
      } catch {
        return undefined;
      }
    }
    const request = tryParse(body, 'json', this.codec.shape);
    if (request === undefined) return undefined;
    const [head, tail] = splitRequest(request, at, this.codec.shape);
    return [encodeRequest(head), encodeRequest(tail)];
  }

  /**
   * Sets a batch aside after `parkAfterAttempts` failures in a row: it is
   * retried every `parkedRetryMillis` (or as soon as the endpoint accepts
   * again, when every batch was failing), and the batches behind it go out.
   */
  private park(b: Batch, reason: string): void {
    // Refused on its own when other batches were accepted since its first failure.
    b.refusedAlone = this.lastAcceptedAt > (b.firstFailedAt ?? 0);
    b.retryAt = Date.now() + this.parkedRetryMs;
    this.parked.push(b);
    this.scheduleParked();
    if (b.reportedParked) return;
    b.reportedParked = true;
    this.problem(
      'FACTLINE_BATCH_PARKED',
      `a batch of ${b.count} ${this.codec.noun} failed ${b.attempts} times in a row (${reason}); parked ${b.entry ? 'in the spool' : 'in memory'} and retried every ${Math.round(this.parkedRetryMs / 1000)} s while later batches go out`,
      {
        records: b.count,
        attempts: b.attempts,
        reason,
        ...(b.entry ? { file: b.entry.file } : {}),
      },
    );
  }

  private unpark(which: (b: Batch) => boolean): void {
    for (let i = this.parked.length - 1; i >= 0; i--) {
      const b = this.parked[i]!;
      if (!which(b)) continue;
      this.parked.splice(i, 1);
      delete b.retryAt;
      this.insert(b);
    }
  }

  private scheduleParked(): void {
    clearTimeout(this.parkTimer);
    if (this.parked.length === 0 || this.closed) return;
    const next = Math.min(...this.parked.map((b) => b.retryAt ?? 0));
    this.parkTimer = setTimeout(
      () => {
        this.parkTimer = undefined;
        const now = Date.now();
        this.unpark((b) => (b.retryAt ?? 0) <= now);
        this.scheduleParked();
        this.pump();
      },
      Math.max(0, next - Date.now()),
    );
    this.parkTimer.unref();
  }

  /*
   * The probe rule. While a request has waited longer than timeoutMillis
   * (the endpoint may have hung: it took the connection and never
   * answers), an empty request is sent every probeTimeoutMillis with that
   * timeout. An endpoint that answers it answers again: the requests still
   * waiting are abandoned and sent again at once with the base timeout, so
   * a timeout doubled to 40 s does not hold delivery back for 40 s. An
   * endpoint that is slow but answering does not answer the probe in time
   * either, and its requests keep their longer timeout.
   */
  private watchHung(): void {
    if (this.probeTimer !== undefined) return;
    this.probeTimer = setInterval(() => void this.probeTick(), this.probeTimeoutMs);
    this.probeTimer.unref();
  }

  private async probeTick(): Promise<void> {
    if (this.inFlight.size === 0 || this.closed) {
      clearInterval(this.probeTimer);
      this.probeTimer = undefined;
      return;
    }
    if (this.probing) return;
    const startedAt = Date.now();
    const waiting = [...this.inFlight].filter(([, f]) => startedAt - f.sentAt > this.timeoutMs);
    if (waiting.length === 0) return;
    this.probing = true;
    try {
      // In the encoding of a request that waits: what the endpoint answers for it.
      const encoding = waiting[0]![0].encoding;
      const outcome = this.transport.probe
        ? await this.transport.probe(EMPTY_REQUEST[encoding], this.probeTimeoutMs, encoding)
        : await this.transport.send(EMPTY_REQUEST[encoding], this.probeTimeoutMs, undefined, undefined, encoding);
      const answered = outcome.kind !== 'retryable' || outcome.status !== undefined;
      if (!answered || this.closed) return;
      this.currentTimeoutMs = this.timeoutMs;
      this.backoffUntil = 0;
      for (const [b, f] of waiting)
        if (this.inFlight.get(b) === f)
          f.abort.abort(`the endpoint answered a probe in under ${this.probeTimeoutMs} ms while this request had waited ${Date.now() - f.sentAt} ms`);
    } finally {
      this.probing = false;
    }
  }

  /*
   * A slow endpoint is not a failed one: an endpoint that answers in 10 s
   * against a 10 s timeout would get every batch twice. After a timeout the
   * timeout doubles for every request (up to maxTimeoutMillis); answers in
   * under a quarter of it bring it back down, never below timeoutMillis.
   */
  private adaptTimeout(outcome: SendOutcome, usedMs: number, tookMs: number): void {
    if (outcome.kind === 'retryable' && outcome.timedOut) {
      this.currentTimeoutMs = Math.min(this.maxTimeoutMs, Math.max(this.currentTimeoutMs, usedMs * 2));
    } else if (outcome.kind !== 'retryable' && tookMs < this.currentTimeoutMs / 4) {
      this.currentTimeoutMs = Math.max(this.timeoutMs, this.currentTimeoutMs / 2);
    }
  }

  /**
   * A spool file that failed its check (cut short by a crash or a full
   * disk, or altered): its content goes to the dead-letter file whole, with
   * reason `spool file damaged`, it leaves the spool, and delivery goes on.
   * The records are counted from the file's header when it is readable.
   */
  private damaged(d: DamagedSpoolFile, b?: Batch): void {
    const records = d.count ?? 0;
    const why: DeadLetterReason = { reason: 'spool file damaged', records, raw: true, extra: { file: d.file, problem: d.problem } };
    const { ids, error } = writeDeadLetters(this.deadLetterPath, this.transport.endpoint, this.codec, d.content, why, this.deadLetterLimits(), d.encoding);
    let keptAt = this.deadLetterPath;
    if (error !== undefined || this.deadLetterPath === undefined) {
      // Nowhere to copy it: the file stays on disk under a name the spool does not load.
      keptAt = `${d.file}.damaged`;
      try {
        this.spool?.rename(d.file, keptAt);
      } catch {
        keptAt = d.file;
      }
    } else if (b?.entry) this.spool?.remove(b.entry);
    else this.spool?.discard(d.file);
    if (b) {
      if (b.entry) this.s.spooledRecords -= b.count;
      delete b.entry;
      this.uncount(b);
      delete b.body;
    }
    this.s.deadLettered += records;
    this.problem(
      'FACTLINE_SPOOL_FILE_DAMAGED',
      `spool file ${d.file} is damaged (${d.problem}): its ${d.count !== undefined ? d.count : 'unknown number of'} ${this.codec.noun} were set aside${keptAt ? ` in ${keptAt}` : ''} with reason "spool file damaged"; delivery goes on`,
      {
        file: d.file,
        problem: d.problem,
        records,
        candidate_instance_ids: ids,
        ...(keptAt ? { path: keptAt } : {}),
      },
    );
  }

  private deadLetterLimits() {
    return { fileMode: this.fileMode, ...(this.options.deadLetterMaxBytes !== undefined ? { maxBytes: this.options.deadLetterMaxBytes } : {}) };
  }

  /** Appends refused records to the dead-letter file; returns their ids. */
  private deadLetter(body: Uint8Array, why: DeadLetterReason, encoding: OtlpEncoding): string[] {
    const { ids, error, discarded } = writeDeadLetters(this.deadLetterPath, this.transport.endpoint, this.codec, body, why, this.deadLetterLimits(), encoding);
    if (error !== undefined) {
      this.problem(
        'FACTLINE_SPOOL_NOT_WRITABLE',
        `cannot write the dead-letter file ${this.deadLetterPath}: ${(error as Error).message}; the refused records' ids are in details`,
        { path: this.deadLetterPath, instance_ids: ids },
        error,
      );
    }
    if (discarded !== undefined) {
      this.problem(
        'FACTLINE_DEAD_LETTER_DISCARDED',
        `the dead-letter file ${this.deadLetterPath} reached its bound (${this.options.deadLetterMaxBytes ?? 32 * 1024 * 1024} bytes) and was rotated to ` +
          `${this.deadLetterPath}.1, discarding the ${discarded} records of the previous ${this.deadLetterPath}.1`,
        { path: this.deadLetterPath, records: discarded },
      );
    }
    return ids;
  }

  // ---- accounting ------------------------------------------------------------

  private settled(): boolean {
    if (this.pending.length > 0) return false;
    const onDisk = (b: Batch) => b.entry !== undefined;
    // Parked batches wait for their retry: on disk with a spool, else in memory until shutdown reports them.
    if (this.queue.length === 0 && this.inFlight.size === 0) return true;
    // While the endpoint fails, records safe on disk are as far as a flush can take them.
    return !this.healthy && this.spool !== undefined && this.queue.every(onDisk) && [...this.inFlight.keys()].every(onDisk);
  }

  private drop(
    code: 'FACTLINE_BUFFER_FULL' | 'FACTLINE_SPOOL_FULL' | 'FACTLINE_SPOOL_NOT_WRITABLE' | 'FACTLINE_UNDELIVERED_AT_SHUTDOWN',
    records: number,
    message: string,
    extra: { unanswered?: true } = {},
  ): void {
    this.s.dropped += records;
    this.problem(code, message, { records, dropped_total: this.s.dropped, ...extra });
  }

  /** Reports a problem of code `C` with its details ({@link ProblemDetails}), `signal` added. */
  private problem<C extends RuntimeProblemCode>(code: C, message: string, details: WithoutSignal<ProblemDetails[C]>, cause?: unknown): void {
    try {
      // `signal` added to details typed without it: the one cast that puts them together.
      const problem = { code, message, sink: 'otel', details: { signal: this.codec.signal, ...details }, ...(cause !== undefined ? { cause } : {}) };
      this.report(problem as unknown as RuntimeProblem);
    } catch {
      // the emitter's reporter never throws; a bare handler might
    }
  }
}

/** Details as a caller of `problem` gives them: without `signal`, which it adds. */
type WithoutSignal<D> = D extends unknown ? Omit<D, 'signal'> : never;
