/**
 * Panel builders with factline's defaults: legends shown, instant values
 * reduced to the last one, units where a figure has one.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as logsPanel from '@grafana/grafana-foundation-sdk/logs';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

const legend = () => new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);
const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

/** A time series of counts per `$__auto` window, drawn as bars. */
export function countsOverTime(unit = 'short'): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .unit(unit)
    .legend(legend())
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(60)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
}

/** A time series of ratios or figures, drawn as lines. */
export function lines(unit: string, min?: number, max?: number): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder().unit(unit).legend(legend()).drawStyle(common.GraphDrawStyle.Line).showPoints(common.VisibilityMode.Always).spanNulls(true);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  return panel;
}

/** One big number per series (the last value of an instant query). */
export function figure(unit = 'short', decimals?: number): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .unit(unit)
    .reduceOptions(lastValue())
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None)
    .textMode(common.BigValueTextMode.ValueAndName);
  if (decimals !== undefined) panel.decimals(decimals);
  return panel;
}

/** Horizontal bars, one per series. */
export function bars(unit = 'short', min?: number, max?: number): bargauge.PanelBuilder {
  const panel = new bargauge.PanelBuilder()
    .unit(unit)
    .reduceOptions(lastValue())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .showUnfilled(true);
  if (min !== undefined) panel.min(min);
  if (max !== undefined) panel.max(max);
  return panel;
}

/** Share of each series in the total. */
export function pie(): piechart.PanelBuilder {
  return new piechart.PanelBuilder()
    .reduceOptions(lastValue())
    .pieType(piechart.PieChartType.Donut)
    .displayLabels([piechart.PieChartLabels.Name, piechart.PieChartLabels.Value])
    .legend(new piechart.PieChartLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Right));
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
 * fields `| json` extracted) into columns, then only `columns` are kept, in
 * that order. Loki frames name the time `Time`, dataplane frames `timestamp`.
 */
export function logTable(columns: readonly string[]): table.PanelBuilder {
  const keep = ['Time', 'timestamp', ...columns];
  return new table.PanelBuilder()
    .withTransformation({ id: 'extractFields', options: { source: 'labels', format: 'auto', replace: false, keepTime: true } })
    .withTransformation({ id: 'filterFieldsByName', options: { include: { names: keep } } })
    .withTransformation({ id: 'organize', options: { indexByName: Object.fromEntries(keep.map((c, i) => [c, i])), excludeByName: {}, renameByName: {} } })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Time').desc(true)]);
}

/** A table of the series of instant metric queries, one row per series and one column per label. */
export function seriesTable(): table.PanelBuilder {
  return new table.PanelBuilder()
    .withTransformation({ id: 'reduce', options: { mode: 'seriesToRows', reducers: ['lastNotNull'], labelsToFields: true } });
}

/** Tempo search results: one row per trace, each a link that opens it. */
export function traceTable(): table.PanelBuilder {
  return new table.PanelBuilder();
}
