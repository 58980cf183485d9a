import type { LogSelector, MetricExpr } from './ast.js';
import { factlineEnvelopeFormat, formatFloatF, nanos, type LineFormat, type SkipReason } from './entry.js';
import { evaluate, type Sample } from './evaluate.js';
import { VECTOR_FUNCTIONS } from './functions.js';
import { resolveFiles } from './files.js';
import { compareLabels, labelsKey, labelsString, sortedLabels } from './labels.js';
import { parseQuery } from './parse.js';
import { rowLabels, rowLine, type Row } from './pipeline.js';
import { emptyStats, scan, toInstant, type ScanStats } from './scan.js';
import {
  DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY,
  DEFAULT_MAX_QUERY_SERIES,
  entriesLimitMessage,
  seriesLimitMessage,
  QueryError,
  type InstantQueryRequest,
  type LabelsRequest,
  type LokiMatrixSeries,
  type LokiQueryResponse,
  type LokiStream,
  type LokiVectorSample,
  type QueryBackend,
  type QueryDirection,
  type RangeQueryRequest,
} from './types.js';

/** Options of {@link createLocalBackend}. */
export interface LocalBackendOptions {
  /**
   * Event files: paths (each with its rotated `path.N` files, oldest first)
   * or globs in the last segment (`logs/*.jsonl`). Lines of several
   * `formats` may be mixed.
   */
  files: readonly string[];
  /**
   * The line formats of the files, tried in order for each line; a line
   * none of them reads is skipped as `not_an_event`. Default: factline's
   * envelope alone (`[factlineEnvelopeFormat]`). With Intent's flat lines:
   * `[intentFlatFormat, factlineEnvelopeFormat]` (`intentFlatFormat` from
   * `factline/intent`).
   */
  formats?: readonly LineFormat[];
  /**
   * `service_name` of lines that carry none (Intent lines, older envelopes):
   * what the Collector's `FACTLINE_FILE_SERVICE_NAME` sets. Default `factline`.
   */
  serviceName?: string;
  /** Longest line read, in bytes; a longer line is skipped and counted. Default 16 MiB. */
  maxLineBytes?: number;
  /** Called for every line skipped, with its code: `not_json`, `not_an_object`, `line_too_long`, `not_an_event`, `no_time` (docs/errors.md). */
  onSkip?: (file: string, line: number, reason: SkipReason) => void;
  /** The clock for requests without a time (Unix epoch ns). Default: now. */
  now?: () => bigint;
  /**
   * The most series a metric query may return (Loki's `max_query_series`);
   * more fail the query with Loki's message, as Loki does. Default 10000,
   * the value the shipped collector-config/loki.yaml sets (Loki's own default
   * is 500). Set it to the value of the Loki that serves the same events, so
   * that a query answered from the file is answered in Grafana too.
   */
  maxQuerySeries?: number;
  /**
   * The most entries a log query may ask for (Loki's
   * `max_entries_limit_per_query`): a `limit` above it fails the query with
   * Loki's message (`bad_request`), as Loki refuses it; metric queries are not
   * limited by it. Default 5000, Loki's, which the shipped
   * collector-config/loki.yaml keeps.
   */
  maxEntriesLimitPerQuery?: number;
}

/** What a local query reports in `data.stats` besides Loki's summary. */
export interface LocalQueryStats {
  summary: {
    totalLinesProcessed: number;
    totalBytesProcessed: number;
    totalEntriesReturned: number;
    totalPostFilterLines: number;
  };
  /** Lines of the files that are not events, by reason, and the first few of them. */
  skipped: ScanStats['skipped'];
  skippedSamples: ScanStats['skippedSamples'];
  files: string[];
}

const DEFAULT_LIMIT = 100;

/**
 * A LogQL engine over local event files that answers as Loki does over the
 * same events shipped through the Collector (see docs/query-engine.md).
 *
 * Rejections are `QueryError`s: `syntax` (with `position`), `unsupported`
 * (valid LogQL this engine does not evaluate; run it on Loki), `bad_request`
 * (limits, time order, Loki's own query errors), `unavailable` (unreadable
 * files). Corrupt, huge or foreign lines never fail a query: they are skipped,
 * counted in `data.stats.skipped` and passed to `onSkip`.
 *
 * @example
 * const backend = createLocalBackend({ files: ['.factline/events.jsonl'] });
 * const res = await backend.query({ query: 'sum by (event_name) (count_over_time({service_name="api"}[1h]))' });
 */
export function createLocalBackend(options: LocalBackendOptions): QueryBackend {
  const now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const entry = { serviceName: options.serviceName ?? 'factline', formats: options.formats ?? [factlineEnvelopeFormat] };
  if (entry.formats.length === 0) throw new RangeError('formats must name at least one line format (the default is [factlineEnvelopeFormat])');
  const maxSeries = options.maxQuerySeries ?? DEFAULT_MAX_QUERY_SERIES;
  if (!Number.isInteger(maxSeries) || maxSeries < 1) {
    throw new RangeError(`maxQuerySeries must be a whole number >= 1 (Loki's max_query_series), got ${String(options.maxQuerySeries)}`);
  }
  const maxEntries = options.maxEntriesLimitPerQuery ?? DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(
      `maxEntriesLimitPerQuery must be a whole number >= 1 (Loki's max_entries_limit_per_query), got ${String(options.maxEntriesLimitPerQuery)}`,
    );
  }

  async function context(): Promise<{ files: string[]; stats: ScanStats }> {
    const files = await resolveFiles(options.files);
    return { files, stats: emptyStats() };
  }

  function scanOptions(files: string[], stats: ScanStats, signal?: AbortSignal) {
    return {
      files,
      entry,
      stats,
      ...(signal !== undefined ? { signal } : {}),
      ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
      ...(options.onSkip !== undefined ? { onSkip: options.onSkip } : {}),
    };
  }

  function statsOf(stats: ScanStats, files: string[], returned: number): LocalQueryStats {
    return {
      summary: {
        totalLinesProcessed: stats.linesRead,
        totalBytesProcessed: stats.bytesRead,
        totalEntriesReturned: returned,
        totalPostFilterLines: stats.entriesMatched,
      },
      skipped: stats.skipped,
      skippedSamples: stats.skippedSamples,
      files,
    };
  }

  async function logQuery(
    q: LogSelector,
    start: bigint,
    end: bigint,
    limit: number,
    direction: QueryDirection,
    signal?: AbortSignal,
  ): Promise<LokiQueryResponse> {
    const { files, stats } = await context();
    // The newest (backward) or oldest (forward) `limit` entries, kept in a
    // buffer of at most 2 x limit + 1000 rows: memory is bounded by the limit,
    // not by the file. Labels and line are materialised only for survivors.
    interface Kept {
      ms: number;
      ns: number;
      seq: number;
      row: Row;
      key?: string;
    }
    const keyOf = (k: Kept): string => (k.key ??= labelsString(rowLabels(k.row)));
    const kept: Kept[] = [];
    let seq = 0;
    const backward = direction === 'backward';
    const cmp = (a: Kept, b: Kept): number => {
      const t = a.ms - b.ms || a.ns - b.ns;
      if (t !== 0) return backward ? -t : t;
      const ka = keyOf(a);
      const kb = keyOf(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      return backward ? b.seq - a.seq : a.seq - b.seq;
    };
    // Once the buffer is full, an entry beyond the last kept one cannot make it.
    let bound: Kept | undefined;
    const trim = (): void => {
      kept.sort(cmp);
      // Loki's merge of entry iterators drops an entry equal to one already
      // returned at the same time: same labels (after the pipeline) and line.
      let w = 0;
      for (let i = 0; i < kept.length; i++) {
        const k = kept[i]!;
        let duplicate = false;
        for (let j = w - 1; j >= 0; j--) {
          const p = kept[j]!;
          if (p.ms !== k.ms || p.ns !== k.ns) break;
          if (keyOf(p) === keyOf(k) && rowLine(p.row) === rowLine(k.row)) {
            duplicate = true;
            break;
          }
        }
        if (!duplicate) kept[w++] = k;
      }
      kept.length = Math.min(w, limit);
      bound = kept.length === limit ? kept[kept.length - 1] : undefined;
    };
    await scan(q, { ...scanOptions(files, stats, signal), from: toInstant(start), to: toInstant(end), toInclusive: false }, (row) => {
      if (limit === 0) return false;
      const k: Kept = { ms: row.entry.ms, ns: row.entry.ns, seq: seq++, row };
      if (bound !== undefined && cmp(k, bound) > 0) return true;
      kept.push(k);
      if (kept.length >= limit * 2 + 1000) trim();
      return true;
    });
    trim();
    const streams = new Map<string, LokiStream & { sortKey: string }>();
    for (const k of kept) {
      const key = keyOf(k);
      let s = streams.get(key);
      if (s === undefined) {
        s = { stream: sortedLabels(rowLabels(k.row)), values: [], sortKey: key };
        streams.set(key, s);
      }
      s.values.push([nanos(k.ms, k.ns), rowLine(k.row)]);
    }
    const result = [...streams.values()].sort((a, b) => (a.sortKey <= b.sortKey ? (a.sortKey === b.sortKey ? 0 : -1) : 1));
    return {
      status: 'success',
      data: { resultType: 'streams', result: result.map(({ stream, values }) => ({ stream, values })), stats: statsOf(stats, files, kept.length) },
    };
  }

  async function metricQuery(expr: MetricExpr, steps: bigint[], instant: boolean, signal?: AbortSignal): Promise<LokiQueryResponse> {
    const { files, stats } = await context();
    const value = await evaluate(expr, { steps, scan: scanOptions(files, stats, signal) });
    const seconds = (t: bigint): number => Number(t / 1_000_000n) / 1000;
    if (!Array.isArray(value)) {
      if (instant)
        return {
          status: 'success',
          data: { resultType: 'scalar', result: [lokiScalarTime(steps[0]!), formatFloatF(value.scalar)], stats: statsOf(stats, files, 0) },
        };
      const series: LokiMatrixSeries = { metric: {}, values: steps.map((t) => [seconds(t), formatFloatF(value.scalar)]) };
      return { status: 'success', data: { resultType: 'matrix', result: [series], stats: statsOf(stats, files, 0) } };
    }
    // Loki's JoinSampleVector: the first step's vector, then the series seen so far, against max_query_series.
    if ((value[0]?.length ?? 0) > maxSeries) throw new QueryError('bad_request', seriesLimitMessage(maxSeries));
    if (instant) {
      const vec: Sample[] = value[0]!;
      if (!sortsByValue(expr)) vec.sort((a, b) => compareLabels(a.labels, b.labels));
      const result: LokiVectorSample[] = vec.map((s) => ({ metric: sortedLabels(s.labels), value: [seconds(steps[0]!), formatFloatF(s.value)] }));
      return { status: 'success', data: { resultType: 'vector', result, stats: statsOf(stats, files, result.length) } };
    }
    const bySeries = new Map<string, { labels: Record<string, string>; values: [number, string][] }>();
    value.forEach((vec, k) => {
      for (const s of vec) {
        const key = labelsKey(s.labels);
        let series = bySeries.get(key);
        if (series === undefined) {
          series = { labels: s.labels, values: [] };
          bySeries.set(key, series);
        }
        series.values.push([seconds(steps[k]!), formatFloatF(s.value)]);
      }
      if (bySeries.size > maxSeries) throw new QueryError('bad_request', seriesLimitMessage(maxSeries));
    });
    const result: LokiMatrixSeries[] = [...bySeries.values()]
      .sort((a, b) => compareLabels(a.labels, b.labels))
      .map((s) => ({ metric: sortedLabels(s.labels), values: s.values }));
    return { status: 'success', data: { resultType: 'matrix', result, stats: statsOf(stats, files, result.length) } };
  }

  function checkLimit(limit: number | undefined): number {
    const l = limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(l) || l < 0) throw new QueryError('bad_request', `limit must be a non-negative integer, got ${String(limit)}`);
    return l;
  }

  return {
    kind: 'local',
    async query(request: InstantQueryRequest): Promise<LokiQueryResponse> {
      const q = parseQuery(request.query);
      const time = request.time ?? now();
      if (q.kind === 'log') {
        throw new QueryError('bad_request', 'log queries are not supported as an instant query type, please change your query to a range query type');
      }
      checkLimit(request.limit);
      return metricQuery(q, [time], true, request.signal);
    },
    async queryRange(request: RangeQueryRequest): Promise<LokiQueryResponse> {
      const q = parseQuery(request.query);
      const { start, end } = request;
      if (end < start) throw new QueryError('bad_request', 'end timestamp must not be before or equal to start time');
      const limit = checkLimit(request.limit);
      // Loki checks the entries limit of log queries only (queryrange's roundtrip: validateMaxEntriesLimits for a LogSelectorExpr).
      if (q.kind === 'log' && limit > maxEntries) throw new QueryError('bad_request', entriesLimitMessage(limit, maxEntries));
      if (q.kind === 'log') return logQuery(q, start, end, limit, request.direction ?? 'backward', request.signal);
      const stepSeconds = request.step ?? Math.max(Math.floor(Number(end - start) / 1e9 / 250), 1);
      if (!(stepSeconds > 0)) throw new QueryError('bad_request', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
      const stepNs = BigInt(Math.round(stepSeconds * 1e9));
      if ((end - start) / stepNs > 11000n) {
        throw new QueryError('bad_request', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      }
      // Loki's query frontend splits metric queries by interval and aligns
      // them to the step: start rounded down, end rounded up
      // (metricQuerySplitter.alignStartEnd).
      const alignedStart = start - mod(start, stepNs);
      const alignedEnd = mod(end, stepNs) === 0n ? end : end + stepNs - mod(end, stepNs);
      const steps: bigint[] = [];
      for (let t = alignedStart; t <= alignedEnd; t += stepNs) steps.push(t);
      return metricQuery(q, steps, false, request.signal);
    },
    async labels(request: LabelsRequest): Promise<string[]> {
      const { files, stats } = await context();
      const names = new Set<string>();
      // Every line: a selector without matchers and without stages.
      await scan(
        { kind: 'log', matchers: [], stages: [] },
        { ...scanOptions(files, stats, request.signal), from: toInstant(request.start), to: toInstant(request.end), toInclusive: false },
        (row) => {
          for (const name of Object.keys(row.entry.stream)) names.add(name);
        },
      );
      return [...names].sort();
    },
  };
}

/** Go's `%` on int64: the sign of the dividend. */
function mod(a: bigint, b: bigint): bigint {
  return a % b;
}

/**
 * The timestamp Loki 3.7.6 puts on a scalar answer: the evaluation time in
 * nanoseconds times 1000, wrapped to int64, divided by 10^6. It is not a
 * meaningful time (an overflow in Loki); it is reproduced so that both
 * engines give one client the same answer.
 */
function lokiScalarTime(t: bigint): number {
  return Number(BigInt.asIntN(64, t * 1000n) / 1_000_000n);
}

function sortsByValue(expr: MetricExpr): boolean {
  switch (expr.kind) {
    case 'vector_agg':
      return VECTOR_FUNCTIONS[expr.op].ordersResult || sortsByValue(expr.inner);
    case 'binary':
      return sortsByValue(expr.left) || sortsByValue(expr.right);
    case 'label_replace':
      return sortsByValue(expr.inner);
    default:
      return false;
  }
}
