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
  const panel = new timeseries.PanelBuilder().unit(unit).legend(legend()).drawStyle(common.GraphDrawStyle.Line).showPoints(common.VisibilityMode.Always).pointSize(6).spanNulls(true);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  return panel;
}

/** Big numbers, one per row of an instant query, each named by its labels (or the query's display name). */
export function bigNumbers(unit = 'short', decimals?: number): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .unit(unit)
    .reduceOptions(everyRow())
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None)
    .textMode(common.BigValueTextMode.ValueAndName);
  if (decimals !== undefined) panel.decimals(decimals);
  return panel;
}

/** Horizontal bars, one per row of an instant query, each named by its labels. */
export function bars(unit = 'short', min?: number, max?: number): bargauge.PanelBuilder {
  const panel = new bargauge.PanelBuilder()
    .unit(unit)
    .reduceOptions(everyRow())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Left)
    .showUnfilled(true);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  return panel;
}

/**
 * Bars of shares in [0, 1] that should be 1, e.g. pass rates: red below
 * 100 %, green at 100 %, so an assertion that never passed reads as failing.
 */
export function passRateBars(): bargauge.PanelBuilder {
  return bars('percentunit', 0, 1).colorScheme(byThresholds()).thresholds(thresholds([[null, 'red'], [1, 'green']]));
}

/** Share of each row in the total. */
export function pie(): piechart.PanelBuilder {
  return new piechart.PanelBuilder()
    .reduceOptions(everyRow())
    .pieType(piechart.PieChartType.Donut)
    .displayLabels([piechart.PieChartLabels.Name, piechart.PieChartLabels.Value])
    .legend(new piechart.PieChartLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Right).values([piechart.PieChartLegendValues.Value]));
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
 * then only `columns` are kept, in that order. Loki frames name the time
 * `Time`, dataplane frames `timestamp`. `keepTime` stays off: with
 * `replace: false` the frame's time field is kept already, and `keepTime`
 * would add it a second time.
 */
export function logTable(columns: readonly string[]): table.PanelBuilder {
  const keep = ['Time', 'timestamp', ...columns];
  return new table.PanelBuilder()
    .withTransformation({ id: 'extractFields', options: { source: 'labels', format: 'auto', replace: false, keepTime: false } })
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: keep } } })
    .withTransformation({ id: 'organize', options: { indexByName: Object.fromEntries(keep.map((c, i) => [c, i])), excludeByName: {}, renameByName: {} } })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Time').desc(true)]);
}

/**
 * A table of instant metric queries: one row per label set, one column per
 * label, and one value column per query named by `valueNames` (refId →
 * name). Several queries' frames are merged on their labels; the `Time`
 * column (the query's evaluation time) is dropped.
 */
export function seriesTable(valueNames: Readonly<Record<string, string>>): table.PanelBuilder {
  const refIds = Object.keys(valueNames);
  const panel = new table.PanelBuilder();
  if (refIds.length > 1) panel.withTransformation({ id: 'merge', options: {} });
  return panel.withTransformation({
    id: 'organize',
    options: {
      excludeByName: { Time: true },
      indexByName: {},
      renameByName: Object.fromEntries(refIds.map((ref) => [`Value #${ref}`, valueNames[ref]!])),
    },
  });
}

/** Tempo search results: one row per trace, each a link that opens it. */
export function traceTable(): table.PanelBuilder {
  return new table.PanelBuilder();
}
