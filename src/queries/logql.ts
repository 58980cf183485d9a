/**
 * The pieces LogQL queries are assembled from. Every user value passes
 * through a literal function here (escape.ts); label, metadata and payload
 * field names are fixed by factline's code and checked to be identifiers.
 */
import { duration, escapeRegex, logqlString } from './escape.js';
import { LOKI, eventNameOf, type LokiName } from './names.js';
import { patternStages } from './pattern.js';
import { isGrafanaVariable, variableRef, type GrafanaVariable } from './variable.js';

/** A value: literal text (escaped) or a dashboard variable (filled in by Grafana). */
export type Text = string | GrafanaVariable;
/** A range window: a validated duration (`5m`) or a variable (`$__range`). */
export type Window = string | GrafanaVariable;

/** A LogQL query: `logs` returns lines, `metric` returns a vector or matrix. */
export interface LogqlQuery {
  readonly language: 'logql';
  readonly shape: 'logs' | 'metric';
  readonly expr: string;
}

export const logs = (expr: string): LogqlQuery => ({ language: 'logql', shape: 'logs', expr });
export const metric = (expr: string): LogqlQuery => ({ language: 'logql', shape: 'metric', expr });

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names are ours, not the user's; this guards against a typo that would change a query's shape. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`internal: ${JSON.stringify(name)} is not a LogQL identifier`);
  return name;
}

/** The literal for a value: an escaped double-quoted string, or the variable in its quotes. */
export function literal(value: Text): string {
  if (!isGrafanaVariable(value)) return logqlString(value);
  return value.quote === 'backtick' ? `\`${variableRef(value)}\`` : `"${variableRef(value)}"`;
}

/** `[5m]`, `[$__range]`. */
export function range(window: Window): string {
  return `[${isGrafanaVariable(window) ? variableRef(window) : duration(window)}]`;
}

/**
 * The stream selector for a service: exact for a literal name, a regex for a
 * variable (so "All" can be `.+`), any service when none is given.
 *
 * @example
 * selector('intent-demo'); // '{service_name="intent-demo"}'
 */
export function selector(service: Text | undefined): string {
  if (service === undefined) return `{${LOKI.SERVICE_NAME}=~".+"}`;
  return `{${LOKI.SERVICE_NAME}${isGrafanaVariable(service) ? '=~' : '='}${literal(service)}}`;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A label filter stage: `| name op "value"`. */
export function where(name: LokiName, op: MatchOp, value: Text): string {
  return `| ${name}${op}${literal(value)}`;
}

/** A label filter on a payload field extracted by `| json` (the field name is ours, the value escaped). */
export function whereField(field: string, op: MatchOp, value: Text): string {
  return `| ${identifier(field)}${op}${literal(value)}`;
}

/** Only factline's own records (they all carry the EventID). */
export const FACTLINE_EVENTS = where(LOKI.EVENT_ID, '!=', '');

/** The records of one event type, by `event_name`. */
export function eventIs(id: string): string {
  return where(LOKI.EVENT_NAME, '=', eventNameOf(id));
}

/** The records of any of the given event types, by `event_name`. */
export function eventIn(ids: readonly string[]): string {
  return where(LOKI.EVENT_NAME, '=~', ids.map((id) => escapeRegex(eventNameOf(id))).join('|'));
}

/**
 * The events matching a `%` pattern (translated, see pattern.ts) or, for a
 * variable, the events whose `factline_event_id` matches the regex it holds.
 */
export function matching(pattern: Text): string {
  return isGrafanaVariable(pattern) ? where(LOKI.EVENT_ID, '=~', pattern) : patternStages(pattern);
}

/**
 * Events whose source is an agent (`factline_source_model`): any agent when
 * none is given, exactly one for a literal, a regex for a variable.
 */
export function byAgent(agent: Text | undefined): string {
  if (agent === undefined) return where(LOKI.SOURCE_MODEL, '!=', '');
  return where(LOKI.SOURCE_MODEL, isGrafanaVariable(agent) ? '=~' : '=', agent);
}

/**
 * What counts as a failure for agent feedback: the action is `failed` or ends
 * in `_failed`, the rule docs/mapping.md uses for ERROR severity. `%.failed:%`
 * (the failures query) is the first half of it.
 */
export const FAILURE_ACTION_REGEX = 'failed|.+_failed';
export const FAILED = where(LOKI.EVENT_ACTION, '=~', FAILURE_ACTION_REGEX);

/** `| json a="a", b="b"`: extracts only the named payload fields, so none can collide with a label. */
export function json(fields: readonly string[]): string {
  return `| json ${fields.map((f) => `${identifier(f)}=${logqlString(f)}`).join(', ')}`;
}

/** `| unwrap field | __error__=""`: the field as the sample value; lines where it is not a number are dropped. */
export function unwrap(field: string): string {
  return `| unwrap ${identifier(field)} | __error__=""`;
}

/** `| line_format "…"` with a template of ours. */
export function lineFormat(template: string): string {
  return `| line_format ${logqlString(template)}`;
}

/** A log query: selector and stages. */
export function pipeline(service: Text | undefined, ...stages: string[]): string {
  return [selector(service), ...stages].join(' ');
}

export function countOverTime(logExpr: string, window: Window): string {
  return `count_over_time(${logExpr} ${range(window)})`;
}

type Grouping = readonly string[];
const by = (labels: Grouping) => (labels.length === 0 ? '' : ` by (${labels.map(identifier).join(', ')})`);

/** `sum by (a, b) (inner)`. */
export function sumBy(labels: Grouping, inner: string): string {
  return `sum${by(labels)} (${inner})`;
}

/**
 * `sum by (a, b) (count_over_time(<log> | keep a, b [w]))`: events per group.
 *
 * `| keep` drops every other label before counting. Loki 3 counts per
 * distinct label set, structured metadata included, and factline's records
 * carry per-event metadata (`factline_event_instance_id`, `trace_id`,
 * `span_id`): without it the range aggregation holds one series per event
 * until `sum` folds them. Without groups, `service_name` is kept.
 *
 * @example
 * sumCounts(['factline_event_domain'], '{service_name="x"}', '1h');
 * // 'sum by (factline_event_domain) (count_over_time({service_name="x"} | keep factline_event_domain [1h]))'
 */
export function sumCounts(labels: Grouping, logExpr: string, window: Window): string {
  const kept = labels.length > 0 ? labels : [LOKI.SERVICE_NAME];
  return sumBy(labels, countOverTime(`${logExpr} | keep ${kept.map(identifier).join(', ')}`, window));
}

/** `count by (a) (inner)`. */
export function countSeriesBy(labels: Grouping, inner: string): string {
  return `count${by(labels)} (${inner})`;
}

export type UnwrapAggregation = 'avg_over_time' | 'max_over_time' | 'min_over_time' | 'last_over_time' | 'sum_over_time';

/** `avg_over_time(<log> | unwrap f | __error__="" [w]) by (labels)`: an unwrapped range aggregation, grouped. */
export function unwrapped(fn: UnwrapAggregation, logExpr: string, field: string, window: Window, labels: Grouping): string {
  return `${fn}(${logExpr} ${unwrap(field)} ${range(window)})${by(labels)}`;
}

/** `quantile_over_time(q, <log> | unwrap f | __error__="" [w]) by (labels)`. */
export function quantileOverTime(q: string, logExpr: string, field: string, window: Window, labels: Grouping): string {
  return `quantile_over_time(${q}, ${logExpr} ${unwrap(field)} ${range(window)})${by(labels)}`;
}

/**
 * `part / whole` per group, with groups that have no `part` at all shown as 0
 * instead of missing (`or 0 * whole`): "lint_passes passed 0 of 1 times".
 */
export function shareOf(labels: Grouping, partLog: string, wholeLog: string, window: Window): string {
  const part = sumCounts(labels, partLog, window);
  const whole = sumCounts(labels, wholeLog, window);
  return `(${part} or 0 * ${whole}) / ${whole}`;
}
