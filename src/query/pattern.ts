/*
 * Loki's pattern expressions (pkg/logql/log/pattern), for `| pattern "…"`
 * and the `|>` / `!>` line filters. A pattern is literal text and captures
 * `<name>` (`<_>` captures without a name); a capture takes everything up to
 * the first occurrence of the literal that follows it.
 */

/** A literal run, or a capture (`name` "_" for `<_>`). */
type PatternNode = { literal: string } | { capture: string };

/** Go's pattern lexer: `<` an ASCII letter or `_`, then ASCII letters, digits and `_`, then `>` is a capture; anything else is literal. */
const CAPTURE = /<([A-Za-z_][A-Za-z0-9_]*)>/g;

function parseNodes(text: string): PatternNode[] {
  const out: PatternNode[] = [];
  let last = 0;
  CAPTURE.lastIndex = 0;
  for (let m = CAPTURE.exec(text); m !== null; m = CAPTURE.exec(text)) {
    if (m.index > last) out.push({ literal: text.slice(last, m.index) });
    out.push({ capture: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ literal: text.slice(last) });
  return out;
}

function isCapture(n: PatternNode | undefined): n is { capture: string } {
  return n !== undefined && 'capture' in n;
}

function nodeText(n: PatternNode): string {
  return isCapture(n) ? `<${n.capture}>` : n.literal;
}

function checkNoConsecutiveCaptures(nodes: readonly PatternNode[]): void {
  for (let i = 0; i + 1 < nodes.length; i++) {
    if (isCapture(nodes[i]) && isCapture(nodes[i + 1])) {
      throw new Error(`found consecutive capture '${nodeText(nodes[i]!)}${nodeText(nodes[i + 1]!)}': invalid expression`);
    }
  }
}

/** A compiled `| pattern` expression. */
export interface PatternParser {
  /** The named captures, in order. */
  readonly names: readonly string[];
  /** The values of the named captures matched so far, in order (fewer than `names` when the line ends early; none when it does not match): Go's `Matcher.Matches`. */
  matches(line: string): string[];
  /** Go's `Matcher.Test`, as `|>` runs it (see compilePatternFilter). */
  test(line: string): boolean;
}

/**
 * Compiles the expression of `| pattern "…"` as Loki's `pattern.New` does.
 *
 * @throws Error with Loki's message ("at least one capture is required",
 *   "found consecutive capture '<a><b>': invalid expression",
 *   "duplicate capture name (a): invalid expression").
 */
export function compilePatternParser(text: string): PatternParser {
  if (text === '') throw new Error('parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or LITERAL');
  const nodes = parseNodes(text);
  const names = nodes
    .filter(isCapture)
    .map((n) => n.capture)
    .filter((c) => c !== '_');
  if (names.length === 0) throw new Error('at least one capture is required');
  checkNoConsecutiveCaptures(nodes);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`duplicate capture name (${n}): invalid expression`);
    seen.add(n);
  }
  return {
    names,
    test: patternTest(nodes),
    matches(line) {
      const out: string[] = [];
      if (line.length === 0 || nodes.length === 0) return out;
      let rest = line;
      let i = 0;
      const first = nodes[0]!;
      if (!isCapture(first)) {
        if (!rest.startsWith(first.literal)) return out;
        rest = rest.slice(first.literal.length);
        i = 1;
      }
      if (i === nodes.length) return out;
      while (i < nodes.length) {
        const capture = (nodes[i] as { capture: string }).capture;
        if (i === nodes.length - 1) {
          // Ending on a capture: it takes the rest of the line.
          if (capture !== '_') out.push(rest);
          return out;
        }
        const literal = (nodes[i + 1] as { literal: string }).literal;
        i += 2;
        const at = rest.indexOf(literal);
        if (at === -1) {
          if (capture !== '_') out.push(rest);
          return out;
        }
        if (capture !== '_') out.push(rest.slice(0, at));
        rest = rest.slice(at + literal.length);
      }
      return out;
    },
  };
}

/**
 * Compiles the pattern of a `|>` / `!>` line filter as Loki's
 * `pattern.ParseLineFilter` does, and returns Go's `Matcher.Test`: true when
 * the line is the pattern's literals in order, each capture non-empty
 * except a leading one, the line ending with the last literal unless the
 * pattern ends with a capture. The empty pattern matches only the empty line.
 *
 * @throws Error with Loki's message for consecutive captures or a named capture.
 */
export function compilePatternFilter(text: string): (line: string) => boolean {
  const nodes = text === '' ? [] : parseNodes(text);
  checkNoConsecutiveCaptures(nodes);
  for (const n of nodes) {
    if (isCapture(n) && n.capture !== '_') throw new Error(`named captures are not allowed: found '${nodeText(n)}'`);
  }
  return patternTest(nodes);
}

function patternTest(nodes: readonly PatternNode[]): (line: string) => boolean {
  const endsWithCapture = isCapture(nodes[nodes.length - 1]);
  return (line) => {
    if (line.length === 0 || nodes.length === 0) return line.length === 0 && nodes.length === 0;
    let off = 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (isCapture(n)) continue;
      const j = line.indexOf(n.literal, off);
      if (j === -1) return false;
      if (i !== 0 && j === off) return false;
      off = j + n.literal.length;
    }
    return endsWithCapture === (off !== line.length);
  };
}
