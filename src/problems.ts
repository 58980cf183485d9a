/**
 * factline's own run-time failures. After set-up, the library never throws
 * into the host application: a failure becomes a
 * `RuntimeProblem`, goes to the one configured handler, and is counted.
 *
 * The codes are stable and documented in `docs/errors.md`; the Intent catalog
 * emits them as `system.error` events (`error_code`).
 */
export type RuntimeProblemCode =
  /** A payload failed validation in `report` mode; the event was still delivered, flagged. */
  | 'FACTLINE_VALIDATION_FAILED'
  /** An event was rejected before any sink: unknown EventID or unserialisable payload in `report` mode. */
  | 'FACTLINE_EVENT_REJECTED'
  /** A type the catalog marks `deprecated` was emitted (reported once per EventID per emitter); the event was delivered. */
  | 'FACTLINE_EVENT_DEPRECATED'
  /** An export attempt failed (endpoint down, 429/5xx, timeout); the OTLP log records are kept and retried. */
  | 'FACTLINE_EXPORT_FAILED'
  /** The endpoint answered a partial success: it accepted a request but rejected some of its records. */
  | 'FACTLINE_EXPORT_PARTIAL'
  /** The endpoint refused records (400/413/422) one by one; they went to the dead-letter file with its reason. */
  | 'FACTLINE_DEAD_LETTERED'
  /** The in-memory delivery buffer was full and there is no spool (or the spool failed): the newest batch was dropped. */
  | 'FACTLINE_BUFFER_FULL'
  /** The spool reached its `maxBytes`: the newest batch was dropped. */
  | 'FACTLINE_SPOOL_FULL'
  /** The spool directory or the dead-letter file could not be written or read. */
  | 'FACTLINE_SPOOL_NOT_WRITABLE'
  /** A spool file failed its own check (length or SHA-256 of its header): its content went to the dead-letter file with reason `spool file damaged`, and delivery went on. */
  | 'FACTLINE_SPOOL_FILE_DAMAGED'
  /** A spool that failed a write (`ENOSPC`, `EROFS`, a lost lock) is writable again: batches go to disk again. */
  | 'FACTLINE_SPOOL_RECOVERED'
  /** One batch failed `parkAfterAttempts` times in a row: it was parked (kept) and is retried every `parkedRetryMillis` while later batches go out. */
  | 'FACTLINE_BATCH_PARKED'
  /** The dead-letter file reached `deadLetterMaxBytes` and was rotated; the records of the previous `.1` file were discarded (`details.records`). */
  | 'FACTLINE_DEAD_LETTER_DISCARDED'
  /** Shutdown found records neither delivered nor spooled (no spool, endpoint unreachable): they were dropped. */
  | 'FACTLINE_UNDELIVERED_AT_SHUTDOWN'
  /** The events file could not be opened or written. */
  | 'FACTLINE_FILE_NOT_WRITABLE'
  /** A torn (partial) last line, not a complete record, was found in the events file and moved aside. */
  | 'FACTLINE_FILE_TORN_LINE'
  /** The events file ended in a complete record without its `\n`: the `\n` was appended (a repair) and the record kept. */
  | 'FACTLINE_FILE_UNTERMINATED_LINE'
  /** A sink threw, could not write, or failed to flush or shut down; the event still reached the other sinks. */
  | 'FACTLINE_SINK_FAILED'
  /** An event reached a sink after that sink was shut down (e.g. an event emitted while shutting down): dropped, counted in the sink's `dropped`. */
  | 'FACTLINE_SINK_CLOSED'
  /** A sink could not serialise an event or a batch (possible only with validation `off`): not written. */
  | 'FACTLINE_EVENT_UNSERIALISABLE'
  /** The events file ended in a complete line that is not a chain record: a new chain starts after it. */
  | 'FACTLINE_CHAIN_RESTARTED'
  /** The emitter's `resolveTrace` hook threw: the event was delivered without its domain trace key. */
  | 'FACTLINE_TRACE_HOOK_FAILED'
  /** With `logger: 'global'`, no OpenTelemetry LoggerProvider has been registered: records are held (up to 1024), and past that the oldest are dropped. */
  | 'FACTLINE_HOST_SDK_NOT_STARTED'
  /** The service's OpenTelemetry SDK registered with another `@opentelemetry/api` than the copy factline loaded (two copies, or SDK 2 beside SDK 3): factline cannot reach it; the message names both versions and the fix. */
  | 'FACTLINE_OTEL_API_MISMATCH'
  /** The error handler itself threw. */
  | 'FACTLINE_HANDLER_FAILED';

export interface RuntimeProblem {
  code: RuntimeProblemCode;
  message: string;
  /** The EventID concerned, when there is one. */
  event_id?: string;
  /** The sink concerned, when there is one. */
  sink?: string;
  /** Structured details (validation issues, file path, ...). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export type ProblemHandler = (problem: RuntimeProblem) => void;

/**
 * The default handler: one line on stderr per problem code (warn once, as
 * the OpenTelemetry SDK does for its diagnostics), then silence; the
 * counters keep counting.
 */
export function createWarnOnceHandler(write: (line: string) => void = (l) => process.stderr.write(l)): ProblemHandler {
  const seen = new Set<string>();
  return (p) => {
    if (seen.has(p.code)) return;
    seen.add(p.code);
    write(`factline: ${p.code}: ${p.message} (further ${p.code} problems are counted, not printed)\n`);
  };
}

/**
 * Wraps a handler so that it can never throw into the caller, and counts
 * every problem by code.
 */
export class ProblemReporter {
  readonly counts: Partial<Record<RuntimeProblemCode, number>> = {};
  private readonly handlers: ProblemHandler[];

  constructor(handler: ProblemHandler) {
    this.handlers = [handler];
  }

  /** Adds a listener (the Intent catalog's `system.error` emitter uses this). */
  subscribe(handler: ProblemHandler): () => void {
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  report(problem: RuntimeProblem): void {
    this.counts[problem.code] = (this.counts[problem.code] ?? 0) + 1;
    for (const h of this.handlers) {
      try {
        h(problem);
      } catch (e) {
        this.counts.FACTLINE_HANDLER_FAILED = (this.counts.FACTLINE_HANDLER_FAILED ?? 0) + 1;
        void e;
      }
    }
  }
}
