import type { FactlineEvent } from '../envelope/event.js';
import type { RuntimeProblem } from '../problems.js';
import type { EventTypeInfo } from '../catalog/types.js';

/** What a sink is given when the emitter starts it. */
export interface SinkContext {
  /** Reports a failure; never throws. */
  report(problem: RuntimeProblem): void;
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
  /** Pushes out what is buffered. */
  flush?(): Promise<void>;
  /** Flushes and releases resources; later writes are dropped and counted. */
  shutdown?(): Promise<void>;
}
