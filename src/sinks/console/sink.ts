import type { EventTypeInfo } from '../../catalog/types.js';
import type { FactlineEvent } from '../../envelope/event.js';
import { SEVERITY_RANK, type Severity } from '../../envelope/severity.js';
import { createWarnOnceHandler, type RuntimeProblem } from '../../problems.js';
import type { Sink, SinkContext, SinkStats } from '../sink.js';
import { formatEventLine, type FormatEventLineOptions } from './format.js';

/** What the console sink writes to: `process.stdout`, `process.stderr`, or any writable. */
export interface ConsoleStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  writableNeedDrain?: boolean;
  once?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  off?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

export interface ConsoleSinkOptions {
  /**
   * Where lines go. Default `process.stdout`. Stream `'error'` events (EPIPE)
   * belong to the stream's owner; the sink adds no listener.
   */
  stream?: ConsoleStream;
  /**
   * ANSI colour. Default: on when the stream is a TTY and `NO_COLOR` is not
   * set to a non-empty value (https://no-color.org).
   */
  color?: boolean;
  /** Cut longer values, ending them with `...`. Default `0`: never. */
  maxValueLength?: number;
  /** Event types below this severity are not printed (decided once per type). Default: all printed. */
  minSeverity?: Severity;
  /** Print ` @ <time>` after the EventID. Default `true`. */
  time?: boolean;
  /** Sink name in problems. Default `'console'`. */
  name?: string;
}

export interface ConsoleSink extends Sink {
  stats(): SinkStats & { written: number };
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Whether to colour output for `stream`: a TTY, and `NO_COLOR` unset or empty. */
export function detectColor(stream: ConsoleStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/**
 * A sink that prints each event as one line of the text form
 * (see {@link formatEventLine}). Colour and the line options are decided
 * once, when the sink is created.
 *
 * @throws RangeError when `minSeverity` is not one of `TRACE`, `DEBUG`,
 *   `INFO`, `WARN`, `ERROR`, `FATAL`.
 *
 * @example
 * const events = createEmitter(catalog, { sinks: [createConsoleSink({ minSeverity: 'WARN' })] });
 * // auth.user.locked:1 @ 2026-01-23T14:32:47Z user_id=a1b2c3d4-… attempts=5 duration_mins=30
 */
export function createConsoleSink(options: ConsoleSinkOptions = {}): ConsoleSink {
  const stream = options.stream ?? process.stdout;
  const name = options.name ?? 'console';
  const format: FormatEventLineOptions = {
    color: options.color ?? detectColor(stream),
    maxValueLength: options.maxValueLength ?? 0,
    time: options.time ?? true,
  };
  const min = options.minSeverity;
  // hasOwn: `constructor` would find Object's and silently print nothing.
  if (min !== undefined && !Object.hasOwn(SEVERITY_RANK, min)) {
    throw new RangeError(`createConsoleSink: minSeverity must be one of ${Object.keys(SEVERITY_RANK).join(', ')}, got ${JSON.stringify(min)}`);
  }
  const minRank = min === undefined ? -Infinity : SEVERITY_RANK[min];
  let report: (p: RuntimeProblem) => void = createWarnOnceHandler();
  let written = 0;
  let dropped = 0;
  let closed = false;
  let reportedAfterShutdown = false;

  /** Resolves once the stream has drained what it buffered (at once for TTYs and files, which write synchronously). */
  const flush = (): Promise<void> => {
    const once = stream.once?.bind(stream);
    if (stream.writableNeedDrain !== true || once === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      // Whichever comes first; the stream is done with our lines either way.
      const events = ['drain', 'close', 'error'] as const;
      const done = (): void => {
        for (const ev of events) stream.off?.(ev, done);
        resolve();
      };
      for (const ev of events) once(ev, done);
    });
  };

  return {
    name,

    start(ctx: SinkContext): void {
      report = (p) => ctx.report(p);
    },

    accepts(type: EventTypeInfo): boolean {
      return SEVERITY_RANK[type.severity] >= minRank;
    },

    write(event: FactlineEvent): void {
      if (closed) {
        dropped++;
        if (!reportedAfterShutdown) {
          reportedAfterShutdown = true;
          report({ code: 'FACTLINE_SINK_CLOSED', message: `event written to sink "${name}" after shutdown; dropped`, event_id: event.event_id, sink: name });
        }
        return;
      }
      // accepts() filters by the type's severity; this catches a per-event one.
      if (SEVERITY_RANK[event.severity] < minRank) return;
      try {
        stream.write(formatEventLine(event, format) + '\n');
        written++;
      } catch (e) {
        dropped++;
        report({
          code: 'FACTLINE_SINK_FAILED',
          message: `sink "${name}" could not write: ${e instanceof Error ? e.message : String(e)}`,
          event_id: event.event_id,
          sink: name,
          cause: e,
        });
      }
    },

    flush,

    async shutdown(): Promise<void> {
      if (closed) return;
      await flush();
      closed = true; // the stream is not ours to end
    },

    stats() {
      return { written, dropped, emitted: written + dropped, delivered: written, pending: 0, spooled: 0, deadLettered: 0 };
    },
  };
}
