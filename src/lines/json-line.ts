import { printable } from './printable.js';
import type { Line } from './read-lines.js';

/*
 * The one parser of a line of an events file (`events.jsonl`, Intent's flat
 * file) into a JSON object, and the one vocabulary of what can be wrong with
 * a line as a line: every reader (`factline verify`, `validate`, `query`,
 * `tail`, `stats`, `readEvents`, `readIntentFile`, the JSONL sink resuming a
 * file) parses with it and reports its codes (docs/errors.md, "Line problems").
 */

/** Why a line of an events file is not a record. Stable codes, shared by every reader. */
export type LineProblemCode =
  /** The line's bytes are not valid UTF-8 (only readers that check bytes say so: `verify`, the JSONL sink). */
  | 'invalid_utf8'
  /** The line is not JSON (a torn line, garbage, a UTF-8 byte order mark before the `{`). */
  | 'not_json'
  /** The line is JSON, but not an object (`[]`, `"text"`, `42`, `null`). */
  | 'not_an_object'
  /** The line is longer than the reader holds in memory (`maxLineBytes`, 16 MiB by default): it was not parsed. */
  | 'line_too_long'
  /** The line is a JSON object, but neither a factline envelope (`event_id`) nor an Intent flat line (`event_type`). */
  | 'not_an_event';

/** Every {@link LineProblemCode}, in the order docs/errors.md lists them. */
export const LINE_PROBLEM_CODES: readonly LineProblemCode[] = Object.freeze(['invalid_utf8', 'not_json', 'not_an_object', 'line_too_long', 'not_an_event']);

/**
 * What is wrong with one line. `message` names the problem (and, where one
 * is known, the fix) without the file or line number, which the caller
 * prefixes ({@link formatLineProblem}). Control characters in it (the JSON
 * parser quotes the line) are escaped.
 */
export class LineProblem {
  constructor(
    readonly code: LineProblemCode,
    readonly message: string,
  ) {}
}

/** What {@link parseJsonLine} returns: the parsed object, or why there is none. */
export type JsonLine = Record<string, unknown> | LineProblem;

/** Whether a {@link parseJsonLine} result is a problem rather than a record. */
export const isLineProblem = (v: unknown): v is LineProblem => v instanceof LineProblem;

const BOM = 0xfeff;

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `${typeof v} ${printable(JSON.stringify(v) ?? String(v))}`;
}

/** Why `text` did not parse, naming a UTF-8 byte order mark when there is one outside a string. */
function notJson(text: string, error: unknown): LineProblem {
  // JSON's whitespace only: String#trim counts U+FEFF as whitespace too.
  let start = 0;
  while (start < text.length && ' \t\r\n'.includes(text[start]!)) start++;
  if (text.charCodeAt(start) === BOM) {
    return new LineProblem(
      'not_json',
      'not JSON: the line starts with a UTF-8 byte order mark (U+FEFF, bytes EF BB BF), which JSON does not allow; remove it (a file joined from files that each began with one has one at the start of each)',
    );
  }
  const at = text.indexOf('\ufeff');
  const bom = at < 0 ? '' : `; the line holds a UTF-8 byte order mark (U+FEFF) at character ${at + 1}, which JSON allows only inside a string`;
  return new LineProblem('not_json', `not JSON: ${printable((error as Error).message)}${bom}`);
}

/**
 * Parses one line's text as a JSON object. Never throws. A UTF-8 byte order
 * mark is not skipped here: the readers drop one before the first line of a
 * file (`readLines`), and anywhere else it is named in the `not_json` message.
 *
 * @example
 * parseJsonLine('{"a":1}'); // { a: 1 }
 * parseJsonLine('[1]'); // LineProblem { code: 'not_an_object', message: 'not a JSON object (found an array)' }
 * parseJsonLine('{"a":'); // LineProblem { code: 'not_json', message: 'not JSON: Unexpected end of JSON input' }
 */
export function parseJsonLine(text: string): JsonLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return notJson(text, e);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return new LineProblem('not_an_object', `not a JSON object (found ${describeValue(value)})`);
  }
  return value as Record<string, unknown>;
}

/**
 * The `line_too_long` problem of a line of `bytes` bytes over a reader's
 * limit (`limit` bytes, when known).
 */
export function lineTooLong(bytes: number, limit?: number): LineProblem {
  const holds = limit === undefined ? 'the reader holds' : `the ${limit} bytes the reader holds (maxLineBytes)`;
  return new LineProblem('line_too_long', `the line is ${bytes} bytes, longer than ${holds}; it was not parsed`);
}

/** The `invalid_utf8` problem. */
export function invalidUtf8(): LineProblem {
  return new LineProblem(
    'invalid_utf8',
    "the line's bytes are not valid UTF-8 (a decoder shows U+FFFD for them), and every writer writes valid UTF-8: the line was altered or damaged",
  );
}

/** The `not_an_event` problem of a JSON object that is neither an envelope nor an Intent flat line. */
export function notAnEvent(record: Record<string, unknown>): LineProblem {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 5).map((k) => printable(JSON.stringify(k)));
  const has =
    keys.length === 0 ? 'it is {}' : `its keys are ${shown.join(', ')}${keys.length > shown.length ? `, and ${keys.length - shown.length} more` : ''}`;
  return new LineProblem('not_an_event', `not an event: a JSON object with neither "event_id" (a factline envelope) nor "event_type" (an Intent line); ${has}`);
}

/**
 * One line as `readLines` read it, as a JSON object or its problem: a
 * truncated line is `line_too_long` (never parsed), a line whose bytes were
 * checked (`asWritten`) and are not UTF-8 is `invalid_utf8`, else
 * {@link parseJsonLine}. `limit` is the reader's `maxLineBytes`, for the message.
 */
export function readJsonLine(l: Line, limit?: number): JsonLine {
  if (l.truncated) return lineTooLong(l.bytes, limit);
  if (l.validUtf8 === false) return invalidUtf8();
  return parseJsonLine(l.text);
}

/**
 * A problem as users see it: `FILE:LINE: CODE: MESSAGE` (without the file
 * when `file` is undefined).
 *
 * @example
 * formatLineProblem('events.jsonl', 7, parseJsonLine('[]') as LineProblem);
 * // 'events.jsonl:7: not_an_object: not a JSON object (found an array)'
 */
export function formatLineProblem(file: string | undefined, line: number, problem: LineProblem): string {
  return `${file === undefined ? '' : `${printable(file)}:`}${line}: ${problem.code}: ${problem.message}`;
}
