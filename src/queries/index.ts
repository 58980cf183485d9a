/**
 * factline's query library: named LogQL and TraceQL queries built from typed
 * arguments, with every user value escaped (docs/grafana.md, "Query library").
 * The Grafana dashboards (grafana/src/) are built from the same functions.
 */
export { escapeRegex, logqlString, traceqlString, duration, quantile, QueryInputError } from './escape.js';
export type { QueryInputErrorCode } from './escape.js';
export { grafanaVariable, RANGE, AUTO, INTERVAL, isGrafanaVariable } from './variable.js';
export type { GrafanaVariable } from './variable.js';
export { LOKI, TRACEQL, INTENT, INTENT_SPANS, eventNameOf } from './names.js';
export type { LokiName, LokiSpelling } from './names.js';
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
export {
  signalsBySource,
  countByEvent,
  payloadFigure,
  trustScoreBySignal,
  clusterSizes,
  promotionsAndDismissals,
  contractDurationQuantile,
  contractsByAgent,
  assertionPassRate,
  assertionPassRateByName,
  failingAssertions,
  FAILING_ASSERTION_FIELDS,
  systemErrorsByCode,
  healthFigure,
} from './intent.js';
export type { HealthFigure } from './intent.js';
export { failingAssertionSpans, errorContractSpans, contractSpans, traceSpansByKey, spansWithEventId } from './traceql.js';
export type { TraceqlQuery } from './traceql.js';
export { DEMO, DEMO_COUNTS, DEMO_FIGURES, prometheusQuantile } from './demo-figures.js';
export { libraryQueries } from './demo.js';
export type { DemoSample } from './demo.js';
export type { Expectation, QueryCase, VectorSample } from './expectation.js';
