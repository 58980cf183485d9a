/**
 * Grafana's own grammars for LogQL (@grafana/lezer-logql 0.3.0) and TraceQL
 * (@grafana/lezer-traceql 1.0.0), as the query editors use them: parse,
 * find error nodes, describe the tree's shape, pull out string literals.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import type { LRParser } from '@lezer/lr';

export type Language = 'logql' | 'traceql';

const PARSERS: Record<Language, LRParser> = { logql: logqlParser, traceql: traceqlParser };

export interface SyntaxError {
  readonly from: number;
  readonly to: number;
  /** The expression with a caret under the error. */
  readonly where: string;
}

/** Every error (⚠) node of the parse tree; empty when the expression parses cleanly. */
export function syntaxErrors(language: Language, expr: string): SyntaxError[] {
  const errors: SyntaxError[] = [];
  PARSERS[language].parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push({ from: node.from, to: node.to, where: `${expr}\n${' '.repeat(node.from)}^ (position ${node.from})` });
    },
  });
  return errors;
}

/** The tree's node names, without any text: equal shapes mean equal structure. */
export function shape(language: Language, expr: string): string {
  return PARSERS[language].parse(expr).toString();
}

/** The source text of every `String` node, in order. */
export function stringLiterals(language: Language, expr: string): string[] {
  const out: string[] = [];
  PARSERS[language].parse(expr).iterate({
    enter: (node) => {
      if (node.name === 'String') out.push(expr.slice(node.from, node.to));
    },
  });
  return out;
}

/**
 * The value of a literal as Loki or Tempo reads it (Go's `strconv.Unquote`),
 * for the escapes factline writes: `\\`, `\"`, `\n`, `\uXXXX`, and raw
 * backtick strings. Anything else is a failure of the test's assumptions.
 */
export function unquote(literal: string): string {
  if (literal.startsWith('`')) {
    if (!literal.endsWith('`') || literal.length < 2) throw new Error(`unterminated raw string ${literal}`);
    return literal.slice(1, -1);
  }
  if (!literal.startsWith('"') || !literal.endsWith('"') || literal.length < 2) throw new Error(`not a quoted string: ${literal}`);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"') throw new Error(`unescaped quote in ${literal}`);
    if (c === '\n') throw new Error(`raw line feed in ${literal}: Go's scanner rejects it`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === '\\' || e === '"') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 'u') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw new Error(`unexpected escape \\${e} in ${literal}`);
  }
  return out;
}

/**
 * An RE2 regex as JavaScript evaluates it the way Loki anchors `=~`
 * (fully): `.` is RE2's "any character but a line feed", and the `u` flag
 * makes it a code point, as in RE2.
 */
export function re2(regex: string): RegExp {
  let js = '';
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i]!;
    if (c === '\\') {
      js += c + regex[++i]!;
    } else if (c === '.') {
      js += '[^\\n]';
    } else {
      js += c;
    }
  }
  return new RegExp(`^(?:${js})$`, 'u');
}
