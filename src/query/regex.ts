import { RE2JS } from 're2js';

/*
 * LogQL regular expressions are Go RE2 (Loki compiles them with Go's `regexp`).
 * They are compiled here with re2js, a port of Go's RE2, so that every
 * user-supplied pattern has RE2's syntax (no lookaround, no backreferences) and
 * RE2's guarantee: matching time is linear in the input. JavaScript's own
 * RegExp backtracks, and a pattern such as `(a+)+$` on a long line would hang
 * the local engine and the MCP server.
 */

/** A compiled LogQL regular expression; `test` is linear in the length of `input`. */
export interface LogqlRegex {
  /** True when the pattern matches somewhere in `input` (an anchored pattern: all of it). */
  test(input: string): boolean;
  /** The pattern as written in the query. */
  readonly source: string;
  /**
   * For a pattern `lit(.*lit)*` whose literals hold no character JSON
   * escapes (no `"`, `\\`, control character, U+2028 / U+2029): a test that
   * is true only when the pattern matches a JSON rendering that holds
   * `input` as a string (the rendering escapes newlines, so `.` spans them).
   */
  readonly inJsonString?: (input: string) => boolean;
}

const cache = new Map<string, LogqlRegex>();
const utf8 = new TextEncoder();

/**
 * Compiles a LogQL (Go RE2) regular expression with RE2 semantics.
 * `anchored` wraps it in `^(?:...)$`, as Loki does for label matchers
 * (`=~` / `!~` match the whole value); line filters match anywhere.
 * `dotAll` (with `anchored`) wraps it in `^(?s:...)$` instead, as
 * Prometheus' labels.Matcher does for Loki's stream selectors and
 * `keep` / `drop` (model/labels/regexp.go): `.` matches a newline there, so
 * `{service_name=~".+"}` selects a service whose name holds one.
 *
 * @throws Error whose message is Go's, e.g.
 *   "error parsing regexp: invalid or unsupported Perl syntax: `(?=`", when
 *   RE2 rejects the pattern; the parser turns it into a `syntax` QueryError.
 * @example compileRegex('err(or)?', false).test('an error') // true
 */
export function compileRegex(source: string, anchored: boolean, dotAll = false): LogqlRegex {
  const key = `${anchored ? (dotAll ? 's' : 'a') : 'u'}:${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(anchored ? `^(?${dotAll ? 's' : ''}:${source})$` : source);
  } catch (e) {
    // Go's messages quote the pattern as written; with the anchor added re2js
    // would quote the wrapped text, so compile unwrapped to report it.
    if (anchored) {
      try {
        RE2JS.compile(source);
      } catch (inner) {
        throw new Error((inner as Error).message);
      }
    }
    throw new Error((e as Error).message);
  }
  // re2js matches UTF-8 bytes faster than a string it must walk code point by
  // code point (about 1.5x on 700-byte lines); the answer is the same, since Go
  // matches UTF-8 too. Short values (labels) are not worth the encoding.
  const slow = (input: string): boolean => (input.length > 128 ? re.test(utf8.encode(input)) : re.test(input));
  const fast = anchored ? undefined : literalChain(source);
  const compiled: LogqlRegex = {
    source,
    test: fast === undefined ? slow : (input) => (input.includes('\n') ? slow(input) : fast(input)),
    ...(fast !== undefined && !/["\\\u0000-\u001f\u2028\u2029]/.test(literalText(source)) ? { inJsonString: fast } : {}),
  };
  if (cache.size > 1000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** A compiled regular expression that reports its capture groups. */
export interface LogqlSubmatchRegex {
  readonly source: string;
  /** Capture group index -> name, for the named groups only, in index order. */
  readonly names: ReadonlyMap<number, string>;
  /**
   * The groups of the leftmost match in `input` (index 0: the whole match;
   * `undefined`: a group that took no part), or `undefined` when nothing
   * matches: Go's `FindStringSubmatch`.
   */
  exec(input: string): (string | undefined)[] | undefined;
}

/**
 * Compiles a Go RE2 regular expression for its capture groups (unanchored),
 * as `| regexp` and `label_replace` use it.
 *
 * @throws Error with Go's message when RE2 rejects the pattern.
 */
export function compileSubmatchRegex(source: string): LogqlSubmatchRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    throw new Error((e as Error).message);
  }
  const names = new Map<number, string>();
  const byName = re.namedGroups();
  for (const name of Object.keys(byName).sort((a, b) => byName[a]! - byName[b]!)) names.set(byName[name]!, name);
  const count = re.groupCount();
  return {
    source,
    names,
    exec(input) {
      const m = re.matcher(input);
      if (!m.find()) return undefined;
      const out: (string | undefined)[] = [];
      for (let i = 0; i <= count; i++) out.push(m.group(i) ?? undefined);
      return out;
    },
  };
}

/**
 * Go's `Regexp.Expand` (regexp package): `template` with `$n` / `${n}` (a
 * group number) and `$name` / `${name}` (a named group) replaced by that
 * group of `groups` ("" for a group that does not exist or took no part),
 * `$$` by `$`. A `$name` takes the longest run of letters, digits and `_`
 * (so `$1x` names a group `1x`); a `$` not followed by a valid name is kept.
 */
export function goExpand(template: string, re: LogqlSubmatchRegex, groups: readonly (string | undefined)[]): string {
  let out = '';
  let rest = template;
  for (;;) {
    const i = rest.indexOf('$');
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i);
    if (rest.length > 1 && rest[1] === '$') {
      out += '$';
      rest = rest.slice(2);
      continue;
    }
    const m = /^\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(rest);
    if (m === null) {
      // Malformed: Go keeps the `$` and goes on.
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    rest = rest.slice(m[0].length);
    const name = m[1] ?? m[2]!;
    let index = -1;
    if (/^[0-9]+$/.test(name)) {
      // Go's extract: a number too large for an int is not a number but a name (which no group has).
      index = name.length > 9 ? -1 : Number(name);
    } else {
      for (const [k, v] of re.names) if (v === name) index = k;
    }
    if (index >= 0 && index < groups.length) out += groups[index] ?? '';
  }
  return out + rest;
}

/*
 * A conservative reading of Go RE2 syntax (Perl flags, as Loki parses line
 * filters) for two speed-ups that never change an answer:
 *
 * - the literals every match must contain, so that a scan can skip a line
 *   whose text has none of them before it renders the line (Loki's own
 *   filter.go turns `|~ "foo"` into a contains filter for the same reason);
 * - a matcher without RE2 for the common shape `lit(.*lit)*` (each `.*` may be
 *   `.+`), used on lines without a newline, where `.` matches every character.
 *
 * Any syntax outside the subset read here (a flag group such as `(?i)`,
 * `{n,m}`, `\Q…\E`, `\p{…}`, `\x41`) gives no literals and no fast matcher:
 * RE2 alone decides.
 */

/** One top-level element of a pattern: a literal character, `.`, a zero-width assertion, or anything else (a group, a class). */
type Item = { kind: 'char'; c: string; quant: string } | { kind: 'any' | 'zero' | 'opaque'; quant: string };

/** ASCII punctuation: `\` before one of these is the character itself (Go's regexp/syntax). */
const PUNCT = /^[!-/:-@[-`{-~]$/;
const CONTROL_ESCAPES: Record<string, string> = { a: '\x07', f: '\f', t: '\t', n: '\n', r: '\r', v: '\v' };

/** Index just past the character class that opens at `i` (`[`), or -1. */
function skipClass(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  while (j < p.length) {
    const c = p[j]!;
    if (c === '\\') j += 2;
    else if (c === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':]', j + 2);
      if (end < 0) return -1;
      j = end + 2;
    } else if (c === ']') return j + 1;
    else j++;
  }
  return -1;
}

/** Index just past the group that opens at `i` (`(`), or -1. */
function skipGroup(p: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < p.length) {
    const c = p[j]!;
    if (c === '\\') j += 2;
    else if (c === '[') {
      j = skipClass(p, j);
      if (j < 0) return -1;
    } else {
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j + 1;
      j++;
    }
  }
  return -1;
}

/** The top-level alternatives of a pattern as items, or undefined outside the subset. */
function readPattern(p: string): Item[][] | undefined {
  const alternatives: Item[][] = [[]];
  let items = alternatives[0]!;
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) return undefined;
    if (c === '*' || c === '+' || c === '?') {
      const last = items[items.length - 1];
      if (last === undefined || last.quant !== '' || last.kind === 'zero') return undefined;
      last.quant = c;
      i++;
      if (p[i] === '?') i++; // lazy: the same set of lines match
      continue;
    }
    if (c === '{' || c === ')') return undefined;
    if (c === '|') {
      items = [];
      alternatives.push(items);
      i++;
      continue;
    }
    if (c === '.') items.push({ kind: 'any', quant: '' });
    else if (c === '^' || c === '$') items.push({ kind: 'zero', quant: '' });
    else if (c === '[') {
      const end = skipClass(p, i);
      if (end < 0) return undefined;
      items.push({ kind: 'opaque', quant: '' });
      i = end;
      continue;
    } else if (c === '(') {
      // A flag group without a body, `(?i)`, changes what follows: outside the subset.
      if (p[i + 1] === '?' && !/^\(\?(?:P?<|[a-zA-Z-]*:)/.test(p.slice(i, i + 4 + 60))) return undefined;
      const end = skipGroup(p, i);
      if (end < 0) return undefined;
      items.push({ kind: 'opaque', quant: '' });
      i = end;
      continue;
    } else if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) return undefined;
      if (PUNCT.test(e)) items.push({ kind: 'char', c: e, quant: '' });
      else if (Object.hasOwn(CONTROL_ESCAPES, e)) items.push({ kind: 'char', c: CONTROL_ESCAPES[e]!, quant: '' });
      else if ('dDsSwW'.includes(e)) items.push({ kind: 'opaque', quant: '' });
      else if ('bBAz'.includes(e)) items.push({ kind: 'zero', quant: '' });
      else return undefined;
      i += 2;
      continue;
    } else items.push({ kind: 'char', c, quant: '' });
    i++;
  }
  return alternatives;
}

/**
 * The literals a match of `source` must contain, per top-level alternative
 * (a line can match only when, for some alternative, it contains every
 * literal of it), or undefined when some alternative has none or the pattern
 * is outside the subset read here.
 *
 * @example requiredLiterals('Refactored .* to validate') // [['Refactored ', ' to validate']]
 */
export function requiredLiterals(source: string): string[][] | undefined {
  const alternatives = readPattern(source);
  if (alternatives === undefined) return undefined;
  const out: string[][] = [];
  for (const items of alternatives) {
    const runs: string[] = [];
    let run = '';
    const flush = (): void => {
      if (run !== '') runs.push(run);
      run = '';
    };
    for (const it of items) {
      if (it.kind === 'char' && (it.quant === '' || it.quant === '+')) {
        run += it.c;
        if (it.quant === '+') flush();
      } else flush();
    }
    flush();
    if (runs.length === 0) return undefined;
    out.push(runs);
  }
  return out;
}

/**
 * A matcher for patterns of the shape `lit(.*lit)*` (literals joined by `.*`
 * or `.+`, optionally led or ended by them), exact on an input without `\n`:
 * there `.` matches any character, and the earliest occurrence of each
 * literal after the previous one is a match whenever one exists.
 */
function literalChain(source: string): ((input: string) => boolean) | undefined {
  const alternatives = readPattern(source);
  if (alternatives === undefined || alternatives.length !== 1) return undefined;
  // Literals, each with the least number of characters before it (after the previous literal).
  const parts: { lit: string; gap: number }[] = [];
  let lit = '';
  let gap = 0;
  for (const it of alternatives[0]!) {
    if (it.kind === 'char' && it.quant === '') lit += it.c;
    else if (it.kind === 'any' && (it.quant === '*' || it.quant === '+')) {
      if (lit !== '') parts.push({ lit, gap });
      if (lit !== '') gap = 0;
      lit = '';
      // More than one character would count code points, not UTF-16 units.
      gap += it.quant === '+' ? 1 : 0;
      if (gap > 1) return undefined;
    } else return undefined;
  }
  if (lit !== '') {
    parts.push({ lit, gap });
    gap = 0;
  }
  const tail = gap;
  return (input) => {
    let at = 0;
    for (const p of parts) {
      const found = input.indexOf(p.lit, at + p.gap);
      if (found < 0) return false;
      at = found + p.lit.length;
    }
    return input.length - at >= tail;
  };
}

/** The literal characters of a pattern read by `readPattern` (for the `lit(.*lit)*` shape). */
function literalText(source: string): string {
  let out = '';
  for (const alt of readPattern(source) ?? []) for (const it of alt) if (it.kind === 'char') out += it.c;
  return out;
}
