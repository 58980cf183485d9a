import type { ValidationIssue } from '../validation/issue.js';

/*
 * Times stay epoch milliseconds on the hot path; the envelope's ISO strings
 * are formatted here, without a Date: a Date and `toISOString` cost about a
 * microsecond per event, most of an unvalidated emit. Events emitted within
 * one millisecond share one string.
 */

/** Latest time OTLP carries: 2^64 − 1 nanoseconds after 1970, in whole milliseconds (2554-07-21). */
export const MAX_OTLP_TIME_MS = 18446744073709;
/** How far ahead of now a given time may be before it is `implausible_time`: one day. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const pad3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

/**
 * `2026-01-23T14:32:01.000Z` for epoch milliseconds from 1970 to 9999 (the
 * fraction is cut to whole milliseconds), the same string as
 * `new Date(ms).toISOString()`. Days to a civil date after H. Hinnant's
 * `civil_from_days`.
 */
export function formatIsoTime(ms: number): string {
  const t = Math.floor(ms);
  const days = Math.floor(t / 86400000);
  let rem = t - days * 86400000;
  const h = Math.floor(rem / 3600000);
  rem -= h * 3600000;
  const mi = Math.floor(rem / 60000);
  rem -= mi * 60000;
  const s = Math.floor(rem / 1000);
  const milli = rem - s * 1000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad3(milli)}Z`;
}

/** `00`…`59` and `000`…`999`: the fields of a time of day, looked up, not formatted. */
const TWO = Array.from({ length: 60 }, (_, n) => pad2(n));
const THREE = Array.from({ length: 1000 }, (_, n) => pad3(n));

const DAY_MS = 86400000;
/** The UTC day last formatted: its first millisecond and its `YYYY-MM-DDT` text. */
let dayStartMs = NaN;
let dayPrefix = '';
let cachedMs = NaN;
let cachedIso = '';

/**
 * {@link formatIsoTime}, with the date part worked out once per UTC day:
 * the time of day is a few divisions and table look-ups, so an event costs
 * the same whether or not another was formatted in the same millisecond
 * (one event per millisecond, the common rate of a service, gets no help
 * from remembering the last string). The last millisecond is still remembered.
 */
export function isoTime(ms: number): string {
  const t = Math.floor(ms);
  if (t === cachedMs) return cachedIso;
  let rem = t - dayStartMs;
  if (!(rem >= 0 && rem < DAY_MS)) {
    if (!(t >= 0 && t < 253402300800000)) return formatIsoTime(t); // outside 1970–9999: no day to remember
    dayStartMs = Math.floor(t / DAY_MS) * DAY_MS;
    dayPrefix = formatIsoTime(dayStartMs).slice(0, 11);
    rem = t - dayStartMs;
  }
  const h = Math.floor(rem / 3600000);
  rem -= h * 3600000;
  const mi = Math.floor(rem / 60000);
  rem -= mi * 60000;
  const s = Math.floor(rem / 1000);
  cachedIso = dayPrefix + TWO[h]! + ':' + TWO[mi]! + ':' + TWO[s]! + '.' + THREE[rem - s * 1000]! + 'Z';
  cachedMs = t;
  return cachedIso;
}

function describeInput(given: unknown, ms: number): number | string {
  if (Number.isFinite(ms)) return ms;
  try {
    const text = given instanceof Date ? 'Invalid Date' : String(given);
    return text.length > 100 ? text.slice(0, 100) + '…' : text;
  } catch {
    return 'a value that cannot be described';
  }
}

/**
 * The epoch milliseconds of `emit`'s `time` option, or the issue that keeps
 * it out of the record: `invalid_time` for what OTLP cannot carry (not a
 * finite time, before 1970, after {@link MAX_OTLP_TIME_MS}), `implausible_time`
 * for more than {@link MAX_FUTURE_MS} ahead of `observedMs` (microseconds
 * passed as milliseconds, say). Never throws.
 *
 * @example
 * givenTime(new Date(''), Date.now()); // { issue: { code: 'invalid_time', input: 'Invalid Date', … } }
 */
export function givenTime(given: unknown, observedMs: number): { ms: number } | { issue: ValidationIssue } {
  let ms: number;
  try {
    ms = given instanceof Date ? given.getTime() : typeof given === 'number' ? given : NaN;
  } catch {
    ms = NaN;
  }
  const issue = (code: 'invalid_time' | 'implausible_time', why: string): { issue: ValidationIssue } => ({
    issue: {
      code,
      path: [],
      option: 'time',
      message: `time ${why}; the event carries its observed time instead, and this issue keeps the given value`,
      input: describeInput(given, ms),
    },
  });
  if (!Number.isFinite(ms)) return issue('invalid_time', 'is not a valid time (pass a Date or epoch milliseconds)');
  if (ms < 0) return issue('invalid_time', 'is before 1970, which OTLP (unsigned nanoseconds since 1970) cannot carry');
  if (ms > MAX_OTLP_TIME_MS)
    return issue('invalid_time', 'is past 2554-07-21, the last instant OTLP (uint64 nanoseconds) can carry; was it in microseconds or nanoseconds?');
  if (ms > observedMs + MAX_FUTURE_MS) return issue('implausible_time', 'is more than a day ahead of now; was it in microseconds, or in the wrong time zone?');
  return { ms };
}
