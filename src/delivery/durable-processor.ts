import type { RuntimeProblem } from '../problems.js';
import type { DeliveryStats, DurableDeliveryOptions, SignalCodec } from './delivery-options.js';
import { DurableExportQueue } from './durable-export-queue.js';
import type { LogTransport } from './send-outcome.js';

/**
 * What both durable processors (`DurableLogRecordProcessor`,
 * `DurableSpanProcessor`) are besides taking their signal's items: one
 * `DurableExportQueue` per processor, flushed, shut down and counted through
 * it. A subclass adds the SDK's `onEmit` or `onStart`/`onEnd` and passes its
 * signal's codec.
 *
 * @internal Reached through the two processors, not an entry point.
 */
export abstract class DurableProcessor<T> {
  protected readonly queue: DurableExportQueue<T>;

  protected constructor(codec: SignalCodec<T>, transport: LogTransport, options: DurableDeliveryOptions, report?: (p: RuntimeProblem) => void) {
    this.queue = new DurableExportQueue(codec, transport, options, report);
  }

  /**
   * Resolves when every item taken so far is acknowledged, dead-lettered or
   * dropped, or, while the endpoint fails, safe in the spool; or after
   * `flushTimeoutMillis` (5 s). Never rejects.
   */
  forceFlush(): Promise<void> {
    return this.queue.forceFlush();
  }

  /**
   * Flushes; then spools what is still in memory (without a spool: drops it
   * and reports `FACTLINE_UNDELIVERED_AT_SHUTDOWN`) and releases the spool.
   */
  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }

  /** The delivery counters: `received`, `delivered`, `pending`, `spooled`, `deadLettered`, `dropped`, ... */
  stats(): DeliveryStats {
    return this.queue.stats();
  }
}
