/**
 * Queries over any catalog's events: `%` patterns (`%.failed:%`, docs/eventid.md),
 * counts by domain, entity and action, versions in use, invalid events, the
 * events of one trace, and the agent feedback loop ("I fail 23% on auth").
 */
import { LOKI } from './names.js';
import {
  FACTLINE_EVENTS,
  FAILED,
  byAgent,
  logs,
  matching,
  metric,
  pipeline,
  shareOf,
  sumCounts,
  where,
  type LogqlQuery,
  type Text,
  type Window,
} from './logql.js';

/** Which services to look at: one by name, a dashboard variable, or (absent) every service. */
export interface ServiceScope {
  readonly service?: Text;
}

export interface Windowed {
  /** The range each count covers: `1h`, or `$__range` / `$__auto` in a dashboard. */
  readonly window: Window;
}

/** The pattern of every failure, in any domain and version. */
export const FAILURES_PATTERN = '%.failed:%';

/**
 * The events matching a `%` pattern (or, as a variable, a regex over
 * `factline_event_id`).
 *
 * @example
 * eventsByPattern({ service: 'intent-demo', pattern: 'contract.%' }).expr;
 * // '{service_name="intent-demo"} | event_name=~"contract\\\\..*" | factline_event_version=~".+"'
 */
export function eventsByPattern(args: ServiceScope & { readonly pattern: Text }): LogqlQuery {
  return logs(pipeline(args.service, matching(args.pattern)));
}

/**
 * Every failure: the events matching `%.failed:%`.
 *
 * @example
 * failures({ service: 'intent-demo' }).expr;
 * // '{service_name="intent-demo"} | event_name=~".*\\\\.failed" | factline_event_version=~".+"'
 */
export function failures(args: ServiceScope = {}): LogqlQuery {
  return eventsByPattern({ ...args, pattern: FAILURES_PATTERN });
}

/**
 * How many events match a `%` pattern, per EventID.
 *
 * @example
 * countByPattern({ service: 'intent-demo', pattern: '%.failed:%', window: '1h' }).expr;
 * // 'sum by (factline_event_id) (count_over_time({service_name="intent-demo"} | event_name=~… | keep factline_event_id [1h]))'
 */
export function countByPattern(args: ServiceScope & Windowed & { readonly pattern: Text }): LogqlQuery {
  return metric(sumCounts([LOKI.EVENT_ID], pipeline(args.service, matching(args.pattern)), args.window));
}

/** What to count events by. */
export type EventDimension = 'domain' | 'entity' | 'action' | 'id';

const DIMENSION: Record<EventDimension, readonly string[]> = {
  domain: [LOKI.EVENT_DOMAIN],
  entity: [LOKI.EVENT_DOMAIN, LOKI.EVENT_ENTITY],
  action: [LOKI.EVENT_ACTION],
  id: [LOKI.EVENT_ID],
};

/**
 * factline events per domain, entity (with its domain), action or EventID.
 * Grouping by structured metadata works in Loki 3 metric queries.
 *
 * @example
 * countBy({ service: 'intent-demo', by: 'domain', window: '1h' }).expr;
 * // 'sum by (factline_event_domain) (count_over_time({service_name="intent-demo"} | factline_event_id!="" | keep factline_event_domain [1h]))'
 */
export function countBy(args: ServiceScope & Windowed & { readonly by: EventDimension }): LogqlQuery {
  return metric(sumCounts(DIMENSION[args.by], pipeline(args.service, FACTLINE_EVENTS), args.window));
}

/**
 * The versions in use of each event: one series per event name and version.
 *
 * @example
 * versionsInUse({ service: 'intent-demo', window: '1h' }).expr;
 * // 'sum by (event_name, factline_event_version) (count_over_time(… | keep event_name, factline_event_version [1h]))'
 */
export function versionsInUse(args: ServiceScope & Windowed): LogqlQuery {
  return metric(sumCounts([LOKI.EVENT_NAME, LOKI.EVENT_VERSION], pipeline(args.service, FACTLINE_EVENTS), args.window));
}

/**
 * Events delivered flagged invalid (`factline.valid=false`, validation mode `report`).
 *
 * @example
 * invalidEvents({ service: 'intent-demo' }).expr; // '{service_name="intent-demo"} | factline_valid="false"'
 */
export function invalidEvents(args: ServiceScope = {}): LogqlQuery {
  return logs(pipeline(args.service, where(LOKI.VALID, '=', 'false')));
}

/** How many events were delivered flagged invalid, per EventID. */
export function invalidCount(args: ServiceScope & Windowed): LogqlQuery {
  return metric(sumCounts([LOKI.EVENT_ID], pipeline(args.service, where(LOKI.VALID, '=', 'false')), args.window));
}

/**
 * The events of one trace, by the W3C trace id Loki keeps as `trace_id`
 * metadata. Without a service, every service's (a trace key joins processes).
 *
 * @example
 * eventsOfTrace({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }).expr;
 * // '{service_name=~".+"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"'
 */
export function eventsOfTrace(args: ServiceScope & { readonly traceId: Text }): LogqlQuery {
  return logs(pipeline(args.service, where(LOKI.TRACE_ID, '=', args.traceId)));
}

/**
 * The events of one domain trace key (`TRACE-015`), by `factline_trace_key`.
 *
 * @example
 * eventsOfTraceKey({ traceKey: 'TRACE-015' }).expr; // '{service_name=~".+"} | factline_trace_key="TRACE-015"'
 */
export function eventsOfTraceKey(args: ServiceScope & { readonly traceKey: Text }): LogqlQuery {
  return logs(pipeline(args.service, where(LOKI.TRACE_KEY, '=', args.traceKey)));
}

/** Which way to split failure shares. */
export type FeedbackGrouping = 'agent-and-domain' | 'domain';

/**
 * The share of failures (action `failed` or `*_failed`) among events, per
 * agent (`factline_source_model`) and domain, or per domain over every
 * source: seed 000's "In the last 100 generations, I failed 23 times on auth
 * modules". A group without failures shows 0, not nothing. LogQL windows are
 * time, not counts: "the last 100" is "the last `window`".
 *
 * @example
 * failureShare({ service: 'intent-demo', by: 'agent-and-domain', window: '1h' }).expr;
 * // '(sum by (factline_source_model, factline_event_domain) (count_over_time(… | factline_event_action=~"failed|.+_failed" | keep … [1h]))
 * //   or 0 * sum by (…) (count_over_time(… | keep … [1h]))) / sum by (…) (count_over_time(… | keep … [1h]))'
 */
export function failureShare(args: ServiceScope & Windowed & { readonly by: FeedbackGrouping; readonly agent?: Text }): LogqlQuery {
  const perAgent = args.by === 'agent-and-domain';
  const labels = perAgent ? [LOKI.SOURCE_MODEL, LOKI.EVENT_DOMAIN] : [LOKI.EVENT_DOMAIN];
  const stages = perAgent ? [FACTLINE_EVENTS, byAgent(args.agent)] : [FACTLINE_EVENTS];
  return metric(shareOf(labels, pipeline(args.service, ...stages, FAILED), pipeline(args.service, ...stages), args.window));
}

/**
 * Failures (numerator of {@link failureShare}) or all events (its
 * denominator) per agent and domain, for a table of raw counts.
 */
export function agentEventCount(args: ServiceScope & Windowed & { readonly agent?: Text; readonly failedOnly: boolean }): LogqlQuery {
  const stages = [FACTLINE_EVENTS, byAgent(args.agent), ...(args.failedOnly ? [FAILED] : [])];
  return metric(sumCounts([LOKI.SOURCE_MODEL, LOKI.EVENT_DOMAIN], pipeline(args.service, ...stages), args.window));
}

/** The failed events of agents (by `factline_source_model`), as lines. */
export function agentFailures(args: ServiceScope & { readonly agent?: Text }): LogqlQuery {
  return logs(pipeline(args.service, FACTLINE_EVENTS, byAgent(args.agent), FAILED));
}
