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
import { scanEventId, versionCharIssue } from './grammar.js';
import type { EventIdIssue } from './messages.js';

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

// The grammar of docs/eventid.md as a left-to-right automaton, its states in
// reading order: each state can reach only itself and the states after it.
const At = {
  DomainStart: 0,
  Domain: 1,
  EntityStart: 2,
  Entity: 3,
  ActionStart: 4,
  Action: 5,
  VersionStart: 6,
  Version: 7,
} as const;
type At = (typeof At)[keyof typeof At];
const PART_AT: readonly EventIdIssue['part'][] = ['domain', 'domain', 'entity', 'entity', 'action', 'action', 'version', 'version'];

function step(state: At, c: string): At | undefined {
  const lower = c >= 'a' && c <= 'z';
  const idChar = lower || (c >= '0' && c <= '9') || c === '_';
  switch (state) {
    case At.DomainStart:
      return lower ? At.Domain : undefined;
    case At.Domain:
      return idChar ? At.Domain : c === '.' ? At.EntityStart : undefined;
    case At.EntityStart:
      return lower ? At.Entity : undefined;
    case At.Entity:
      return idChar ? At.Entity : c === '.' ? At.ActionStart : undefined;
    case At.ActionStart:
      return lower ? At.Action : undefined;
    case At.Action:
      return idChar ? At.Action : c === ':' ? At.VersionStart : undefined;
    case At.VersionStart:
      return c >= '1' && c <= '9' ? At.Version : undefined;
    case At.Version:
      return c >= '0' && c <= '9' ? At.Version : undefined;
  }
}

/** What the grammar says about character `c` at `position` read in `state` (as scanEventId words it). */
function issueAt(state: At, c: string | undefined, position: number, next: string | undefined): EventIdIssue {
  const part = PART_AT[state];
  const upper = c !== undefined && c >= 'A' && c <= 'Z';
  const digit = c !== undefined && c >= '0' && c <= '9';
  const code = ((): EventIdIssue['code'] => {
    if (c === undefined) {
      if (state === At.DomainStart) return 'empty';
      if (state === At.Domain || state === At.Entity) return 'missing_part';
      if (state === At.Action || state === At.VersionStart) return 'missing_version';
      return 'empty_part';
    }
    if (upper) return 'uppercase';
    // In the version a letter or a separator is not an integer, and a character outside the set is invalid, as scanVersion says.
    if (state === At.VersionStart || state === At.Version) {
      if (state === At.VersionStart && c === '0')
        return next === undefined ? 'version_zero' : next >= '0' && next <= '9' ? 'version_leading_zero' : 'version_zero';
      if (state === At.VersionStart && c === '-') return 'version_negative';
      return versionCharIssue(c.charCodeAt(0));
    }
    if (state === At.DomainStart || state === At.EntityStart || state === At.ActionStart) {
      if (c === '.' || c === ':') return 'empty_part';
      if (digit) return 'starts_with_digit';
      if (c === '_') return 'starts_with_underscore';
      return 'invalid_character';
    }
    if ((state === At.Domain || state === At.Entity) && c === ':') return 'missing_part';
    if (state === At.Action && c === '.') return 'too_many_parts';
    return 'invalid_character';
  })();
  const named = code === 'missing_part' ? PART_AT[Math.min(state + 2, At.Version)] : part;
  return { code, position, part: named };
}

/**
 * Why the `%` pattern can match no EventID at all, as the grammar rule it
 * breaks (docs/eventid.md), or undefined when some EventID matches it.
 * `A.b.c:1` (rule 1), `a.b.c:0` (rule 3), `%.x-y:%` (character set) and
 * `a.b.c` (no version) match nothing; `%:2`, `auth.%`, `%0` can match.
 *
 * It reads the pattern through the grammar's automaton, a `%` standing for
 * any run of characters; the first character no reading can accept is the
 * one named. A pattern without `%` gets exactly `safeParseEventId`'s issue.
 *
 * @example
 * patternIssue('a.b.c:0'); // { code: 'version_zero', position: 6, part: 'version' }
 * patternIssue('%.failed:%'); // undefined
 */
export function patternIssue(pattern: string): EventIdIssue | undefined {
  if (!pattern.includes(WILDCARD)) {
    const scanned = scanEventId(pattern);
    return scanned.ok ? undefined : scanned.issue;
  }
  // The states some reading of the pattern so far can be in.
  let states = new Set<At>([At.DomainStart]);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === WILDCARD) {
      // Any run of characters: every state from the earliest one on.
      const from = Math.min(...states);
      states = new Set<At>();
      for (let s = from; s <= At.Version; s++) states.add(s as At);
      continue;
    }
    const next = new Set<At>();
    for (const s of states) {
      const t = step(s, c);
      if (t !== undefined) next.add(t);
    }
    // The reading that got furthest names the rule.
    if (next.size === 0) return issueAt(Math.max(...states) as At, c, i, pattern[i + 1]);
    states = next;
  }
  return states.has(At.Version) ? undefined : issueAt(Math.max(...states) as At, undefined, pattern.length, undefined);
}
