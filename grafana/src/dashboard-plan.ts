/**
 * What the three dashboards share: a plan that numbers panels, attaches
 * every query to the provisioned data source of its language, names every
 * figure, and records each query by name (`dashboard/<uid>/<panel>/<refId>`)
 * for grafana/queries/dashboards.md and the end-to-end suite.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import type { LogqlQuery, TraceqlQuery } from '../../src/queries/index.js';
import { LOKI_DATASOURCE, TEMPO_DATASOURCE } from './datasources.js';
import { queryShape, type NamedQuery } from './named-query.js';

/** One query of a panel. */
export interface PanelQuery {
  readonly query: LogqlQuery | TraceqlQuery;
  /**
   * Loki metric queries: `true` for one value per series over the whole
   * range (`$__range`), for stats, bars and tables; `false` (default) for a
   * time series over `$__auto` windows.
   */
  readonly instant?: boolean;
  /** Legend template of a time series, e.g. `{{factline_event_domain}}`. */
  readonly legend?: string;
  /**
   * The name of each figure of this query in a stat, bar-gauge or pie panel,
   * set on the fields of this query's frame; `${__data.fields.<label>}` is
   * the row's label value. Default: the legend, with `{{label}}` read that
   * way. Grafana draws a single bar or stat without a name unless it has one.
   */
  readonly displayName?: string;
}

/** Panels that reduce an instant query's table frame to one figure per row. */
export const REDUCING_PANELS: ReadonlySet<string> = new Set(['stat', 'bargauge', 'piechart', 'gauge']);

/**
 * A legend template as a display name: `{{cluster_id}} {{cluster_name}}`
 * becomes `${__data.fields.cluster_id} ${__data.fields.cluster_name}`, the
 * row's label values in an instant query's table frame.
 */
export function legendAsDisplayName(legend: string): string {
  return legend.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, label: string) => `\${__data.fields.${label}}`);
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  /** Width in grid columns (of 24) and height in rows. */
  readonly width: number;
  readonly height: number;
  readonly queries: readonly PanelQuery[];
}

/** What every panel builder of the SDK has; the plan needs nothing else. */
interface PanelBuilderLike extends cog.Builder<dashboard.Panel> {
  id(id: number): this;
  title(title: string): this;
  description(description: string): this;
  datasource(ref: common.DataSourceRef): this;
  withTarget(target: cog.Builder<cog.Dataquery>): this;
  span(w: number): this;
  height(h: number): this;
  interval(interval: string): this;
  overrideByQuery(queryRefId: string, properties: dashboard.DynamicConfigValue[]): this;
}

/** A dashboard variable's value for checks and end-to-end runs. */
export type Samples = Readonly<Record<string, string>>;

/** Grafana's built-in window variables all become the sample window. */
const BUILTIN_SAMPLES: Samples = { __range: '1h', __auto: '1h', __interval: '1h', __rate_interval: '1h' };

/**
 * `expr` with every dashboard variable (`$name`, `${name}`, `${name:format}`)
 * replaced by its sample value. An unknown variable is an error: every
 * variable a panel uses must be declared with a sample.
 */
export function withSamples(expr: string, samples: Samples): string {
  const all = { ...BUILTIN_SAMPLES, ...samples };
  return expr.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    const value = all[name];
    if (value === undefined) throw new Error(`no sample value for variable ${match} in ${expr}`);
    return value;
  });
}

/** A built dashboard and the queries of its panels, ready for checks. */
export interface BuiltDashboard {
  readonly uid: string;
  readonly file: string;
  readonly dashboard: dashboard.Dashboard;
  /** Sample values of the dashboard's variables (their defaults, with `intent-demo` as service). */
  readonly samples: Samples;
  /** Every panel query, with the sample values in place of variables. */
  readonly queries: readonly NamedQuery[];
  /** The same with other sample values, e.g. an end-to-end run's own service. */
  queriesWith(samples: Samples): NamedQuery[];
}

interface Recorded {
  readonly raw: string;
  readonly rest: Omit<NamedQuery, 'expr'>;
}

export interface DashboardOptions {
  /**
   * The panels' minimum interval: the shortest `$__auto` window of a time
   * series, so that a loop of a few minutes is drawn as bars a few pixels
   * wide rather than hairlines one per second.
   */
  readonly minInterval: string;
}

export class DashboardPlan {
  private nextId = 1;
  private readonly recorded: Recorded[] = [];

  constructor(
    readonly uid: string,
    readonly builder: dashboard.DashboardBuilder,
    readonly samples: Samples,
    readonly options: DashboardOptions,
  ) {
    builder.uid(uid);
  }

  /** A (never collapsed) row: the panels after it, until the next row, sit under it. */
  row(title: string): this {
    this.builder.withRow(new dashboard.RowBuilder(title).id(this.nextId++));
    return this;
  }

  /** Adds a panel with its queries; all queries of one panel use one language. */
  panel<P extends PanelBuilderLike>(panel: P, spec: PanelSpec): this {
    const languages = new Set(spec.queries.map((q) => q.query.language));
    if (spec.queries.length === 0 || languages.size !== 1) throw new Error(`panel ${spec.title}: give one or more queries of one language`);
    const language = [...languages][0]!;
    panel
      .id(this.nextId++)
      .title(spec.title)
      .description(spec.description)
      .span(spec.width)
      .height(spec.height)
      .datasource(language === 'logql' ? LOKI_DATASOURCE : TEMPO_DATASOURCE);
    if (spec.queries.some((q) => q.query.language === 'logql' && q.query.shape === 'metric' && q.instant !== true)) panel.interval(this.options.minInterval);
    const reducing = REDUCING_PANELS.has(panel.build().type ?? '');
    spec.queries.forEach((q, i) => {
      const refId = String.fromCharCode(65 + i);
      panel.withTarget(q.query.language === 'logql' ? lokiTarget(q.query, refId, q) : tempoTarget(q.query, refId));
      const displayName = q.displayName ?? (reducing && q.instant === true && q.legend !== undefined ? legendAsDisplayName(q.legend) : undefined);
      if (displayName !== undefined) panel.overrideByQuery(refId, [{ id: 'displayName', value: displayName }]);
      this.recorded.push({
        raw: q.query.expr,
        rest: {
          name: `dashboard/${this.uid}/${spec.title}/${refId}`,
          kind: q.query.language,
          shape: queryShape(q.query),
          about: `${spec.title}: ${spec.description}`,
        },
      });
    });
    this.builder.withPanel(panel);
    return this;
  }

  build(): BuiltDashboard {
    const recorded = [...this.recorded];
    const queriesWith = (samples: Samples): NamedQuery[] => recorded.map((r) => ({ ...r.rest, expr: withSamples(r.raw, samples) }));
    return { uid: this.uid, file: `${this.uid}.json`, dashboard: this.builder.build(), samples: this.samples, queries: queriesWith(this.samples), queriesWith };
  }
}

function lokiTarget(query: LogqlQuery, refId: string, q: PanelQuery): cog.Builder<cog.Dataquery> {
  const instant = query.shape === 'metric' && q.instant === true;
  const target = new loki.DataqueryBuilder()
    .refId(refId)
    .datasource(LOKI_DATASOURCE)
    .expr(query.expr)
    .editorMode(loki.QueryEditorMode.Code)
    .queryType(instant ? loki.LokiQueryType.Instant : loki.LokiQueryType.Range);
  if (q.legend !== undefined) target.legendFormat(q.legend);
  return target;
}

function tempoTarget(query: TraceqlQuery, refId: string): cog.Builder<cog.Dataquery> {
  return new tempo.DataqueryBuilder()
    .refId(refId)
    .datasource(TEMPO_DATASOURCE)
    .queryType(tempo.TempoQueryType.Traceql)
    .query(query.expr)
    .limit(20)
    .spss(10)
    .tableType(tempo.SearchTableType.Traces);
}
