import { RE2JS } from 're2js';
import { ownLabel } from './labels.js';
import { QueryError } from './types.js';
import { UnquoteError, unquote } from './unquote.js';

/*
 * The part of Go's text/template that `| line_format` and `| label_format`
 * use in practice, with Loki's functions (pkg/logql/log/fmt.go and the sprig
 * functions it imports): text, `{{.label}}`, `{{__line__}}`, pipelines
 * (`{{ .a | default "-" }}`), calls with arguments (`{{ div .ms 1000 }}`,
 * `{{ Replace .q "\n" "" -1 }}`, `{{ __line__ | count "re" }}`,
 * `{{ printf "%-10.10s" .a }}`) and parentheses. Loki runs templates with
 * `missingkey=zero`: a missing label renders as "". Arguments are checked
 * as Go checks them when the template is compiled; a template outside this
 * subset (other functions, `if` / `range`, `now` and `__timestamp__`, whose
 * answers depend on the time the query runs or a time type, a call Go would
 * fail on every line) is refused ("run it on Loki"), never rendered
 * differently. A call that fails on some lines only (a division by zero)
 * fails as on Loki: the entry keeps its line and gets
 * `__error__="TemplateFormatErr"` with Go's message in `__error_details__`.
 */

/** A compiled template: render with the current labels and line. @throws TemplateExecError */
export type Template = (labels: Record<string, string>, line: string) => string;

/** A template that failed on one entry, with Go's error text (Loki's `__error_details__`). */
export class TemplateExecError extends Error {}

/** Static types of template values: Go's `string`, `int` (int64 results, integer constants), `float` (float constants), or either. */
type Type = 'string' | 'int' | 'float' | 'any';
type Value = string | bigint | number;

interface Fn {
  params: Type[];
  /** The type of the remaining arguments, for a variadic function. */
  rest?: Type;
  result: (args: Type[]) => Type;
  call: (args: Value[], fail: (message: string) => never) => Value;
}

const str = (f: (s: string) => string): Fn => ({ params: ['string'], result: () => 'string', call: (a) => f(a[0] as string) });

/** Go's strings.TrimSpace / sprig's trim: Unicode White_Space at both ends. */
const trimSpace = (s: string): string => s.replace(/^[\s\u0085]+|[\s\u0085]+$/g, '');

/** Sprig's `empty` for the values a template here can hold. */
const empty = (v: Value): boolean => v === '' || v === 0n || v === 0;

/** spf13/cast's ToInt64 (sprig's toInt64): a string as strconv.ParseInt(s, 0, 64) after cutting a decimal part; 0 when that fails. */
function toInt64(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  let s = v;
  if (s === '') return 0n;
  if (s.includes('.')) {
    const m = /^([-+]?[0-9]*)(\.[0-9]*)?$/.exec(s);
    if (m !== null) s = m[1] === '-' || m[1] === '+' ? `${m[1]}0` : m[1] === '' ? '0' : m[1]!;
  }
  return parseGoInt(s) ?? 0n;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 0, 64): sign, base prefix (0x, 0o, 0b, a leading 0 for octal), `_` between digits (Go's underscoreOK). */
function parseGoInt(s: string): bigint | undefined {
  const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
  const body = s.slice(sign.length);
  let digits: string;
  let radix: 'x' | 'o' | 'b' | '';
  if (/^0[xX]/.test(body)) [radix, digits] = ['x', body.slice(2)];
  else if (/^0[oO]/.test(body)) [radix, digits] = ['o', body.slice(2)];
  else if (/^0[bB]/.test(body)) [radix, digits] = ['b', body.slice(2)];
  else if (body.length > 1 && body[0] === '0') [radix, digits] = ['o', body.slice(1)];
  else [radix, digits] = ['', body];
  if (body.includes('_') && !underscoreOK(body)) return undefined;
  digits = digits.replace(/_/g, '');
  const valid = radix === 'x' ? /^[0-9a-fA-F]+$/ : radix === 'o' ? /^[0-7]+$/ : radix === 'b' ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  let n = BigInt(radix === '' ? digits : `0${radix}${digits}`);
  if (sign === '-') n = -n;
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** Go's strconv underscoreOK: each `_` follows a digit (or the base prefix) and precedes one. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go's int64 division: truncated toward zero, wrapping on MinInt64 / -1. */
function div64(a: bigint, b: bigint, fail: (m: string) => never): bigint {
  if (b === 0n) fail('runtime error: integer divide by zero');
  return BigInt.asIntN(64, a / b);
}

/** Go's strings.Replace. */
function goReplace(s: string, old: string, repl: string, n: bigint): string {
  if (old === repl || n === 0n) return s;
  if (old === '') {
    const runes = Array.from(s);
    const limit = n < 0n ? runes.length + 1 : Number(n < BigInt(runes.length + 1) ? n : BigInt(runes.length + 1));
    let out = '';
    for (let i = 0; i < runes.length; i++) out += (i < limit ? repl : '') + runes[i]!;
    return out + (runes.length < limit ? repl : '');
  }
  let out = '';
  let at = 0;
  for (let done = 0n; n < 0n || done < n; done++) {
    const i = s.indexOf(old, at);
    if (i < 0) break;
    out += s.slice(at, i) + repl;
    at = i + old.length;
  }
  return out + s.slice(at);
}

/** Go's Regexp.FindAllStringIndex count: successive non-overlapping matches; an empty match right after a match is not one. */
function countMatches(re: RE2JS, s: string): number {
  const m = re.matcher(s);
  let count = 0;
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    let accept = true;
    if (end === start) {
      if (start === prevEnd) accept = false;
      const c = s.codePointAt(end);
      pos = end + (c === undefined ? 1 : c > 0xffff ? 2 : 1);
    } else pos = end;
    prevEnd = end;
    if (accept) count++;
  }
  return count;
}

const FUNCTIONS: Record<string, Fn> = {
  ToUpper: str((s) => s.toUpperCase()),
  ToLower: str((s) => s.toLowerCase()),
  upper: str((s) => s.toUpperCase()),
  lower: str((s) => s.toLowerCase()),
  TrimSpace: str(trimSpace),
  trim: str(trimSpace),
  title: str((s) => s.replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())),
  // sprig: toInt64(a) / toInt64(b).
  div: {
    params: ['any', 'any'],
    result: () => 'int',
    call: (a, fail) => div64(toInt64(a[0]!), toInt64(a[1]!), fail),
  },
  // Go's strings.Replace(s, old, new, n).
  Replace: {
    params: ['string', 'string', 'string', 'int'],
    result: () => 'string',
    call: (a) => goReplace(a[0] as string, a[1] as string, a[2] as string, a[3] as bigint),
  },
  // sprig's default: the value when it is not empty, else the default.
  default: {
    params: ['any'],
    rest: 'any',
    result: (args) => (args.every((t) => t === 'string') ? 'string' : 'any'),
    call: (a) => (a.length < 2 || empty(a[1]!) ? a[0]! : a[1]!),
  },
  // Loki's count: the matches of a Go regular expression.
  count: {
    params: ['string', 'string'],
    result: () => 'int',
    call: (a) => BigInt(countMatches(compiledRe(a[0] as string), a[1] as string)),
  },
  printf: {
    params: ['string'],
    rest: 'any',
    result: () => 'string',
    call: (a) => goSprintf(a[0] as string, a.slice(1)),
  },
};

const regexes = new Map<string, RE2JS>();
function compiledRe(source: string): RE2JS {
  let re = regexes.get(source);
  if (re === undefined) {
    re = RE2JS.compile(source);
    if (regexes.size > 100) regexes.clear();
    regexes.set(source, re);
  }
  return re;
}

/** The verbs of a printf format this port renders: `%%`, and `%s` / `%v` / `%d` with `-`, a width and (for strings) a precision. */
const VERB = /%([-+# 0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])/g;

function padRunes(s: string, width: number, left: boolean): string {
  const n = Array.from(s).length;
  if (n >= width) return s;
  const pad = ' '.repeat(width - n);
  return left ? s + pad : pad + s;
}

/** Go's fmt.Sprintf for the checked subset (see `checkPrintf`). */
function goSprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(VERB, (_m, flags: string, width: string, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++]!;
    let s: string;
    if (typeof v === 'string') {
      s = v;
      if (precision !== undefined)
        s = Array.from(s)
          .slice(0, precision === '' ? 0 : Number(precision))
          .join('');
    } else s = String(v);
    return padRunes(s, width === '' ? 0 : Number(width), flags.includes('-'));
  });
}

/** Checks a literal printf format against its arguments' types; a reason when Go would print something else than this port. */
function checkPrintf(format: string, args: Type[]): string | undefined {
  let n = 0;
  for (const m of format.matchAll(VERB)) {
    const [, flags, , precision, verb] = m;
    if (verb === '%') {
      if (m[0] !== '%%') return 'a flagged %%';
      continue;
    }
    const t = args[n++];
    if (t === undefined) return 'a missing argument';
    if (/[+# 0]/.test(flags!)) return `the flags ${flags}`;
    if (verb === 's' || verb === 'v') {
      if (t !== 'string' && !(verb === 'v' && t === 'int' && precision === undefined)) return `%${verb} of ${t}`;
    } else if (verb === 'd') {
      if (t !== 'int' || precision !== undefined) return `%d of ${t}`;
    } else return `the verb %${verb}`;
  }
  // A `%` that is not a verb read above (`%!`, a trailing `%`).
  if (format.replace(VERB, '').includes('%')) return 'an unrecognised verb';
  if (n !== args.length) return 'extra arguments';
  return undefined;
}

/** Tokens of an action. */
type Token =
  | { kind: 'field'; name: string; pos: number; text: string }
  | { kind: 'ident'; name: string; pos: number; text: string }
  | { kind: 'string'; value: string; pos: number; text: string }
  | { kind: 'number'; value: bigint | number; pos: number; text: string }
  | { kind: 'pipe' | 'open' | 'close'; pos: number; text: string };

/** A compiled pipeline: runs with the labels and line; its static type. */
interface Compiled {
  type: Type;
  run: (labels: Record<string, string>, line: string) => Value;
  /** Go's String() of the node (for error messages). */
  text: string;
}

/**
 * Compiles a line_format / label_format template.
 *
 * @param name Go's template name, `line` for line_format and `label` for label_format (in error messages).
 * @throws QueryError `unsupported` for template syntax outside the subset.
 */
export function compileTemplate(source: string, name: 'line' | 'label' = 'line'): Template {
  const parts: (string | Compiled)[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      parts.push(source.slice(i));
      break;
    }
    let textEnd = open;
    let start = open + 2;
    if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
      // `{{- ` trims the whitespace before it.
      while (textEnd > i && /\s/.test(source[textEnd - 1]!)) textEnd--;
      start += 2;
    }
    if (textEnd > i) parts.push(source.slice(i, textEnd));
    const close = findClose(source, start);
    if (close < 0) throw new QueryError('syntax', `invalid template ${JSON.stringify(source)}: unclosed action`);
    let end = close;
    let next = close + 2;
    if (end - 2 >= start && source[end - 1] === '-' && /\s/.test(source[end - 2]!)) {
      end -= 2;
      while (next < source.length && /\s/.test(source[next]!)) next++;
    }
    parts.push(action(source, start, end, name));
    i = next;
  }
  return (labels, line) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : print(p.run(labels, line));
    return out;
  };
}

/** The `}}` that closes an action opened before `from`, skipping quoted strings. */
function findClose(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '`') {
      i = s.indexOf('`', i + 1);
      if (i < 0) return -1;
    } else if (c === '}' && s[i + 1] === '}') return i;
  }
  return -1;
}

/** How text/template prints a value. */
function print(v: Value): string {
  return typeof v === 'string' ? v : String(v);
}

/** Go's String() of a number node is its text; of a string node, its quoted text. */
function action(source: string, from: number, to: number, name: string): Compiled {
  const inner = source.slice(from, to);
  const refuse = (why?: string): never => {
    throw new QueryError(
      'unsupported',
      `the template ${JSON.stringify(source)} uses {{${inner.trim()}}}${why !== undefined ? ` (${why})` : ''}, which the local engine does not render; run the query on Loki`,
    );
  };
  const tokens = tokenize(source, from, to, refuse);
  let at = 0;
  const pipeline = (): Compiled => {
    const commands: { fn?: string; fnPos: number; args: Compiled[]; text: string }[] = [];
    for (;;) {
      const args: Compiled[] = [];
      let fn: string | undefined;
      const first = tokens[at];
      if (first === undefined || first.kind === 'pipe' || first.kind === 'close') refuse('an empty command');
      const fnPos = first!.pos;
      const texts: string[] = [];
      if (first!.kind === 'ident' && first!.name !== '__line__') {
        fn = first!.name;
        if (!Object.hasOwn(FUNCTIONS, fn)) refuse(`the function ${fn}`);
        texts.push(fn);
        at++;
      }
      while (at < tokens.length && tokens[at]!.kind !== 'pipe' && tokens[at]!.kind !== 'close') {
        const arg = operand();
        texts.push(arg.text);
        args.push(arg);
      }
      if (fn === undefined && args.length !== 1) refuse(`${texts[0]} is not a function`);
      commands.push({ fn, fnPos, args, text: texts.join(' ') });
      if (tokens[at]?.kind !== 'pipe') break;
      at++;
    }
    let current: Compiled | undefined;
    for (const cmd of commands) {
      const args = [...cmd.args];
      if (current !== undefined) {
        if (cmd.fn === undefined) refuse('a pipe into a value');
        args.push(current);
      }
      if (cmd.fn === undefined) {
        current = args[0]!;
        continue;
      }
      const fn = FUNCTIONS[cmd.fn]!;
      const types = args.map((a) => a.type);
      if (types.length < fn.params.length || (fn.rest === undefined && types.length > fn.params.length)) refuse(`wrong number of arguments for ${cmd.fn}`);
      for (let k = 0; k < types.length; k++) {
        const want = k < fn.params.length ? fn.params[k]! : fn.rest!;
        if (!assignable(types[k]!, want, args[k]!)) refuse(`${cmd.fn} takes ${want}, not ${types[k]}`);
        // Go prints a float64 otherwise than JavaScript (1e-06): only div, which truncates it, takes one.
        if (types[k] === 'float' && cmd.fn !== 'div' && want !== 'int') refuse(`${cmd.fn} of a floating-point value`);
      }
      if (cmd.fn === 'count') {
        const re = args[0]!;
        if (!/^"|^`/.test(re.text)) refuse('count of a computed expression');
        try {
          compiledRe(re.run({}, '') as string);
        } catch {
          refuse('an invalid regular expression');
        }
      }
      if (cmd.fn === 'printf') {
        if (!/^"|^`/.test(args[0]!.text)) refuse('printf with a computed format');
        const why = checkPrintf(args[0]!.run({}, '') as string, types.slice(1));
        if (why !== undefined) refuse(`printf with ${why}`);
      }
      const text = cmd.text;
      const location = goLocation(source, cmd.fnPos, name);
      const fail = (message: string): never => {
        const context = Array.from(text).length > 20 ? `${Array.from(text).slice(0, 20).join('')}...` : text;
        throw new TemplateExecError(`template: ${location}: executing "${name}" at <${context}>: error calling ${cmd.fn}: ${message}`);
      };
      const runs = args.map((a) => a.run);
      const call = fn.call;
      current = {
        type: fn.result(types),
        text,
        run: (l, line) =>
          call(
            runs.map((r) => r(l, line)),
            fail,
          ),
      };
    }
    const result = current!;
    return commands.length === 1 ? result : { ...result, text: commands.map((c) => c.text).join(' | ') };
  };
  const operand = (): Compiled => {
    const t = tokens[at++]!;
    switch (t.kind) {
      case 'field': {
        const label = t.name;
        return { type: 'string', text: t.text, run: (l) => ownLabel(l, label) ?? '' };
      }
      case 'ident':
        if (t.name === '__line__') return { type: 'string', text: t.text, run: (_l, line) => line };
        return refuse(`the function ${t.name} as an argument`);
      case 'string': {
        const v = t.value;
        return { type: 'string', text: t.text, run: () => v };
      }
      case 'number': {
        const v = t.value;
        return { type: typeof v === 'bigint' ? 'int' : 'float', text: t.text, run: () => v };
      }
      case 'open': {
        const inner = pipeline();
        if (tokens[at++]?.kind !== 'close') refuse('an unclosed parenthesis');
        return { ...inner, text: `(${inner.text})` };
      }
      default:
        return refuse();
    }
  };
  if (tokens.length === 0) refuse('an empty action');
  const compiled = pipeline();
  if (at !== tokens.length) refuse();
  // A pipeline whose value may be a number of either kind prints as Go prints it only for strings and integers.
  if (compiled.type === 'float') refuse('a floating-point result');
  return compiled;
}

/** Whether a value of type `have` passes for a parameter of type `want` (Go's argument check; untyped constants convert). */
function assignable(have: Type, want: Type, arg: Compiled): boolean {
  if (want === 'any') return true;
  if (have === want) return true;
  // An untyped float constant with an integer value converts to int.
  if (want === 'int' && have === 'float' && /^-?[0-9.eE+]+$/.test(arg.text)) return Number.isInteger(arg.run({}, '') as number);
  return false;
}

/** Go's ErrorContext location: name:line:byte-column (0-based on the first line). */
function goLocation(source: string, pos: number, name: string): string {
  const before = new TextEncoder().encode(source.slice(0, pos));
  let lastNl = -1;
  let line = 1;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === 0x0a) {
      lastNl = i;
      line++;
    }
  }
  const col = lastNl < 0 ? before.length : before.length - (lastNl + 1);
  return `${name}:${line}:${col}`;
}

function tokenize(source: string, from: number, to: number, refuse: (why?: string) => never): Token[] {
  const out: Token[] = [];
  let i = from;
  while (i < to) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '|') out.push({ kind: 'pipe', pos: i++, text: '|' });
    else if (c === '(') out.push({ kind: 'open', pos: i++, text: '(' });
    else if (c === ')') out.push({ kind: 'close', pos: i++, text: ')' });
    else if (c === '"') {
      i++;
      while (i < to && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      if (i >= to) refuse('an unterminated string');
      i++;
      const text = source.slice(start, i);
      let value: string;
      try {
        value = unquote(text);
      } catch (e) {
        // What Go refuses, Loki's template parser refuses too: a syntax error, not something to run on Loki instead.
        if (e instanceof UnquoteError && e.reason === 'syntax') throw new QueryError('syntax', `invalid template ${JSON.stringify(source)}: ${e.message}`);
        return refuse((e as Error).message);
      }
      out.push({ kind: 'string', value, pos: start, text });
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0 || end >= to) refuse('an unterminated string');
      i = end + 1;
      const text = source.slice(start, i);
      out.push({ kind: 'string', value: text.slice(1, -1).replace(/\r/g, ''), pos: start, text });
    } else if (c === '.') {
      const m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(source.slice(i, to));
      if (m === null) refuse('the dot or a field chain');
      i += m![0].length;
      if (source[i] === '.') refuse('a field chain');
      out.push({ kind: 'field', name: m![1]!, pos: start, text: m![0] });
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/.exec(source.slice(i, to));
      if (m === null) refuse();
      const text = m![0];
      i += text.length;
      if (i < to && /[A-Za-z0-9_.]/.test(source[i]!)) refuse(`the number ${text}${source[i]}`);
      if (/^[-+]?[0-9]+$/.test(text)) {
        const v = BigInt(text);
        if (v < INT64_MIN || v > INT64_MAX) refuse('an integer beyond int64');
        out.push({ kind: 'number', value: v, pos: start, text });
      } else out.push({ kind: 'number', value: Number(text), pos: start, text });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, to))!;
      i += m[0].length;
      if (['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false'].includes(m[0])) refuse(`${m[0]}`);
      out.push({ kind: 'ident', name: m[0], pos: start, text: m[0] });
    } else refuse();
  }
  return out;
}
