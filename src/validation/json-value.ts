import type { ValidationIssue } from './issue.js';
import { MAX_DEPTH } from './limits.js';

/*
 * The one read of a payload. `emit` turns whatever the caller passed into a
 * plain JSON value here, once, and every later step (validation, personal
 * data, the envelope, every sink) uses that value and never the caller's
 * object again. That is what makes an event a fact: a getter read twice, an
 * array pushed to after `emit`, a proxy or `toJSON` that throws can no longer
 * make the file, the log record and the span event disagree, or throw into
 * the caller.
 */

export { MAX_DEPTH } from './limits.js';

/** Keys that can reach an object's prototype when a payload is copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Integers of magnitude 2^63 or more do not fit OTLP's `intValue` (int64).
 * −2^63 itself does, but JavaScript writes it as `-9223372036854776000`,
 * which a JSON decoder reads as beyond int64; so it counts too.
 */
export const INT64_LIMIT = 2 ** 63;

/** The result of {@link readJsonValue}. */
export interface JsonRead {
  /** A plain JSON value: objects with `Object.prototype`, arrays, strings, finite numbers, booleans, null. */
  value: unknown;
  /** What could not be carried as given; each replaced value holds a `"[factline: …]"` marker. Empty when clean. */
  issues: ValidationIssue[];
  /** True when a number in `value` is an integer outside int64 (OTLP's `intValue`). */
  wideIntegers: boolean;
  /**
   * An upper bound of `value`'s JSON size in UTF-8 bytes (a string counts
   * 6 bytes per UTF-16 unit, the `\uXXXX` worst case), so that the exact
   * size is computed only when it can matter.
   */
  maxBytes: number;
  /**
   * True when reading stopped early: the payload's JSON is certainly larger
   * than the read budget, so `value` holds only its beginning. `emit` then
   * delivers the oversize stub; the work spent on any payload stays bounded.
   */
  partial: boolean;
  /** A lower bound of the payload's JSON size in UTF-8 bytes, counted as far as it was read. */
  minBytes: number;
}

/** The state of one read; exported for the compiled readers (`compiled-read.ts`). */
export interface ReadState {
  issues: ValidationIssue[];
  wide: boolean;
  bytes: number;
  ancestors: unknown[];
  path: (string | number)[];
  /** Lower bound of the JSON size read so far; past `budget` reading stops. */
  min: number;
  budget: number;
  over: boolean;
  /** A checking read's verdict so far (`compileCheckedRead`): false once a part fails its compiled test. */
  ok: boolean;
}

/** A read that also ran the schema's compiled accept (`compileCheckedRead`). */
export interface CheckedRead extends JsonRead {
  /** What the schema's compiled accept answers of `value`; meaningless when `issues` is not empty or the read is `partial`. */
  accepted: boolean;
}

/** The message of whatever was thrown, without risking a second throw. */
export function describeThrown(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.message);
    return String(e);
  } catch {
    return 'a value that cannot be described';
  }
}

function add(s: ReadState, code: ValidationIssue['code'], message: string): void {
  s.issues.push({ code, path: s.path.slice(), message });
}

function readString(v: string, s: ReadState): string {
  s.bytes += v.length * 6 + 2;
  s.min += v.length + 2;
  if (v.isWellFormed()) return v;
  // A lone surrogate has no UTF-8 form: the OTLP exporters and the backends
  // write U+FFFD for it, so the file does too, and the event says so.
  add(s, 'lone_surrogate', 'a lone UTF-16 surrogate has no UTF-8 form; it was replaced by U+FFFD, as the OTLP exporters do');
  return v.toWellFormed();
}

function readKey(k: string, s: ReadState): string {
  s.bytes += k.length * 6 + 3;
  s.min += k.length + 3;
  if (k.isWellFormed()) return k;
  add(s, 'lone_surrogate', 'this key holds a lone UTF-16 surrogate; it was replaced by U+FFFD, as the OTLP exporters do');
  return k.toWellFormed();
}

/** Reads any value into the state (the general read every compiled reader falls back to). */
export function read(v: unknown, s: ReadState): unknown {
  switch (typeof v) {
    case 'string':
      return readString(v, s);
    case 'number':
      s.bytes += 24;
      s.min += 1;
      if (!Number.isFinite(v)) {
        add(s, 'non_finite_number', `${v} is not a finite number; JSON would turn it into null`);
        return `[factline: ${v}]`;
      }
      if (v >= INT64_LIMIT || v <= -INT64_LIMIT) s.wide = true;
      return v;
    case 'boolean':
      s.bytes += 5;
      s.min += 4;
      return v;
    case 'undefined':
      return undefined;
    case 'bigint':
      add(s, 'bigint', `BigInt ${v}n cannot be written as JSON; pass a string or a number`);
      return `[factline: BigInt ${v}n]`;
    case 'function':
      add(s, 'function', 'a function cannot be written as JSON');
      return `[factline: function ${safeName(v)}]`;
    case 'symbol':
      add(s, 'symbol', 'a symbol cannot be written as JSON');
      return `[factline: ${safeSymbol(v)}]`;
  }
  if (v === null) {
    s.bytes += 4;
    s.min += 4;
    return null;
  }
  return readObject(v as object, s);
}

function safeName(f: unknown): string {
  try {
    const n = (f as { name?: unknown }).name;
    return typeof n === 'string' && n !== '' ? n : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function safeSymbol(v: symbol): string {
  try {
    return String(v);
  } catch {
    return 'Symbol()';
  }
}

/** The marker of a value whose reading threw, with its issue. */
export function unreadable(s: ReadState, e: unknown): string {
  const why = describeThrown(e);
  add(s, 'unreadable_value', `reading this value threw: ${why}`);
  return `[factline: unreadable: ${why.length > 200 ? why.slice(0, 200) + '…' : why}]`;
}

function readObject(o: object, s: ReadState): unknown {
  if (s.ancestors.includes(o)) {
    add(s, 'cyclic_reference', 'cyclic reference: this object contains itself');
    return '[factline: cyclic reference]';
  }
  if (s.ancestors.length >= MAX_DEPTH) {
    add(s, 'too_deep', `nested deeper than ${MAX_DEPTH} levels`);
    return '[factline: too deep]';
  }
  let isArray: boolean;
  let proto: unknown;
  try {
    isArray = Array.isArray(o);
    proto = isArray ? undefined : Object.getPrototypeOf(o);
  } catch (e) {
    return unreadable(s, e);
  }
  s.bytes += 2;
  s.min += 2;
  if (isArray) return readArray(o as unknown[], s);
  const plain = proto === Object.prototype || proto === null;
  // JSON.stringify calls any object's toJSON, plain or not; so does this read.
  let toJSON: unknown;
  try {
    toJSON = (o as { toJSON?: unknown }).toJSON;
  } catch (e) {
    // A plain object (or proxy of one) whose toJSON lookup throws: read its
    // keys instead, so that whatever can be read is kept.
    if (!plain) return unreadable(s, e);
  }
  // An invalid Date's toJSON gives null: the value would turn into null
  // unflagged, so it is marked like NaN.
  if (o instanceof Date && Number.isNaN(Date.prototype.getTime.call(o))) {
    add(s, 'unsupported_value', 'an Invalid Date has no JSON form; JSON would turn it into null');
    return '[factline: Invalid Date]';
  }
  if (typeof toJSON === 'function') {
    let json: unknown;
    try {
      json = (toJSON as (this: object, key: string) => unknown).call(o, '');
    } catch (e) {
      return unreadable(s, e);
    }
    // The JSON form is read like any value (a Date's is a string); it may
    // not be the object itself again.
    s.ancestors.push(o);
    const out = read(json, s);
    s.ancestors.pop();
    return out;
  }
  if (!plain) {
    let kind = 'object';
    try {
      kind = (o.constructor as { name?: string } | undefined)?.name || 'object';
    } catch {
      // a throwing `constructor` getter: the kind stays "object"
    }
    add(
      s,
      'unsupported_value',
      `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind} cannot be written as JSON faithfully; convert it to a plain object, array or string`,
    );
    return `[factline: ${kind}]`;
  }
  let keys: string[];
  try {
    keys = Object.keys(o);
  } catch (e) {
    return unreadable(s, e);
  }
  s.ancestors.push(o);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    if (s.min > s.budget) {
      s.over = true;
      break;
    }
    const k = keys[i]!;
    s.path.push(k);
    let x: unknown;
    let ok = true;
    try {
      x = (o as Record<string, unknown>)[k];
    } catch (e) {
      ok = false;
      x = unreadable(s, e);
    }
    const v = ok ? read(x, s) : x;
    if (v !== undefined) {
      const key = readKey(k, s);
      if ((key.length === 9 || key.length === 11) && FORBIDDEN_KEYS.has(key)) {
        add(s, 'forbidden_key', `the key "${key}" is not allowed: it can reach an object's prototype`);
        // An own data property, never the prototype setter.
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      } else out[key] = v;
    }
    s.path.pop();
  }
  s.ancestors.pop();
  return out;
}

function readArray(a: unknown[], s: ReadState): unknown {
  let n: number;
  try {
    n = a.length;
  } catch (e) {
    return unreadable(s, e);
  }
  return readElements(a, n, s, read);
}

/**
 * The elements of an array (its `[` already counted), each by `element`: the
 * general read, or a compiled one (`compiled-read.ts`). Every element takes
 * at least one byte and a comma: past the budget, only the elements that fit
 * are read (a sparse array of 1e9 holes stays cheap).
 */
export function readElements(a: unknown[], length: number, s: ReadState, element: (v: unknown, s: ReadState) => unknown): unknown[] {
  let n = length;
  s.ancestors.push(a);
  const fit = Math.max(0, Math.floor((s.budget - s.min) / 2) + 1);
  if (n > fit) {
    n = fit;
    s.over = true;
  }
  s.bytes += n;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (s.min > s.budget) {
      s.over = true;
      out.length = i;
      break;
    }
    s.min += 1;
    s.path.push(i);
    let v: unknown;
    try {
      v = element(a[i], s);
    } catch (e) {
      v = unreadable(s, e);
    }
    // JSON writes a hole or `undefined` in an array as null.
    if (v === undefined) s.min += 4;
    out[i] = v === undefined ? null : v;
    s.path.pop();
  }
  s.ancestors.pop();
  return out;
}

/**
 * Reads a value once into a plain JSON value: every getter, proxy trap and
 * `toJSON` runs exactly once, and whatever throws or has no JSON form is
 * replaced by a string marker and listed as an issue. Never throws.
 *
 * Markers: `"[factline: NaN]"`, `"[factline: Infinity]"`, `"[factline: BigInt 12n]"`,
 * `"[factline: function name]"`, `"[factline: Symbol(x)]"`, `"[factline: Map]"`,
 * `"[factline: cyclic reference]"`, `"[factline: too deep]"`,
 * `"[factline: unreadable: <message>]"`; a lone surrogate becomes U+FFFD.
 * `undefined` is left out of objects and written as null in arrays, as JSON does.
 * With `budgetBytes`, reading stops once the JSON is certainly larger
 * (`partial: true`), so a huge or sparse payload costs bounded work.
 *
 * @example
 * readJsonValue({ n: 1, get x() { throw new Error('boom') } });
 * // { value: { n: 1, x: '[factline: unreadable: boom]' }, issues: [{ code: 'unreadable_value', path: ['x'], … }], … }
 */
export function readJsonValue(value: unknown, budgetBytes = Infinity): JsonRead {
  return readWith(read, value, budgetBytes);
}

/** {@link readJsonValue} with another reader of the top value (a compiled one, `compiled-read.ts`). */
export function readWith(reader: (v: unknown, s: ReadState) => unknown, value: unknown, budgetBytes: number): JsonRead;
export function readWith(reader: (v: unknown, s: ReadState) => unknown, value: unknown, budgetBytes: number, checked: true): CheckedRead;
export function readWith(reader: (v: unknown, s: ReadState) => unknown, value: unknown, budgetBytes: number, checked = false): JsonRead | CheckedRead {
  // One state serves every read, its stacks empty between reads: a read costs
  // no allocation but its copy and its issues. A read started while another
  // is under way (a getter or toJSON that emits) gets a state of its own.
  let s = spare;
  if (s === undefined) s = newState();
  else spare = undefined;
  s.issues = [];
  s.wide = false;
  s.bytes = 0;
  s.min = 0;
  s.budget = budgetBytes;
  s.over = false;
  s.ok = true;
  let v: unknown;
  try {
    v = reader(value, s);
  } catch (e) {
    // Only a stack overflow can get here (every read is guarded).
    v = unreadable(s, e);
  }
  if (v === undefined) v = undefinedPayload(value, s);
  const out: JsonRead | CheckedRead = checked
    ? { value: v, issues: s.issues, wideIntegers: s.wide, maxBytes: s.bytes, partial: s.over, minBytes: s.min, accepted: s.ok }
    : { value: v, issues: s.issues, wideIntegers: s.wide, maxBytes: s.bytes, partial: s.over, minBytes: s.min };
  // A stack overflow can leave the stacks unbalanced.
  if (s.ancestors.length !== 0) s.ancestors.length = 0;
  if (s.path.length !== 0) s.path.length = 0;
  spare = s;
  return out;
}

/**
 * The top value read as `undefined` (the payload itself, or what its
 * `toJSON` returned): JSON has no form for it (`JSON.stringify` gives no
 * text, an exporter writes null), so it is marked and flagged like a
 * function, by its own name, not checked against the schema as the null it
 * would become.
 */
function undefinedPayload(given: unknown, s: ReadState): string {
  add(
    s,
    'unsupported_value',
    given === undefined
      ? 'the payload is undefined, which JSON cannot carry (it would be written as null); pass an object, {} for an event without fields'
      : "the payload's toJSON returned undefined, which JSON cannot carry (it would be written as null); pass an object",
  );
  s.bytes += 23;
  s.min += 23;
  return '[factline: undefined]';
}

const newState = (): ReadState => ({ issues: [], wide: false, bytes: 0, ancestors: [], path: [], min: 0, budget: 0, over: false, ok: true });
/** The state no read is using (see {@link readWith}). */
let spare: ReadState | undefined = newState();

/** Whether a number is an integer outside int64, which OTLP's `intValue` cannot carry. */
export function isWideInteger(n: number): boolean {
  return n >= INT64_LIMIT || n <= -INT64_LIMIT;
}

/*
 * Payloads read by `emit` that hold an integer outside int64. The OTLP
 * mapping writes such integers as strings (the JavaScript exporters would
 * send them as `intValue`, and the Collector rejects the whole batch); it
 * asks here instead of walking every body.
 */
const WIDE = new WeakSet<object>();

/** Marks a value read by {@link readJsonValue} as holding an integer outside int64. */
export function noteWideIntegers(value: unknown): void {
  if (typeof value === 'object' && value !== null) WIDE.add(value);
}

/** Whether a value may hold an integer outside int64 (marked by `emit`, or is one). */
export function mayHoldWideIntegers(value: unknown): boolean {
  if (typeof value === 'number') return isWideInteger(value);
  return typeof value === 'object' && value !== null && WIDE.has(value);
}
