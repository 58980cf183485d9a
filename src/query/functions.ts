/*
 * The LogQL functions the local engine evaluates, one row each: the parser's
 * checks (unwrap, grouping, parameter), the AST's operator types, the
 * evaluator and the refusal message all read this table, and
 * docs/query-engine.md's list of functions is checked against it
 * (test/query/functions.test.ts). Semantics are Loki v3.7.6's
 * (pkg/logql/range_vector.go, pkg/logql/vector and the vector aggregations of
 * pkg/logql/evaluator.go); each row names its source.
 */

/** The samples of one series in one range window, oldest first. */
export interface RangeWindow {
  /** Sample values: 1 per line, the line's UTF-8 bytes, or the unwrapped value. */
  values: readonly number[];
  /** Sample times: Unix epoch milliseconds and nanoseconds within the millisecond (filled for functions with `times: true`). */
  ms: readonly number[];
  ns: readonly number[];
  /** The range, in seconds and in nanoseconds. */
  rangeSeconds: number;
  rangeNs: bigint;
  /** Whether the samples are unwrapped values. */
  unwrapped: boolean;
  /** `quantile_over_time`'s φ. */
  param: number | undefined;
}

export interface RangeFunction {
  kind: 'range';
  /** What the function gives, for docs/query-engine.md. */
  doc: string;
  /** `| unwrap`: needed, allowed, or refused (Loki's RangeAggregationExpr.validate). */
  unwrap: 'required' | 'optional' | 'never';
  /** Whether `by` / `without` may follow (Loki's RangeAggregationExpr.validate). */
  grouping: boolean;
  /** Whether a number parameter comes first (`quantile_over_time(0.9, …)`). */
  param: boolean;
  /** The sample of a line without unwrap: 1 or the line's bytes. */
  sample: 'line' | 'bytes';
  /** Whether the function needs the samples' times. */
  times: boolean;
  /** Whether `sum by (…)` of it may be summed while reading (the sum of the series' values is the value of the summed series). */
  additive: boolean;
  /** The value of a window with at least one sample. */
  evaluate: (w: RangeWindow) => number;
}

/** One group's samples of a vector aggregation. */
export interface VectorFunction {
  kind: 'vector';
  doc: string;
  /** Whether `by` / `without` may be given (`sort` and `sort_desc` refuse it, as Loki does). */
  grouping: boolean;
  /** Whether a number parameter comes first (`topk(3, …)`), required then. */
  param: boolean;
  /** Whether the order of its result is the answer's (an instant query's vector is otherwise sorted by labels). */
  ordersResult: boolean;
  /**
   * `reduce`: one sample per group, with the group's labels, from the
   * members' values in input order; `select`: members of the group, keeping
   * their labels.
   */
  evaluate:
    | { reduce: (values: readonly number[]) => number }
    | { select: <S extends { value: number }>(members: readonly S[], param: number | undefined) => S[] };
}

/** A function with its own syntax (not a range or vector aggregation): evaluated by its own node of the AST. */
export interface OtherFunction {
  kind: 'other';
  doc: string;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Prometheus' quantile: φ < 0 is -Inf, φ > 1 is +Inf, linear interpolation between ranks. */
export function quantile(q: number, input: readonly number[]): number {
  if (input.length === 0) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const values = [...input].sort((a, b) => (Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : a - b));
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

function variance(values: readonly number[]): number {
  let aux = 0;
  let count = 0;
  let mean = 0;
  for (const v of values) {
    count++;
    const delta = v - mean;
    mean += delta / count;
    aux += delta * (v - mean);
  }
  return aux / count;
}

/**
 * Loki's `extrapolatedRate(samples, selRange, isCounter=true, isRate=true)`
 * (pkg/logql/range_vector.go, taken from Prometheus), as Loki v3.7.6
 * computes it: its sample times are Unix nanoseconds while the range start
 * subtracts the range in milliseconds, so the distance to the window's start
 * is the range in milliseconds / 1000 and the distance to its end is 0, and
 * the sampled interval is in microseconds. Fewer than two samples give 0.
 */
function rateCounter(w: RangeWindow): number {
  const { values, ms, ns } = w;
  const n = values.length;
  if (n < 2) return 0;
  const first = values[0]!;
  const last = values[n - 1]!;
  let result = last - first;
  let lastValue = 0;
  for (const v of values) {
    if (v < lastValue) result += lastValue;
    lastValue = v;
  }
  // rangeStart = T0 - range in ms; durationToStart = (T0 - rangeStart) / 1000.
  let durationToStart = Number(w.rangeNs / 1_000_000n) / 1000;
  // rangeEnd is the last sample's time.
  const durationToEnd = 0;
  // Nanosecond differences, exact for windows shorter than 104 days.
  const sampledInterval = ((ms[n - 1]! - ms[0]!) * 1e6 + (ns[n - 1]! - ns[0]!)) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  if (result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
  result = result * (extrapolateToInterval / sampledInterval);
  return result / w.rangeSeconds;
}

const range = (
  doc: string,
  unwrap: RangeFunction['unwrap'],
  evaluate: RangeFunction['evaluate'],
  more: Partial<Omit<RangeFunction, 'kind' | 'doc' | 'unwrap' | 'evaluate'>> = {},
): RangeFunction => ({ kind: 'range', doc, unwrap, evaluate, grouping: false, param: false, sample: 'line', times: false, additive: false, ...more });

/** Range aggregations without unwrap that accept `by` / `without`: those over unwrapped values (Loki's RangeAggregationExpr.validate). */
const GROUPS = { grouping: true } as const;

/** Loki's range aggregations (`fn({…}[range])`), by name. */
export const RANGE_FUNCTIONS = {
  count_over_time: range('the number of lines', 'never', (w) => w.values.length, { additive: true }),
  rate: range(
    'lines per second; with unwrap, the sum of the values per second',
    'optional',
    (w) => (w.unwrapped ? sum(w.values) : w.values.length) / w.rangeSeconds,
    {
      additive: true,
    },
  ),
  bytes_over_time: range('the bytes of the lines', 'never', (w) => sum(w.values), { sample: 'bytes', additive: true }),
  bytes_rate: range('bytes of the lines per second', 'never', (w) => sum(w.values) / w.rangeSeconds, { sample: 'bytes', additive: true }),
  absent_over_time: range('1 with the selector’s `=` labels when no line is in the range, else nothing', 'optional', () => 1),
  sum_over_time: range('the sum of the values', 'required', (w) => sum(w.values), { additive: true }),
  avg_over_time: range(
    'the mean of the values',
    'required',
    (w) => {
      let mean = 0;
      let count = 0;
      for (const v of w.values) {
        count++;
        if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
          if (!Number.isFinite(v) && !Number.isNaN(v) && mean > 0 === v > 0) continue;
          if (Number.isFinite(v)) continue;
        }
        mean += v / count - mean / count;
      }
      return mean;
    },
    GROUPS,
  ),
  min_over_time: range(
    'the smallest value',
    'required',
    (w) => {
      let m = w.values[0]!;
      for (const v of w.values) if (v < m || Number.isNaN(m)) m = v;
      return m;
    },
    GROUPS,
  ),
  max_over_time: range(
    'the largest value',
    'required',
    (w) => {
      let m = w.values[0]!;
      for (const v of w.values) if (v > m || Number.isNaN(m)) m = v;
      return m;
    },
    GROUPS,
  ),
  first_over_time: range('the oldest value', 'required', (w) => w.values[0]!, GROUPS),
  last_over_time: range('the newest value', 'required', (w) => w.values[w.values.length - 1]!, GROUPS),
  stddev_over_time: range('the population standard deviation of the values', 'required', (w) => Math.sqrt(variance(w.values)), GROUPS),
  stdvar_over_time: range('the population variance of the values', 'required', (w) => variance(w.values), GROUPS),
  quantile_over_time: range('the φ-quantile of the values (`quantile_over_time(0.99, …)`)', 'required', (w) => quantile(w.param!, w.values), {
    ...GROUPS,
    param: true,
  }),
  rate_counter: range(
    'the per-second rate of the values taken as a counter (resets allowed), extrapolated as Loki 3.7.6 does; 0 for one sample',
    'required',
    rateCounter,
    { times: true },
  ),
} as const satisfies Record<string, RangeFunction>;

const reduce = (doc: string, f: (values: readonly number[]) => number, grouping = true): VectorFunction => ({
  kind: 'vector',
  doc,
  grouping,
  param: false,
  ordersResult: false,
  evaluate: { reduce: f },
});

function byValue<S extends { value: number }>(desc: boolean): (a: S, b: S) => number {
  return (a, b) => (desc ? b.value - a.value : a.value - b.value);
}

/** Loki's vector aggregations (`fn by (…) (vector)`), by name. */
export const VECTOR_FUNCTIONS = {
  sum: reduce('the sum', (values) => {
    let s = values[0]!;
    for (let i = 1; i < values.length; i++) s += values[i]!;
    return s;
  }),
  avg: reduce('the mean', (values) => {
    let mean = values[0]!;
    for (let i = 1; i < values.length; i++) mean += (values[i]! - mean) / (i + 1);
    return mean;
  }),
  min: reduce('the smallest value', (values) => {
    let m = values[0]!;
    for (const v of values) if (m > v || Number.isNaN(m)) m = v;
    return m;
  }),
  max: reduce('the largest value', (values) => {
    let m = values[0]!;
    for (const v of values) if (m < v || Number.isNaN(m)) m = v;
    return m;
  }),
  count: reduce('the number of series', (values) => values.length),
  stddev: reduce('the population standard deviation', (values) => Math.sqrt(groupVariance(values))),
  stdvar: reduce('the population variance', groupVariance),
  topk: {
    kind: 'vector',
    doc: 'the k largest series (`topk(3, …)`)',
    grouping: true,
    param: true,
    ordersResult: false,
    evaluate: { select: (members, k) => [...members].sort(byValue(true)).slice(0, k) },
  },
  bottomk: {
    kind: 'vector',
    doc: 'the k smallest series (`bottomk(3, …)`)',
    grouping: true,
    param: true,
    ordersResult: false,
    evaluate: { select: (members, k) => [...members].sort(byValue(false)).slice(0, k) },
  },
  sort: {
    kind: 'vector',
    doc: 'the series by ascending value',
    grouping: false,
    param: false,
    ordersResult: true,
    evaluate: { select: (members) => [...members].sort(byValue(false)) },
  },
  sort_desc: {
    kind: 'vector',
    doc: 'the series by descending value',
    grouping: false,
    param: false,
    ordersResult: true,
    evaluate: { select: (members) => [...members].sort(byValue(true)) },
  },
} as const satisfies Record<string, VectorFunction>;

/** Loki's group variance (the first value starts the mean; Welford's update for the others). */
function groupVariance(values: readonly number[]): number {
  let mean = values[0]!;
  let aux = 0;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    const delta = v - mean;
    mean += delta / (i + 1);
    aux += delta * (v - mean);
  }
  return aux / values.length;
}

/** Functions with their own syntax. */
export const OTHER_FUNCTIONS = {
  vector: { kind: 'other', doc: 'a one-series vector without labels of a number (`vector(1)`)' },
  label_replace: { kind: 'other', doc: '`label_replace(v, "dst", "replacement", "src", "regex")`: sets `dst` where the regex matches `src`' },
} as const satisfies Record<string, OtherFunction>;

export type RangeOp = keyof typeof RANGE_FUNCTIONS;
export type VectorOp = keyof typeof VECTOR_FUNCTIONS;

/** Every LogQL function the engine evaluates, by name. */
export const LOGQL_FUNCTIONS: Readonly<Record<string, RangeFunction | VectorFunction | OtherFunction>> = {
  ...RANGE_FUNCTIONS,
  ...VECTOR_FUNCTIONS,
  ...OTHER_FUNCTIONS,
};

export function rangeFunction(name: string): RangeFunction | undefined {
  return Object.hasOwn(RANGE_FUNCTIONS, name) ? RANGE_FUNCTIONS[name as RangeOp] : undefined;
}

export function vectorFunction(name: string): VectorFunction | undefined {
  return Object.hasOwn(VECTOR_FUNCTIONS, name) ? VECTOR_FUNCTIONS[name as VectorOp] : undefined;
}

/** The refusal of a function the table does not hold: names it and lists those it does. */
export function unsupportedFunctionMessage(name: string): string {
  return `${name}() is not supported by the local engine, which evaluates ${Object.keys(LOGQL_FUNCTIONS).join(', ')}; run the query on Loki (--loki URL)`;
}
