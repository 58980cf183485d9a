/**
 * factline's query library: named LogQL and TraceQL queries over any
 * catalog's events, built from typed arguments, with every user value
 * escaped (docs/grafana.md, "Query library"). The Grafana dashboards
 * (grafana/src/) are built from the same functions. Queries over one
 * catalog live with it: the Intent loop's in `factline/intent`.
 */
export { escapeRegex, logqlString, traceqlString, duration, quantile, QueryInputError } from './escape.js';
export type { QueryInputErrorCode } from './escape.js';
export { grafanaVariable, RANGE, AUTO, INTERVAL, isGrafanaVariable } from './variable.js';
export type { GrafanaVariable } from './variable.js';
export { LOKI, TRACEQL, eventNameOf } from './names.js';
export type { LokiName, LokiSpelling, TraceqlAttribute } from './names.js';
export { patternRegex, translatePattern, patternStages } from './pattern.js';
export type { PatternMatch, ValueMatch } from './pattern.js';
export { FAILURE_ACTION_REGEX } from './logql.js';
export type { LogqlQuery, Text, Window } from './logql.js';
export {
  FAILURES_PATTERN,
  eventsByPattern,
  failures,
  countByPattern,
  countBy,
  versionsInUse,
  invalidEvents,
  invalidCount,
  eventsOfTrace,
  eventsOfTraceKey,
  failureShare,
  agentEventCount,
  agentFailures,
} from './events.js';
export type { EventDimension, FeedbackGrouping, ServiceScope, Windowed } from './events.js';
export { traceSpansByKey, spansWithEventId } from './traceql.js';
export type { TraceqlQuery } from './traceql.js';
