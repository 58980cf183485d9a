/**
 * Feedback figures: how the last N attempts of a source (an agent's model)
 * turned out, per group of a payload field, on either query backend.
 *
 * "In the last 100 generations, how often did I fail on auth modules?" is
 * `agentFeedback(backend, { model, attempts: 'agent.code.generated:%',
 * success: 'agent.test.passed:%', failure: '%.failed:%', last: 100,
 * groupBy: { field: 'file', depth: 2 } })` → `src/auth: 23 of 50 attempts
 * failed (46%)`.
 */
import { printable } from '../lines/printable.js';
import { compilePattern } from '../eventid/pattern.js';
import { isLineProblem, parseJsonLine } from '../lines/json-line.js';
import { eventIdPatternHint } from '../eventid/pattern-hint.js';
import { LOKI } from '../queries/names.js';
import { queryRangeWithinLimit, refusedEntriesLimit } from '../query/entries-limit.js';
import { QueryError, type LabelSet, type QueryBackend } from '../query/types.js';
import { attemptsQuery, GROUP_LABEL, isFieldPath, JOIN_LABEL, outcomesQuery } from './queries.js';

/** How attempts are grouped: a payload field, optionally cut to its first `depth` `/`-separated segments. */
export interface FeedbackGroupBy {
  /** A payload field path, `file` or `context.path`. */
  readonly field: string;
  /** Keep the first `depth` segments of the value: `src/auth/login.rs` at depth 2 is `src/auth`. Default: the whole value. */
  readonly depth?: number;
  /** The segment separator. Default `/`. */
  readonly separator?: string;
}

/**
 * A request as a surface reads it, one flat value an option, any optional one
 * possibly `undefined` (not given): `factline feedback`'s options and the
 * `agent_feedback` tool's arguments. {@link feedbackRequest} makes it a
 * {@link FeedbackRequest}.
 */
export interface FlatFeedbackArgs {
  attempts: string;
  success: string;
  failure?: string | undefined;
  service?: string | undefined;
  model?: string | undefined;
  sourceType?: string | undefined;
  last?: number | undefined;
  /** The payload field to group by (`FeedbackGroupBy.field`). */
  groupBy?: string | undefined;
  /** Its depth (`FeedbackGroupBy.depth`); only with `groupBy`. */
  depth?: number | undefined;
  groupPrefix?: string | undefined;
  joinField?: string | undefined;
}

/**
 * The {@link FeedbackRequest} flat arguments name, over `[start, end]`
 * (Unix epoch ns): what was not given is left out, so that each default of
 * {@link agentFeedback} applies.
 *
 * @internal For factline's own surfaces; not exported from `factline/feedback`.
 * @example
 * feedbackRequest({ attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', groupBy: 'file', depth: 2, model: undefined }, { start: 0n, end: 1n });
 * // { attempts, success, groupBy: { field: 'file', depth: 2 }, start: 0n, end: 1n }
 */
export function feedbackRequest(args: FlatFeedbackArgs, range: { start: bigint; end: bigint }, signal?: AbortSignal): FeedbackRequest {
  const { groupBy, depth, ...rest } = args;
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<FlatFeedbackArgs, 'groupBy' | 'depth'> & {
    attempts: string;
    success: string;
  };
  return {
    ...(given as FeedbackRequest),
    ...(groupBy !== undefined ? { groupBy: { field: groupBy, ...(depth !== undefined ? { depth } : {}) } } : {}),
    ...range,
    ...(signal !== undefined ? { signal } : {}),
  };
}

/** What {@link agentFeedback} asks. */
export interface FeedbackRequest {
  /** `%` pattern of the events that are attempts, one event per attempt: `agent.code.generated:%`. */
  readonly attempts: string;
  /** `%` pattern of the outcomes that count as success: `agent.test.passed:%`. */
  readonly success: string;
  /** `%` pattern of the outcomes that count as failure. Default `%.failed:%`. */
  readonly failure?: string;
  /** Only this service (`service_name`). Default: every service. */
  readonly service?: string;
  /** Only attempts of this source model (`factline_source_model`). */
  readonly model?: string;
  /** Only attempts of this source type (`factline_source_type`, e.g. `child_agent`). */
  readonly sourceType?: string;
  /** How many of the most recent attempts to look at. Default 100. */
  readonly last?: number;
  /** Group by a payload field (or a prefix of it). Default: one group, `all`. */
  readonly groupBy?: FeedbackGroupBy;
  /**
   * Link outcomes to attempts by this payload field, which both carry
   * (`contract_id`). Default: by causation id (the outcome was emitted with
   * `causedBy: attempt`).
   */
  readonly joinField?: string;
  /** Only groups whose name starts with this (`src/auth`). Default: every group. */
  readonly groupPrefix?: string;
  /** Look for attempts from this time on, Unix epoch ns. Default: `end` − 30 days. */
  readonly start?: bigint;
  /** … up to this time, Unix epoch ns. Default: now. */
  readonly end?: bigint;
  /** Aborts the queries (`QueryError` `aborted`). */
  readonly signal?: AbortSignal;
}

/** The outcome figures of one group. */
export interface FeedbackGroup {
  /** The group's value (`src/auth`), `all` without grouping, `(none)` for attempts without the field. */
  readonly group: string;
  readonly attempts: number;
  readonly successes: number;
  readonly failures: number;
  /** Attempts no outcome names as its cause (yet). */
  readonly pending: number;
  /** `failures / attempts`, 0 when there are no attempts. */
  readonly share: number;
  /** `23 of 50 src/auth attempts failed (46%)`. */
  readonly sentence: string;
}

/** The answer of {@link agentFeedback}. */
export interface FeedbackFigures {
  /** One entry per group, most failures first, then by name. */
  readonly groups: FeedbackGroup[];
  /** Every attempt looked at, in one group named `all`. */
  readonly total: FeedbackGroup;
  /** The attempts looked at: at most `last`, fewer when the range holds fewer. */
  readonly attemptsConsidered: number;
  /** The LogQL that was run, to re-run on Loki or in Grafana. */
  readonly queries: { readonly attempts: string; readonly outcomes: string };
  /** The time range searched, Unix epoch ns. */
  readonly range: { readonly start: bigint; readonly end: bigint };
}

export const DEFAULT_LAST = 100;
export const DEFAULT_FAILURE_PATTERN = '%.failed:%';
const DEFAULT_RANGE_NS = 30n * 24n * 3600n * 1_000_000_000n;
/** Lines per outcome page: Loki's default `max_entries_limit_per_query`. */
const PAGE = 5000;
/** The most attempts one request may ask for, so a request stays one page. */
export const MAX_LAST = PAGE;

type Outcome = 'failure' | 'success';

interface Entry {
  readonly ns: bigint;
  readonly labels: LabelSet;
  readonly line: string;
}

function entries(data: Awaited<ReturnType<QueryBackend['query']>>['data']): Entry[] {
  if (data.resultType !== 'streams') throw new QueryError('bad_request', `expected log lines, got a ${data.resultType}`);
  const out: Entry[] = [];
  for (const s of data.result) for (const [ns, line] of s.values) out.push({ ns: BigInt(ns), labels: s.stream, line });
  return out;
}

function groupName(value: string | undefined, by: FeedbackGroupBy | undefined): string {
  if (by === undefined) return 'all';
  if (value === undefined || value === '') return '(none)';
  if (by.depth === undefined) return value;
  return value
    .split(by.separator ?? '/')
    .slice(0, by.depth)
    .join(by.separator ?? '/');
}

/**
 * `23 of 50 src/auth attempts failed (46%)`. The group is a payload value
 * from the events: its control and bidi characters are written as
 * `\uXXXX` (`printable`), so the sentence prints as it reads.
 */
export function feedbackSentence(group: string, attempts: number, failures: number): string {
  const pct = attempts === 0 ? 0 : Math.round((failures / attempts) * 1000) / 10;
  const what = group === 'all' ? 'attempts' : `${printable(group)} attempts`;
  return `${failures} of ${attempts} ${what} failed (${pct}%)`;
}

function figure(group: string, attempts: number, successes: number, failures: number): FeedbackGroup {
  return {
    group,
    attempts,
    successes,
    failures,
    pending: attempts - successes - failures,
    share: attempts === 0 ? 0 : failures / attempts,
    sentence: feedbackSentence(group, attempts, failures),
  };
}

function check(request: FeedbackRequest): void {
  const last = request.last ?? DEFAULT_LAST;
  if (!Number.isInteger(last) || last < 1 || last > MAX_LAST)
    throw new QueryError('bad_request', `last must be a whole number from 1 to ${MAX_LAST}, got ${last}`);
  for (const [name, p] of [
    ['attempts', request.attempts],
    ['success', request.success],
    ['failure', request.failure ?? DEFAULT_FAILURE_PATTERN],
  ] as const) {
    if (typeof p !== 'string' || p === '')
      throw new QueryError('bad_request', `${name} must be a % pattern such as agent.code.generated:%, got ${JSON.stringify(p)}`);
    const hint = eventIdPatternHint(p);
    if (hint !== undefined) throw new QueryError('bad_request', `${name}: ${hint}`);
  }
  if (request.joinField !== undefined && !isFieldPath(request.joinField))
    throw new QueryError('bad_request', `joinField must be a payload field path such as contract_id, got ${JSON.stringify(request.joinField)}`);
  const by = request.groupBy;
  if (by !== undefined) {
    if (!isFieldPath(by.field))
      throw new QueryError('bad_request', `groupBy.field must be a payload field path such as file or context.path, got ${JSON.stringify(by.field)}`);
    if (by.depth !== undefined && (!Number.isInteger(by.depth) || by.depth < 1))
      throw new QueryError('bad_request', `groupBy.depth must be a whole number ≥ 1, got ${by.depth}`);
  }
}

/** `; their payloads have a, b, …`: the payload fields of the newest attempts, for a refusal of a field none carries; '' when none has any. */
function payloadFieldsOf(attempts: readonly Entry[]): string {
  const fields = new Set<string>();
  for (const a of attempts.slice(0, 20)) {
    // A body that is not a JSON object names no fields.
    const body = parseJsonLine(a.line);
    if (!isLineProblem(body)) for (const k of Object.keys(body)) fields.add(k);
  }
  return fields.size > 0 ? `; their payloads have ${[...fields].sort().join(', ')}` : '';
}

/**
 * The outcomes of the last `last` attempts of a source, per group.
 *
 * An attempt is an event matching `attempts` (newest first, at most `last`,
 * filtered by `model` / `sourceType`). Its outcomes are the events matching
 * `failure` or `success` whose `causation_id` is the attempt's instance id
 * (`emit(..., { causedBy: attempt })`), or, with `joinField`, that carry the
 * same value of that payload field; an attempt that itself matches one of
 * the patterns is its own outcome. An attempt with any failure among its
 * outcomes failed; one with outcomes, all successes, succeeded; one without
 * outcomes (yet) is `pending`.
 *
 * Runs two log queries on `backend` (the attempts, then the outcomes since
 * the oldest attempt, page by page), so it gives the same answer on the
 * local files and on Loki.
 *
 * @throws QueryError `bad_request` for a bad request; the backend's errors as they come.
 *
 * @example
 * const f = await agentFeedback(createLocalBackend({ files: ['.factline/events.jsonl'] }), {
 *   model: 'claude-sonnet-4', attempts: 'agent.code.generated:%', success: 'agent.test.passed:%',
 *   last: 100, groupBy: { field: 'file', depth: 2 },
 * });
 * f.groups[0]; // { group: 'src/auth', attempts: 50, successes: 27, failures: 23, pending: 0, share: 0.46, sentence: '23 of 50 src/auth attempts failed (46%)' }
 */
export async function agentFeedback(backend: QueryBackend, request: FeedbackRequest): Promise<FeedbackFigures> {
  check(request);
  const last = request.last ?? DEFAULT_LAST;
  const failure = request.failure ?? DEFAULT_FAILURE_PATTERN;
  const end = request.end ?? BigInt(Date.now()) * 1_000_000n;
  const start = request.start ?? end - DEFAULT_RANGE_NS;
  if (end < start) throw new QueryError('bad_request', `end (${end}) is before start (${start})`);
  const queries = {
    attempts: attemptsQuery({
      service: request.service,
      attempts: request.attempts,
      model: request.model,
      sourceType: request.sourceType,
      field: request.groupBy?.field,
      joinField: request.joinField,
    }),
    outcomes: outcomesQuery({ service: request.service, success: request.success, failure, joinField: request.joinField }),
  };

  const attempts = entries(
    (
      await backend
        .queryRange({
          query: queries.attempts,
          start,
          end,
          limit: last,
          direction: 'backward',
          ...(request.signal ? { signal: request.signal } : {}),
        })
        .catch((e: unknown) => {
          // The attempts asked for are the caller's number: refused, not cut, with the number that fits.
          const max = refusedEntriesLimit(e);
          if (max === undefined) throw e;
          throw new QueryError(
            'bad_request',
            `the last ${last} attempts are more than one query may return here (max_entries_limit_per_query is ${max}): ask for the last ${max} or fewer (--last, last)`,
          );
        })
    ).data,
  )
    .sort((a, b) => (a.ns < b.ns ? 1 : a.ns > b.ns ? -1 : 0))
    .slice(0, last);
  // A join field no attempt carries would link nothing and read as "all pending": refused as --group-by's is.
  if (request.joinField !== undefined && attempts.length > 0 && attempts.every((a) => !a.labels[JOIN_LABEL])) {
    throw new QueryError('bad_request', `no attempt carries the payload field ${JSON.stringify(request.joinField)} to join on${payloadFieldsOf(attempts)}`);
  }
  const isFailure = compilePattern(failure);
  const isSuccess = compilePattern(request.success);
  const classify = (id: string | undefined): Outcome | undefined =>
    id === undefined ? undefined : isFailure.test(id) ? 'failure' : isSuccess.test(id) ? 'success' : undefined;
  /** What links an outcome to its attempt: the attempt's instance id (causation), or the join field's value. */
  const keyOfAttempt = (a: Entry) => (request.joinField === undefined ? a.labels[LOKI.EVENT_INSTANCE_ID] : a.labels[JOIN_LABEL]) || undefined;
  const keyOfOutcome = (o: Entry) => (request.joinField === undefined ? o.labels[LOKI.CAUSATION_ID] : o.labels[JOIN_LABEL]) || undefined;

  // Link key → the worst outcome seen so far (a failure outranks a success).
  const outcome = new Map<string, Outcome | undefined>();
  for (const a of attempts) {
    const key = keyOfAttempt(a);
    if (key !== undefined && !outcome.has(key)) outcome.set(key, undefined);
  }
  const record = (key: string | undefined, kind: Outcome | undefined) => {
    if (key === undefined || kind === undefined || !outcome.has(key)) return;
    if (outcome.get(key) !== 'failure') outcome.set(key, kind);
  };
  if (outcome.size > 0) {
    const oldest = attempts[attempts.length - 1]!.ns;
    const seen = new Set<string>();
    let from = oldest;
    // Pages of Loki's default entries limit, or of the backend's own where it is set lower (its refusal names it).
    let pageLimit = PAGE;
    for (;;) {
      const asked = await queryRangeWithinLimit(backend, {
        query: queries.outcomes,
        start: from,
        end,
        limit: pageLimit,
        direction: 'forward',
        ...(request.signal ? { signal: request.signal } : {}),
      });
      pageLimit = asked.limit;
      const page = entries(asked.response.data);
      let newest = from;
      for (const o of page) {
        if (o.ns > newest) newest = o.ns;
        const id = o.labels[LOKI.EVENT_INSTANCE_ID] ?? `${o.ns}:${JSON.stringify(o.labels)}`;
        if (seen.has(id)) continue;
        seen.add(id);
        record(keyOfOutcome(o), classify(o.labels[LOKI.EVENT_ID]));
      }
      if (page.length < pageLimit) break;
      // A full page: go on from its newest line (inclusive; `seen` drops the overlap).
      from = newest === from ? from + 1n : newest;
    }
  }

  const tally = new Map<string, { attempts: number; successes: number; failures: number }>();
  const all = { attempts: 0, successes: 0, failures: 0 };
  for (const a of attempts) {
    const group = groupName(a.labels[GROUP_LABEL], request.groupBy);
    if (request.groupPrefix !== undefined && !group.startsWith(request.groupPrefix)) continue;
    const t = tally.get(group) ?? { attempts: 0, successes: 0, failures: 0 };
    tally.set(group, t);
    const key = keyOfAttempt(a);
    const kind = classify(a.labels[LOKI.EVENT_ID]) ?? (key === undefined ? undefined : outcome.get(key));
    for (const x of [t, all]) {
      x.attempts++;
      if (kind === 'failure') x.failures++;
      else if (kind === 'success') x.successes++;
    }
  }
  if (request.groupBy !== undefined && attempts.length > 0 && [...tally.keys()].every((g) => g === '(none)')) {
    throw new QueryError(
      'bad_request',
      `no attempt carries the payload field ${JSON.stringify(request.groupBy.field)} to group by${payloadFieldsOf(attempts)}`,
    );
  }
  const groups = [...tally.entries()]
    .map(([g, t]) => figure(g, t.attempts, t.successes, t.failures))
    .sort((a, b) => b.failures - a.failures || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return { groups, total: figure('all', all.attempts, all.successes, all.failures), attemptsConsidered: all.attempts, queries, range: { start, end } };
}
