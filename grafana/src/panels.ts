/**
 * Panel builders with factline's defaults, chosen for the frames Grafana's
 * Loki data source returns (docs/grafana.md, "How the panels read"):
 *
 * - An instant metric query comes back as one table frame per query: a
 *   `Time` column, one string column per label and one number column
 *   (`Value #A`). Stat, bar-gauge and pie panels therefore show every row
 *   (`reduceOptions.values = true`), each named by its label values;
 *   reducing the column instead would draw only the last row, named
 *   "Value #A".
 * - A range query comes back as one series per label set, named by the
 *   query's legend format; counts are drawn as bars per window.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logsPanel from '@grafana/grafana-foundation-sdk/logs';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

const legend = () => new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);

/** One entry per row of the instant query's table frame, each the row's value. */
const everyRow = () => new common.ReduceDataOptionsBuilder().values(true).calcs(['lastNotNull']);

/** A color per value: `steps` are `[from, color]`, the first from -∞. */
function thresholds(steps: readonly [number | null, string][]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps.map(([value, color]) => ({ value, color })));
}
const byThresholds = () => new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds);

/** A time series of counts per `$__auto` window, drawn as stacked bars. */
export function countsOverTime(unit = 'short'): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .unit(unit)
    .legend(legend())
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(80)
    .lineWidth(1)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
}

/** A time series of ratios or figures, drawn as lines with every point shown. */
export function lines(unit: string, min?: number, max?: number): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .unit(unit)
    .legend(legend())
    .drawStyle(common.GraphDrawStyle.Line)
    .showPoints(common.VisibilityMode.Always)
    .pointSize(6)
    .spanNulls(true);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  return panel;
}

/**
 * Big numbers, one per row of an instant query, each named by its display
 * name. Names in a fixed size ({@link BAR_TEXT}): Grafana scales them with
 * the number, and several per panel (Service = All) came out in tiny type.
 */
export function bigNumbers(unit = 'short', decimals?: number): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .unit(unit)
    .text(new common.VizTextDisplayOptionsBuilder().titleSize(BAR_TEXT.titleSize))
    .reduceOptions(everyRow())
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None)
    .textMode(common.BigValueTextMode.ValueAndName);
  if (decimals !== undefined) panel.decimals(decimals);
  return panel;
}

/**
 * Bar names and values in fixed sizes (px). Grafana otherwise scales them
 * with the bar, and a single bar in a panel 8 columns wide gets a title so
 * large that "CL-012 API Latency Spike" is cut.
 */
export const BAR_TEXT = { titleSize: 14, valueSize: 20 } as const;

/**
 * Horizontal bars, one per row of an instant query, each named by its labels
 * (the plan gives every row a display name: Grafana drops the name of a
 * single bar otherwise). The name sits on top of its bar, so it has the
 * panel's whole width: at the left it would be cut at about a third.
 */
export function bars(unit = 'short', min?: number, max?: number): bargauge.PanelBuilder {
  const panel = new bargauge.PanelBuilder()
    .unit(unit)
    .reduceOptions(everyRow())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Top)
    .text(new common.VizTextDisplayOptionsBuilder().titleSize(BAR_TEXT.titleSize).valueSize(BAR_TEXT.valueSize))
    .showUnfilled(true);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  return panel;
}

/**
 * Where a failure share turns from green to orange and from orange to red:
 * green below 10 %, orange from 10 %, red from 25 %.
 */
export const FAILURE_SHARE_STEPS: readonly [number | null, string][] = [
  [null, 'green'],
  [0.1, 'orange'],
  [0.25, 'red'],
];

/** Bars of failure shares in [0, 1] (0 % to 100 %): green when low, red when high ({@link FAILURE_SHARE_STEPS}). */
export function failureShareBars(): bargauge.PanelBuilder {
  return bars('percentunit', 0, 1).colorScheme(byThresholds()).thresholds(thresholds(FAILURE_SHARE_STEPS));
}

/** Lines of failure shares in [0, 1], coloured like {@link failureShareBars}, with the thresholds drawn as bands. */
export function failureShareLines(): timeseries.PanelBuilder {
  return lines('percentunit', 0, 1)
    .thresholds(thresholds(FAILURE_SHARE_STEPS))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Area));
}

/**
 * Bars of shares in [0, 1] that should be 1, e.g. pass rates: red below
 * 100 %, green at 100 %, so an assertion that never passed reads as failing.
 */
export function passRateBars(): bargauge.PanelBuilder {
  return bars('percentunit', 0, 1).colorScheme(byThresholds()).thresholds(thresholds(PASS_RATE_STEPS));
}

const PASS_RATE_STEPS: readonly [number | null, string][] = [
  [null, 'red'],
  [1, 'green'],
];

/** Lines of pass rates in [0, 1], with the same thresholds as {@link passRateBars} drawn as a dashed line at 100 %. */
export function passRateLines(): timeseries.PanelBuilder {
  return lines('percentunit', 0, 1)
    .thresholds(thresholds(PASS_RATE_STEPS))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
}

/**
 * Share of each slice in the total: one query per slice, each with a fixed
 * colour (`colors`, refId → colour), so two slices never share a colour.
 * The slices carry their values only; the names are in the legend list
 * below with value and percent, where they are not printed over each other
 * (a table legend would take a header row from a 6-row panel).
 */
export function pie(colors: Readonly<Record<string, string>>): piechart.PanelBuilder {
  const panel = new piechart.PanelBuilder()
    .reduceOptions(everyRow())
    .pieType(piechart.PieChartType.Donut)
    .displayLabels([piechart.PieChartLabels.Value])
    .legend(
      new piechart.PieChartLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .values([piechart.PieChartLegendValues.Value, piechart.PieChartLegendValues.Percent]),
    );
  for (const [refId, color] of Object.entries(colors)) panel.overrideByQuery(refId, [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }]);
  return panel;
}

/** Log lines with their labels and details (where Loki's derived trace_id link shows). */
export function logLines(): logsPanel.PanelBuilder {
  return new logsPanel.PanelBuilder()
    .showTime(true)
    .showLabels(false)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

/**
 * A table of log lines, one column per label: `extractFields` spreads the
 * `labels` field of Loki's frame (stream labels, structured metadata and the
 * fields `| json` extracted) into columns next to the frame's own fields,
 * then only `columns` are kept, in that order, after the time. Loki frames
 * name the time `Time`, dataplane frames `timestamp`. `keepTime` stays off:
 * with `replace: false` the frame's time field is kept already, and
 * `keepTime` would add it a second time.
 *
 * Put the column a reader clicks first (`trace_id`, whose link the Loki data
 * source adds): a table wider than its panel scrolls, and a link past the
 * right edge is not seen ({@link LINK_COLUMN_LIMIT}).
 */
export function logTable(columns: readonly string[]): table.PanelBuilder {
  const keep = [...columns.slice(0, 1), 'Time', 'timestamp', ...columns.slice(1)];
  return new table.PanelBuilder()
    .withTransformation({ id: 'extractFields', options: { source: 'labels', format: 'auto', replace: false, keepTime: false } })
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: keep } } })
    .withTransformation({ id: 'organize', options: { indexByName: Object.fromEntries(keep.map((c, i) => [c, i])), excludeByName: {}, renameByName: {} } })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Time').desc(true)]);
}

/** A table's link column (trace_id, the Tempo trace id) is among its first this many columns. */
export const LINK_COLUMN_LIMIT = 2;

/**
 * A table of instant metric queries: one row per label set, one column per
 * label (renamed by `labelNames`, label → header), and one value column per
 * query named by `valueNames` (refId → name). Several queries' frames are
 * merged on their labels; the `Time` column (the query's evaluation time)
 * is dropped.
 */
export function seriesTable(valueNames: Readonly<Record<string, string>>, labelNames: Readonly<Record<string, string>> = {}): table.PanelBuilder {
  const refIds = Object.keys(valueNames);
  const panel = new table.PanelBuilder();
  if (refIds.length > 1) panel.withTransformation({ id: 'merge', options: {} });
  return panel.withTransformation({
    id: 'organize',
    options: {
      excludeByName: { Time: true },
      indexByName: {},
      renameByName: { ...labelNames, ...Object.fromEntries(refIds.map((ref) => [`Value #${ref}`, valueNames[ref]!])) },
    },
  });
}

/**
 * Tempo search results as Tempo's own trace table: one row per trace, its
 * trace id first (the link that opens it), each row unfolding into the
 * matching spans. The span rows carry a `traceIdHidden` field that only
 * feeds the span links; it is hidden here too, so no header reads
 * "Spans traceIdHidden".
 */
export function traceTable(): table.PanelBuilder {
  return new table.PanelBuilder().overrideByName('traceIdHidden', [
    { id: 'custom.hidden', value: true },
    { id: 'custom.hideFrom', value: { viz: true, legend: true, tooltip: true } },
  ]);
}
