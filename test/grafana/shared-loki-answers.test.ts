import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSharedAnswers, sharedQueries, type RecordedAnswer } from '../support/shared-loki.js';

/*
 * test/fixtures/e2e/dashboards-shared.json holds what a real Loki 3.7.6 and
 * Tempo 3.0.3, fed by the real Collector, answered to every panel query of
 * every dashboard with the demo next to another service's unrelated
 * failures (test/support/shared-loki.ts; recorded by
 * test/e2e/dashboards-shared.test.ts with FACTLINE_E2E_SAVE=1). Replayed
 * here without the backends: the queries the dashboards build today are the
 * ones that were asked, and the answers pass the same checks.
 */
interface Fixture {
  readonly services: { readonly demo: string; readonly agents: string; readonly all: string };
  readonly time: number;
  readonly answers: Record<string, RecordedAnswer>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/e2e/dashboards-shared.json', import.meta.url), 'utf8')) as Fixture;

describe(`the dashboards on a Loki shared with another service (recorded run ${fixture.services.all})`, () => {
  const queries = sharedQueries(fixture.services.all);

  it('recorded every panel query of every dashboard, as the dashboards build it today', () => {
    expect(Object.keys(fixture.answers).sort()).toEqual([...queries.keys()].sort());
    for (const [key, q] of queries) expect(fixture.answers[key]!.expr, key).toBe(q.expr);
  });

  it('shows the demo agent at 0 % by default, every share within 0 to 100 %, every row named', () => {
    checkSharedAnswers(fixture.answers);
  });
});
