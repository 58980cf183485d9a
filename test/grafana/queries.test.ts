import { describe, expect, it } from 'vitest';
import { DEMO, libraryQueries } from '../../src/queries/index.js';
import { allQueries, buildDashboards } from '../../grafana/src/index.js';
import { syntaxErrors } from './grammar.js';

/*
 * Every LogQL and TraceQL expression factline ships, in the library and in
 * every panel of every dashboard (variables replaced by sample values),
 * parses with Grafana's own grammar, with no error node.
 */
const library = libraryQueries();
const panels = buildDashboards().flatMap((d) => d.cases);

describe.each([
  ['the library', library],
  ['the dashboards', panels],
])('every query of %s', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s parses with no error node', (_name, c) => {
    const errors = syntaxErrors(c.kind, c.expr);
    expect(errors.map((e) => e.where), `${c.kind}: ${c.expr}`).toEqual([]);
  });
});

describe('the end-to-end list (allQueries)', () => {
  const all = allQueries();

  it('holds every library query and every panel query, each named once', () => {
    expect(all.length).toBe(library.length + panels.length);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
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
    const run = allQueries({ service: 'intent-e2e-x1', traceKey: 'TRACE-E2Ex1' });
    for (const c of run.filter((c) => c.kind === 'logql')) {
      expect(c.expr, c.name).toContain('intent-e2e-x1');
      expect(c.expr, c.name).not.toContain(DEMO.service);
    }
    expect(run.find((c) => c.name === 'library/traceSpansByKey')!.expr).toContain('TRACE-E2Ex1');
  });

  it('covers the queries the issue names', () => {
    const names = library.map((c) => c.name.replace('library/', ''));
    for (const n of ['failures', 'countByDomain', 'failureShareByAgent', 'eventsByPattern', 'eventsOfTrace', 'invalidEvents', 'failingAssertions', 'contractDurationP95', 'failingAssertionSpans', 'traceSpansByKey']) {
      expect(names).toContain(n);
    }
  });
});
