/*
 * Whether the numbers of an RFC 3339 date-time name a time that exists.
 * `Date.parse` and `Date.UTC` roll an impossible date over
 * (`2026-02-30` becomes 2 March), so every reader of a time checks its
 * fields here first. The ranges are RFC 3339's (section 5.6) as Go's
 * `time.Parse` applies them, which Loki uses to read `start` and `end`: the
 * Gregorian calendar's month lengths and leap years, hours 00-23, minutes
 * and seconds 00-59 (a leap second `:60` is refused, as Go and zod's
 * `z.iso.datetime()` refuse it), offsets up to 23:59.
 */

/** Days in `month` (1-12) of `year` in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The fields of an RFC 3339 date-time, as numbers; the offset's are absent for `Z`. */
export interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetHour?: number | undefined;
  offsetMinute?: number | undefined;
}

/**
 * Why the fields name no time, as a phrase (`February 2026 has 28 days, not
 * 30`, `hour 24 is past 23`), or `undefined` when the time exists.
 *
 * @example
 * impossibleTime({ year: 2026, month: 2, day: 30, hour: 0, minute: 0, second: 0 }); // 'February 2026 has 28 days, not 30'
 * impossibleTime({ year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0 }); // undefined
 */
export function impossibleTime(f: TimeFields): string | undefined {
  if (f.month < 1 || f.month > 12) return `month ${pad(f.month)} is not 01-12`;
  const days = daysInMonth(f.year, f.month);
  if (f.day < 1 || f.day > days) return f.day < 1 ? `day ${pad(f.day)} is not 01-${days}` : `${MONTHS[f.month - 1]} ${f.year} has ${days} days, not ${f.day}`;
  if (f.hour > 23) return `hour ${pad(f.hour)} is past 23`;
  if (f.minute > 59) return `minute ${pad(f.minute)} is past 59`;
  if (f.second > 59) return `second ${pad(f.second)} is past 59`;
  if ((f.offsetHour ?? 0) > 23) return `offset hour ${pad(f.offsetHour!)} is past 23`;
  if ((f.offsetMinute ?? 0) > 59) return `offset minute ${pad(f.offsetMinute!)} is past 59`;
  return undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');
