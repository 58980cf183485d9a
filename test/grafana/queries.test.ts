import { describe, expect, it } from 'vitest';
import { allQueries, buildDashboards, libraryExamples } from '../../grafana/src/index.js';
import { DEMO } from '../support/demo-figures.js';
import { demoAnswers, demoCases } from '../support/demo-cases.js';
import { syntaxErrors } from '../support/query-grammar.js';

/*
 * Every LogQL and TraceQL expression factline ships, in the library and in
 * every panel of every dashboard (variables replaced by sample values),
 * parses with Grafana's own grammar, with no error node.
 */
const library = libraryExamples();
const panels = buildDashboards().flatMap((d) => d.queries);

describe.each([
  ['the library', library],
  ['the dashboards', panels],
])('every query of %s', (_, queries) => {
  it.each(queries.map((q) => [q.name, q] as const))('%s parses with no error node', (_name, q) => {
    const errors = syntaxErrors(q.kind, q.expr);
    expect(
      errors.map((e) => e.where),
      `${q.kind}: ${q.expr}`,
    ).toEqual([]);
  });
});

describe('the end-to-end list (demoCases)', () => {
  const all = demoCases();

  it('holds every library query and every panel query, each named once', () => {
    expect(all.length).toBe(library.length + panels.length);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
  });

  it('has an answer for every query and no answer for a query that does not exist', () => {
    expect(Object.keys(demoAnswers({ service: DEMO.service, traceKey: DEMO.traceKey })).sort()).toEqual(
      allQueries()
        .map((q) => q.name)
        .sort(),
    );
  });

  it('has no dashboard variable left in any expression', () => {
    for (const c of all) expect(c.expr, c.name).not.toMatch(/\$/);
  });

  it('gives every query an expectation of its shape', () => {
    for (const c of all) {
      const kinds = c.shape === 'logs' ? ['log-lines'] : c.shape === 'traces' ? ['traces'] : ['vector', 'vector-between'];
      expect(kinds, c.name).toContain(c.expected.kind);
      expect(c.note.length, c.name).toBeGreaterThan(0);
      expect(c.about.length, c.name).toBeGreaterThan(0);
    }
  });

  it('follows the service and trace key of an end-to-end run', () => {
    const run = demoCases({ service: 'intent-e2e-x1', traceKey: 'TRACE-E2Ex1' });
    for (const c of run.filter((c) => c.kind === 'logql')) {
      expect(c.expr, c.name).toContain('intent-e2e-x1');
      expect(c.expr, c.name).not.toContain(DEMO.service);
    }
    expect(run.find((c) => c.name === 'library/traceSpansByKey')!.expr).toContain('TRACE-E2Ex1');
    const average = run.find((c) => c.name === 'dashboard/factline-intent-loop/Average trust score/A')!;
    expect(average.expected).toMatchObject({ samples: [{ labels: { service_name: 'intent-e2e-x1' } }] });
  });

  it('covers the queries the library is for', () => {
    const names = library.map((c) => c.name.replace('library/', ''));
    for (const n of [
      'failures',
      'countByDomain',
      'failureShareByAgent',
      'eventsByPattern',
      'eventsOfTrace',
      'invalidEvents',
      'failingAssertions',
      'contractDurationP95',
      'failingAssertionSpans',
      'traceSpansByKey',
    ]) {
      expect(names).toContain(n);
    }
  });
});
