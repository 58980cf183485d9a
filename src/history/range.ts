/**
 * How a request to the history names its time range and its kind, read the
 * same way by every surface that asks (`factline query|chain|feedback` and the
 * MCP server's tools). Each surface words its own error around an
 * `undefined` answer (a usage error on the command line, `bad_request` to an
 * agent). No LogQL parser is loaded: a command that only reads a range must
 * not need the query engine's optional packages (src/query/units.ts imports none).
 */
import { impossibleTime } from '../query/calendar.js';
import { parseRangeDuration } from '../query/units.js';

/** The durations {@link parseDuration} takes, for error messages and help. */
export const DURATION_EXAMPLES = '30s, 15m, 1h, 7d or 1h30m';

/**
 * A duration → nanoseconds: one or more `<whole number><unit>` parts, largest
 * first or not, units `ms`, `s`, `m`, `h`, `d` (24 h), `w` (7 d), as
 * Prometheus' and Loki's durations write them (`1h30m`, `7d`, `500ms`).
 * `undefined` when the text is anything else (`1 hour`, `1.5h`, `-1h`, ``).
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000_000_000n
 * parseDuration('1 hour'); // undefined
 */
export function parseDuration(text: string): bigint | undefined {
  // A subset of LogQL's range durations (whole numbers, no `y`, `ns`, `us`), read by the engine's own reader.
  return /^(\d+(ms|s|m|h|d|w))+$/.test(text) ? parseRangeDuration(text) : undefined;
}

/** The steps {@link parseStep} takes, for error messages and help. */
export const STEP_EXAMPLES = '30s, 5m, 1h or 1m30s, or a number of seconds (60, 0.5)';

/** Prometheus' duration (`model.ParseDuration`): units largest first, each at most once. */
const PROMETHEUS_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
/** A decimal number, as Go's `strconv.ParseFloat` reads one (sign, fraction, exponent). */
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A metric query's step → seconds (a float, as `RangeQueryRequest.step`
 * and Loki's `step` parameter take it), read as Loki reads
 * `query_range`'s `step` (`parseSecondsOrDuration`): a number of seconds
 * (`60`, `0.5`), else a Prometheus duration (`30s`, `5m`, `1h`, `1m30s`,
 * `500ms`, `1d`; units `ms`, `s`, `m`, `h`, `d`, `w`, `y`, largest first).
 * `undefined` for anything else (`1 min`, `1.5m`, `30s1m`, ``); a step of
 * 0 or less is returned as read, for the caller to refuse as Loki does
 * ("zero or negative query resolution step widths are not accepted").
 *
 * @example
 * parseStep('1m30s'); // 90
 * parseStep('60'); // 60
 * parseStep('500ms'); // 0.5
 * parseStep('1.5m'); // undefined
 */
export function parseStep(text: string): number | undefined {
  if (FLOAT.test(text)) return Number(text);
  if (text === '0') return 0;
  if (text === '' || !PROMETHEUS_DURATION.test(text)) return undefined;
  return Number(parseRangeDuration(text)) / 1e9;
}

/**
 * Why `--step` (or another step argument, `what`) is refused, or `undefined`
 * when {@link parseStep} reads it as more than 0 seconds.
 *
 * @example
 * refusedStep('--step', '1 min'); // '--step needs a duration like 30s, 5m, 1h or 1m30s, or a number of seconds (60, 0.5), got "1 min"'
 */
export function refusedStep(what: string, text: string): string | undefined {
  const step = parseStep(text);
  if (step === undefined) return `${what} needs a duration like ${STEP_EXAMPLES}, got ${JSON.stringify(text)}`;
  if (!(step > 0)) return `${what} must be more than 0 (Loki refuses a zero or negative step), got ${JSON.stringify(text)}`;
  return undefined;
}

/** Unix seconds have 10 digits until the year 2286; 12 or more digits are milliseconds or nanoseconds. */
const MAX_SECONDS_DIGITS = 11;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
/** A date, with or without its time and offset, in fields: for the calendar check of both forms. */
const FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:[Zz]|[+-](\d{2}):(\d{2}))?$/;

/** Why `text`, a date-time in RFC 3339's form, names no time (`February 2026 has 28 days, not 30`); `undefined` when it exists or is not in that form. */
function calendarProblem(text: string): string | undefined {
  const m = FIELDS.exec(text);
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  return impossibleTime({ year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6), offsetHour: n(7), offsetMinute: n(8) });
}

/**
 * A time → Unix epoch nanoseconds: RFC 3339 with its offset
 * (`2026-03-30T14:00:00Z`, `2026-03-30T16:00:00.123456789+02:00`; the
 * fraction's nanoseconds are kept) or Unix seconds with a fraction
 * (`1774879200`, `1774879200.5`), the two forms Loki's HTTP API takes for
 * `start` and `end`. `undefined` for anything else ({@link refusedTime} says
 * why): a date or time without an offset (which would be read in the
 * machine's zone), a number too long for seconds (Unix milliseconds, read as
 * a date after the year 5000), a date or time that does not exist
 * (`2026-02-30T00:00:00Z`, `2026-04-31`, `24:00`, `23:59:60`; the
 * Gregorian calendar's leap years, hours 00-23, minutes and seconds 00-59, as
 * Go's `time.Parse` reads Loki's `start` and `end`), words (`yesterday`).
 *
 * @example
 * parseTime('2026-03-30T14:00:00.5Z'); // 1774879200500000000n
 * parseTime('1774879200'); // 1774879200000000000n
 * parseTime('2026-03-30'); // undefined
 */
export function parseTime(text: string): bigint | undefined {
  const unix = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (unix) return unix[1]!.length > MAX_SECONDS_DIGITS ? undefined : BigInt(unix[1]!) * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0').slice(0, 9));
  // Date.parse rolls an impossible date over (2026-02-30 is read as 2 March): the calendar is checked first.
  if (!RFC3339.test(text) || calendarProblem(text) !== undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse keeps milliseconds; the fraction's further digits are kept here.
  const fraction = /\.(\d+)/.exec(text.replace(/[Zz]|[+-]\d{2}:\d{2}$/, ''))?.[1] ?? '';
  return BigInt(ms) * 1_000_000n + BigInt((fraction + '000000000').slice(3, 9));
}

/**
 * Why {@link parseTime} refused `text`, with the fix, as one sentence about
 * the option or argument `what`: a number of milliseconds (or micro-, nano-)
 * seconds, a date or time that does not exist, a time without its offset, or
 * anything else (`generic`, when a surface words that case itself).
 *
 * @example
 * refusedTime('--from', '2026-02-30T00:00:00Z'); // '--from names a time that does not exist, got "2026-02-30T00:00:00Z": February 2026 has 28 days, not 30'
 * refusedTime('--from', '2026-03-30T14:00:00'); // '--from needs a time with its offset, got "2026-03-30T14:00:00": add Z for UTC (2026-03-30T14:00:00Z) or the offset (+02:00)'
 */
export function refusedTime(what: string, text: string, generic?: string): string {
  const digits = /^(\d+)(\.\d+)?$/.exec(text)?.[1];
  if (digits !== undefined && digits.length > MAX_SECONDS_DIGITS) {
    const unit = digits.length >= 18 ? 'nanoseconds' : digits.length >= 15 ? 'microseconds' : 'milliseconds';
    return `${what} takes Unix seconds or RFC 3339; ${JSON.stringify(text)} looks like Unix ${unit} (it would be a date after the year 5000): divide it, or write 2026-03-30T14:00:00Z`;
  }
  const impossible = calendarProblem(text);
  if (impossible !== undefined) return `${what} names a time that does not exist, got ${JSON.stringify(text)}: ${impossible}`;
  if (NO_OFFSET.test(text)) {
    return `${what} needs a time with its offset, got ${JSON.stringify(text)}: add Z for UTC (${text.includes('T') || text.includes(' ') ? text : `${text}T00:00:00`}Z) or the offset (+02:00)`;
  }
  return generic ?? `${what} needs a time like 2026-03-30T14:00:00Z (RFC 3339 with its offset) or Unix seconds, got ${JSON.stringify(text)}`;
}

/** What a range request names: `since` back from `end`, or `start`; `end` defaults to now. Texts as given. */
export interface RangeArgs {
  since?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

/**
 * Why a range request was refused, as data: each surface words it with its own
 * names (`--since`/`--from`/`--to` on the command line, `since`/`start`/`end`
 * for an agent).
 */
export type RangeProblem =
  | { code: 'since_with_start' }
  | { code: 'bad_duration'; field: 'since'; text: string }
  | { code: 'bad_time'; field: 'start' | 'end'; text: string }
  | { code: 'end_before_start' };

/**
 * A range request → `[start, end]` in Unix epoch ns, or the first problem:
 * `since` and `start` exclude each other; `end` is the given time or `now`;
 * `start` is the given time, else `end` minus `since` (else minus
 * `defaultSince`); a `start` after `end` is refused. Durations and times as
 * {@link parseDuration} and {@link parseTime} read them.
 *
 * @example
 * readRange({ since: '1h' }, '1d', 7_200_000_000_000n); // { start: 3_600_000_000_000n, end: 7_200_000_000_000n }
 * readRange({ since: '1h', start: '2026-03-30T14:00:00Z' }, '1d', 0n); // { problem: { code: 'since_with_start' } }
 */
export function readRange(args: RangeArgs, defaultSince: string, now: bigint): { start: bigint; end: bigint } | { problem: RangeProblem } {
  if (args.since !== undefined && args.start !== undefined) return { problem: { code: 'since_with_start' } };
  const end = args.end !== undefined ? parseTime(args.end) : now;
  if (end === undefined) return { problem: { code: 'bad_time', field: 'end', text: args.end! } };
  let start: bigint | undefined;
  if (args.start !== undefined) {
    start = parseTime(args.start);
    if (start === undefined) return { problem: { code: 'bad_time', field: 'start', text: args.start } };
  } else {
    const since = args.since ?? defaultSince;
    const back = parseDuration(since);
    if (back === undefined) return { problem: { code: 'bad_duration', field: 'since', text: since } };
    start = end - back;
  }
  if (end < start) return { problem: { code: 'end_before_start' } };
  return { start, end };
}

/**
 * Whether a LogQL query is a log query (it selects lines and runs over a
 * range) rather than a metric query (evaluated at one time, or stepped over a
 * range). LogQL's grammar makes a log query a stream selector, `{...}`, with
 * its pipeline, possibly in parentheses; so after white space, `#` comments
 * (to the end of their line) and opening parentheses, a log query's first
 * character is `{`, and a metric query's never is (it starts with a function,
 * an aggregation, a number or `vector(`).
 *
 * @example
 * isLogQuery('{service_name="api"} |= "failed"'); // true
 * isLogQuery('( {service_name="api"} )'); // true
 * isLogQuery('count_over_time({service_name="api"} [5m])'); // false
 */
export function isLogQuery(query: string): boolean {
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '#') {
      const eol = query.indexOf('\n', i);
      if (eol < 0) return false;
      i = eol;
    } else if (c !== '(' && !/\s/.test(c)) return c === '{';
  }
  return false;
}
