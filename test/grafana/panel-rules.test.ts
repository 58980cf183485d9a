import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../../grafana/src/index.js';
import { BAR_TEXT, LINK_COLUMN_LIMIT } from '../../grafana/src/panels.js';

/*
 * Rules for how the committed dashboards read in Grafana, checked on the
 * JSON files Grafana loads. Each rule comes from how Grafana draws the
 * frames its Loki data source returns (docs/grafana.md, "How the panels
 * read"):
 * - an instant metric query is one table frame per query: a Time column,
 *   one string column per label, one number column "Value #<refId>";
 * - stat, bar gauge and pie reduce each number column to one value unless
 *   `reduceOptions.values` is true, which draws one entry per row, named by
 *   the row's string columns (or the field's display name).
 */
interface Target {
  refId: string;
  expr?: string;
  query?: string;
  queryType?: string;
  legendFormat?: string;
  tableType?: string;
  datasource?: { type?: string };
}
interface Override {
  matcher: { id: string; options?: unknown };
  properties: { id: string; value?: unknown }[];
}
interface PanelJson {
  type: string;
  title: string;
  interval?: string;
  targets?: Target[];
  datasource?: { type?: string };
  options?: {
    reduceOptions?: { values?: boolean };
    namePlacement?: string;
    text?: unknown;
    displayLabels?: string[];
    legend?: { placement?: string; values?: string[] };
  };
  fieldConfig?: {
    defaults?: {
      displayName?: string;
      unit?: string;
      min?: number;
      max?: number;
      thresholds?: { steps: { value: number | null; color: string }[] };
      color?: { mode?: string };
    };
    overrides?: Override[];
  };
  transformations?: { id: string; options: Record<string, unknown> }[];
}
interface DashboardJson {
  uid: string;
  title: string;
  time: { from: string; to: string };
  links: Record<string, unknown>[];
  panels: PanelJson[];
}

const root = new URL('../../', import.meta.url);
const dashboards = buildDashboards().map((d) => JSON.parse(readFileSync(new URL(`grafana/dashboards/${d.file}`, root), 'utf8')) as DashboardJson);
const panelsOf = (d: DashboardJson) => d.panels.filter((p) => p.type !== 'row');
const isMetric = (t: Target) => t.expr !== undefined && /(_over_time|sum|count|avg|max|min)\s*(by \([^)]*\)\s*)?\(/.test(t.expr);
const isInstant = (t: Target) => t.queryType === 'instant';
const REDUCING = new Set(['stat', 'bargauge', 'piechart', 'gauge']);
const queryProperty = (p: PanelJson, refId: string, id: string) =>
  (p.fieldConfig?.overrides ?? [])
    .filter((o) => o.matcher.id === 'byFrameRefID' && o.matcher.options === refId)
    .flatMap((o) => o.properties)
    .find((x) => x.id === id)?.value;
const displayNameOf = (p: PanelJson, refId: string) => queryProperty(p, refId, 'displayName') ?? p.fieldConfig?.defaults?.displayName;

describe.each(dashboards.map((d) => [d.uid, d] as const))('dashboard %s as Grafana loads it', (_, d) => {
  const panels = panelsOf(d);

  it('keeps every row of an instant query in stat, bar-gauge and pie panels', () => {
    const reducing = panels.filter((p) => REDUCING.has(p.type) && (p.targets ?? []).some(isInstant));
    for (const p of reducing) expect(p.options?.reduceOptions?.values, p.title).toBe(true);
  });

  it('names every figure: a legend format on every metric query, and a display name on every instant query of a stat, bar gauge or pie', () => {
    // Any instant query can come back with one row, and Grafana draws a
    // single bar or stat without its name: every one gets a display name.
    for (const p of panels) {
      for (const t of (p.targets ?? []).filter(isMetric)) {
        expect(t.legendFormat, `${p.title} ${t.refId}`).toBeTruthy();
        if (isInstant(t) && REDUCING.has(p.type)) expect(displayNameOf(p, t.refId), `${p.title} ${t.refId}`).toBeTruthy();
      }
    }
  });

  it('names a row by its own label values: a display name reads only labels its query groups by', () => {
    for (const p of panels.filter((p) => REDUCING.has(p.type))) {
      for (const t of (p.targets ?? []).filter(isInstant)) {
        const name = String(displayNameOf(p, t.refId));
        const grouped =
          /\bby \(([^)]*)\)/
            .exec(t.expr!)?.[1]
            ?.split(',')
            .map((l) => l.trim()) ?? [];
        for (const [, label] of name.matchAll(/\$\{__data\.fields\.([A-Za-z_][A-Za-z0-9_]*)\}/g))
          expect(grouped, `${p.title} ${t.refId}: ${name}`).toContain(label);
      }
    }
  });

  it("puts each bar's name on top of it, where it has the panel's whole width, in a fixed size", () => {
    for (const p of panels.filter((p) => p.type === 'bargauge')) {
      expect(p.options?.namePlacement, p.title).toBe('top');
      // Fixed text sizes: scaled with a single tall bar, the name grows until it is cut.
      expect(p.options?.text, p.title).toEqual(BAR_TEXT);
    }
  });

  it('names stats in a fixed size, readable when a panel holds several (Service = All)', () => {
    for (const p of panels.filter((p) => p.type === 'stat')) expect(p.options?.text, p.title).toEqual({ titleSize: BAR_TEXT.titleSize });
  });

  it('scopes every query to the Service variable', () => {
    for (const p of panels) for (const t of p.targets ?? []) expect(t.expr ?? t.query, `${p.title} ${t.refId}`).toMatch(/\$\{service\}|\$service\b/);
  });

  it('draws every share from 0 to 100 % with thresholds: failure shares green low and red high, pass rates red low and green high', () => {
    const shares = panels.filter((p) => /share|pass rate/i.test(p.title) && p.fieldConfig?.defaults?.unit === 'percentunit');
    for (const p of shares) {
      const d = p.fieldConfig!.defaults!;
      expect([d.min, d.max], p.title).toEqual([0, 1]);
      const steps = d.thresholds?.steps ?? [];
      expect(steps.length, p.title).toBeGreaterThanOrEqual(2);
      const [low, high] = [steps[0]!.color, steps.at(-1)!.color];
      expect([low, high], p.title).toEqual(/failure/i.test(p.title) ? ['green', 'red'] : ['red', 'green']);
      if (p.type === 'bargauge') expect(d.color?.mode, p.title).toBe('thresholds');
    }
  });

  it('puts the link of every table within its first columns: trace_id of log tables, the trace id of Tempo tables', () => {
    for (const p of panels.filter((p) => p.type === 'table')) {
      const targets = p.targets ?? [];
      if (targets.some((t) => t.query !== undefined)) {
        // Tempo's trace table: the trace id (its link) is the first column; the span rows' hidden id stays hidden.
        for (const t of targets) expect(t.tableType, p.title).toBe('traces');
        const hidden = (p.fieldConfig?.overrides ?? []).find((o) => o.matcher.id === 'byName' && o.matcher.options === 'traceIdHidden');
        expect(
          hidden?.properties.map((x) => x.id),
          p.title,
        ).toEqual(expect.arrayContaining(['custom.hidden', 'custom.hideFrom']));
        continue;
      }
      if (!targets.some((t) => t.expr !== undefined && !isMetric(t))) continue;
      const organize = (p.transformations ?? []).find((x) => x.id === 'organize');
      const index = (organize?.options.indexByName ?? {}) as Record<string, number>;
      expect(index.trace_id, p.title).toBeLessThan(LINK_COLUMN_LIMIT);
    }
  });

  it('gives every pie slice its own fixed colour and prints values, not names, on the slices', () => {
    for (const p of panels.filter((p) => p.type === 'piechart')) {
      const colors = (p.targets ?? []).map((t) => queryProperty(p, t.refId, 'color') as { mode: string; fixedColor: string } | undefined);
      for (const c of colors) expect(c?.mode, p.title).toBe('fixed');
      expect(new Set(colors.map((c) => c?.fixedColor)).size, p.title).toBe(colors.length);
      expect(p.options?.displayLabels, p.title).not.toContain('name');
      expect(p.options?.legend?.placement, p.title).toBe('bottom');
    }
  });

  it('shows no "Value #A" column and no duplicated Time column in tables', () => {
    for (const p of panels.filter((p) => p.type === 'table')) {
      const ts = p.transformations ?? [];
      for (const x of ts.filter((x) => x.id === 'extractFields')) expect(x.options.keepTime === true && x.options.replace === false, p.title).toBe(false);
      // `reduce` collapses the rows of an instant query into one.
      expect(
        ts.map((x) => x.id),
        p.title,
      ).not.toContain('reduce');
      const instant = (p.targets ?? []).filter(isInstant);
      if (instant.length === 0) continue;
      const organize = ts.find((x) => x.id === 'organize')!;
      expect(organize, p.title).toBeDefined();
      expect((organize.options.excludeByName as Record<string, boolean>).Time, p.title).toBe(true);
      const renamed = organize.options.renameByName as Record<string, string>;
      for (const t of instant) expect(renamed[`Value #${t.refId}`], `${p.title} ${t.refId}`).toBeTruthy();
      if (instant.length > 1)
        expect(
          ts.map((x) => x.id),
          p.title,
        ).toContain('merge');
    }
  });

  it('links a trace_id once: the Loki data source does, so no panel adds its own link', () => {
    for (const p of panels) expect(JSON.stringify(p.fieldConfig ?? {}), p.title).not.toContain('"links"');
  });

  it('puts the dashboard links in the top bar', () => {
    expect(d.links.length).toBeGreaterThan(0);
    for (const l of d.links) expect(l.placement, String(l.title)).toBeUndefined();
  });

  it('has a title that makes a clean URL slug', () => {
    expect(d.title).toMatch(/^[A-Za-z][A-Za-z0-9 ]*$/);
  });

  it('draws a time series with a minimum interval, so a loop of a few minutes is bars, not hairlines', () => {
    for (const p of panels.filter((p) => (p.targets ?? []).some((t) => isMetric(t) && !isInstant(t)))) {
      expect(p.interval, p.title).toMatch(/^\d+[sm]$/);
    }
  });
});

describe('the Intent loop dashboard as Grafana loads it', () => {
  const loop = dashboards.find((d) => d.uid === 'factline-intent-loop')!;
  const panel = (title: string) => panelsOf(loop).find((p) => p.title === title)!;

  it('opens on a range that shows one run of the demo loop legibly', () => {
    expect(loop.time).toEqual({ from: 'now-15m', to: 'now' });
  });

  it('shows an assertion that never passed (lint_passes at 0 %) in red, and 100 % in green', () => {
    const p = panel('Pass rate per assertion');
    expect(p.fieldConfig!.defaults!.color!.mode).toBe('thresholds');
    expect(p.fieldConfig!.defaults!.thresholds!.steps).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ]);
    expect(p.options!.reduceOptions!.values).toBe(true);
  });

  it('names the two contract-duration quantiles p50 and p95, each with its service (Service = All shows several)', () => {
    const p = panel('Contract duration p50 / p95');
    expect([displayNameOf(p, 'A'), displayNameOf(p, 'B')]).toEqual(['p50 ${__data.fields.service_name}', 'p95 ${__data.fields.service_name}']);
  });

  it('counts the contracts of the agents the Agent variable matches, in every panel of the Execute row', () => {
    for (const title of ['Contracts started and completed', 'Contract duration p50 / p95', 'Contracts by executing agent']) {
      for (const t of panel(title).targets!) expect(t.expr, `${title} ${t.refId}`).toContain('factline_source_model=~"${agent}"'.replace(/"/g, '`'));
    }
  });

  it('shows the failing assertions with their trace_id first', () => {
    const organize = panel('Failing assertions').transformations!.find((x) => x.id === 'organize')!;
    expect(organize.options.indexByName).toMatchObject({ trace_id: 0 });
  });
});

it('finds share panels to check: the pass rates and the failure shares', () => {
  const titles = dashboards
    .flatMap((d) => panelsOf(d))
    .filter((p) => /share|pass rate/i.test(p.title))
    .map((p) => p.title);
  expect(titles).toEqual(
    expect.arrayContaining([
      'Assertion pass rate over time',
      'Pass rate per assertion',
      'Failure share per agent',
      'Failure share per agent over time',
      'Failure share per domain, every source',
    ]),
  );
});

describe('the Agent feedback dashboard as Grafana loads it', () => {
  const feedback = dashboards.find((d) => d.uid === 'factline-agent-feedback')!;
  const panel = (title: string) => panelsOf(feedback).find((p) => p.title === title)!;

  it('counts as failed only the attempts a failure names as its cause, each once, so no share passes 100 %', () => {
    for (const title of ['Failure share per agent', 'Failure share per agent over time', 'Failed attempts and attempts per agent']) {
      for (const t of panel(title).targets!) {
        if (t.refId === 'B') continue; // the attempts alone
        expect(t.expr, `${title} ${t.refId}`).toContain('and on (factline_attempt_key)');
        expect(t.expr, `${title} ${t.refId}`).toContain('factline_causation_id!=""');
        expect(t.expr, `${title} ${t.refId}`).toMatch(/^\(?count by \(factline_source_model\)/);
      }
    }
  });

  it('offers the attempts and their failures as pattern choices, defaults first', () => {
    const vars = (
      JSON.parse(readFileSync(new URL('grafana/dashboards/factline-agent-feedback.json', root), 'utf8')) as {
        templating: { list: { name: string; type: string; current: { text: string } }[] };
      }
    ).templating.list;
    const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
    expect(byName.attempts).toMatchObject({ type: 'custom', current: { text: 'contract.contract.started:%' } });
    expect(byName.failures).toMatchObject({ type: 'custom', current: { text: '%.failed:%' } });
  });
});
