/*
 * The common form of an ISO 8601 UTC time, recognised without zod: the
 * readers of Intent's flat lines check a file's timestamps by their time
 * part alone while the date part repeats (`isIsoTimestamp` in flat-read.ts,
 * and the generated flat-line accept).
 */

const digit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Whether everything after the date is `THH:MM:SS` with hours 00-23 and
 * minutes and seconds 00-59, an optional fraction of 1-9 digits, and `Z`.
 * For such a string, the full check's verdict depends on the date part
 * alone: zod's date-time pattern checks the date and the time separately,
 * and `Date.parse` reads every four-digit-year date the pattern accepts.
 */
export function isCommonUtcTime(v: string): boolean {
  const n = v.length;
  if (n < 20 || n === 21 || n > 30 || v.charCodeAt(n - 1) !== 0x5a /* Z */ || v.charCodeAt(10) !== 0x54 /* T */) return false;
  if (v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) return false;
  const h1 = v.charCodeAt(11);
  const h2 = v.charCodeAt(12);
  if (!digit(h1) || !digit(h2) || h1 > 0x32 || (h1 === 0x32 && h2 > 0x33)) return false;
  const m1 = v.charCodeAt(14);
  const s1 = v.charCodeAt(17);
  if (!digit(m1) || m1 > 0x35 || !digit(v.charCodeAt(15)) || !digit(s1) || s1 > 0x35 || !digit(v.charCodeAt(18))) return false;
  if (n === 20) return true;
  if (v.charCodeAt(19) !== 0x2e /* . */) return false;
  for (let i = 20; i < n - 1; i++) if (!digit(v.charCodeAt(i))) return false;
  return true;
}

/**
 * A test true exactly when `isCommonUtcTime(t) && t.startsWith(date)`, for a
 * `date` of the form `YYYY-MM-DD`: one regex test instead of a dozen
 * character reads, for the readers whose date cache checks the timestamps
 * of a file (their lines share a date for thousands of lines).
 *
 * @throws when `date` is not four digits, `-`, two digits, `-`, two digits.
 *
 * @example
 * commonUtcTimeOn('2026-03-30').test('2026-03-30T14:23:45.120Z'); // true
 * commonUtcTimeOn('2026-03-30').test('2026-03-31T14:23:45Z'); // false: another date
 */
export function commonUtcTimeOn(date: string): RegExp {
  if (!/^\d{4}-\d\d-\d\d$/.test(date)) throw new Error(`${JSON.stringify(date)} is not a YYYY-MM-DD date`);
  return new RegExp(`^${date}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?Z$`);
}
