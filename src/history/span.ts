/**
 * When is the history? The first and last event time a backend holds, so an
 * empty answer can say which range to ask instead.
 */
import { selector } from '../queries/logql.js';
import { QueryError, type LokiQueryData, type QueryBackend } from '../query/types.js';

/** The longest range one Loki query may span by default (`max_query_length`: 30d1h); the span is looked for in the last 30 days there. */
const LOKI_SEARCH_NS = 30n * 86_400n * 1_000_000_000n;

/** Where the local files are searched up to: 2100-01-01, past any event time a clock gives. */
const LOCAL_SEARCH_END = 4_102_444_800n * 1_000_000_000n;

/** The time range a history covers. */
export interface HistorySpan {
  /** The oldest event's time in the searched range, Unix epoch ns; absent when there is none. */
  readonly first?: bigint;
  /** The newest event's time in the searched range, Unix epoch ns. */
  readonly last?: bigint;
  /** Where it was looked for: all time on local files, the last 30 days up to `end` on Loki. */
  readonly searched: { readonly start: bigint; readonly end: bigint };
  /** The service it was looked for in; absent: every service. */
  readonly service?: string;
}

/** The entry times of a streams answer. */
export function entryTimes(data: LokiQueryData): bigint[] {
  if (data.resultType !== 'streams') throw new QueryError('bad_request', `expected log lines, got a ${data.resultType}`);
  return data.result.flatMap((s) => s.values.map(([ns]) => BigInt(ns)));
}

/**
 * The first and last event of the history (of `service`, or of every service).
 * Two log queries of one line each: on local files a scan of every file; on
 * Loki within the 30 days up to `end` or now, whichever is later (Loki
 * refuses longer ranges by default).
 *
 * @example
 * await historySpan(backend, { end: now }); // { first: 1764500000000000000n, last: 1764503600000000000n, searched: {...} }
 */
export async function historySpan(backend: QueryBackend, options: { end: bigint; service?: string; signal?: AbortSignal }): Promise<HistorySpan> {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const until = options.end > nowNs ? options.end : nowNs;
  const searched = backend.kind === 'loki' ? { start: until - LOKI_SEARCH_NS, end: until } : { start: 0n, end: LOCAL_SEARCH_END };
  const query = selector(options.service);
  const ask = async (direction: 'forward' | 'backward') =>
    entryTimes(
      (
        await backend.queryRange({
          query,
          start: searched.start,
          end: searched.end,
          limit: 1,
          direction,
          ...(options.signal ? { signal: options.signal } : {}),
        })
      ).data,
    )[0];
  const of = options.service !== undefined ? { service: options.service } : {};
  const first = await ask('forward');
  if (first === undefined) return { searched, ...of };
  const last = await ask('backward');
  return { first, ...(last !== undefined ? { last } : {}), searched, ...of };
}

/** RFC 3339 with nanoseconds when they are not zero: `2026-03-30T14:00:00.123456789Z`. */
export function rfc3339(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  const sub = ns % 1_000_000_000n;
  if (sub % 1_000_000n === 0n) return iso;
  return `${iso.slice(0, 19)}.${sub.toString().padStart(9, '0')}Z`;
}

/**
 * One sentence for an empty answer: what the history covers, so the caller can retry with that range.
 *
 * `asked` is the range the answer was asked for; `instant: true` marks an
 * instant query at `end` (its `start` equals its `end` and names a moment,
 * not an empty range). A range whose start is its end, otherwise, holds
 * nothing whatever the history, and the sentence says so.
 */
export function spanSentence(
  span: HistorySpan,
  asked: { start: bigint; end: bigint; instant?: boolean },
  retry = 'ask again with start/end in that range',
  inRange = 'check the labels and filters (list_labels and label_values show what exists), or widen the range',
): string {
  const point = asked.start === asked.end;
  const range = point && asked.instant === true ? `the range ending ${rfc3339(asked.end)}` : `${rfc3339(asked.start)} to ${rfc3339(asked.end)}`;
  const history = span.service !== undefined ? `the history of service ${JSON.stringify(span.service)}` : 'the history';
  const within = span.searched.start > 0n ? ` in the 30 days up to ${rfc3339(span.searched.end)}` : '';
  if (point && asked.instant !== true) {
    const holds =
      span.first === undefined
        ? `${history} holds no events${within}`
        : `${history} covers ${rfc3339(span.first)} to ${rfc3339(span.last ?? span.first)}${within}`;
    return `Nothing in ${range}: that range is empty (its start is its end), so nothing can be in it; ${holds}: give an end after the start.`;
  }
  if (span.first === undefined) return `Nothing in ${range}, and ${history} holds no events${within}.`;
  const last = span.last ?? span.first;
  const covers = `${history} covers ${rfc3339(span.first)} to ${rfc3339(last)}${span.searched.start > 0n ? ' (within the last 30 days)' : ''}`;
  const overlaps = !point && span.first <= asked.end && last >= asked.start;
  return overlaps ? `Nothing matched in ${range}; ${covers}, which overlaps it: ${inRange}.` : `Nothing in ${range}; ${covers}: ${retry}.`;
}
