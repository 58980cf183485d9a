/**
 * `eventId()`: the canonical way to write an EventID literal, checked by `tsc`
 * and again at run time.
 */
import { parseEventId } from './parse.js';
import type { ValidEventId } from './types.js';

/**
 * Returns `id` unchanged, typed as its literal, after checking it twice: at
 * compile time through {@link ValidEventId} (a bad literal does not compile, and
 * the error names the broken rule) and at run time through `parseEventId` (for
 * callers that cast or use plain JavaScript).
 *
 * @throws {EventIdError} when `id` is not a valid EventID.
 * @example
 * const login = eventId('auth.user.login:1'); // type 'auth.user.login:1'
 * // @ts-expect-error: a bad literal does not compile
 * eventId('auth.user.login:01');
 * // the compiler's error: Argument of type '"auth.user.login:01"' is not assignable to
 * // parameter of type '"Invalid EventID \"auth.user.login:01\" [version_leading_zero]: ..."'
 */
export function eventId<const S extends string>(id: ValidEventId<S>): S {
  parseEventId(id);
  return id as S;
}
