/**
 * Canonical JSON: one byte sequence per JSON value, so that a hash of a value
 * can be recomputed from any serialisation of it: the hash of `pii: 'hash'`
 * fields, and the version-1 chain hash that files written before chain
 * version 2 carry (the verifier recomputes it from the parsed line).
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

/** Objects on the path being written, for the cycle check (reused: writes do not nest). */
const stack: object[] = [];

/**
 * {@link canonicalJson} of one member value, `key` being the member's name
 * (passed to `toJSON`); `undefined` when the value has no JSON form (the
 * member is left out).
 *
 * @throws TypeError for a BigInt or a cyclic structure.
 */
function writeCanonical(value: unknown, key: string): string | undefined {
  try {
    return write(value, key);
  } catch (e) {
    // Pushes and pops pair up except on a throw: start the next write clean.
    stack.length = 0;
    throw e;
  }
}

/**
 * {@link canonicalJson} of a plain object without its member `omit`, with
 * no copy of the object: what a chain hash covers (`omit` = "hash"). The
 * object's own `toJSON`, if any, is not called: the caller handles that case.
 *
 * @throws TypeError for a BigInt or a cyclic structure.
 */
export function canonicalJsonWithout(obj: Readonly<Record<string, unknown>>, omit: string): string {
  // Parsed JSON (what a verifier holds) takes the native path: the same
  // members in sorted order, printed by JSON.stringify.
  const sorted = sortedCopy(obj, omit, 0);
  if (sorted !== UNSUPPORTED) return JSON.stringify(sorted);
  try {
    return writeObject(obj, '', omit)!;
  } catch (e) {
    stack.length = 0;
    throw e;
  }
}

const UNSUPPORTED = Symbol('unsupported');

/** Deeper than this, the JS writer (whose cycle check is exact) takes over. */
const SORTED_COPY_MAX_DEPTH = 64;

/**
 * `value` with every object's keys in sorted order (itself when they already
 * are, else a copy), so that `JSON.stringify` of it is its canonical form;
 * or UNSUPPORTED for anything whose JSON form that does not give exactly:
 * a `toJSON`, a non-plain object, a key an object would reorder itself (an
 * array index such as "10") or could not hold ("__proto__"), a structure
 * deeper than {@link SORTED_COPY_MAX_DEPTH} (a cycle, perhaps). Only plain
 * data passes, which is all `JSON.parse` makes.
 */
function sortedCopy(value: unknown, omit: string | undefined, depth: number): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : UNSUPPORTED;
  }
  if (depth > SORTED_COPY_MAX_DEPTH) return UNSUPPORTED;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return UNSUPPORTED;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = sortedCopy(v, undefined, depth + 1);
      if (c === UNSUPPORTED) return UNSUPPORTED;
      if (c !== v) {
        copy ??= value.slice();
        copy[i] = c;
      }
    }
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNSUPPORTED;
  const keys = Object.keys(value);
  let sorted = omit === undefined || !Object.hasOwn(value, omit);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const c0 = k.charCodeAt(0);
    if ((c0 >= 0x30 && c0 <= 0x39) || k === '__proto__') return UNSUPPORTED;
    if (i > 0 && keys[i - 1]! > k) sorted = false;
  }
  const obj = value as Record<string, unknown>;
  if (sorted) {
    // Keys in order: the object itself, unless a member had to change.
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = obj[k];
      const c = sortedCopy(v, undefined, depth + 1);
      if (c === UNSUPPORTED) return UNSUPPORTED;
      if (c !== v && copy === undefined) {
        copy = {};
        for (let j = 0; j < i; j++) copy[keys[j]!] = obj[keys[j]!];
      }
      if (copy !== undefined) copy[k] = c;
    }
    return copy ?? value;
  }
  // Array.prototype.sort without a comparator orders strings by UTF-16 code units.
  keys.sort();
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === omit) continue;
    const c = sortedCopy(obj[k], undefined, depth + 1);
    if (c === UNSUPPORTED) return UNSUPPORTED;
    copy[k] = c;
  }
  return copy;
}

/** Quoted keys, by key: a file's records repeat the same few keys, and JSON.stringify of each is not free. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 4096;

function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(k, q);
  }
  return q;
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

function writeObject(obj: object, key: string, omit?: string): string | undefined {
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
        break;
      }
    }
    out = '{';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k === omit) continue;
      const v = write((obj as Record<string, unknown>)[k], k);
      if (v === undefined) continue;
      out += (first ? '' : ',') + quoteKey(k) + ':' + v;
      first = false;
    }
    out += '}';
  }
  stack.pop();
  return out;
}
