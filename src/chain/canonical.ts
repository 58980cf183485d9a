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
  const out = writeCanonical(value, '');
  // A top-level undefined/function/symbol has no JSON form; JSON.stringify returns undefined.
  if (out === undefined) throw new TypeError(`canonicalJson: ${typeof value} has no JSON representation`);
  return out;
}

/**
 * What the last {@link writeCanonical} met that makes its output differ, or
 * possibly differ, from `JSON.stringify` of the same value: keys it had to
 * reorder, or a `toJSON` it called (whose result may depend on the key it is
 * given, which differs when a member is serialised on its own). When neither
 * happened, the canonical form IS the `JSON.stringify` form, and a writer can
 * put it on the line instead of serialising the value a second time.
 */
export const canonicalDiffers = { reordered: false, calledToJSON: false };

/** Objects on the path being written, for the cycle check (reused: writes do not nest). */
const stack: object[] = [];

/**
 * {@link canonicalJson} of one member value, `key` being the member's name
 * (passed to `toJSON`); `undefined` when the value has no JSON form (the
 * member is left out). Resets and then sets {@link canonicalDiffers}.
 *
 * @throws TypeError for a BigInt or a cyclic structure.
 */
export function writeCanonical(value: unknown, key: string): string | undefined {
  canonicalDiffers.reordered = false;
  canonicalDiffers.calledToJSON = false;
  stack.length = 0;
  try {
    return write(value, key);
  } finally {
    stack.length = 0;
  }
}

function write(value: unknown, key: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // Number::toString is what JSON.stringify prints for a finite number (-0 as "0").
      return Number.isFinite(value) ? '' + value : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      if (typeof (value as unknown as { toJSON?: unknown }).toJSON === 'function') break;
      throw new TypeError('canonicalJson: a BigInt has no JSON representation');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    canonicalDiffers.calledToJSON = true;
    return writeConverted(toJSON.call(value, key), key);
  }
  return writeObject(value as object, key);
}

/** A value `toJSON` returned: serialised as is (JSON.stringify does not call `toJSON` twice). */
function writeConverted(value: unknown, key: string): string | undefined {
  if (value !== null && typeof value === 'object') return writeObject(value, key);
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: a BigInt has no JSON representation');
  return write(value, key);
}

function writeObject(obj: object, key: string): string | undefined {
  if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) {
    return write(obj.valueOf(), key);
  }
  if (stack.includes(obj)) throw new TypeError('canonicalJson: cyclic structure');
  stack.push(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = '[';
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out += ',';
      out += write(obj[i], String(i)) ?? 'null';
    }
    out += ']';
  } else {
    const keys = Object.keys(obj);
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1]! > keys[i]!) {
        // Array.prototype.sort without a comparator orders strings by UTF-16 code units.
        keys.sort();
        canonicalDiffers.reordered = true;
        break;
      }
    }
    out = '{';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = write((obj as Record<string, unknown>)[k], k);
      if (v === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + v;
      first = false;
    }
    out += '}';
  }
  stack.pop();
  return out;
}
