import { printable } from './lines/printable.js';
import type { ChainBreakCode } from './chain/verify.js';
import type { ValidationIssue } from './validation/issue.js';

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

/** The OTLP signal of a delivery problem: `logs` (the log records) or `traces` (the span events' spans). */
type Signal = 'logs' | 'traces';

/** Details shared by the delivery queue's problems: the signal concerned. */
interface DeliveryDetails {
  /** The OTLP signal whose records are concerned. */
  signal: Signal;
}

/** Details of a problem that dropped records: how many, and how many in all since start. */
interface DroppedDetails extends DeliveryDetails {
  /** Records dropped by this problem. */
  records: number;
  /** Records the queue has dropped since it started, this problem's included. */
  dropped_total: number;
}

/**
 * The `details` of each problem code, by code: what a handler can read
 * without a cast (zod's issue union, keyed by `code`, is the model). A code
 * mapped to `undefined` carries no details. docs/errors.md lists the codes;
 * `test/problems/details.test.ts` keeps the two in step.
 */
export interface ProblemDetails {
  FACTLINE_VALIDATION_FAILED: {
    /** Every issue found (docs/errors.md, "Validation issues"). */
    issues: readonly ValidationIssue[];
    /** The delivered event's `id`. */
    instance_id: string;
    /** The payload as given, when the delivered one was changed (markers, a stub); absent when none was. */
    payload?: unknown;
  };
  FACTLINE_EVENT_REJECTED:
    | {
        /** `unknown_event`: the EventID is not in the catalog. */
        issues: readonly ValidationIssue[];
        /** `typeof` the payload, or `array`, `null`. */
        payload_type: string;
        /** The payload's first 100 keys (never its values: no catalog entry says what is personal). */
        payload_keys?: readonly string[];
      }
    | {
        /** The payload as read, or its stub when it was too large. */
        payload: unknown;
      }
    | undefined;
  FACTLINE_EVENT_DEPRECATED: { /** The catalog's `deprecated` note: what to emit instead. */ instead: string } | undefined;
  FACTLINE_EXPORT_FAILED: DeliveryDetails & {
    /** Records (log records, or spans) in the failed request. */
    items: number;
    /** The HTTP status, when the endpoint answered. */
    status?: number;
    /** Milliseconds until the next attempt. */
    retry_in_ms?: number;
  };
  FACTLINE_EXPORT_PARTIAL: DeliveryDetails & {
    /** Records the endpoint rejected (its `partialSuccess`). */
    rejected: number;
    /** Records in the request. */
    records: number;
    /** The endpoint's `errorMessage`, or `partial success without a message`. */
    reason: string;
  };
  FACTLINE_DEAD_LETTERED: DeliveryDetails & {
    /** The HTTP status of the refusal (400, 413, 422). */
    status?: number;
    /** The endpoint's reason. */
    reason: string;
    /** The refused records' `factline.event.instance_id`s. */
    instance_ids: readonly string[];
    /** The dead-letter file, when one is configured. */
    path?: string;
  };
  FACTLINE_BUFFER_FULL: DroppedDetails;
  FACTLINE_SPOOL_FULL: DroppedDetails;
  FACTLINE_SPOOL_NOT_WRITABLE: DeliveryDetails &
    (
      | { /** The spool directory that failed a write. */ dir: string }
      | {
          /** The dead-letter file that could not be written. */ path?: string /** The refused records' ids, kept here instead. */;
          instance_ids: readonly string[];
        }
      | DroppedDetails
    );
  FACTLINE_SPOOL_FILE_DAMAGED: DeliveryDetails & {
    /** The damaged spool file. */
    file: string;
    /** What is wrong with it (length, SHA-256 of its header). */
    problem: string;
    /** Records set aside, when known. */
    records?: number;
    /** Instance ids found in its content (it may be damaged: candidates). */
    candidate_instance_ids: readonly string[];
    /** The dead-letter file its content went to. */
    path?: string;
  };
  FACTLINE_SPOOL_RECOVERED: DeliveryDetails & { /** The spool directory. */ dir: string /** Records moved from memory to the spool. */; records: number };
  FACTLINE_BATCH_PARKED: DeliveryDetails & {
    /** Records in the batch. */
    records: number;
    /** Attempts made so far. */
    attempts: number;
    /** The last failure. */
    reason: string;
    /** Its spool file, when spooled. */
    file?: string;
  };
  FACTLINE_DEAD_LETTER_DISCARDED: DeliveryDetails & { /** The dead-letter file. */ path?: string /** Records of the discarded `.1` file. */; records: number };
  FACTLINE_UNDELIVERED_AT_SHUTDOWN: DroppedDetails & {
    /** True when the records were sent and not answered by the end of shutdown: the endpoint may still have taken them. */
    unanswered?: true;
  };
  FACTLINE_FILE_NOT_WRITABLE: {
    /** The events file. */
    path: string;
    /** What failed: `lock`, `open`, `write`, `fsync`, `rotate`, … */
    op: string;
    /** The system error code (`ENOSPC`, `EACCES`, …), when there is one. */
    errno?: string;
  };
  FACTLINE_FILE_TORN_LINE: {
    path: string;
    /** Where the torn bytes were moved (`<path>.torn-<time>`). */
    torn_path: string;
    /** Bytes after the last `\n`. */
    bytes: number;
    /** Why they are not a complete record: a `verify` code (docs/errors.md, "Reading files"). */
    reason: ChainBreakCode;
  };
  FACTLINE_FILE_UNTERMINATED_LINE: {
    path: string;
    /** Bytes of the record without its `\n`. */
    bytes: number;
    /** Its chain `seq`, when chained. */
    seq?: number;
    /** What was done. */
    repair: 'line_end_appended';
  };
  FACTLINE_SINK_FAILED:
    | (DeliveryDetails & { /** Records dropped. */ records: number /** `internal`: the queue's own error. */; reason: 'internal' })
    | undefined;
  FACTLINE_SINK_CLOSED: { path: string; instance_id: string; reason: 'after_shutdown' } | undefined;
  FACTLINE_EVENT_UNSERIALISABLE:
    | { /** The events file. */ path: string; instance_id: string; reason: 'unserialisable' }
    | (DeliveryDetails & { /** Records not sent. */ records: number; reason: 'unserialisable' });
  FACTLINE_CHAIN_RESTARTED: { path: string; reason: 'chain_not_resumable' };
  FACTLINE_TRACE_HOOK_FAILED: undefined;
  FACTLINE_HOST_SDK_NOT_STARTED: { /** Records dropped past the 1024 held. */ dropped: number } | { /** Records held, waiting for a provider. */ held: number };
  FACTLINE_OTEL_API_MISMATCH: {
    /** The `@opentelemetry/api` version factline loaded. */
    loaded: string;
    /** The version the service's SDK registered with. */
    registered: string;
    dropped?: number;
    held?: number;
  };
  FACTLINE_HANDLER_FAILED: undefined;
}

/** Every key any form of a code's details can have. */
type DetailKeys<D> = D extends undefined ? never : D extends unknown ? Extract<keyof D, string> : never;

/**
 * The keys of each code's details, for tools and for the docs' drift test
 * (docs/errors.md, "Problem details"). The compiler keeps it equal to
 * {@link ProblemDetails}: a key missing here or unknown there fails the build.
 */
export const PROBLEM_DETAIL_KEYS = {
  FACTLINE_VALIDATION_FAILED: ['issues', 'instance_id', 'payload'],
  FACTLINE_EVENT_REJECTED: ['issues', 'payload_type', 'payload_keys', 'payload'],
  FACTLINE_EVENT_DEPRECATED: ['instead'],
  FACTLINE_EXPORT_FAILED: ['signal', 'items', 'status', 'retry_in_ms'],
  FACTLINE_EXPORT_PARTIAL: ['signal', 'rejected', 'records', 'reason'],
  FACTLINE_DEAD_LETTERED: ['signal', 'status', 'reason', 'instance_ids', 'path'],
  FACTLINE_BUFFER_FULL: ['signal', 'records', 'dropped_total'],
  FACTLINE_SPOOL_FULL: ['signal', 'records', 'dropped_total'],
  FACTLINE_SPOOL_NOT_WRITABLE: ['signal', 'dir', 'path', 'instance_ids', 'records', 'dropped_total'],
  FACTLINE_SPOOL_FILE_DAMAGED: ['signal', 'file', 'problem', 'records', 'candidate_instance_ids', 'path'],
  FACTLINE_SPOOL_RECOVERED: ['signal', 'dir', 'records'],
  FACTLINE_BATCH_PARKED: ['signal', 'records', 'attempts', 'reason', 'file'],
  FACTLINE_DEAD_LETTER_DISCARDED: ['signal', 'path', 'records'],
  FACTLINE_UNDELIVERED_AT_SHUTDOWN: ['signal', 'records', 'dropped_total', 'unanswered'],
  FACTLINE_FILE_NOT_WRITABLE: ['path', 'op', 'errno'],
  FACTLINE_FILE_TORN_LINE: ['path', 'torn_path', 'bytes', 'reason'],
  FACTLINE_FILE_UNTERMINATED_LINE: ['path', 'bytes', 'seq', 'repair'],
  FACTLINE_SINK_FAILED: ['signal', 'records', 'reason'],
  FACTLINE_SINK_CLOSED: ['path', 'instance_id', 'reason'],
  FACTLINE_EVENT_UNSERIALISABLE: ['path', 'instance_id', 'reason', 'signal', 'records'],
  FACTLINE_CHAIN_RESTARTED: ['path', 'reason'],
  FACTLINE_TRACE_HOOK_FAILED: [],
  FACTLINE_HOST_SDK_NOT_STARTED: ['dropped', 'held'],
  FACTLINE_OTEL_API_MISMATCH: ['loaded', 'registered', 'dropped', 'held'],
  FACTLINE_HANDLER_FAILED: [],
} as const satisfies { [C in RuntimeProblemCode]: readonly DetailKeys<ProblemDetails[C]>[] };

/** Compile-time check: every details key of every code is listed in PROBLEM_DETAIL_KEYS. */
type Unlisted = { [C in RuntimeProblemCode]: Exclude<DetailKeys<ProblemDetails[C]>, (typeof PROBLEM_DETAIL_KEYS)[C][number]> }[RuntimeProblemCode];
const everyDetailKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyDetailKeyListed;

/** What every problem has, whatever its code. */
interface ProblemBase {
  message: string;
  /** The EventID concerned, when there is one. */
  event_id?: string;
  /** The sink concerned, when there is one. */
  sink?: string;
  cause?: unknown;
}

/** The problem of one code, with that code's details ({@link ProblemDetails}). */
export type RuntimeProblemOf<C extends RuntimeProblemCode> = ProblemBase & { code: C } & (undefined extends ProblemDetails[C]
    ? { details?: ProblemDetails[C] }
    : { details: ProblemDetails[C] });

/**
 * A run-time problem: a union discriminated by `code`, so that
 * `if (p.code === 'FACTLINE_FILE_TORN_LINE') p.details.torn_path` type-checks.
 */
export type RuntimeProblem = { [C in RuntimeProblemCode]: RuntimeProblemOf<C> }[RuntimeProblemCode];

/** A problem without the base fields `K` (a sink adds `sink` itself), still a union by code. */
export type RuntimeProblemWithout<K extends keyof ProblemBase> = RuntimeProblem extends infer P ? (P extends unknown ? Omit<P, K> : never) : never;

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
    // A message may quote what an endpoint answered or a file held: printed with its control and bidi characters escaped.
    write(`factline: ${p.code}: ${printable(p.message)} (further ${p.code} problems are counted, not printed)\n`);
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
