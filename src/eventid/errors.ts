/**
 * EventID validation problems as data (docs/errors.md): a union of stable
 * `code`s, plus one Error class that carries the same data for callers that
 * prefer to throw.
 */

/**
 * Every way an EventID can be invalid. The strings are stable: the CLI, the
 * `system.error` event and tests match on them, so renaming one is a breaking
 * change. Listed in {@link EVENT_ID_ERROR_CODES}.
 */
export type EventIdErrorCode =
  /** The value is not a string (or an EventId part is not a string). */
  | 'not_a_string'
  /** The input is the empty string (rule 6). */
  | 'empty'
  /** An ASCII uppercase letter A-Z in an identifier (rule 1). */
  | 'uppercase'
  /** An identifier starts with a digit (rule 2). */
  | 'starts_with_digit'
  /** An identifier starts with `_` (rules 2 and 5). */
  | 'starts_with_underscore'
  /** A character outside a-z, 0-9, `_` in an identifier (character set). */
  | 'invalid_character'
  /** Fewer than three identifiers before `:` (grammar; rule 6). */
  | 'missing_part'
  /** A fourth dot-separated part (grammar: exactly three). */
  | 'too_many_parts'
  /** An identifier with no characters, e.g. `auth..login:1` (rule 6). */
  | 'empty_part'
  /** No `:version`, or nothing after the `:` (rule 6). */
  | 'missing_version'
  /** The version is `0` (rule 3). */
  | 'version_zero'
  /** The version has a leading zero, e.g. `01` (rule 4). */
  | 'version_leading_zero'
  /** The version starts with `-` (rule 3). */
  | 'version_negative'
  /** The version contains a character that is not a digit, e.g. `1.0`, `1e3`, `+1`. */
  | 'version_not_integer'
  /** The version exceeds 2147483647, the 32-bit limit of the reference implementations. */
  | 'version_too_large';

/**
 * All error codes, in the order the scanner can meet them. A snapshot test pins
 * this list, so a code is never renamed by accident.
 *
 * @example
 * EVENT_ID_ERROR_CODES.includes('uppercase'); // true
 */
export const EVENT_ID_ERROR_CODES = [
  'not_a_string',
  'empty',
  'uppercase',
  'starts_with_digit',
  'starts_with_underscore',
  'invalid_character',
  'missing_part',
  'too_many_parts',
  'empty_part',
  'missing_version',
  'version_zero',
  'version_leading_zero',
  'version_negative',
  'version_not_integer',
  'version_too_large',
] as const satisfies readonly EventIdErrorCode[];

/**
 * One validation problem, as plain data (JSON-serialisable).
 *
 * @example
 * const problem: EventIdProblem = {
 *   code: 'uppercase',
 *   position: 0,
 *   input: 'Auth.user.login:1',
 *   message: `Invalid EventID "Auth.user.login:1": uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`,
 * };
 */
export interface EventIdProblem {
  readonly code: EventIdErrorCode;
  /**
   * 0-based index of the offending character in `input`, counted in UTF-16
   * code units (the same indices as `input[i]`). Equal to `input.length` when
   * the input ended too early.
   */
  readonly position: number;
  /** Human-readable: names the input, the rule broken and the position. */
  readonly message: string;
  /**
   * The text that was checked. For `formatEventId` this is the composed
   * `domain.entity.action:version`; for a non-string it is a description of
   * the value, e.g. `42 (number)`.
   */
  readonly input: string;
}

/**
 * Thrown by `parseEventId`, `formatEventId` and `eventId`. Carries the same
 * fields as {@link EventIdProblem}; use `toProblem()` to get them as data.
 *
 * @example
 * try {
 *   parseEventId('auth.user.login:0');
 * } catch (e) {
 *   if (e instanceof EventIdError) console.log(e.code, e.position); // 'version_zero' 16
 * }
 */
export class EventIdError extends Error implements EventIdProblem {
  override readonly name = 'EventIdError';
  readonly code: EventIdErrorCode;
  readonly position: number;
  readonly input: string;

  constructor(problem: EventIdProblem) {
    super(problem.message);
    this.code = problem.code;
    this.position = problem.position;
    this.input = problem.input;
  }

  /**
   * The problem as plain data, without the stack.
   *
   * @example
   * new EventIdError(problem).toProblem(); // { code, position, message, input }
   */
  toProblem(): EventIdProblem {
    return { code: this.code, position: this.position, message: this.message, input: this.input };
  }
}
