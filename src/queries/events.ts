/**
 * Queries over any catalog's events: `%` patterns (`%.failed:%`, docs/eventid.md),
 * counts by domain, entity and action, versions in use, invalid events, the
 * events of one trace, and the agent feedback loop ("I fail 23% on auth").
 */
import { escapeRegex, logqlString } from './escape.js';
import { LOKI, type LokiName } from './names.js';
import {
  FACTLINE_EVENTS,
  FAILED,
  byAgent,
  countSeriesBy,
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

const DIMENSION: Record<EventDimension, readonly LokiName[]> = {
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
  const labels = DIMENSION[args.by];
  return metric(sumCounts(labels, pipeline(args.service, FACTLINE_EVENTS, ...named(labels)), args.window));
}

/**
 * `| label!=""` for each grouping label but the EventID (already required):
 * a record with the EventID but not its parts (a plain OTel record that set
 * factline.event.id alone) would otherwise make a group with no name.
 */
function named(labels: readonly LokiName[]): string[] {
  return labels.filter((l) => l !== LOKI.EVENT_ID).map((l) => where(l, '!=', ''));
}

/**
 * The versions in use of each event: one series per event name and version.
 *
 * @example
 * versionsInUse({ service: 'intent-demo', window: '1h' }).expr;
 * // 'sum by (event_name, factline_event_version) (count_over_time(… | keep event_name, factline_event_version [1h]))'
 */
export function versionsInUse(args: ServiceScope & Windowed): LogqlQuery {
  const labels = [LOKI.EVENT_NAME, LOKI.EVENT_VERSION];
  return metric(sumCounts(labels, pipeline(args.service, FACTLINE_EVENTS, ...named(labels)), args.window));
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
  /**
   * The outcomes that mark an attempt failed. Default {@link FAILURES_PATTERN}.
   * Only an outcome that names a counted attempt as its cause
   * (`factline_causation_id` = the attempt's `factline_event_instance_id`,
   * `emit(..., { causedBy: attempt })`) counts: another service's or
   * another kind of attempt's failures never do.
   */
  readonly failures?: Text;
  /**
   * Split by this payload field of the attempt (`file`), read with `| json`.
   * The outcomes need not carry it: they are joined to their attempt by causation.
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

/**
 * The label that joins an attempt to its outcomes in {@link failureShare}:
 * the attempt's instance id on the attempt side, the outcome's causation id
 * on the outcome side. Not a label Loki or factline sets.
 */
const ATTEMPT_KEY_LABEL = 'factline_attempt_key';

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

/** The labels a share or count is split by: the agent, and the payload field unless it is cut to one prefix. */
function attemptGroups(args: AgentAttempts): string[] {
  return args.field === undefined || args.prefix !== undefined ? [LOKI.SOURCE_MODEL] : [LOKI.SOURCE_MODEL, identifier(args.field)];
}

/**
 * One series per attempt in the window, labelled by its groups and its
 * instance id (as {@link ATTEMPT_KEY_LABEL}).
 */
function attemptSeries(args: ServiceScope & Windowed & AgentAttempts): string {
  const groups = attemptGroups(args);
  const log = pipeline(
    args.service,
    matching(args.attempts),
    byAgent(args.agent),
    ...fieldStages(args.field, args.depth, args.prefix),
    `| label_format ${ATTEMPT_KEY_LABEL}=${logqlString(`{{.${LOKI.EVENT_INSTANCE_ID}}}`)}`,
  );
  return sumCounts([...groups, ATTEMPT_KEY_LABEL], log, args.window);
}

/** One series per attempt that a failure in the window names as its cause, labelled by that attempt's id. */
function causedFailureSeries(args: ServiceScope & Windowed & AgentAttempts): string {
  const log = pipeline(
    args.service,
    matching(args.failures ?? FAILURES_PATTERN),
    where(LOKI.CAUSATION_ID, '!=', ''),
    `| label_format ${ATTEMPT_KEY_LABEL}=${logqlString(`{{.${LOKI.CAUSATION_ID}}}`)}`,
  );
  return sumCounts([ATTEMPT_KEY_LABEL], log, args.window);
}

/** `count by (groups) (attempts)` and `count by (groups) (attempts and on (key) failures)`: attempts, and those that failed. */
function attemptCounts(args: ServiceScope & Windowed & AgentAttempts): { attempted: string; failed: string } {
  const groups = attemptGroups(args);
  const attempts = attemptSeries(args);
  return {
    attempted: countSeriesBy(groups, attempts),
    failed: countSeriesBy(groups, `${attempts} and on (${ATTEMPT_KEY_LABEL}) ${causedFailureSeries(args)}`),
  };
}

/**
 * The share of an agent's attempts that failed, per agent
 * (`factline_source_model`) and, with `field`, per value (or
 * `depth`-segment prefix) of a payload field of the attempt: "23 of 50 auth
 * attempts failed". The pairing `agentFeedback` (factline/feedback) makes,
 * in LogQL: an attempt failed when an outcome matching `failures` names it
 * as its cause (`factline_causation_id`) within the same window; each
 * attempt counts once however many failures name it, so the share is never
 * above 1, and failures of other attempts (another service, another kind of
 * attempt, no cause) are never counted. An agent without failures shows 0,
 * not nothing. LogQL windows are time: an outcome emitted after the window
 * that holds its attempt is not seen there (a range that covers both is);
 * "the last 100 attempts" is `agentFeedback`, which counts instead.
 *
 * With `by: 'domain'`: failed events (action `failed` or `*_failed`) over
 * all events of each domain, every source; the failures are a subset of the
 * events, so this share is never above 1 either.
 *
 * @example
 * failureShare({ by: 'agent', service: 'svc', attempts: 'agent.code.generated:%', window: '1h' }).expr;
 * // '(count by (factline_source_model) (sum by (factline_source_model, factline_attempt_key) (count_over_time({service_name="svc"} | event_name="agent.code.generated" | …
 * //   | label_format factline_attempt_key="{{.factline_event_instance_id}}" | keep … [1h])) and on (factline_attempt_key) sum by (factline_attempt_key) (count_over_time({service_name="svc"} | event_name=~".*\\.failed" | …
 * //   | factline_causation_id!="" | label_format factline_attempt_key="{{.factline_causation_id}}" | keep factline_attempt_key [1h]))) or 0 * count by (…) (…)) / count by (factline_source_model) (…)'
 */
export function failureShare(args: ServiceScope & Windowed & (({ readonly by: 'agent' } & AgentAttempts) | { readonly by: 'domain' })): LogqlQuery {
  if (args.by === 'domain') {
    const events = [FACTLINE_EVENTS, ...named([LOKI.EVENT_DOMAIN])];
    return metric(shareOf([LOKI.EVENT_DOMAIN], pipeline(args.service, ...events, FAILED), pipeline(args.service, ...events), args.window));
  }
  const { attempted, failed } = attemptCounts(args);
  return metric(`(${failed} or 0 * ${attempted}) / ${attempted}`);
}

/**
 * The two counts behind {@link failureShare} per agent (and field): its
 * failed attempts (`failedOnly`, 0 for an agent without one) or all its
 * attempts, for a table of raw counts. The same pairing as the share.
 */
export function agentEventCount(args: ServiceScope & Windowed & AgentAttempts & { readonly failedOnly: boolean }): LogqlQuery {
  const { attempted, failed } = attemptCounts(args);
  return metric(args.failedOnly ? `${failed} or 0 * ${attempted}` : attempted);
}

/** The failed events of agents (by `factline_source_model`), as lines. */
export function agentFailures(args: ServiceScope & { readonly agent?: Text }): LogqlQuery {
  return logs(pipeline(args.service, FACTLINE_EVENTS, byAgent(args.agent), FAILED));
}
