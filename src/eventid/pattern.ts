/**
 * `%` patterns over EventIDs (docs/eventid.md, "Patterns"): `auth.%`,
 * `%.failed:%`.
 *
 * `%` matches any run of characters, including none. Every other character is
 * literal, including `*`, `?`, `.`, `_` and all other RegExp syntax.
 *
 * Two choices where other implementations differ, both deliberate:
 * - A matcher that escapes `.+?^${}()|[]\` but not `*` (as one published one
 *   does) turns
 *   the `*` of `auth.user*.login:1` into a RegExp quantifier that matches
 *   `auth.userrrr.login:1`. Here `*` is a literal star, as with Rust's
 *   `regex::escape`, which escapes everything.
 * - Unlike SQL `LIKE`, which the `%` suggests, `_` is NOT a one-character
 *   wildcard: EventIDs are full of underscores (`account.billing_payment...`),
 *   and `_` stays literal. Write `%` for "anything".
 */
import { BoundedCache } from './bounded-cache.js';
import type { EventId } from './event-id.js';
import { formatEventId } from './format.js';

/** A compiled `%` pattern. */
export interface EventPattern {
  /** The pattern as given to `compilePattern`. */
  readonly source: string;
  /**
   * True when the whole id matches the pattern. A string is matched as text,
   * whether or not it is a valid EventID; an EventId object is formatted first
   * (and `formatEventId` throws EventIdError if it is invalid).
   */
  test(id: string | EventId): boolean;
}

/** How many compiled patterns `matchesPattern` keeps. */
export const PATTERN_CACHE_SIZE = 256;

const WILDCARD = '%';

// Every character with a meaning in a RegExp (ES2022 `SyntaxCharacter`, plus
// '/'). Escaping all of them keeps `*` literal too.
const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * Compiles a `%` pattern once, for repeated use.
 *
 * @example
 * const failures = compilePattern('%.failed:%');
 * failures.test('agent.test.failed:1');  // true
 * failures.test('agent.test.passed:1');  // false
 * compilePattern('auth.*').test('auth.user.login:1'); // false: '*' is literal
 */
export function compilePattern(pattern: string): EventPattern {
  // Split on '%', escape each literal run, join with "any run of characters".
  // [\s\S] rather than '.', which would stop at line terminators.
  const body = pattern
    .split(WILDCARD)
    .map((literal) => literal.replace(REGEXP_SYNTAX, '\\$&'))
    .join('[\\s\\S]*');
  // No 'u' flag: matching by UTF-16 code units is exact string equality for
  // the literal runs, and '%' still spans any characters, astral ones included.
  const regexp = new RegExp(`^${body}$`);
  return {
    source: pattern,
    test: (id) => regexp.test(typeof id === 'string' ? id : formatEventId(id)),
  };
}

const cache = new BoundedCache<string, EventPattern>(PATTERN_CACHE_SIZE);

/**
 * The compiled pattern for `pattern`, from a cache of the
 * {@link PATTERN_CACHE_SIZE} most recently used ones.
 *
 * @example
 * cachedPattern('auth.%') === cachedPattern('auth.%'); // true
 */
export function cachedPattern(pattern: string): EventPattern {
  return cache.getOrCreate(pattern, compilePattern);
}

/**
 * True when `id` matches the `%` pattern. Compiles each pattern once and keeps
 * the most recent {@link PATTERN_CACHE_SIZE}; for a pattern used in a hot
 * path, hold the result of {@link compilePattern} instead.
 *
 * @example
 * matchesPattern('auth.user.login:1', 'auth.%'); // true
 * matchesPattern({ domain: 'auth', entity: 'user', action: 'login', version: 1 }, '%:2'); // false
 */
export function matchesPattern(id: string | EventId, pattern: string): boolean {
  return cachedPattern(pattern).test(id);
}
