/**
 * Compares a query's answer from Loki or Tempo with what the demo-case table
 * expects of it (demo-cases.ts). Shared by the end-to-end suite, which asks a
 * live Loki and Tempo, and the replay of their recorded answers
 * (test/grafana/recorded-answers.test.ts).
 */
import { expect } from 'vitest';
import type { QueryCase } from './demo-cases.js';

/** Loki's `query_range` answer for a log query: streams of lines. */
export interface LokiStreams {
  readonly data: { readonly result: readonly { readonly stream: Record<string, string>; readonly values: readonly unknown[] }[] };
}
/** Loki's instant `query` answer for a metric query: one sample per series. */
export interface LokiVector {
  readonly data: { readonly result: readonly { readonly metric: Record<string, string>; readonly value: readonly [number, string] }[] };
}
/** Tempo's search answer: traces with their matching span sets. */
export interface TempoTraces {
  readonly traces: readonly { readonly traceID: string; readonly spanSets?: readonly { readonly spans: readonly { readonly spanID: string }[] }[] }[];
}

function hasLabels(have: Readonly<Record<string, string>>, want: Readonly<Record<string, string>>): boolean {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** The spans of a Tempo search answer, every span set of every trace. */
export function spansOf(r: TempoTraces): { readonly spanID: string }[] {
  return r.traces.flatMap((t) => t.spanSets?.flatMap((s) => s.spans) ?? []);
}

/** Checks a TraceQL answer's number of traces and spans (span names need the traces; see the e2e suite). */
export function expectTraces(c: QueryCase, r: TempoTraces): void {
  const x = c.expected;
  if (x.kind !== 'traces') throw new Error(`${c.name}: a TraceQL case must expect traces`);
  expect(r.traces, c.expr).toHaveLength(x.traces);
  expect(spansOf(r), c.expr).toHaveLength(x.spans);
}

/** Checks a log query's lines: their number, and the labels every line must have. */
export function expectLines(c: QueryCase, r: LokiStreams): void {
  const x = c.expected;
  if (x.kind !== 'log-lines') throw new Error(`${c.name}: a log query must expect lines`);
  const lines = r.data.result.flatMap((s) => s.values.map(() => s.stream));
  expect(lines, c.expr).toHaveLength(x.count);
  if (x.every) for (const l of lines) expect(hasLabels(l, x.every), `${c.expr}\n${JSON.stringify(l)}`).toBe(true);
}

/** Checks a metric query's series: their number, sum and the sampled values. */
export function expectVector(c: QueryCase, r: LokiVector): void {
  const x = c.expected;
  const series = r.data.result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
  if (x.kind === 'vector') {
    expect(series, c.expr).toHaveLength(x.series);
    if (x.sum !== undefined)
      expect(
        series.reduce((a, s) => a + s.value, 0),
        c.expr,
      ).toBeCloseTo(x.sum, 6);
    for (const want of x.samples ?? []) {
      const got = series.find((s) => hasLabels(s.labels, want.labels));
      expect(got, `${c.expr}: no series with ${JSON.stringify(want.labels)} in ${JSON.stringify(series)}`).toBeDefined();
      expect(Math.abs(got!.value - want.value), `${c.expr}: ${JSON.stringify(want.labels)} = ${got!.value}, expected ${want.value}`).toBeLessThanOrEqual(
        x.tolerance ?? 0,
      );
    }
  } else if (x.kind === 'vector-between') {
    expect(series, c.expr).toHaveLength(x.series);
    for (const s of series) {
      expect(s.value, c.expr).toBeGreaterThan(x.above);
      expect(s.value, c.expr).toBeLessThanOrEqual(x.atMost);
    }
  } else {
    throw new Error(`${c.name}: a metric query cannot expect ${x.kind}`);
  }
}
