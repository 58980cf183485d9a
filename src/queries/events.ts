/**
 * Queries over any catalog's events: `%` patterns (`%.failed:%`, docs/eventid.md),
 * counts by domain, entity and action, versions in use, invalid events, the
 * events of one trace, and the agent feedback loop ("I fail 23% on auth").
 */
import { escapeRegex } from './escape.js';
import { LOKI } from './names.js';
import {
  FACTLINE_EVENTS,
  FAILED,
  byAgent,
  identifier,
  json,
  logs,
  whereField,
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

/** The pattern of every failure: any EventID whose action is `failed`. */
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

/** Which way to split failure shares: per domain over every source, or per agent over its attempts. */
export type FeedbackGrouping = 'agent' | 'domain';

/** The attempts of an agent, and what counts as a failed one (`%` patterns, or regex variables over `factline_event_id`). */
export interface AgentAttempts {
  /** Only this agent (`factline_source_model`); default every agent. */
  readonly agent?: Text;
  /** The events that are attempts, one per attempt: `agent.code.generated:%`. */
  readonly attempts: Text;
  /** The events that are failed attempts. Default {@link FAILURES_PATTERN}. */
  readonly failures?: Text;
  /**
   * Split by this payload field too (`file`), read with `| json`; both the
   * attempt and the failure events must carry it (LogQL cannot join an outcome
   * to its attempt: `agentFeedback` in `factline/feedback` does, by causation id).
   */
  readonly field?: string;
  /**
   * Keep the first `depth` `/`-separated segments of the field: `src/auth/login.rs`
   * at 2 is `src/auth` (a `label_format` template with `regexReplaceAll`, which
   * Loki renders and the local engine refuses as unsupported).
   */
  readonly depth?: number;
  /**
   * Only values of the field that start with this (`src/auth`), counted as one
   * group per agent: "how often did I fail on auth modules". Runs on both engines.
   */
  readonly prefix?: string;
}

/** The stages that put an agent's payload field (cut to `depth` segments) into the label of the same name, or keep only values under `prefix`. */
function fieldStages(field: string | undefined, depth: number | undefined, prefix: string | undefined): string[] {
  if (field === undefined) {
    if (depth !== undefined || prefix !== undefined) throw new Error('depth and prefix cut a payload field: give field too');
    return [];
  }
  const stages = [json([field]), '| __error__=""'];
  if (prefix !== undefined) stages.push(whereField(field, '=~', `${escapeRegex(prefix)}.*`));
  if (depth !== undefined) {
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`depth must be a whole number ≥ 1, got ${depth}`);
    // Go's regexp, in a backtick template: the first `depth` segments, whatever follows.
    stages.push(`| label_format ${identifier(field)}=\`{{ regexReplaceAll "^([^/]*(?:/[^/]*){0,${depth - 1}}).*$" .${identifier(field)} "\${1}" }}\``);
  }
  return stages;
}

/**
 * The share of failed attempts, per agent (`factline_source_model`) and,
 * with `field`, per value (or `depth`-segment prefix) of a payload field:
 * "23 of 50 auth attempts failed". The denominator is the attempts, never all
 * events. With `by: 'domain'`: failed events (action `failed` or `*_failed`)
 * over all events of each domain, every source. A group without failures
 * shows 0, not nothing. LogQL windows are time: "the last 100 attempts" is
 * `agentFeedback` (factline/feedback), which counts instead.
 *
 * @example
 * failureShare({ by: 'agent', service: 'svc', attempts: 'agent.code.%:%', failures: 'agent.code.failed:%', field: 'file', depth: 2, window: '1h' }).expr;
 * // '(sum by (factline_source_model, file) (count_over_time({service_name="svc"} | event_name="agent.code.failed" | … | json file="file" | __error__="" | label_format file=`…` | keep factline_source_model, file [1h]))
 * //   or 0 * sum by (…) (…)) / sum by (factline_source_model, file) (count_over_time({service_name="svc"} | event_name=~"agent\\.code\\..*" | … [1h]))'
 */
export function failureShare(args: ServiceScope & Windowed & (({ readonly by: 'agent' } & AgentAttempts) | { readonly by: 'domain' })): LogqlQuery {
  if (args.by === 'domain') {
    return metric(shareOf([LOKI.EVENT_DOMAIN], pipeline(args.service, FACTLINE_EVENTS, FAILED), pipeline(args.service, FACTLINE_EVENTS), args.window));
  }
  const labels = args.field === undefined || args.prefix !== undefined ? [LOKI.SOURCE_MODEL] : [LOKI.SOURCE_MODEL, identifier(args.field)];
  const tail = [byAgent(args.agent), ...fieldStages(args.field, args.depth, args.prefix)];
  const failed = pipeline(args.service, matching(args.failures ?? FAILURES_PATTERN), ...tail);
  const attempted = pipeline(args.service, matching(args.attempts), ...tail);
  return metric(shareOf(labels, failed, attempted, args.window));
}

/**
 * Failed attempts (numerator of {@link failureShare}) or all attempts (its
 * denominator) per agent (and field), for a table of raw counts.
 */
export function agentEventCount(args: ServiceScope & Windowed & AgentAttempts & { readonly failedOnly: boolean }): LogqlQuery {
  const labels = args.field === undefined || args.prefix !== undefined ? [LOKI.SOURCE_MODEL] : [LOKI.SOURCE_MODEL, identifier(args.field)];
  const events = args.failedOnly ? matching(args.failures ?? FAILURES_PATTERN) : matching(args.attempts);
  return metric(sumCounts(labels, pipeline(args.service, events, byAgent(args.agent), ...fieldStages(args.field, args.depth, args.prefix)), args.window));
}

/** The failed events of agents (by `factline_source_model`), as lines. */
export function agentFailures(args: ServiceScope & { readonly agent?: Text }): LogqlQuery {
  return logs(pipeline(args.service, FACTLINE_EVENTS, byAgent(args.agent), FAILED));
}
