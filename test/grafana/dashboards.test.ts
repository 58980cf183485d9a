import { readFileSync, readdirSync } from 'node:fs';
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { LOKI_DATASOURCE, TEMPO_DATASOURCE, buildDashboards, dashboardJson, generatedFiles, withSamples } from '../../grafana/src/index.js';
import { FEEDBACK_SENTENCE } from '../../grafana/src/agent-feedback.js';
import { ATTEMPT_CHOICES, FAILURE_CHOICES, PATTERN_CHOICES, SAMPLES, patternOptions } from '../../grafana/src/variables.js';
import { patternRegex } from '../../src/queries/index.js';
import { matchesPattern } from '../../src/eventid/index.js';
import { re2 } from '../support/query-grammar.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const built = buildDashboards();
const UIDS = new Set<string>([LOKI_DATASOURCE.uid, TEMPO_DATASOURCE.uid]);

const isRow = (p: Panel | RowPanel): p is RowPanel => p.type === 'row';
const panelsOf = (d: Dashboard) => (d.panels ?? []).filter((p): p is Panel => !isRow(p));

describe('the generated files', () => {
  it.each([...generatedFiles()].map(([path, text]) => [path, text] as const))(
    '%s is committed as the sources produce it (run npm run dashboards)',
    (path, text) => {
      expect(read(path)).toBe(text);
    },
  );

  it('are all there is in grafana/dashboards', () => {
    expect(readdirSync(new URL('grafana/dashboards/', root)).sort()).toEqual(built.map((d) => d.file).sort());
  });
});

describe.each(built.map((d) => [d.uid, d] as const))('dashboard %s', (_, d) => {
  const panels = panelsOf(d.dashboard);

  it('has the uid of its file and the factline tag', () => {
    expect(d.dashboard.uid).toBe(d.uid);
    expect(JSON.parse(dashboardJson(d))).toEqual(JSON.parse(JSON.stringify(d.dashboard)));
    expect(d.dashboard.tags).toContain('factline');
  });

  it('gives every panel at least one query, and every query and panel a provisioned data source', () => {
    expect(panels.length).toBeGreaterThan(4);
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(UIDS.has(p.datasource?.uid ?? ''), `${p.title}: ${JSON.stringify(p.datasource)}`).toBe(true);
      for (const t of p.targets ?? []) {
        const ds = (t as { datasource?: { uid?: string; type?: string } }).datasource;
        expect(ds, p.title).toEqual(p.datasource);
        const expr = (t as { expr?: string; query?: string }).expr ?? (t as { query?: string }).query;
        expect(typeof expr === 'string' && expr.length > 0, p.title).toBe(true);
      }
    }
  });

  it('queries its variables from a provisioned data source only', () => {
    for (const v of d.dashboard.templating.list ?? []) {
      if (v.datasource !== undefined) expect(UIDS.has(v.datasource.uid ?? ''), v.name).toBe(true);
    }
  });

  it('numbers panels uniquely and keeps them inside the 24-column grid', () => {
    const all = d.dashboard.panels ?? [];
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of all) expect(p.gridPos!.x + p.gridPos!.w, p.title).toBeLessThanOrEqual(24);
  });

  it('records one named query per panel query', () => {
    const targets = panels.reduce((n, p) => n + (p.targets?.length ?? 0), 0);
    expect(d.queries.length).toBe(targets);
  });

  it('declares every variable its queries use, with a sample value', () => {
    const declared = new Set((d.dashboard.templating.list ?? []).map((v) => v.name));
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const expr = (t as { expr?: string }).expr ?? (t as { query?: string }).query ?? '';
        for (const [, name] of expr.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
          if (!name!.startsWith('__')) expect(declared.has(name!), `${p.title} uses undeclared $${name}`).toBe(true);
        }
        expect(() => withSamples(expr, d.samples)).not.toThrow();
      }
    }
  });

  it('uses $__range for instant queries and $__auto for time series', () => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const target = t as { expr?: string; queryType?: string };
        if (target.expr === undefined || !/count_over_time|_over_time/.test(target.expr)) continue;
        if (target.queryType === 'instant') expect(target.expr, p.title).not.toContain('$__auto');
        else expect(target.expr, p.title).not.toContain('$__range');
      }
    }
  });
});

describe('the dashboards as Grafana schema types', () => {
  it('are dashboard.Dashboard values of the foundation SDK (compile-time)', () => {
    expectTypeOf(built[0]!.dashboard).toEqualTypeOf<Dashboard>();
  });

  it('are the Intent loop, the event explorer and agent feedback', () => {
    expect(built.map((d) => d.uid)).toEqual(['factline-intent-loop', 'factline-event-explorer', 'factline-agent-feedback']);
  });
});

describe('docs/grafana.md', () => {
  const doc = read('docs/grafana.md');

  it.each(built.map((d) => [d.uid, d] as const))('describes %s and each of its panels', (uid, d) => {
    expect(doc).toContain(`${d.dashboard.title} (\`${uid}\`)`);
    for (const p of panelsOf(d.dashboard)) expect(doc, p.title).toContain(`| ${p.title} |`);
  });
});

describe('the pattern variable', () => {
  it('offers % patterns valued as their exact regex, which Grafana\'s "text : value" list can carry', () => {
    for (const o of patternOptions()) {
      expect(o.text + o.value).not.toMatch(/,| : |\$/);
      for (const id of ['contract.assertion.failed:1', 'signal.signal.created:1', 'auth.user.login:2', 'system.health.reported:1']) {
        expect(re2(o.value).test(id), `${o.text} on ${id}`).toBe(matchesPattern(id, o.text));
      }
    }
    expect(PATTERN_CHOICES[0]).toBe('%.failed:%');
    expect(SAMPLES.pattern).toBe(patternOptions()[0]!.value);
  });

  it('and the Attempts and Failures choices of Agent feedback the same way, defaults first', () => {
    for (const p of [...ATTEMPT_CHOICES, ...FAILURE_CHOICES]) {
      const value = patternRegex(p);
      expect(p + value).not.toMatch(/,| : |\$/);
      for (const id of ['contract.contract.started:1', 'agent.code.generated:1', 'agent.test.failed:1', 'contract.assertion.failed:1']) {
        expect(re2(value).test(id), `${p} on ${id}`).toBe(matchesPattern(id, p));
      }
    }
    expect([ATTEMPT_CHOICES[0], FAILURE_CHOICES[0]]).toEqual(['contract.contract.started:%', '%.failed:%']);
    expect([SAMPLES.attempts, SAMPLES.failures]).toEqual([patternRegex(ATTEMPT_CHOICES[0]), patternRegex(FAILURE_CHOICES[0])]);
  });
});

describe('the agent feedback dashboard', () => {
  it('quotes the feedback sentence in its failure-share panels', () => {
    const feedback = built.find((d) => d.uid === 'factline-agent-feedback')!;
    const share = panelsOf(feedback.dashboard).filter((p) => p.title?.startsWith('Failure share per agent'));
    expect(share.length).toBe(2);
    for (const p of share) expect(p.description).toContain(FEEDBACK_SENTENCE);
    expect(FEEDBACK_SENTENCE).toBe('In the last 100 generations, I failed 23 times on auth modules');
  });
});

describe('the Intent loop dashboard', () => {
  const loop = built.find((d) => d.uid === 'factline-intent-loop')!;

  it("shows each failing assertion's trace_id, linked once: by the Loki data source's derived field", () => {
    const table = panelsOf(loop.dashboard).find((p) => p.title === 'Failing assertions')!;
    const filter = table.transformations!.find((t) => t.id === 'filterFieldsByName')!;
    expect((filter.options as { include: { names: string[] } }).include.names).toContain('trace_id');
    // The provisioned derived field named trace_id carries the link
    // (test/grafana/provisioning.test.ts); a panel link would offer a second one.
    expect(JSON.stringify(table.fieldConfig ?? {})).not.toContain('"links"');
  });

  it('opens on the demo service', () => {
    const service = loop.dashboard.templating.list!.find((v) => v.name === 'service')!;
    expect(service.current).toEqual({ text: 'intent-demo', value: 'intent-demo' });
  });
});
