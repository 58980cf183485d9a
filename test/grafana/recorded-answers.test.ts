import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoCases } from '../support/demo-cases.js';
import { expectLines, expectTraces, expectVector, type LokiStreams, type LokiVector, type TempoTraces } from '../support/answer-check.js';

/*
 * test/fixtures/e2e/queries.json holds what a real Loki 3.7.6 and Tempo 3.0.3
 * answered to every query on one run of the demo loop (`npm run test:e2e`
 * with FACTLINE_E2E_SAVE=1). Replayed here without the backends: each query
 * the library and the panels build today, for that run's service and trace
 * key, is the query that was asked, and its recorded answer is what the
 * demo-case table expects. A query or an expectation that changes without a
 * new end-to-end run fails here first.
 */
interface Recorded {
  readonly expr: string;
  readonly response: unknown;
}
const recorded = JSON.parse(readFileSync(new URL('../fixtures/e2e/queries.json', import.meta.url), 'utf8')) as Record<string, Recorded>;

/** The run's service and trace key, read back from two of its queries. */
const service = /service_name="([^"]+)"/.exec(recorded['library/failures']!.expr)![1]!;
const traceKey = /"(TRACE-[^"]+)"/.exec(recorded['library/traceSpansByKey']!.expr)![1]!;
const cases = demoCases({ service, traceKey });

describe(`the recorded answers of a real Loki and Tempo (run ${service})`, () => {
  it('cover every query of the demo-case table', () => {
    expect(Object.keys(recorded).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the same query, the expected answer', (name, c) => {
    const r = recorded[name]!;
    expect(c.expr).toBe(r.expr);
    if (c.kind === 'traceql') expectTraces(c, r.response as TempoTraces);
    else if (c.shape === 'logs') expectLines(c, r.response as LokiStreams);
    else expectVector(c, r.response as LokiVector);
  });
});
