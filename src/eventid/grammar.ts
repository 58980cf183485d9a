/**
 * The EventID grammar of docs/eventid.md, as a hand-written scanner that
 * reports the first offending character, and as one regular expression.
 *
 * ```ebnf
 * event_id         = domain , "." , entity , "." , action , ":" , version ;
 * domain           = identifier ;
 * entity           = identifier ;
 * action           = identifier ;
 * version          = positive_integer ;
 * identifier       = lowercase , { lowercase | digit | "_" } ;
 * positive_integer = nonzero_digit , { digit } ;
 * lowercase        = "a" | "b" | ... | "z" ;
 * digit            = "0" | "1" | ... | "9" ;
 * nonzero_digit    = "1" | "2" | ... | "9" ;
 * ```
 *
 * Parsers must accept exactly this language (docs/eventid.md). The scanner accepts exactly the strings {@link EVENT_ID_PATTERN}
 * accepts, minus versions above `MAX_EVENT_ID_VERSION` (see event-id.ts); a
 * property test holds the two to that.
 */
import { MAX_EVENT_ID_VERSION, type EventId, type EventIdIdentifierPart } from './event-id.js';
import type { EventIdIssue } from './messages.js';

/**
 * The grammar's regular expression (docs/eventid.md). It has no
 * `g` or `y` flag, so `test` keeps no state between calls. Note that it does not
 * bound the version; `parseEventId` does.
 *
 * @example
 * EVENT_ID_PATTERN.test('auth.user.login:1'); // true
 */
export const EVENT_ID_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*:[1-9][0-9]*$/;

/** The identifiers of `event_id`, in grammar order. */
export const IDENTIFIER_PARTS = ['domain', 'entity', 'action'] as const satisfies readonly EventIdIdentifierPart[];

const DOT = 0x2e;
const COLON = 0x3a;
const UNDERSCORE = 0x5f;
const MINUS = 0x2d;
const ZERO = 0x30;

// `lowercase = "a" | ... | "z"`: ASCII only. 'é' is not lowercase in this grammar.
const isLowercase = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isUppercase = (c: number): boolean => c >= 0x41 && c <= 0x5a;
// `identifier = lowercase , { lowercase | digit | "_" }`
const isIdentifierChar = (c: number): boolean => isLowercase(c) || isDigit(c) || c === UNDERSCORE;
/**
 * What a non-digit in the version is: a letter or a character of the set
 * (`v1`, `1e3`, `0x1`, `1.5`, `1:2`) is a version that is not an integer; a
 * character outside the character set (a space, a line end, a control
 * character, `-` or `+` past a sign's place, a non-ASCII digit or letter) is an
 * `invalid_character`, as it is anywhere else (docs/eventid.md, character set).
 */
export const versionCharIssue = (c: number): 'version_not_integer' | 'invalid_character' =>
  isLowercase(c) || isUppercase(c) || isDigit(c) || c === UNDERSCORE || c === DOT || c === COLON ? 'version_not_integer' : 'invalid_character';

/** Either the parsed id or the first issue met, reading left to right. */
export type ScanResult = { readonly ok: true; readonly value: EventId } | { readonly ok: false; readonly issue: EventIdIssue };

/**
 * Reads `input` against the grammar. Never throws. Issues are reported in
 * reading order: the first character that cannot continue the grammar wins;
 * the version bound is checked only once the version is syntactically valid.
 *
 * @example
 * scanEventId('auth.user.login:1'); // { ok: true, value: { domain: 'auth', entity: 'user', action: 'login', version: 1 } }
 * scanEventId('auth.user:1');       // { ok: false, issue: { code: 'missing_part', position: 9, part: 'action' } }
 */
export function scanEventId(input: string): ScanResult {
  if (input.length === 0) return fail('empty', 0);

  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index < IDENTIFIER_PARTS.length; index++) {
    const part = IDENTIFIER_PARTS[index] as EventIdIdentifierPart;
    const scanned = scanIdentifier(input, start, part, 'separated');
    if (typeof scanned !== 'number') return { ok: false, issue: scanned };
    parts.push(input.slice(start, scanned));

    const end = scanned;
    const c = input.charCodeAt(end); // NaN at end of input
    const isLast = index === IDENTIFIER_PARTS.length - 1;
    if (!isLast && c === DOT) {
      start = end + 1;
      continue;
    }
    if (isLast && c === COLON) {
      start = end + 1;
      break;
    }
    // Rule 6: domain, entity and action are all required.
    if (!isLast && (c === COLON || end === input.length)) return fail('missing_part', end, IDENTIFIER_PARTS[index + 1]);
    // The grammar has exactly three identifiers.
    if (isLast && c === DOT) return fail('too_many_parts', end, part);
    if (isLast && end === input.length) return fail('missing_version', end, 'version');
    // scanIdentifier already reported an uppercase letter, so anything else here
    // is outside the character set.
    return fail('invalid_character', end, part);
  }

  const version = scanVersion(input, start);
  if (typeof version !== 'number') return { ok: false, issue: version };
  const [domain = '', entity = '', action = ''] = parts;
  return { ok: true, value: { domain, entity, action, version } };
}

/**
 * Reads one identifier starting at `start` and returns the index just past it,
 * or the issue at its first character. It stops at the first character outside
 * `[a-z0-9_]` (or at an uppercase letter, which is reported, rule 1); what may
 * follow is the caller's business.
 *
 * `context` says what an immediate `.` or `:` means: in a full EventID
 * (`'separated'`) it ends an empty part (rule 6); inside a lone part given to
 * `formatEventId` (`'alone'`) it is just a character that is not allowed.
 *
 * @example
 * scanIdentifier('auth.user.login:1', 5, 'entity', 'separated'); // 9
 * scanIdentifier('auth._user.login:1', 5, 'entity', 'separated'); // { code: 'starts_with_underscore', position: 5, part: 'entity' }
 */
export function scanIdentifier(input: string, start: number, part: EventIdIdentifierPart, context: 'separated' | 'alone'): number | EventIdIssue {
  const first = input.charCodeAt(start);
  if (!isLowercase(first)) {
    // Rule 6: no empty parts.
    if (start >= input.length) return issue('empty_part', start, part);
    if (context === 'separated' && (first === DOT || first === COLON)) return issue('empty_part', start, part);
    // Rule 1: lowercase only.
    if (isUppercase(first)) return issue('uppercase', start, part);
    // Rule 2: start with a letter, "user2 not 2user".
    if (isDigit(first)) return issue('starts_with_digit', start, part);
    // Rule 5: "user_account not _user".
    if (first === UNDERSCORE) return issue('starts_with_underscore', start, part);
    return issue('invalid_character', start, part);
  }
  let i = start + 1;
  while (i < input.length && isIdentifierChar(input.charCodeAt(i))) i++;
  if (i < input.length && isUppercase(input.charCodeAt(i))) return issue('uppercase', i, part);
  return i;
}

/**
 * Reads `version = positive_integer` from `start` to the end of `input`.
 *
 * @example
 * scanVersion('a.b.c:42', 6); // 42
 * scanVersion('a.b.c:01', 6); // { code: 'version_leading_zero', position: 6, part: 'version' }
 */
export function scanVersion(input: string, start: number): number | EventIdIssue {
  if (start >= input.length) return issue('missing_version', start, 'version');
  const first = input.charCodeAt(start);
  if (first === ZERO) {
    // Rule 3: "Zero ... invalid"; rule 4: "Use 1 not 01".
    if (start + 1 === input.length) return issue('version_zero', start, 'version');
    if (isDigit(input.charCodeAt(start + 1))) return issue('version_leading_zero', start, 'version');
    return issue(versionCharIssue(input.charCodeAt(start + 1)), start + 1, 'version');
  }
  // Rule 3: "Zero and negative numbers are invalid."
  if (first === MINUS) return issue('version_negative', start, 'version');
  let i = start;
  while (i < input.length && isDigit(input.charCodeAt(i))) i++;
  if (i === start || i < input.length) return issue(versionCharIssue(input.charCodeAt(i)), i, 'version');
  // Ten digits is the most that can fit; comparing before converting keeps a
  // thousand-digit version from becoming Infinity first.
  const digits = input.slice(start);
  const value = digits.length <= 10 ? Number(digits) : Number.POSITIVE_INFINITY;
  if (value > MAX_EVENT_ID_VERSION) return issue('version_too_large', start, 'version');
  return value;
}

function issue(code: EventIdIssue['code'], position: number, part: EventIdIssue['part']): EventIdIssue {
  return { code, position, part };
}

function fail(code: EventIdIssue['code'], position: number, part?: EventIdIssue['part']): ScanResult {
  return { ok: false, issue: issue(code, position, part) };
}
