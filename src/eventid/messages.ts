/**
 * Turns a located issue into an {@link EventIdProblem} with a message that
 * names the input, the offending character, its position and the rule of
 * docs/eventid.md it breaks.
 */
import type { EventIdErrorCode, EventIdProblem } from './errors.js';
import { MAX_EVENT_ID_VERSION, type EventIdPart } from './event-id.js';

/** What the scanner knows about a problem before it is put into words. */
export interface EventIdIssue {
  readonly code: EventIdErrorCode;
  readonly position: number;
  /** The component being read when the problem was found, if any. */
  readonly part?: EventIdPart | undefined;
  /** Replaces the standard explanation when the caller knows better. */
  readonly detail?: string | undefined;
}

/** Inputs longer than this are shortened inside messages (never in `input`). */
const MAX_QUOTED_LENGTH = 80;

/**
 * Builds the problem for `issue` found in `input`.
 *
 * @example
 * toProblem({ code: 'uppercase', position: 0, part: 'domain' }, 'Auth.user.login:1').message;
 * // `Invalid EventID "Auth.user.login:1": uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`
 */
export function toProblem(issue: EventIdIssue, input: string): EventIdProblem {
  return {
    code: issue.code,
    position: issue.position,
    input,
    message: `Invalid EventID ${quote(input)}: ${issue.detail ?? explain(issue, input)}`,
  };
}

/**
 * The problem for a value that is not a string at all.
 *
 * @example
 * notAStringProblem(42, 'the EventID').input; // '42 (number)'
 */
export function notAStringProblem(value: unknown, what: string, position = 0): EventIdProblem {
  const received = describeValue(value);
  return {
    code: 'not_a_string',
    position,
    input: received,
    message: `Invalid EventID: ${what} must be a string, received ${received}`,
  };
}

/**
 * The rule `issue` breaks in `input`, in words, naming the rule of
 * docs/eventid.md (the part of {@link toProblem}'s message after the input).
 *
 * @example
 * explainIssue({ code: 'version_zero', position: 6, part: 'version' }, 'a.b.c:0');
 * // 'version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)'
 */
export function explainIssue(issue: EventIdIssue, input: string): string {
  return issue.detail ?? explain(issue, input);
}

function explain({ code, position, part }: EventIdIssue, input: string): string {
  const at = `at position ${position}`;
  const ch = charAt(input, position);
  const name = part ?? 'EventID';
  switch (code) {
    case 'empty':
      return 'the input is empty; an EventID has the form domain.entity.action:version, e.g. auth.user.login:1 (docs/eventid.md, rule 6)';
    case 'uppercase':
      return `uppercase letter ${ch} ${at}; identifiers are lowercase (docs/eventid.md, rule 1)`;
    case 'starts_with_digit':
      return `the ${name} starts with digit ${ch} ${at}; identifiers start with a lowercase letter a-z (docs/eventid.md, rule 2)`;
    case 'starts_with_underscore':
      return `the ${name} starts with underscore ${at}; identifiers start with a lowercase letter and may use _ only after it (docs/eventid.md, rules 2 and 5)`;
    case 'invalid_character':
      if (part === 'version')
        return `character ${ch} ${at} is not allowed in the version; the version is a positive integer written with 0-9 only (docs/eventid.md, character set)`;
      return `character ${ch} ${at} is not allowed in the ${name}; identifiers use only a-z, 0-9 and _ (docs/eventid.md, character set)`;
    case 'missing_part':
      return `the ${name} is missing ${at} (found ${ch}); an EventID has exactly three dot-separated identifiers domain.entity.action before ':' (docs/eventid.md, rule 6)`;
    case 'too_many_parts':
      return `unexpected fourth part ${at}; an EventID has exactly three dot-separated identifiers domain.entity.action (docs/eventid.md, grammar)`;
    case 'empty_part':
      return `the ${name} is empty ${at}; all four components are required (docs/eventid.md, rule 6)`;
    case 'missing_version':
      return `the version is missing ${at}; expected ':' followed by a positive integer, e.g. :1 (docs/eventid.md, rule 6)`;
    case 'version_zero':
      return `version 0 ${at}; versions start at 1 (docs/eventid.md, rule 3)`;
    case 'version_leading_zero':
      return `leading zero ${at} in the version; write 1, not 01 (docs/eventid.md, rule 4)`;
    case 'version_negative':
      return `sign '-' ${at}; the version is a positive integer (docs/eventid.md, rule 3)`;
    case 'version_not_integer':
      return `character ${ch} ${at} is not a digit; the version is a positive integer written with 0-9 only (docs/eventid.md, grammar: positive_integer)`;
    case 'version_too_large':
      return `version ${shorten(input.slice(position))} ${at} exceeds ${MAX_EVENT_ID_VERSION}; the grammar sets no bound, but factline caps the version at a 32-bit signed integer, what common storage types hold (docs/eventid.md, the version bound)`;
    case 'not_a_string':
      return `the ${name} ${at} is not a string`;
  }
}

/** The character at `position` for a message: `'A'`, `'\n'`, or `end of input`. */
function charAt(input: string, position: number): string {
  const cp = input.codePointAt(position);
  if (cp === undefined) return 'end of input';
  const c = String.fromCodePoint(cp);
  // JSON escaping makes control characters and lone surrogates visible.
  const visible = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? c : JSON.stringify(c).slice(1, -1);
  return `'${visible}'`;
}

function shorten(digits: string): string {
  return digits.length <= 20 ? digits : `${digits.slice(0, 20)}… (${digits.length} digits)`;
}

function quote(input: string): string {
  if (input.length <= MAX_QUOTED_LENGTH) return JSON.stringify(input);
  return `${JSON.stringify(`${input.slice(0, MAX_QUOTED_LENGTH)}…`)} (${input.length} chars)`;
}

/**
 * A short, never-throwing description of any value; a string is returned as is.
 *
 * @example
 * describeValue(42); // '42 (number)'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return value;
    case 'symbol':
      return `${value.toString()} (symbol)`;
    case 'function':
      return 'a function';
    case 'object':
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `${String(value)} (${typeof value})`;
  }
}

/**
 * Like {@link describeValue} but also names the type of a string.
 *
 * @example
 * describeTypedValue('1'); // 'string "1"'
 */
export function describeTypedValue(value: unknown): string {
  return typeof value === 'string' ? `string ${JSON.stringify(value)}` : describeValue(value);
}
