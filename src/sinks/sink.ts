import type { FactlineEvent } from '../envelope/event.js';
import type { RuntimeProblem } from '../problems.js';
import type { EventTypeInfo } from '../catalog/types.js';

/** What a sink is given when the emitter starts it. */
export interface SinkContext {
  /** Reports a failure; never throws. */
  report(problem: RuntimeProblem): void;
}

/**
 * Delivery counters of a sink, in events. `emitted = delivered + pending +
 * spooled + deadLettered + dropped` (+ `rejected` for OTLP partial
 * successes) once nothing is in flight; every drop was also reported as a
 * problem.
 */
export interface SinkStats {
  /** Events the sink was given. */
  emitted: number;
  /** Acknowledged: by the endpoint (OTLP), or written to the file (JSONL). */
  delivered: number;
  /** Waiting in memory. */
  pending: number;
  /** Waiting on disk for the endpoint (the spool). */
  spooled: number;
  /** Refused by the endpoint, kept in the dead-letter file. */
  deadLettered: number;
  /** Lost, counted and reported. */
  dropped: number;
}

/**
 * A destination for events. The emitter calls `write` synchronously on the
 * caller's path, so a sink must be cheap and must not throw (a throw is
 * caught, reported as `FACTLINE_SINK_FAILED`, and the other sinks still run).
 */
export interface Sink {
  readonly name: string;
  /** Called once when the emitter is created. */
  start?(ctx: SinkContext): void;
  /**
   * Decided once per event type when the emitter is created: a sink that
   * returns false never sees that type, at no per-emit cost.
   */
  accepts?(type: EventTypeInfo): boolean;
  /**
   * Receives one event. `timeMs` and `observedMs` are `event.time` and
   * `event.observed_time` as epoch milliseconds, given by the emitter so
   * that sinks need not parse the ISO strings again.
   */
  write(event: FactlineEvent, type: EventTypeInfo, timeMs?: number, observedMs?: number): void;
  /** Delivery counters; the emitter's `stats().sinks` shows them by sink name. */
  stats?(): SinkStats;
  /** Pushes out what is buffered. */
  flush?(): Promise<void>;
  /** Flushes and releases resources; later writes are dropped and counted. */
  shutdown?(): Promise<void>;
}
