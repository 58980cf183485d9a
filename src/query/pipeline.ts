import type { Extraction, LabelFilter, LabelMatcher, LabelSelectItem, LineFilter, Stage } from './ast.js';
import { lineOf, type Entry } from './entry.js';
import { putLabel } from './labels.js';
import { goJson, goNumber } from './go-json.js';
import { LogfmtDecoder } from './logfmt.js';
import { compare } from './arithmetic.js';
import { compileTemplate, TemplateExecError, type Template } from './template.js';
import type { LogqlRegex, LogqlSubmatchRegex } from './regex.js';
import type { PatternParser } from './pattern.js';
import { parseBytes, parseGoDuration } from './units.js';

/*
 * A log pipeline as Loki runs it (pkg/logql/log): each stage sees the current
 * line and labels and may drop the entry. Labels are the stream labels and
 * structured metadata of the entry, plus what parsers and formatters add;
 * `__error__` / `__error_details__` record a parser's or filter's failure.
 */

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';

/**
 * An entry on its way through a pipeline. Labels are the entry's own (shared,
 * never written) plus an overlay of what stages set or removed, so that a
 * parser that adds five labels does not copy the other fifteen.
 */
export interface Row {
  entry: Entry;
  /** The current line, once a stage changed it (`line_format`); else the entry's line. */
  line: string | undefined;
  /** Labels set by stages (parsers, formatters, errors). */
  extra: Record<string, string> | undefined;
  /** Entry labels removed by stages (`keep`, `drop`, renames). */
  removed: Set<string> | undefined;
  /**
   * Labels a parser or formatter set on this entry (Loki's parser hints
   * `RecordExtracted`): a later parser does not overwrite them, so the first
   * parser to extract a label wins.
   */
  extracted: Set<string> | undefined;
}

export function newRow(entry: Entry): Row {
  return { entry, line: undefined, extra: undefined, removed: undefined, extracted: undefined };
}

export function rowLine(r: Row): string {
  return r.line ?? lineOf(r.entry);
}

/** A label's current value. */
export function getLabel(r: Row, name: string): string | undefined {
  const v = r.extra !== undefined && Object.hasOwn(r.extra, name) ? r.extra[name] : undefined;
  if (v !== undefined) return v;
  if (r.removed?.has(name) === true) return undefined;
  return r.entry.label(name);
}

export function setLabel(r: Row, name: string, value: string): void {
  // A plain object stays fast; a `__proto__` label must not become its prototype.
  putLabel((r.extra ??= {}), name, value);
}

/** Sets a parsed label (Loki's `Set(ParsedLabel, …)`), recording it as extracted. */
export function setParsed(r: Row, name: string, value: string): void {
  putLabel((r.extra ??= {}), name, value);
  (r.extracted ??= new Set()).add(name);
}

function extracted(r: Row, name: string): boolean {
  return r.extracted?.has(name) === true;
}

export function deleteLabel(r: Row, name: string): void {
  if (r.extra !== undefined) delete r.extra[name];
  if (r.entry.label(name) !== undefined) (r.removed ??= new Set()).add(name);
}

/** All current labels, as a new object (or the entry's own when no stage touched them: do not mutate). */
export function rowLabels(r: Row): Record<string, string> {
  if (r.extra === undefined && r.removed === undefined) return r.entry.labels;
  const out: Record<string, string> = {};
  const base = r.entry.labels;
  for (const k in base) if (r.removed?.has(k) !== true) out[k] = base[k]!;
  if (r.extra !== undefined) for (const k in r.extra) putLabel(out, k, r.extra[k]!);
  return out;
}

function setError(r: Row, error: string, details?: string): void {
  if (getLabel(r, ERROR_LABEL) !== undefined) return;
  setLabel(r, ERROR_LABEL, error);
  if (details !== undefined) setLabel(r, ERROR_DETAILS_LABEL, details);
}

/** A compiled stage: false drops the entry. */
type Step = (r: Row) => boolean;

/** Compiles a pipeline. */
export function compilePipeline(stages: readonly Stage[]): (r: Row) => boolean {
  const steps = stages.map(compileStage);
  if (steps.length === 0) return () => true;
  return (r) => {
    for (let i = 0; i < steps.length; i++) if (!steps[i]!(r)) return false;
    return true;
  };
}

function compileStage(stage: Stage): Step {
  switch (stage.kind) {
    case 'line_filter':
      return compileLineFilter(stage.filter);
    case 'json':
      return stage.params !== undefined ? jsonParams(stage.params) : stage.only !== undefined ? jsonOnly(stage.only) : jsonAll;
    case 'logfmt':
      return logfmtStage(stage.params, stage.strict, stage.keepEmpty);
    case 'regexp':
      return regexpStage(stage.re);
    case 'unpack':
      return unpack;
    case 'pattern':
      return patternStage(stage.parser);
    case 'label_filter': {
      const f = compileLabelFilter(stage.filter);
      return f;
    }
    case 'line_format': {
      const t = compileTemplate(stage.template, 'line');
      return (r) => {
        try {
          r.line = t(rowLabels(r), rowLine(r));
        } catch (e) {
          // Loki's LineFormatter: the entry keeps its line and gets the error.
          if (!(e instanceof TemplateExecError)) throw e;
          setError(r, 'TemplateFormatErr', e.message);
        }
        return true;
      };
    }
    case 'label_format':
      return labelFormat(stage.items);
    case 'keep':
      return keep(stage.items);
    case 'drop':
      return drop(stage.items);
    case 'decolorize':
      return (r) => {
        const line = rowLine(r);
        // ANSI colour sequences, as Loki's decolorize removes them.
        const clean = line.replace(/\u001b\[[0-9;]*m/g, '');
        if (clean !== line) r.line = clean;
        return true;
      };
  }
}

/** Line filters; exported for the engine's raw-line prefilter. */
export function compileLineFilter(f: LineFilter): Step {
  const values = f.values;
  const ip = f.ip;
  if (ip !== undefined) {
    const want = f.op === '|=';
    return (r) => ip.test(rowLine(r)) === want;
  }
  switch (f.op) {
    case '|=': {
      if (values.some((v) => v === '')) return () => true;
      if (values.length === 1) {
        const v = values[0]!;
        return (r) => rowLine(r).includes(v);
      }
      return (r) => {
        const line = rowLine(r);
        return values.some((v) => line.includes(v));
      };
    }
    case '!=': {
      return (r) => {
        const line = rowLine(r);
        for (const v of values) if (line.includes(v)) return false;
        return true;
      };
    }
    case '|~': {
      const res = f.res!;
      const shortcut = jsonStringShortcut(res);
      return (r) => {
        if (shortcut?.(r) === true) return true;
        const line = rowLine(r);
        return res.some((re) => re.test(line));
      };
    }
    case '!~': {
      const res = f.res!;
      const shortcut = jsonStringShortcut(res);
      return (r) => {
        if (shortcut?.(r) === true) return false;
        const line = rowLine(r);
        return !res.some((re) => re.test(line));
      };
    }
    case '|>': {
      const patterns = f.patterns!;
      return (r) => {
        const line = rowLine(r);
        return patterns.some((p) => p(line));
      };
    }
    case '!>': {
      const patterns = f.patterns!;
      return (r) => {
        const line = rowLine(r);
        return !patterns.some((p) => p(line));
      };
    }
  }
}

/**
 * A match found without rendering the line: while the line is the entry's
 * own, not yet rendered, and its body is an object (rendered as JSON), a
 * `lit.*lit` pattern that matches within one string of the body matches the
 * rendering too (go-json.ts writes the string with its newlines escaped and
 * the literals as they are). Only ever says "matches"; otherwise the line is
 * rendered and matched.
 */
function jsonStringShortcut(res: readonly LogqlRegex[]): ((r: Row) => boolean) | undefined {
  const tests = res.map((re) => re.inJsonString);
  if (tests.some((t) => t === undefined)) return undefined;
  const found = (v: unknown): boolean => {
    if (typeof v === 'string') {
      for (const t of tests) if (t!(v)) return true;
      return false;
    }
    if (typeof v !== 'object' || v === null) return false;
    if (Array.isArray(v)) {
      for (const x of v) if (found(x)) return true;
      return false;
    }
    for (const k in v as Record<string, unknown>) if (Object.hasOwn(v, k) && found((v as Record<string, unknown>)[k])) return true;
    return false;
  };
  return (r) => r.line === undefined && r.entry.line === undefined && typeof r.entry.body === 'object' && r.entry.body !== null && found(r.entry.body);
}

/** Loki's sanitizeLabelKey: trimmed, a leading digit prefixed with `_`, other characters than [A-Za-z0-9_] as `_`. */
const sanitized = new Map<string, string>();

export function sanitizeKey(key: string, isPrefix: boolean): string {
  if (isPrefix) {
    const hit = sanitized.get(key);
    if (hit !== undefined) return hit;
    const v = sanitizeKeyUncached(key, true);
    if (sanitized.size < 10_000) sanitized.set(key, v);
    return v;
  }
  return sanitizeKeyUncached(key, false);
}

function sanitizeKeyUncached(key: string, isPrefix: boolean): string {
  let k = key.trim();
  if (k === '') return k;
  if (isPrefix && k.charCodeAt(0) >= 0x30 && k.charCodeAt(0) <= 0x39) k = '_' + k;
  return /^[A-Za-z0-9_]*$/.test(k) ? k : Array.from(k, (c) => (/[A-Za-z0-9_]/.test(c) ? c : '_')).join('');
}

/** True when `name` is a stream label or structured metadata of the entry (a parsed label of that name gets `_extracted`). */
function baseHas(r: Row, name: string): boolean {
  return r.entry.label(name) !== undefined;
}

/** The value of a parsed JSON scalar as Loki's `readValue` gives it. */
function jsonScalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.includes('\ufffd') ? v.replace(/\ufffd/g, ' ') : v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** The body value of the current line: the entry's own body while the line is unchanged, else the line parsed. */
function jsonValueOf(r: Row): { ok: true; value: unknown } | { ok: false; error: string } {
  if (r.line === undefined && typeof r.entry.body === 'object' && r.entry.body !== null) return { ok: true, value: r.entry.body };
  const line = rowLine(r);
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** jsonparser's MalformedObjectError: what Loki reports for a line that is not a JSON object. */
const MALFORMED_OBJECT = "Value looks like object, but can't find closing '}' symbol";

function jsonAll(r: Row): boolean {
  return jsonExtract(r, undefined);
}

/** `| json` setting only the labels in `only` (what the rest of the query reads): the same answer as {@link jsonAll}, less work. */
function jsonOnly(only: ReadonlySet<string>): Step {
  return (r) => jsonExtract(r, only);
}

function jsonExtract(r: Row, only: ReadonlySet<string> | undefined): boolean {
  const parsed = jsonValueOf(r);
  if (!parsed.ok) {
    const starts = rowLine(r).trimStart().startsWith('{');
    setError(r, 'JSONParserErr', starts ? parsed.error : MALFORMED_OBJECT);
    return true;
  }
  const v = parsed.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    setError(r, 'JSONParserErr', MALFORMED_OBJECT);
    return true;
  }
  const walk = (obj: Record<string, unknown>, prefix: string[]): void => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (typeof value === 'object' && value !== null) {
        if (Array.isArray(value)) continue;
        walk(value as Record<string, unknown>, [...prefix, key]);
        continue;
      }
      let name: string;
      if (prefix.length === 0) {
        name = sanitizeKey(key, true);
        if (name === '') continue;
        if (baseHas(r, name)) name += '_extracted';
      } else {
        name = joinPrefix([...prefix, key]);
        if (baseHas(r, name)) name = joinPrefix([...prefix, key + '_extracted']);
      }
      if (only !== undefined && !only.has(name)) continue;
      const text = jsonScalar(value);
      if (text === undefined) continue; // null
      if (extracted(r, name)) continue;
      setParsed(r, name, text);
    }
  };
  walk(v as Record<string, unknown>, []);
  return true;
}

function joinPrefix(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    const t = p.trim();
    if (t === '') continue;
    let s = sanitizeKey(t, false);
    if (out === '' && /^[0-9]/.test(s)) s = '_' + s;
    out = out === '' ? s : out + '_' + s;
  }
  return out;
}

/** A JSON path of `| json label="path"`: `a.b`, `a["b"]`, `a[0]`. */
function parseJsonPath(expr: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z0-9_$@-]+)|\[\s*(\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]/gy;
  let pos = 0;
  for (let m = re.exec(expr); m !== null; m = re.exec(expr)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(`"${m[3]}"`) as string);
    pos = re.lastIndex;
    if (pos >= expr.length) break;
  }
  if (pos !== expr.length) throw new Error(`invalid JSON path ${JSON.stringify(expr)}`);
  return out;
}

function jsonParams(params: readonly Extraction[]): Step {
  const paths = params.map((p) => ({ label: p.label, path: parseJsonPath(p.expr) }));
  return (r) => {
    const line = rowLine(r);
    const c = line.charCodeAt(0);
    if (line.length === 0) return true;
    if (c !== 0x22 && c !== 0x7b && c !== 0x5b) {
      setError(r, 'JSONParserErr');
      return true;
    }
    const parsed = jsonValueOf(r);
    if (!parsed.ok) {
      setError(r, 'JSONParserErr', parsed.error);
      return true;
    }
    for (const { label, path } of paths) {
      let cur: unknown = parsed.value;
      let found = true;
      for (const step of path) {
        if (typeof step === 'number') {
          if (!Array.isArray(cur) || step >= cur.length) {
            found = false;
            break;
          }
          cur = cur[step];
        } else {
          if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, step)) {
            found = false;
            break;
          }
          cur = (cur as Record<string, unknown>)[step];
        }
      }
      const name = baseHas(r, label) ? label + '_extracted' : label;
      if (!found) {
        if (getLabel(r, label) === undefined) setParsed(r, label, '');
        continue;
      }
      if (cur === null) setParsed(r, name, '');
      else if (typeof cur === 'object') setParsed(r, name, goJson(cur));
      else setParsed(r, name, jsonScalar(cur) ?? '');
    }
    return true;
  };
}

/**
 * Loki's RegexpParser (pkg/logql/log/parser.go): the named groups of the
 * leftmost match become labels (a group that took no part: ""); a line that
 * does not match keeps its labels and is not dropped.
 */
function regexpStage(re: LogqlSubmatchRegex): Step {
  const names = [...re.names].map(([i, name]) => [i, sanitizeKey(name, true)] as const).filter(([, key]) => key !== '');
  return (r) => {
    const groups = re.exec(rowLine(r));
    if (groups === undefined) return true;
    for (const [i, name] of names) {
      const key = baseHas(r, name) ? name + '_extracted' : name;
      if (extracted(r, key)) continue;
      setParsed(r, key, groups[i] ?? '');
    }
    return true;
  };
}

/**
 * Loki's PatternParser (pkg/logql/log/parser.go): the named captures matched
 * become labels (a line that ends early sets the ones matched so far); a
 * line that does not match keeps its labels and is not dropped.
 */
function patternStage(parser: PatternParser): Step {
  const names = parser.names;
  return (r) => {
    const values = parser.matches(rowLine(r));
    for (let i = 0; i < values.length; i++) {
      const name = baseHas(r, names[i]!) ? names[i]! + '_extracted' : names[i]!;
      if (extracted(r, name)) continue;
      setParsed(r, name, values[i]!);
    }
    return true;
  };
}

/** jsoniter's ObjectValue (6), in the error Loki's UnpackParser reports for a line that does not start with `{`. */
const NOT_AN_OBJECT = 'expecting json object(6), but it is not';

/**
 * Loki's UnpackParser (pkg/logql/log/parser.go): on a JSON object line
 * packed by Promtail's `pack` stage (it has a string `_entry`), each other
 * string field becomes a label and `_entry` becomes the line; a JSON object
 * without `_entry` is left as it is; a line that is not a JSON object gets
 * `__error__="JSONParserErr"`.
 */
function unpack(r: Row): boolean {
  const line = rowLine(r);
  if (line.length === 0) return true;
  if (line.charCodeAt(0) !== 0x7b) {
    setError(r, 'JSONParserErr', NOT_AN_OBJECT);
    return true;
  }
  const parsed = jsonValueOf(r);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    setError(r, 'JSONParserErr', parsed.ok ? MALFORMED_OBJECT : parsed.error);
    return true;
  }
  const obj = parsed.value as Record<string, unknown>;
  const packed = obj._entry;
  if (typeof packed !== 'string') return true;
  const pairs: [string, string][] = [];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (key === '_entry' || typeof value !== 'string') continue;
    const name = baseHas(r, key) ? key + '_extracted' : key;
    if (extracted(r, name)) continue;
    pairs.push([sanitizeKey(name, true), value.includes('\ufffd') ? value.replace(/\ufffd/g, ' ') : value]);
  }
  for (const [name, value] of pairs) setParsed(r, name, value);
  r.line = packed;
  return true;
}

/** Loki's LogfmtParser (all pairs) and LogfmtExpressionParser (`| logfmt a, b="key"`), pkg/logql/log/parser.go. */
function logfmtStage(params: readonly Extraction[] | undefined, strict: boolean, keepEmpty: boolean): Step {
  const dec = new LogfmtDecoder();
  if (params === undefined) {
    return (r) => {
      dec.reset(rowLine(r));
      while (!dec.eol()) {
        if (!dec.scanKeyval()) {
          if (strict) break;
          continue;
        }
        let name = sanitizeKey(dec.key!, true);
        if (name === '') continue;
        if (baseHas(r, name)) name += '_extracted';
        if (extracted(r, name)) continue;
        let value = dec.value ?? '';
        if (value.includes('\ufffd')) value = value.replace(/\ufffd/g, ' ');
        if (!keepEmpty && value === '') continue;
        setParsed(r, name, value);
      }
      if (strict && dec.err !== undefined) setError(r, 'LogfmtParserErr', dec.err);
      return true;
    };
  }
  // Label name -> the key it reads (the last of a repeated label wins, as a Go map).
  const keys = new Map<string, string>();
  for (const p of params) keys.set(p.label, p.expr);
  return (r) => {
    for (const id of keys.keys()) if (!baseHas(r, id)) setParsed(r, id, '');
    dec.reset(rowLine(r));
    while (!dec.eol()) {
      if (!dec.scanKeyval()) {
        if (strict) break;
        continue;
      }
      let key = sanitizeKey(dec.key!, true);
      if (key === '') continue;
      if (!keys.has(key) && extracted(r, key)) continue;
      let value = dec.value ?? '';
      if (value.includes('\ufffd')) value = '';
      for (const [id, orig] of keys) {
        if (key === orig) {
          key = id;
          break;
        }
      }
      if (!keys.has(key)) continue;
      if (baseHas(r, key)) {
        key += '_extracted';
        if (extracted(r, key)) break;
      }
      setParsed(r, key, value);
    }
    if (strict && dec.err !== undefined) setError(r, 'LogfmtParserErr', dec.err);
    return true;
  };
}

function labelFormat(items: readonly { dst: string; src?: string; template?: string }[]): Step {
  const compiled: { dst: string; src?: string; template?: Template }[] = items.map((i) =>
    i.template !== undefined ? { dst: i.dst, template: compileTemplate(i.template, 'label') } : { dst: i.dst, src: i.src! },
  );
  return (r) => {
    const line = rowLine(r);
    // As Loki's LabelsFormatter: a rename moves the current value, if any;
    // templates see the labels as they were at the first template.
    let snapshot: Record<string, string> | undefined;
    for (const c of compiled) {
      if (c.template === undefined) {
        const v = getLabel(r, c.src!);
        if (v !== undefined) {
          setLabel(r, c.dst, v);
          deleteLabel(r, c.src!);
        }
        continue;
      }
      snapshot ??= rowLabels(r);
      try {
        setLabel(r, c.dst, c.template(snapshot, line));
      } catch (e) {
        // Loki's LabelsFormatter: the label is not set; the entry gets the error.
        if (!(e instanceof TemplateExecError)) throw e;
        setError(r, 'TemplateFormatErr', e.message);
      }
    }
    return true;
  };
}

function matcherMatches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return m.re!.test(value);
    case '!~':
      return !m.re!.test(value);
  }
}

export { matcherMatches };

const SPECIAL = new Set([ERROR_LABEL, ERROR_DETAILS_LABEL, '__preserve_error__']);

function keep(items: readonly LabelSelectItem[]): Step {
  return (r) => {
    const labels = rowLabels(r);
    for (const name of Object.keys(labels)) {
      if (SPECIAL.has(name)) continue;
      const value = labels[name]!;
      const kept = items.some((i) => (i.matcher !== undefined ? i.matcher.name === name && matcherMatches(i.matcher, value) : i.name === name));
      if (!kept) deleteLabel(r, name);
    }
    return true;
  };
}

function drop(items: readonly LabelSelectItem[]): Step {
  return (r) => {
    for (const i of items) {
      if (i.matcher !== undefined) {
        const v = getLabel(r, i.name);
        if (v !== undefined && matcherMatches(i.matcher, v)) {
          deleteLabel(r, i.name);
        }
      } else deleteLabel(r, i.name);
    }
    return true;
  };
}

/** Compiles a label filter (`| level="error" and latency > 250ms`). */
export function compileLabelFilter(f: LabelFilter): Step {
  switch (f.kind) {
    case 'and': {
      const l = compileLabelFilter(f.left);
      const rr = compileLabelFilter(f.right);
      return (r) => {
        const a = l(r);
        const b = rr(r);
        return a && b;
      };
    }
    case 'or': {
      const l = compileLabelFilter(f.left);
      const rr = compileLabelFilter(f.right);
      return (r) => l(r) || rr(r);
    }
    case 'string': {
      const m = f.matcher;
      // Loki turns a matcher every value passes (`=~".*"`) into a no-op.
      if ((m.op === '=~' && (m.value === '.*' || m.value === '(.*)')) || (m.op === '!~' && m.value === '')) return () => true;
      return (r) => matcherMatches(m, getLabel(r, m.name) ?? '');
    }
    case 'ip': {
      // Loki's IPLabelFilter: an entry with an error passes; one without the label does not, for `=` and `!=` alike.
      const { name, ip } = f;
      const want = f.op === '=';
      return (r) => {
        if (getLabel(r, ERROR_LABEL) !== undefined) return true;
        const v = getLabel(r, name);
        if (v === undefined) return false;
        return ip.test(v) === want;
      };
    }
    case 'number':
    case 'duration':
    case 'bytes': {
      const convert = f.kind === 'number' ? parseGoFloat : f.kind === 'duration' ? parseGoDuration : parseBytes;
      const errorMessage = (v: string): string =>
        f.kind === 'number'
          ? `strconv.ParseFloat: parsing ${goQuote(v)}: invalid syntax`
          : f.kind === 'duration'
            ? `time: invalid duration ${goQuote(v)}`
            : `strconv.ParseFloat: parsing ${goQuote(v)}: invalid syntax`;
      return (r) => {
        const v = getLabel(r, f.name);
        if (v === undefined) return false;
        const n = convert(v);
        if (n === undefined) {
          setError(r, 'LabelFilterErr', errorMessage(v));
          return true;
        }
        return compare(f.op, n, f.value);
      };
    }
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's `strconv.ParseFloat(s, 64)`: decimal, exponent, hex, `inf`, `nan`, underscores not allowed. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/.test(lower)) {
    const n = Number(lower.replace(/^[+-]/, '').split('p')[0]);
    if (!Number.isNaN(n)) return lower.startsWith('-') ? -n : n;
  }
  return undefined;
}
