/**
 * Canonical JSON: one byte sequence per JSON value, so that a hash computed
 * when a record is written can be recomputed from the parsed line later.
 *
 * The rule, exactly: `canonicalJson(v)` is what `JSON.stringify(v)` prints
 * (no whitespace) once every object's own enumerable keys are sorted by
 * UTF-16 code units, recursively. Concretely:
 *
 * - `null`, `true`, `false` as literals.
 * - Numbers as `JSON.stringify` prints them (ECMAScript Number::toString, the
 *   same shortest round-trip form RFC 8785 §3.2.2.3 prescribes: `1e+21`,
 *   `0.1`, `-0` → `0`). Non-finite numbers print `null`, as JSON.stringify does.
 * - Strings as `JSON.stringify` escapes them (RFC 8785 §3.2.2.2 uses the same
 *   escapes; unlike RFC 8785, a lone surrogate is escaped as `\udXXX` rather
 *   than rejected, because that is what a line written by JSON.stringify holds).
 * - Arrays in order; an `undefined`, function or symbol element prints `null`.
 * - Objects with keys sorted by UTF-16 code units (RFC 8785 §3.2.3); members
 *   whose value is `undefined`, a function or a symbol are left out.
 * - `toJSON()` is honoured (a `Date` becomes its ISO string), and boxed
 *   primitives are unwrapped, as JSON.stringify does.
 *
 * Because the output follows JSON.stringify's semantics, for any value that
 * JSON.stringify accepts, `canonicalJson(v) === canonicalJson(JSON.parse(JSON.stringify(v)))`:
 * the writer can hash the object it holds, the verifier the object it parsed.
 *
 * @throws TypeError for a BigInt or a cyclic structure, as JSON.stringify does.
 *
 * @example
 * canonicalJson({ b: [1, { d: 2, c: 'é' }], a: null }); // '{"a":null,"b":[1,{"c":"é","d":2}]}'
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, '', []);
  // A top-level undefined/function/symbol has no JSON form; JSON.stringify returns undefined.
  if (out === undefined) throw new TypeError(`canonicalJson: ${typeof value} has no JSON representation`);
  return out;
}

function write(value: unknown, key: string, stack: object[]): string | undefined {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON representation');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) {
    return write(obj.valueOf(), key, stack);
  }
  if (stack.includes(obj)) throw new TypeError('canonicalJson: cyclic structure');
  stack.push(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = '[';
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out += ',';
      out += write(obj[i], String(i), stack) ?? 'null';
    }
    out += ']';
  } else {
    // Array.prototype.sort without a comparator orders strings by UTF-16 code units.
    const keys = Object.keys(obj).sort();
    out = '{';
    let first = true;
    for (const k of keys) {
      const v = write((obj as Record<string, unknown>)[k], k, stack);
      if (v === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + v;
      first = false;
    }
    out += '}';
  }
  stack.pop();
  return out;
}
