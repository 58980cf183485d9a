/**
 * Turning user values into LogQL and TraceQL literals that cannot change the
 * structure of the query around them (docs/grafana.md, "Query library").
 *
 * Both Loki (`pkg/logql/syntax/lex.go`) and Tempo (`pkg/traceql/lexer.go`)
 * scan string literals with Go's `text/scanner` and decode them with
 * `strconv.Unquote`: a double-quoted literal may not hold a raw line feed, and
 * its escapes are Go's. Grafana's editors parse the same text with their own
 * lezer grammars; where a grammar and the server disagree, the literal is
 * written so that both accept it (see {@link traceqlString}).
 */

/** Why a value cannot become part of a query. Stable strings: tests and callers match on them. */
export type QueryInputErrorCode =
  /** A window or range is not a positive LogQL duration such as `5m`, `1h`, `7d`. */
  | 'invalid_duration'
  /** The string holds a lone UTF-16 surrogate: no UTF-8 encoding, so no literal can carry it. */
  | 'lone_surrogate'
  /** A TraceQL value holds both a line feed and a backtick (or a carriage return), see {@link traceqlString}. */
  | 'unrepresentable_traceql_string'
  /** A Grafana variable name is not `[A-Za-z_][A-Za-z0-9_]*`. */
  | 'invalid_variable_name'
  /** A quantile is not a plain decimal number between 0 and 1. */
  | 'invalid_quantile';

/** Thrown when a query is built, never later: the message names the fix, and a built query is always valid. */
export class QueryInputError extends Error {
  override readonly name = 'QueryInputError';
  constructor(
    readonly code: QueryInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const LONE_SURROGATE = /\p{Cs}/u;

function assertWellFormed(value: string): void {
  if (LONE_SURROGATE.test(value)) {
    throw new QueryInputError('lone_surrogate', `value ${JSON.stringify(value)} holds a lone UTF-16 surrogate; pass well-formed Unicode`);
  }
}

// C0 controls and DEL. Go's Unquote accepts most of them raw, but text/scanner
// reports NUL, and an escaped control is readable in a dashboard.
const LOGQL_STRING_SPECIAL = /[\\"\u0000-\u001f\u007f]/g;

/**
 * A LogQL double-quoted string literal holding exactly `value`.
 *
 * Escapes `\` and `"`, writes a line feed as `\n` and every other control
 * character as `\u00XX` (Go escapes, which Loki's `strconv.Unquote` and
 * Grafana's lezer-logql grammar both accept).
 *
 * @example
 * logqlString('say "hi"\n'); // '"say \\"hi\\"\\n"'
 */
export function logqlString(value: string): string {
  assertWellFormed(value);
  return `"${value.replace(LOGQL_STRING_SPECIAL, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '"') return '\\"';
    if (c === '\n') return '\\n';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}

/**
 * A TraceQL string literal holding exactly `value`.
 *
 * Tempo decodes `"…"` with Go's `strconv.Unquote`, so a raw line feed is a
 * syntax error there; Grafana's lezer-traceql grammar accepts only `\\` and
 * `\"` as escapes, so `\n` is an error there. A value with a line feed is
 * therefore written as a backtick raw string, which both accept; Go strips
 * carriage returns from raw strings, and a raw string cannot hold a backtick,
 * so a value with a line feed and either of those cannot be written exactly
 * and is refused. Every other value is double-quoted with `\` and `"`
 * escaped and all other characters (tab, CR, Unicode) written as they are.
 *
 * NUL is the one character Go's `text/scanner` refuses anywhere in the
 * query ("invalid character NUL"), raw or inside a raw string. A value
 * holding it is written as a Go double-quoted literal with escapes (`\u0000`,
 * `\n`, `\\`, `\"`), which Tempo's lexer reads back exactly; Grafana's
 * editor grammar does not know those escapes, so such a query is for Tempo's
 * API, not for a dashboard editor.
 *
 * @example
 * traceqlString('lint "passes"'); // '"lint \\"passes\\""'
 * traceqlString('two\nlines');    // '`two\nlines`'
 * traceqlString('TRACE-015\u0000'); // '"TRACE-015\\u0000"'
 */
export function traceqlString(value: string): string {
  assertWellFormed(value);
  if (value.includes('\u0000')) {
    return `"${value.replace(/[\\"\n\u0000]/g, (c) => (c === '\n' ? '\\n' : c === '\u0000' ? '\\u0000' : '\\' + c))}"`;
  }
  if (value.includes('\n')) {
    if (value.includes('`') || value.includes('\r')) {
      throw new QueryInputError(
        'unrepresentable_traceql_string',
        `TraceQL cannot carry ${JSON.stringify(value)} exactly: a value with a line feed must be a backtick string, which cannot hold a backtick or a carriage return; remove one of them`,
      );
    }
    return `\`${value}\``;
  }
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

// Go's regexp.QuoteMeta set: every character with a meaning in RE2 syntax.
// JavaScript's RegExp with the `u` flag accepts the same escapes, which is
// what lets the tests evaluate the generated regexes.
const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/**
 * `value` as an RE2 regex that matches exactly `value` (Go's `regexp.QuoteMeta`).
 * The result still has to go into a string literal ({@link logqlString}).
 *
 * @example
 * escapeRegex('a.b*c'); // 'a\\.b\\*c'
 */
export function escapeRegex(value: string): string {
  assertWellFormed(value);
  return value.replace(RE2_META, '\\$&');
}

const DURATION = /^[1-9][0-9]*(ms|s|m|h|d|w|y)$/;

/**
 * A validated LogQL range duration: a positive integer and one unit
 * (`ms s m h d w y`). Stricter than the issue's `/^\d+(ms|s|m|h|d|w|y)$/`:
 * `0s` and leading zeros are refused, as a zero window counts nothing.
 *
 * @example
 * duration('5m'); // '5m'
 * duration('5 m'); // throws QueryInputError('invalid_duration')
 */
export function duration(value: string): string {
  if (!DURATION.test(value)) {
    throw new QueryInputError(
      'invalid_duration',
      `window ${JSON.stringify(value)} is not a LogQL duration; write a positive integer and one unit, e.g. 5m, 1h, 7d`,
    );
  }
  return value;
}

/**
 * A quantile as LogQL writes it: a plain decimal between 0 and 1 (`0.95`).
 *
 * @example
 * quantile(0.95); // '0.95'
 */
export function quantile(value: number): string {
  const text = String(value);
  if (!(value >= 0 && value <= 1) || !/^(0|1)(\.[0-9]+)?$/.test(text)) {
    throw new QueryInputError('invalid_quantile', `quantile ${text} must be a plain decimal from 0 to 1, e.g. 0.5 or 0.95`);
  }
  return text;
}
