/*
 * Loki stores an OTLP kvlist body as `pcommon.Value.AsString()` renders it:
 * JSON of the map with its keys sorted, which is where it differs from
 * `JSON.stringify` (checked against Loki 3.7.6: `<` `>` `&` are not escaped;
 * control characters are, Go style). The local engine renders the line the
 * same way so that `|= "..."` matches the same lines on both.
 */

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

function goString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd'; // a lone surrogate is invalid UTF-8: Go writes U+FFFD
    } else out += s[i]!;
  }
  return out + '"';
}

/**
 * A number as Go's `encoding/json` writes a float64 (and as an int64 is
 * written when it is an integer): shortest round-trip digits, exponent form
 * only below 1e-6 or from 1e21, exponent without a leading zero (`1e-7`).
 * JavaScript's `String(n)` follows the same rules.
 */
export function goNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  // Small integers: V8 converts them faster than a map finds them.
  if ((n | 0) === n) return `${n}`;
  // Payload numbers repeat (scores, counts); converting a double is the
  // costly part of rendering them.
  let s = numberCache.get(n);
  if (s === undefined) {
    s = String(n);
    if (numberCache.size >= 4096) numberCache.clear();
    numberCache.set(n, s);
  }
  return s;
}

const numberCache = new Map<number, string>();

/** The keys of an object shape: as JSON.parse gave them, sorted, and each sorted key rendered (`,"key":`). */
interface Shape {
  keys: string[];
  sorted: string[];
  prefixes: string[];
}

/**
 * The shapes seen last: the lines of a file repeat a few shapes, and sorting
 * the keys of each object again was a fifth of rendering a line.
 */
const shapes: Shape[] = [];

function shapeOf(obj: Record<string, unknown>): Shape {
  const keys = Object.keys(obj);
  next: for (let s = 0; s < shapes.length; s++) {
    const shape = shapes[s]!;
    const k = shape.keys;
    if (k.length !== keys.length) continue;
    for (let i = 0; i < k.length; i++) if (k[i] !== keys[i]) continue next;
    return shape;
  }
  const sorted = [...keys].sort(byteOrder);
  const shape: Shape = { keys, sorted, prefixes: sorted.map((k, i) => (i === 0 ? '' : ',') + goString(k) + ':') };
  if (shapes.length >= 32) shapes.shift();
  shapes.push(shape);
  return shape;
}

/**
 * Renders a JSON value the way Loki shows an OTLP kvlist body.
 *
 * @example
 * goJson({ b: 1, a: '<x>' }); // '{"a":"<x>","b":1}'
 */
export function goJson(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return goString(v);
    case 'number':
      return goNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + goJson(v[i]);
        return out + ']';
      }
      const obj = v as Record<string, unknown>;
      const shape = shapeOf(obj);
      const keys = shape.sorted;
      const prefixes = shape.prefixes;
      let out = '{';
      for (let i = 0; i < keys.length; i++) out += prefixes[i]! + goJson(obj[keys[i]!]);
      return out + '}';
    }
    default:
      return 'null';
  }
}

/** Go compares strings by UTF-8 bytes; UTF-16 order differs only above U+FFFF, handled here. */
export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF, which sort after U+E000..FFFF in UTF-8.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;
    else if (x >= 0xe000) x -= 0x800;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    else if (y >= 0xe000) y -= 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
