/**
 * The query side's one contract: a LogQL query in, Loki's HTTP API JSON out,
 * whichever engine answers it (the local files or a Loki server). The shapes
 * are Loki's own (`GET /loki/api/v1/query` and `/query_range`), so one client
 * reads both.
 */

/** Label set of a stream or series: Loki's stream labels, structured metadata and parsed labels, flattened. */
export type LabelSet = Record<string, string>;

/** One log line: `[time in Unix epoch nanoseconds as a decimal string, line]`. */
export type LokiLogEntry = [string, string];

export interface LokiStream {
  stream: LabelSet;
  values: LokiLogEntry[];
}

/** One sample: `[Unix epoch seconds (may have a fraction), value as a decimal string]`. */
export type LokiSample = [number, string];

export interface LokiVectorSample {
  metric: LabelSet;
  value: LokiSample;
}

export interface LokiMatrixSeries {
  metric: LabelSet;
  values: LokiSample[];
}

export type LokiQueryData =
  | { resultType: 'streams'; result: LokiStream[]; stats?: unknown }
  | { resultType: 'vector'; result: LokiVectorSample[]; stats?: unknown }
  | { resultType: 'matrix'; result: LokiMatrixSeries[]; stats?: unknown }
  | { resultType: 'scalar'; result: LokiSample; stats?: unknown };

/** Loki's response envelope. */
export interface LokiQueryResponse {
  status: 'success';
  data: LokiQueryData;
}

/** `forward` (oldest first) or `backward` (newest first, Loki's default). */
export type QueryDirection = 'forward' | 'backward';

/** An instant query: a metric query evaluated at one time, or a log query over `[time - since, time]`. */
export interface InstantQueryRequest {
  query: string;
  /** Evaluation time, Unix epoch nanoseconds. Default: now. */
  time?: bigint;
  /** Most lines a log query returns. Default 100 (Loki's). */
  limit?: number;
  direction?: QueryDirection;
  /** Aborts the query: the local engine stops scanning, a Loki request is cancelled; it rejects with `QueryError` `aborted`. */
  signal?: AbortSignal;
}

/** A range query: a log query over `[start, end]`, or a metric query evaluated every `step`. */
export interface RangeQueryRequest {
  query: string;
  /** Unix epoch nanoseconds, inclusive. */
  start: bigint;
  /** Unix epoch nanoseconds, inclusive for log queries. */
  end: bigint;
  /** Seconds between evaluations of a metric query. Default: Loki's (range / 250, at least 1 s). */
  step?: number;
  limit?: number;
  direction?: QueryDirection;
  /** Aborts the query: the local engine stops scanning, a Loki request is cancelled; it rejects with `QueryError` `aborted`. */
  signal?: AbortSignal;
}

/** Which label names a backend knows over a time range (Loki's `GET /loki/api/v1/labels`). */
export interface LabelsRequest {
  /** Unix epoch nanoseconds, inclusive. */
  start: bigint;
  /** Unix epoch nanoseconds. */
  end: bigint;
  signal?: AbortSignal;
}

/**
 * A LogQL engine. `local` reads `events.jsonl` sets (factline envelope lines
 * and Intent flat lines); `loki` asks a Loki server. Both answer with the
 * same shapes; a query the engine cannot answer exactly rejects with a
 * `QueryError` (code `unsupported`) instead of an approximation.
 */
export interface QueryBackend {
  readonly kind: 'local' | 'loki';
  query(request: InstantQueryRequest): Promise<LokiQueryResponse>;
  queryRange(request: RangeQueryRequest): Promise<LokiQueryResponse>;
  /**
   * The index (stream) label names seen in the range, sorted: Loki's
   * `/loki/api/v1/labels`; the local engine's stream labels of the lines in
   * range. Structured metadata is not among them (read it off log lines).
   */
  labels?(request: LabelsRequest): Promise<string[]>;
}

/** Stable codes of query failures. */
export type QueryErrorCode =
  /** The LogQL does not parse; `position` is the 0-based character offset. */
  | 'syntax'
  /** Valid LogQL the local engine does not implement; run it on Loki. */
  | 'unsupported'
  /** A request argument is out of range (limit, step, time order). */
  | 'bad_request'
  /** A file could not be read, or Loki could not be reached. */
  | 'unavailable'
  /** The caller aborted the query (its `signal`). */
  | 'aborted';

/** The rejection of an aborted query. */
export function abortedError(): QueryError {
  return new QueryError('aborted', 'the query was cancelled');
}

/** A query failure as data: a stable `code`, a message that names the problem, and where it is. */
export class QueryError extends Error {
  constructor(
    readonly code: QueryErrorCode,
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * The local engine's default `max_query_series`: the value the shipped
 * collector-config/loki.yaml sets (`limits_config.max_query_series`, 10000;
 * Loki's own default is 500), so that a query answered from the file is
 * answered by the shipped stack too. A test holds the two equal.
 */
export const DEFAULT_MAX_QUERY_SERIES = 10_000;

/**
 * The local engine's default `max_entries_limit_per_query`: the most entries
 * a log query may ask for (its `limit`). Loki's default, 5000, which the
 * shipped collector-config/loki.yaml keeps (it does not set it); a test holds
 * the two equal. Metric queries are not limited by it, as on Loki.
 */
export const DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY = 5000;

/** Loki's refusal of a log query whose `limit` is above `max_entries_limit_per_query` (pkg/querier/queryrange/limits.go, HTTP 400). */
export function entriesLimitMessage(limit: number, max: number): string {
  return `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${max})`;
}

/** Loki's NewSeriesLimitError text (pkg/logqlmodel/error.go). */
export function seriesLimitMessage(limit: number): string {
  return `maximum number of series (${limit}) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()`;
}
