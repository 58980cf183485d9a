import { join } from 'node:path';
import type { RuntimeProblem } from '../problems.js';
import { nextBackoffMs } from './backoff.js';
import { tryParse, writeDeadLetters, type DeadLetterReason } from './dead-letter-file.js';
import type { DeliveryStats, DurableDeliveryOptions, SignalCodec } from './delivery-options.js';
import { encodeRequest, splitRequest } from './otlp-json.js';
import type { LogTransport, SendOutcome } from './send-outcome.js';
import { Spool, type SpoolEntry } from './spool.js';

interface Batch {
  /** Delivery order: a zero-padded sequence, then `a`/`b` per split. */
  key: string;
  count: number;
  bytes: number;
  /** The request body while in memory. */
  body?: Uint8Array;
  /** The spool file while on disk. */
  entry?: SpoolEntry;
  /** Whether its body counts against `maxBufferBytes`. */
  counted?: boolean;
}

const keyOf = (seq: number) => `${String(seq).padStart(12, '0')}-`;

/**
 * Keeps every record (log record or span) until the OTLP endpoint has
 * acknowledged it; the engine of `DurableLogRecordProcessor` and
 * `DurableSpanProcessor`, which replace the SDK's batch processors (those
 * drop what does not fit their queue and a batch that failed its retries).
 *
 * - Records are batched (`maxExportBatchSize`, `scheduledDelayMillis`) and
 *   serialised at once with the OTLP JSON serializer; batches wait in memory
 *   up to `maxBufferBytes`, then in the spool on disk, and are sent in
 *   order (up to `maxConcurrentExports` at a time). While the endpoint
 *   fails, every batch goes to the spool so that a crash loses nothing
 *   spooled; a restart replays the spool first.
 * - 429/502/503/504, timeouts and connection errors are retried with
 *   exponential backoff and jitter, or after `Retry-After`; a timed-out
 *   request may be delivered twice (each log record carries its instance id).
 * - A refused batch (400/413/422) is split in halves until the refused
 *   records are alone; those go to the dead-letter file with the reason.
 * - Nothing is dropped silently: a full buffer without a spool, a full
 *   spool, or shutdown without a spool drop the newest batch, counted in
 *   `stats().dropped` and reported with a problem code.
 */
export class DurableExportQueue<T> {
  private readonly batchSize: number;
  private readonly delayMs: number;
  private readonly maxBufferBytes: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly maxTimeoutMs: number;
  private readonly flushTimeoutMs: number;
  private readonly spool: Spool | undefined;
  private readonly deadLetterPath: string | undefined;

  private pending: T[] = [];
  private sealTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Batches waiting, in key order. */
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Set<Batch>();
  private seq = 0;
  /** The request timeout now: doubled after a timeout, halved again after quick answers. */
  private currentTimeoutMs: number;
  private failures = 0;
  private backoffUntil = 0;
  private healthy = true;
  private closed = false;
  private spoolBroken = false;
  private readonly s = { received: 0, delivered: 0, deadLettered: 0, rejected: 0, dropped: 0, replayed: 0, retries: 0, bufferBytes: 0, memoryRecords: 0, spooledRecords: 0 };

  /**
   * Throws at set-up when the spool directory cannot be created or is held
   * by another process (one process per spool).
   */
  constructor(
    private readonly codec: SignalCodec<T>,
    private readonly transport: LogTransport,
    private readonly options: DurableDeliveryOptions = {},
    private readonly report: (p: RuntimeProblem) => void = () => undefined,
  ) {
    this.batchSize = options.maxExportBatchSize ?? 1024;
    this.delayMs = options.scheduledDelayMillis ?? 1000;
    this.maxBufferBytes = options.maxBufferBytes ?? 64 * 1024 * 1024;
    this.concurrency = options.maxConcurrentExports ?? 4;
    this.timeoutMs = options.timeoutMillis ?? 10_000;
    this.maxTimeoutMs = Math.max(this.timeoutMs, options.maxTimeoutMillis ?? 120_000);
    this.flushTimeoutMs = options.flushTimeoutMillis ?? 5_000;
    this.currentTimeoutMs = this.timeoutMs;
    if (options.spool) {
      this.spool = new Spool({ ...options.spool, dir: join(options.spool.dir, codec.signal) }, (e) => this.problem('FACTLINE_SPOOL_NOT_WRITABLE', `the lock of spool ${options.spool!.dir} was lost: ${e.message}`, { dir: options.spool!.dir }));
      for (const entry of this.spool.load()) {
        this.queue.push({ key: entry.key, count: entry.count, bytes: entry.bytes, entry});
        this.s.spooledRecords += entry.count;
        this.s.replayed += entry.count;
        this.seq = Math.max(this.seq, Number(entry.key.slice(0, 12)) + 1);
      }
    }
    this.deadLetterPath = options.deadLetterPath ?? (options.spool ? join(options.spool.dir, `dead-letters-${codec.signal}.jsonl`) : undefined);
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
   * Flushes; then spools what is still in memory (or, without a spool, drops
   * it and reports `FACTLINE_UNDELIVERED_AT_SHUTDOWN`), and releases the spool.
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.forceFlush();
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.sealTimer);
    for (const b of [...this.inFlight, ...this.queue]) {
      if (b.entry) continue;
      if (this.spool && this.toDisk(b)) continue;
      this.release(b);
      this.drop('FACTLINE_UNDELIVERED_AT_SHUTDOWN', b.count, `shutdown found ${b.count} ${this.codec.noun} neither acknowledged by ${this.transport.endpoint} nor spooled`);
    }
    this.queue.length = 0;
    this.inFlight.clear();
    this.spool?.close();
    this.transport.shutdown?.();
  }

  stats(): DeliveryStats {
    return {
      received: this.s.received,
      delivered: this.s.delivered,
      pending: this.pending.length + this.s.memoryRecords,
      spooled: this.s.spooledRecords,
      deadLettered: this.s.deadLettered,
      rejected: this.s.rejected,
      dropped: this.s.dropped,
      replayed: this.s.replayed,
      retries: this.s.retries,
      bufferBytes: this.s.bufferBytes,
      spoolBytes: this.spool?.bytes ?? 0,
      endpointHealthy: this.healthy,
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
    let e: unknown = new Error('the OTLP JSON serializer returned nothing');
    try {
      body = this.codec.serialize(records);
    } catch (thrown) {
      e = thrown;
    }
    if (body === undefined) {
      this.s.dropped += records.length;
      this.problem('FACTLINE_EVENT_UNSERIALISABLE', `cannot serialise ${records.length} ${this.codec.noun} for OTLP: ${(e as Error).message}; dropped`, { records: records.length, reason: 'unserialisable' }, e);
      return;
    }
    this.place({ key: keyOf(this.seq++), count: records.length, bytes: body.byteLength, body });
    this.pump();
  }

  /** A new batch: memory while healthy and under budget, else the spool, else dropped. */
  private place(b: Batch): void {
    const fitsMemory = this.s.bufferBytes + b.bytes <= this.maxBufferBytes;
    if (this.spool && !this.spoolBroken && (!this.healthy || !fitsMemory)) {
      if (!this.spool.fits(b.bytes)) {
        this.drop('FACTLINE_SPOOL_FULL', b.count, `spool ${this.spool.dir} is full (${this.spool.bytes} of ${this.spool.maxBytes} bytes); dropped the newest batch of ${b.count} ${this.codec.noun}`);
        return;
      }
      if (this.toDisk(b)) return this.insert(b);
    }
    if (!fitsMemory) {
      this.drop('FACTLINE_BUFFER_FULL', b.count, `delivery buffer full (${this.s.bufferBytes} bytes in memory, ${this.spool ? 'spool not writable' : 'no spool configured'}); dropped the newest batch of ${b.count} ${this.codec.noun}`);
      return;
    }
    this.count(b);
    this.insert(b);
  }

  private count(b: Batch): void {
    b.counted = true;
    this.s.bufferBytes += b.bytes;
    this.s.memoryRecords += b.count;
  }

  private uncount(b: Batch): void {
    if (!b.counted) return;
    b.counted = false;
    this.s.bufferBytes -= b.bytes;
    this.s.memoryRecords -= b.count;
  }

  /** Moves a batch's body to the spool. False when the spool is full or fails. */
  private toDisk(b: Batch): boolean {
    if (!this.spool || b.entry || !b.body) return false;
    if (!this.spool.fits(b.bytes)) return false;
    try {
      b.entry = this.spool.write(b.key, b.count, b.body, this.options.spoolFsync === true);
    } catch (e) {
      this.spoolBroken = true;
      this.problem('FACTLINE_SPOOL_NOT_WRITABLE', `cannot write to spool ${this.spool.dir}: ${(e as Error).message}; keeping batches in memory`, { dir: this.spool.dir }, e);
      return false;
    }
    this.spoolBroken = false;
    this.uncount(b);
    this.s.spooledRecords += b.count;
    delete b.body;
    return true;
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
      this.inFlight.add(b);
      void this.send(b);
    }
  }

  private async send(b: Batch): Promise<void> {
    let body = b.body;
    if (!body) {
      try {
        body = this.spool!.read(b.entry!);
      } catch (e) {
        this.inFlight.delete(b);
        this.s.spooledRecords -= b.count;
        delete b.entry;
        this.drop('FACTLINE_SPOOL_NOT_WRITABLE', b.count, `cannot read spooled batch ${b.key}: ${(e as Error).message}; its ${b.count} ${this.codec.noun} are lost`);
        return this.pump();
      }
    }
    const timeout = this.currentTimeoutMs;
    const sentAt = Date.now();
    const outcome = await this.transport.send(body, timeout);
    this.inFlight.delete(b);
    this.adaptTimeout(outcome, timeout, Date.now() - sentAt);
    if (this.closed) return; // shutdown has already settled it
    try {
      this.handle(b, body, outcome);
    } catch (e) {
      // Never an unhandled rejection in the host: a bug here costs this batch, counted.
      this.release(b);
      this.s.dropped += b.count;
      this.problem('FACTLINE_SINK_FAILED', `internal error handling the answer for ${b.count} ${this.codec.noun}: ${(e as Error).message}; dropped`, { records: b.count, reason: 'internal' }, e);
    }
    this.pump();
  }

  private handle(b: Batch, body: Uint8Array, outcome: SendOutcome): void {
    switch (outcome.kind) {
      case 'accepted': {
        this.healthy = true;
        this.failures = 0;
        this.release(b);
        this.s.delivered += b.count - Math.min(b.count, outcome.rejected);
        if (outcome.rejected > 0) {
          this.s.rejected += Math.min(b.count, outcome.rejected);
          const reason = outcome.message ?? 'partial success without a message';
          this.deadLetter(body, { reason, status: 200, partial: outcome.rejected });
          this.problem('FACTLINE_EXPORT_PARTIAL', `${this.transport.endpoint} rejected ${outcome.rejected} of ${b.count} ${this.codec.noun}: ${reason}`, { rejected: outcome.rejected, records: b.count, reason });
        }
        return;
      }
      case 'refused': {
        const request = tryParse(body);
        if (b.count > 1 && request !== undefined) {
          // Halve until the refused records are alone; the others go through.
          const [head, tail] = splitRequest(request, Math.ceil(b.count / 2), this.codec.shape);
          this.release(b);
          const headBody = encodeRequest(head);
          const tailBody = encodeRequest(tail);
          const pieces: Batch[] = [
            { key: `${b.key}a`, count: Math.ceil(b.count / 2), bytes: headBody.byteLength, body: headBody },
            { key: `${b.key}b`, count: Math.floor(b.count / 2), bytes: tailBody.byteLength, body: tailBody },
          ];
          for (const p of pieces) {
            this.count(p);
            this.insert(p);
          }
          return;
        }
        // One refused record, or a body that is not OTLP JSON any more (a
        // spool file cut short by a power loss): all of it is dead-lettered.
        this.release(b);
        this.s.deadLettered += b.count;
        const ids = this.deadLetter(body, { reason: outcome.reason, status: outcome.status });
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
        this.s.retries++;
        this.healthy = false;
        this.failures++;
        const delay = outcome.retryAfterMs ?? nextBackoffMs(this.failures, this.options.backoff);
        this.backoffUntil = Math.max(this.backoffUntil, Date.now() + delay);
        this.insert(b);
        // The endpoint is failing: what waits in memory goes to disk, so a crash loses nothing spooled.
        if (this.spool && !this.spoolBroken) for (const q of this.queue) if (!q.entry) this.toDisk(q);
        this.problem('FACTLINE_EXPORT_FAILED', `exporting ${b.count} ${this.codec.noun} to ${this.transport.endpoint} failed (${outcome.reason}); kept${this.spool ? ' in the spool' : ' in memory'}, retrying in ${Math.round(delay)} ms`, {
          signal: this.codec.signal,
          items: b.count,
          ...(outcome.status !== undefined ? { status: outcome.status } : {}),
          retry_in_ms: Math.round(delay),
        });
        return;
      }
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

  /** Appends refused records to the dead-letter file; returns their ids. */
  private deadLetter(body: Uint8Array, why: DeadLetterReason): string[] {
    const { ids, error } = writeDeadLetters(this.deadLetterPath, this.transport.endpoint, this.codec, body, why);
    if (error !== undefined) {
      this.problem('FACTLINE_SPOOL_NOT_WRITABLE', `cannot write the dead-letter file ${this.deadLetterPath}: ${(error as Error).message}; the refused records' ids are in details`, { path: this.deadLetterPath, instance_ids: ids }, error);
    }
    return ids;
  }

  // ---- accounting ------------------------------------------------------------

  private settled(): boolean {
    if (this.pending.length > 0) return false;
    if (this.queue.length === 0 && this.inFlight.size === 0) return true;
    // While the endpoint fails, records safe on disk are as far as a flush can take them.
    return !this.healthy && this.spool !== undefined && this.queue.every((b) => b.entry !== undefined) && [...this.inFlight].every((b) => b.entry !== undefined);
  }

  private drop(code: 'FACTLINE_BUFFER_FULL' | 'FACTLINE_SPOOL_FULL' | 'FACTLINE_SPOOL_NOT_WRITABLE' | 'FACTLINE_UNDELIVERED_AT_SHUTDOWN', records: number, message: string): void {
    this.s.dropped += records;
    this.problem(code, message, { records, dropped_total: this.s.dropped });
  }

  private problem(code: RuntimeProblem['code'], message: string, details: Record<string, unknown>, cause?: unknown): void {
    try {
      this.report({ code, message, sink: 'otel', details: { signal: this.codec.signal, ...details }, ...(cause !== undefined ? { cause } : {}) });
    } catch {
      // the emitter's reporter never throws; a bare handler might
    }
  }
}
