/**
 * LogQL queries over the Intent loop: notice → spec → execute → observe
 * (docs/intent.md). They are built from the generic pieces of
 * `factline/query-builders`; event names come from the catalog (events.ts, checked
 * by the compiler); payload fields are extracted by name with `| json f="f"`.
 */
import { quantile } from '../queries/escape.js';
import type { ServiceScope, Windowed } from '../queries/events.js';
import {
  byAgent,
  countSeriesBy,
  eventIn,
  eventIs,
  json,
  lineFormat,
  logs,
  metric,
  pipeline,
  quantileOverTime,
  shareOf,
  sumCounts,
  unwrapped,
  whereField,
  type LogqlQuery,
  type Text,
  type UnwrapAggregation,
} from '../queries/logql.js';
import { LOKI } from '../queries/names.js';
import { INTENT } from './events.js';

/**
 * Signals created per source (`cli`, `mcp`, `email`, `slack`, `agent`).
 *
 * @example
 * signalsBySource({ service: 'intent-demo', window: '1h' }).expr;
 * // 'sum by (source) (count_over_time({service_name="intent-demo"} | event_name="signal.signal.created" | json source="source" | keep source [1h]))'
 */
export function signalsBySource(args: ServiceScope & Windowed): LogqlQuery {
  return metric(sumCounts(['source'], pipeline(args.service, eventIs(INTENT.SIGNAL_CREATED), json(['source'])), args.window));
}

/**
 * Events of the given types, per type (`event_name`): promoted vs dismissed,
 * proposed vs accepted, created vs approved, started vs completed.
 *
 * @example
 * countByEvent({ service: 'intent-demo', events: [INTENT.SIGNAL_PROMOTED, INTENT.SIGNAL_DISMISSED], window: '1h' }).expr;
 * // 'sum by (event_name) (count_over_time({…} | event_name=~"signal\\\\.signal\\\\.promoted|signal\\\\.signal\\\\.dismissed" | keep event_name [1h]))'
 */
export function countByEvent(args: ServiceScope & Windowed & { readonly events: readonly string[]; readonly agent?: Text }): LogqlQuery {
  const stages = [eventIn(args.events), ...(args.agent !== undefined ? [byAgent(args.agent)] : [])];
  return metric(sumCounts([LOKI.EVENT_NAME], pipeline(args.service, ...stages), args.window));
}

/**
 * One numeric payload field of one event type, aggregated over the window
 * per service: average trust score, acceptance confidence, spec
 * completeness, the last heartbeat's figures.
 *
 * @example
 * payloadFigure({ service: 'intent-demo', event: INTENT.INTENT_ACCEPTED, field: 'confidence', fn: 'avg_over_time', window: '1h' }).expr;
 * // 'avg_over_time({…} | event_name="intent.intent.accepted" | json confidence="confidence" | unwrap confidence | __error__="" [1h]) by (service_name)'
 */
export function payloadFigure(
  args: ServiceScope & Windowed & { readonly event: string; readonly field: string; readonly fn: UnwrapAggregation; readonly by?: readonly string[] },
): LogqlQuery {
  const by = args.by ?? [LOKI.SERVICE_NAME];
  const fields = [...new Set([...by.filter((l) => l !== LOKI.SERVICE_NAME), args.field])];
  return metric(unwrapped(args.fn, pipeline(args.service, eventIs(args.event), json(fields)), args.field, args.window, by));
}

/**
 * Each signal's trust score from enrichment (the highest in the window).
 *
 * @example
 * trustScoreBySignal({ service: 'intent-demo', window: '1h' }).expr;
 * // 'max_over_time({…} | event_name="signal.signal.enriched" | json signal_id="signal_id", trust_score="trust_score" | unwrap trust_score | __error__="" [1h]) by (signal_id)'
 */
export function trustScoreBySignal(args: ServiceScope & Windowed): LogqlQuery {
  return payloadFigure({ ...args, event: INTENT.SIGNAL_ENRICHED, field: 'trust_score', fn: 'max_over_time', by: ['signal_id'] });
}

/**
 * Clusters and their size: distinct signals clustered into each.
 *
 * @example
 * clusterSizes({ service: 'intent-demo', window: '1h' }).expr;
 * // 'count by (cluster_id, cluster_name) (sum by (cluster_id, cluster_name, signal_id) (count_over_time(… | keep cluster_id, cluster_name, signal_id [1h])))'
 */
export function clusterSizes(args: ServiceScope & Windowed): LogqlQuery {
  const fields = ['cluster_id', 'cluster_name', 'signal_id'];
  const perSignal = sumCounts(fields, pipeline(args.service, eventIs(INTENT.SIGNAL_CLUSTERED), json(fields)), args.window);
  return metric(countSeriesBy(['cluster_id', 'cluster_name'], perSignal));
}

/**
 * Promotions and dismissals with their reasons, one line each:
 * `signal.signal.dismissed SIG-043: duplicate of SIG-042`.
 */
export function promotionsAndDismissals(args: ServiceScope = {}): LogqlQuery {
  return logs(
    pipeline(
      args.service,
      eventIn([INTENT.SIGNAL_PROMOTED, INTENT.SIGNAL_DISMISSED]),
      json(['signal_id', 'reason']),
      lineFormat('{{.event_name}} {{.signal_id}}: {{.reason}}'),
    ),
  );
}

/**
 * Contract duration (seconds, from `contract.completed`) at a quantile, per
 * service: p50 and p95 over the window.
 *
 * @example
 * contractDurationQuantile({ service: 'intent-demo', quantile: 0.95, window: '1h' }).expr;
 * // 'quantile_over_time(0.95, {…} | event_name="contract.contract.completed" | json duration="duration" | unwrap duration | __error__="" [1h]) by (service_name)'
 */
export function contractDurationQuantile(args: ServiceScope & Windowed & { readonly quantile: number; readonly agent?: Text }): LogqlQuery {
  const stages = [eventIs(INTENT.CONTRACT_COMPLETED), ...(args.agent !== undefined ? [byAgent(args.agent)] : []), json(['duration'])];
  return metric(quantileOverTime(quantile(args.quantile), pipeline(args.service, ...stages), 'duration', args.window, [LOKI.SERVICE_NAME]));
}

/**
 * Contracts started per executing agent (the payload's `agent`, e.g.
 * `claude-code`); with `agent`, only those whose source model
 * (`factline_source_model`) it matches, as the other agent panels.
 *
 * @example
 * contractsByAgent({ service: 'intent-demo', window: '1h' }).expr;
 * // 'sum by (agent) (count_over_time({…} | event_name="contract.contract.started" | json agent="agent" | keep agent [1h]))'
 */
export function contractsByAgent(args: ServiceScope & Windowed & { readonly agent?: Text }): LogqlQuery {
  const stages = [eventIs(INTENT.CONTRACT_STARTED), ...(args.agent !== undefined ? [byAgent(args.agent)] : []), json(['agent'])];
  return metric(sumCounts(['agent'], pipeline(args.service, ...stages), args.window));
}

const ASSERTIONS = [INTENT.ASSERTION_PASSED, INTENT.ASSERTION_FAILED];

/**
 * Share of assertions that passed, over all services in scope.
 *
 * @example
 * assertionPassRate({ service: 'intent-demo', window: '1h' }).expr;
 * // 'sum (count_over_time({…} | event_name="contract.assertion.passed" | keep service_name [1h])) / sum (count_over_time({…} | event_name=~"…passed|…failed" | keep service_name [1h]))'
 */
export function assertionPassRate(args: ServiceScope & Windowed): LogqlQuery {
  const passed = sumCounts([], pipeline(args.service, eventIs(INTENT.ASSERTION_PASSED)), args.window);
  const all = sumCounts([], pipeline(args.service, eventIn(ASSERTIONS)), args.window);
  return metric(`${passed} / ${all}`);
}

/**
 * Share of passes per assertion name; an assertion that never passed shows 0.
 *
 * @example
 * assertionPassRateByName({ service: 'intent-demo', window: '1h' }).expr;
 * // '(sum by (assertion_name) (…passed…) or 0 * sum by (assertion_name) (…all…)) / sum by (assertion_name) (…all…)'
 */
export function assertionPassRateByName(args: ServiceScope & Windowed): LogqlQuery {
  const name = json(['assertion_name']);
  return metric(
    shareOf(['assertion_name'], pipeline(args.service, eventIs(INTENT.ASSERTION_PASSED), name), pipeline(args.service, eventIn(ASSERTIONS), name), args.window),
  );
}

/** Fields of a failing assertion shown in tables. */
export const FAILING_ASSERTION_FIELDS = ['contract_id', 'assertion_id', 'assertion_name', 'error'] as const;

/**
 * The failing assertions, with their contract, name and error as labels;
 * each line keeps its `trace_id` metadata, the link to the trace.
 *
 * @example
 * failingAssertions({ service: 'intent-demo', assertionName: 'lint_passes' }).expr;
 * // '{service_name="intent-demo"} | event_name="contract.assertion.failed" | json contract_id="contract_id", … | assertion_name="lint_passes"'
 */
export function failingAssertions(args: ServiceScope & { readonly assertionName?: Text; readonly contractId?: Text } = {}): LogqlQuery {
  const stages = [eventIs(INTENT.ASSERTION_FAILED), json(FAILING_ASSERTION_FIELDS)];
  if (args.contractId !== undefined) stages.push(whereField('contract_id', '=', args.contractId));
  if (args.assertionName !== undefined) stages.push(whereField('assertion_name', '=', args.assertionName));
  return logs(pipeline(args.service, ...stages));
}

/**
 * `system.error` events per `error_code` over the window.
 *
 * @example
 * systemErrorsByCode({ service: 'intent-demo', window: '5m' }).expr;
 * // 'sum by (error_code) (count_over_time({…} | event_name="system.error.raised" | json error_code="error_code" | keep error_code [5m]))'
 */
export function systemErrorsByCode(args: ServiceScope & Windowed): LogqlQuery {
  return metric(sumCounts(['error_code'], pipeline(args.service, eventIs(INTENT.SYSTEM_ERROR), json(['error_code'])), args.window));
}

/** A figure of the last `system.health` heartbeat in the window, per service. */
export type HealthFigure = 'servers_active' | 'event_count' | 'memory_usage_percent' | 'uptime_seconds';

/**
 * @example
 * healthFigure({ service: 'intent-demo', figure: 'servers_active', window: '1h' }).expr;
 * // 'last_over_time({…} | event_name="system.health.reported" | json servers_active="servers_active" | unwrap servers_active | __error__="" [1h]) by (service_name)'
 */
export function healthFigure(args: ServiceScope & Windowed & { readonly figure: HealthFigure }): LogqlQuery {
  return payloadFigure({ ...args, event: INTENT.SYSTEM_HEALTH, field: args.figure, fn: 'last_over_time' });
}
