/**
 * Parsing EventID strings: throwing, non-throwing and type-guard forms, all
 * over the one scanner in grammar.ts.
 */
import { EventIdError, type EventIdProblem } from './errors.js';
import type { EventId, EventIdString } from './event-id.js';
import { scanEventId } from './grammar.js';
import { notAStringProblem, toProblem } from './messages.js';

/** The result of {@link safeParseEventId}: the id, or the problem as data. */
export type SafeParseEventIdResult = { readonly ok: true; readonly value: EventId } | { readonly ok: false; readonly error: EventIdProblem };

/**
 * Parses an EventID per the grammar of docs/eventid.md, or throws.
 *
 * Versions above 2147483647 (2^31 - 1) are rejected with code
 * `version_too_large`: the grammar allows any number of digits, but a 32-bit
 * signed integer (PostgreSQL `INTEGER`; a Rust `u32` holds more) is what common
 * storage types hold, so a larger version could not be stored everywhere.
 *
 * @throws {EventIdError} with a stable `code` and the 0-based `position` of the
 *   first offending character.
 * @example
 * parseEventId('auth.user.login:1');
 * // { domain: 'auth', entity: 'user', action: 'login', version: 1 }
 * parseEventId('Auth.user.login:1');
 * // throws EventIdError: code 'uppercase', position 0
 */
export function parseEventId(input: string): EventId {
  const result = safeParseEventId(input);
  if (!result.ok) throw new EventIdError(result.error);
  return result.value;
}

/**
 * Parses an EventID without throwing; problems come back as data
 * (docs/errors.md). Accepts any value, so it can check untrusted input.
 *
 * @example
 * safeParseEventId('auth.user.login:01');
 * // { ok: false, error: { code: 'version_leading_zero', position: 16, input: 'auth.user.login:01', message: '…' } }
 */
export function safeParseEventId(input: unknown): SafeParseEventIdResult {
  if (typeof input !== 'string') return { ok: false, error: notAStringProblem(input, 'the EventID') };
  const scanned = scanEventId(input);
  if (scanned.ok) return scanned;
  return { ok: false, error: toProblem(scanned.issue, input) };
}

/**
 * True when `value` is a string that `parseEventId` accepts.
 *
 * @example
 * isEventId('payments.order.charged:2'); // true
 * isEventId('auth.user.login');          // false
 * isEventId(42);                         // false
 */
export function isEventId(value: unknown): value is EventIdString {
  return typeof value === 'string' && scanEventId(value).ok;
}
