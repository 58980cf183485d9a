/**
 * What a query should return against a Loki and Tempo that received one run
 * of the demo loop (examples/intent-loop.ts), as data an end-to-end test can
 * check. Metric queries are meant to run as instant queries at "now", within
 * the hour after the demo, with every window (`$__range`, `$__auto`) set to
 * the sample window `1h`, so that each returns its total over the demo.
 */

/** One series of a metric result: its distinguishing labels (a subset) and value. */
export interface VectorSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export type Expectation =
  /** A log query: this many lines; each has these labels (stream, metadata or parsed). */
  | {
      readonly kind: 'log-lines';
      readonly count: number;
      /** True when the count grows with each demo run in the window. */
      readonly perRun: boolean;
      readonly every?: Readonly<Record<string, string>>;
    }
  /** A metric query: this many series; optionally their sum and some series' values. */
  | {
      readonly kind: 'vector';
      readonly series: number;
      /** True when the values (not the number of series) grow with each demo run. */
      readonly perRun: boolean;
      readonly sum?: number;
      readonly samples?: readonly VectorSample[];
      /** Absolute tolerance for values; 0 when absent. */
      readonly tolerance?: number;
    }
  /** A metric query whose values are not known in advance: every value in (above, atMost]. */
  | { readonly kind: 'vector-between'; readonly series: number; readonly above: number; readonly atMost: number }
  /** A TraceQL search: this many traces and matching spans. */
  | {
      readonly kind: 'traces';
      readonly traces: number;
      readonly spans: number;
      /**
       * True when the number of spans grows with each demo run. The number of
       * traces does not: the loop's trace id is derived from TRACE-015, so
       * every run adds its spans to the same trace.
       */
      readonly perRun: boolean;
      readonly spanNames?: readonly string[];
    };

export const lines = (count: number, every?: Record<string, string>): Expectation => ({ kind: 'log-lines', count, perRun: true, ...(every ? { every } : {}) });
export const counts = (series: number, sum: number, samples?: VectorSample[]): Expectation => ({
  kind: 'vector',
  series,
  perRun: true,
  sum,
  ...(samples ? { samples } : {}),
});
export const figures = (samples: VectorSample[], tolerance = 1e-9): Expectation => ({
  kind: 'vector',
  series: samples.length,
  perRun: false,
  samples,
  tolerance,
});
export const empty: Expectation = { kind: 'vector', series: 0, perRun: false };
export const traces = (count: number, spans: number, spanNames?: string[]): Expectation => ({
  kind: 'traces',
  traces: count,
  spans,
  perRun: true,
  ...(spanNames ? { spanNames } : {}),
});
