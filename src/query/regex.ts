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
}

const cache = new Map<string, LogqlRegex>();
const utf8 = new TextEncoder();

/**
 * Compiles a LogQL (Go RE2) regular expression with RE2 semantics.
 * `anchored` wraps it in `^(?:...)$`, as Loki does for label matchers
 * (`=~` / `!~` match the whole value); line filters match anywhere.
 *
 * @throws Error whose message is Go's, e.g.
 *   "error parsing regexp: invalid or unsupported Perl syntax: `(?=`", when
 *   RE2 rejects the pattern; the parser turns it into a `syntax` QueryError.
 * @example compileRegex('err(or)?', false).test('an error') // true
 */
export function compileRegex(source: string, anchored: boolean): LogqlRegex {
  const key = `${anchored ? 'a' : 'u'}:${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(anchored ? `^(?:${source})$` : source);
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
  const compiled: LogqlRegex = { source, test: (input) => (input.length > 128 ? re.test(utf8.encode(input)) : re.test(input)) };
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
