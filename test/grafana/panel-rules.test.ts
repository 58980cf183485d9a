import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../../grafana/src/index.js';

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
  options?: { reduceOptions?: { values?: boolean } };
  fieldConfig?: { defaults?: { displayName?: string; thresholds?: { steps: { value: number | null; color: string }[] }; color?: { mode?: string } }; overrides?: Override[] };
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
const displayNameOf = (p: PanelJson, refId: string) =>
  p.fieldConfig?.overrides?.find((o) => o.matcher.id === 'byFrameRefID' && o.matcher.options === refId)?.properties.find((x) => x.id === 'displayName')?.value ?? p.fieldConfig?.defaults?.displayName;
const groupsByLabel = (expr: string) => /\bby \([^)]+\)/.test(expr);

describe.each(dashboards.map((d) => [d.uid, d] as const))('dashboard %s as Grafana loads it', (_, d) => {
  const panels = panelsOf(d);

  it('keeps every row of an instant query in stat, bar-gauge and pie panels', () => {
    const reducing = panels.filter((p) => REDUCING.has(p.type) && (p.targets ?? []).some(isInstant));
    for (const p of reducing) expect(p.options?.reduceOptions?.values, p.title).toBe(true);
  });

  it('names every figure: a legend format on every metric query, and a name for every row of an instant query', () => {
    for (const p of panels) {
      for (const t of (p.targets ?? []).filter(isMetric)) {
        expect(t.legendFormat, `${p.title} ${t.refId}`).toBeTruthy();
        if (!isInstant(t) || !REDUCING.has(p.type)) continue;
        // A row is named by its label columns; without labels, or next to
        // another query's rows with the same labels, it needs a display name.
        const several = (p.targets ?? []).length > 1;
        if (several || !groupsByLabel(t.expr!)) expect(displayNameOf(p, t.refId), `${p.title} ${t.refId}`).toBeTruthy();
      }
    }
  });

  it('shows no "Value #A" column and no duplicated Time column in tables', () => {
    for (const p of panels.filter((p) => p.type === 'table')) {
      const ts = p.transformations ?? [];
      for (const x of ts.filter((x) => x.id === 'extractFields')) expect(x.options.keepTime === true && x.options.replace === false, p.title).toBe(false);
      // `reduce` collapses the rows of an instant query into one.
      expect(ts.map((x) => x.id), p.title).not.toContain('reduce');
      const instant = (p.targets ?? []).filter(isInstant);
      if (instant.length === 0) continue;
      const organize = ts.find((x) => x.id === 'organize')!;
      expect(organize, p.title).toBeDefined();
      expect((organize.options.excludeByName as Record<string, boolean>).Time, p.title).toBe(true);
      const renamed = organize.options.renameByName as Record<string, string>;
      for (const t of instant) expect(renamed[`Value #${t.refId}`], `${p.title} ${t.refId}`).toBeTruthy();
      if (instant.length > 1) expect(ts.map((x) => x.id), p.title).toContain('merge');
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

  it('names the two contract-duration quantiles p50 and p95', () => {
    const p = panel('Contract duration p50 / p95');
    expect([displayNameOf(p, 'A'), displayNameOf(p, 'B')]).toEqual(['p50', 'p95']);
  });
});
