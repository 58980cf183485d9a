import { types } from 'node:util';
import type { z } from 'zod';
import type { ZodDef } from '../catalog/zod-def.js';
import { compile, type AcceptTest, type Compiled, type CompiledField } from './compiled-schema.js';
import { INT64_LIMIT, MAX_DEPTH, read, readElements, readWith, unreadable, type CheckedRead, type JsonRead, type ReadState } from './json-value.js';

/*
 * The read of a payload (`readJsonValue`), compiled per event type from its
 * schema: where the payload has the shape the schema describes (a plain
 * object with the shape's keys in the shape's order, strings, finite
 * numbers, arrays), its copy is built as an object literal by generated
 * code, which costs a fraction of copying key by key. The result is the
 * general read's, to the byte count and the issue: every value that is not
 * what the schema expects is handed, already read, to the general read.
 *
 * Nothing the caller wrote runs twice: before a property is read the
 * compiled reader decides, without running any of the caller's code, whether
 * it takes the object (not a proxy, prototype `Object.prototype` or null, no
 * `toJSON` anywhere on it, its own keys exactly the shape's); once it reads
 * a property it never hands the object back, only the value it read.
 */

type Reader = (v: unknown, s: ReadState) => unknown;

interface Def extends ZodDef {
  coerce?: boolean;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const internalsOf = (schema: z.ZodType): { values?: Set<unknown> } => (schema as unknown as { _zod: { values?: Set<unknown> } })._zod;

/** Keys the general read flags (`forbidden_key`): objects with them are left to it. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const wellFormed = (s: string): boolean => s.isWellFormed();
const isProxy = types.isProxy;

/** A string as the general read counts it; anything else is the general read's. */
const readStringValue: Reader = (v, s) => {
  if (typeof v !== 'string' || !wellFormed(v)) return read(v, s);
  s.bytes += v.length * 6 + 2;
  s.min += v.length + 2;
  return v;
};
const readNumberValue: Reader = (v, s) => {
  if (typeof v !== 'number' || v - v !== 0) return read(v, s);
  s.bytes += 24;
  s.min += 1;
  if (v >= INT64_LIMIT || v <= -INT64_LIMIT) s.wide = true;
  return v;
};
const readBooleanValue: Reader = (v, s) => {
  if (typeof v !== 'boolean') return read(v, s);
  s.bytes += 5;
  s.min += 4;
  return v;
};

function compileReader(schema: z.ZodType, active: Set<z.ZodType>): Reader {
  if (active.has(schema)) return read;
  active.add(schema);
  try {
    return compileNode(schema, active) ?? read;
  } finally {
    active.delete(schema);
  }
}

/** The leaf readers the generated object code writes out inline (see {@link INLINE}). */
type LeafKind = 'string' | 'number' | 'boolean';
const LEAF_KIND = new Map<Reader, LeafKind>([
  [readStringValue, 'string'],
  [readNumberValue, 'number'],
  [readBooleanValue, 'boolean'],
]);
/**
 * The fast case of each leaf reader as code, on `x`: the condition under
 * which it returns `x` itself, and what it counts then (`readStringValue`
 * and the others above; the general read takes every other value).
 */
const INLINE: Record<LeafKind, { test: string; count: string }> = {
  string: { test: "typeof x === 'string' && wellFormed(x)", count: 's.bytes += x.length * 6 + 2; s.min += x.length + 2;' },
  number: { test: "typeof x === 'number' && x - x === 0", count: 's.bytes += 24; s.min += 1; if (x >= INT64_LIMIT || x <= -INT64_LIMIT) s.wide = true;' },
  boolean: { test: "typeof x === 'boolean'", count: 's.bytes += 5; s.min += 4;' },
};

function compileNode(schema: z.ZodType, active: Set<z.ZodType>): Reader | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return readStringValue;
    case 'number':
      return readNumberValue;
    case 'boolean':
      return readBooleanValue;
    case 'enum':
    case 'literal': {
      const values = [...(internalsOf(schema).values ?? [])];
      if (values.length > 0 && values.every((x) => typeof x === 'string')) return readStringValue;
      if (values.length > 0 && values.every((x) => typeof x === 'number')) return readNumberValue;
      return undefined;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      // The read does not depend on the schema's verdict: the inner shape is what the value likely has.
      return def.innerType ? compileReader(def.innerType, active) : undefined;
    case 'pipe':
      return def.in ? compileReader(def.in, active) : undefined;
    case 'array':
      return def.element ? arrayReader(compileReader(def.element, active)) : undefined;
    case 'object':
      return objectReader(def, active);
    default:
      return undefined;
  }
}

/** Values generated code needs, each passed as a parameter of its own (`b0`, `b1`, …). */
class Bound {
  readonly values: unknown[] = [];
  readonly bind = (value: unknown): string => {
    let i = this.values.indexOf(value);
    if (i === -1) i = this.values.push(value) - 1;
    return `b${i}`;
  };
  get names(): string[] {
    return this.values.map((_, i) => `b${i}`);
  }
}

/**
 * The code that reads one value `x` (an object's property, an array's
 * element, already read from its holder) into `out` with reader `f`: a
 * string, number or boolean reader's fast case written out (no call, no
 * path), anything else by `f` with `key` on the path (for its issues).
 */
function readCode(out: string, f: string, kind: LeafKind | undefined, key: string): string {
  const slow = `{ s.path.push(${key}); try { ${out} = ${f}(x, s); } catch (e) { ${out} = unreadable(s, e); } s.path.pop(); }`;
  if (kind === undefined) return slow;
  return `if (${INLINE[kind].test}) { ${out} = x; ${INLINE[kind].count} } else ${slow}`;
}

/** The code that sets `s.ok` false when a part's test fails on `v`: the test written out where it can be, else a call of it. */
function testCode(v: string, c: Compiled, b: Bound): string {
  const parts = c.parts;
  const test = parts?.kind === 'leaf' ? parts.code(v, b.bind) : `${b.bind(safeTest(c.test))}(${v})`;
  return `if (s.ok) { try { if (!(${test})) s.ok = false; } catch { s.ok = false; } }`;
}

/**
 * The read of an array as `readElements` does it, generated as code for
 * one element reader (its fast case written out); with `checked`, also the
 * array's compiled test, its element's on each element as read (a hole or
 * `undefined`, written as null, tested as null) and its own checks.
 */
function arrayReader(element: Reader, checked?: { compiled: Compiled; element: Compiled; elementComposed: boolean; checks: AcceptTest | null }): Reader {
  const b = new Bound();
  const fallback = b.bind(checked !== undefined ? thenTest(read, checked.compiled.test) : read);
  const f = b.bind(element);
  const kind = LEAF_KIND.get(element);
  const elementTest = checked !== undefined && !checked.elementComposed ? testCode('v', checked.element, b) : '';
  const nullTest = checked !== undefined ? testCode('null', checked.element, b) : '';
  const ownTest = checked !== undefined && checked.checks !== null ? `if (s.ok && !${b.bind(safeTest(checked.checks))}(out)) s.ok = false;` : '';
  const body = [
    `if (!Array.isArray(a) || isProxy(a) || s.ancestors.length >= MAX_DEPTH || s.ancestors.includes(a)) return ${fallback}(a, s);`,
    's.bytes += 2; s.min += 2;',
    // readElements, written out: every element takes at least one byte and a comma.
    'let n = a.length;',
    's.ancestors.push(a);',
    'const fit = Math.max(0, Math.floor((s.budget - s.min) / 2) + 1);',
    'if (n > fit) { n = fit; s.over = true; }',
    's.bytes += n;',
    'const out = new Array(n);',
    'let x; let v; let got;',
    'for (let i = 0; i < n; i++) {',
    '  if (s.min > s.budget) { s.over = true; s.ok = false; out.length = i; break; }',
    '  s.min += 1;',
    '  v = undefined; got = true;',
    '  try { x = a[i]; } catch (e) { got = false; s.path.push(i); v = unreadable(s, e); s.path.pop(); }',
    `  if (got) ${readCode('v', f, kind, 'i')}`,
    // JSON writes a hole or `undefined` in an array as null.
    `  if (v === undefined) { s.min += 4; out[i] = null; ${nullTest} } else { out[i] = v; ${elementTest} }`,
    '}',
    's.ancestors.pop();',
    ownTest,
    'return out;',
  ];
  return (
    generate('compiledArray', 'a', body, b) ??
    ((a, s) => {
      if (!Array.isArray(a) || isProxy(a) || s.ancestors.length >= MAX_DEPTH || s.ancestors.includes(a)) return read(a, s);
      s.bytes += 2;
      s.min += 2;
      return readElements(a, a.length, s, element);
    })
  );
}

/** A reader generated from `body` (its value `arg`, its state `s`), with `b`'s values bound; undefined where code cannot be generated. */
function generate(name: string, arg: string, body: readonly string[], b: Bound): Reader | undefined {
  try {
    const make = new Function(
      'isProxy',
      'MAX_DEPTH',
      'INT64_LIMIT',
      'wellFormed',
      'unreadable',
      'partial',
      ...b.names,
      `return function ${name}(${arg}, s) {\n${body.join('\n')}\n};`,
    ) as (...args: unknown[]) => Reader;
    return make(isProxy, MAX_DEPTH, INT64_LIMIT, wellFormed, unreadable, partial, ...b.values);
  } catch {
    return undefined; // no code generation here (`--disallow-code-generation-from-strings`)
  }
}

/** A test that answers false where it would throw (a zod check that throws: zod's full check says what it is). */
function safeTest(test: AcceptTest): AcceptTest {
  return (v) => {
    try {
      return test(v);
    } catch {
      return false;
    }
  };
}

/**
 * A reader that also checks: `reader`'s copy, then `test` of the copy (the
 * compiled accept of that part of the schema); `s.ok` becomes false when the
 * test fails. A value read as `undefined` is left to its holder (an absent
 * key, a null element).
 */
function thenTest(reader: Reader, test: AcceptTest): Reader {
  const t = safeTest(test);
  return (v, s) => {
    const r = reader(v, s);
    if (r !== undefined && s.ok && !t(r)) s.ok = false;
    return r;
  };
}

/**
 * The checking reader of a schema whose compiled accept is `c`: the same
 * copy as {@link compileReader}'s, and `s.ok` false unless `c.test` of the
 * copy would be true. Objects and arrays whose accept is composed of their
 * parts' (`c.parts`) are checked as they are read, part by part; anything
 * else is read, then tested.
 */
function compileCheckedReader(schema: z.ZodType, c: Compiled, active: Set<z.ZodType>): Reader {
  if (active.has(schema)) return thenTest(read, c.test);
  active.add(schema);
  try {
    return compileCheckedNode(schema, c, active) ?? thenTest(compileReader(schema, new Set()), c.test);
  } finally {
    active.delete(schema);
  }
}

function compileCheckedNode(schema: z.ZodType, c: Compiled, active: Set<z.ZodType>): Reader | undefined {
  const parts = c.parts;
  if (parts === undefined) return undefined;
  const def = defOf(schema);
  switch (parts.kind) {
    case 'optional':
    case 'nullable': {
      if (def.type !== parts.kind || def.innerType === undefined) return undefined;
      const inner = compileCheckedReader(def.innerType, parts.inner, active);
      // `undefined` reads as undefined (its holder decides); null as the general read counts it.
      if (parts.kind === 'optional') return (v, s) => (v === undefined ? undefined : inner(v, s));
      return (v, s) => {
        if (v === null) {
          s.bytes += 4;
          s.min += 4;
          return null;
        }
        // The verdict is on the copy: a value that reads as null (a toJSON that returns null)
        // is what nullable accepts, whatever the inner test said of it.
        const ok = s.ok;
        const r = inner(v, s);
        if (r === null) s.ok = ok;
        return r;
      };
    }
    case 'array': {
      if (def.type !== 'array' || def.element === undefined) return undefined;
      // An element whose test is composed of parts is read by a checking reader; any other is read, then tested.
      const elementComposed = parts.element.parts !== undefined && parts.element.parts.kind !== 'leaf';
      const el = elementComposed ? compileCheckedReader(def.element, parts.element, active) : compileReader(def.element, active);
      return arrayReader(el, { compiled: c, element: parts.element, elementComposed, checks: parts.checks });
    }
    case 'object':
      return def.type === 'object' ? objectReader(def, active, { compiled: c, fields: parts.fields }) : undefined;
    default:
      return undefined;
  }
}

/**
 * The reader of an object shape, generated as code: each key a literal, the
 * copy one object literal. Keys enter the code only as JSON string literals.
 * With `checked` (the object's compiled accept and its fields'), the reader
 * also checks: where the object has exactly the shape's keys its test is its
 * fields' tests, run on each field's copy as it is read; anywhere else the
 * object's own test runs on its copy.
 */
function objectReader(def: Def, active: Set<z.ZodType>, checked?: { compiled: Compiled; fields: readonly CompiledField[] }): Reader | undefined {
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  if (keys.length === 0 || keys.length > 64 || Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  if (keys.some((k) => FORBIDDEN_KEYS.has(k) || !wellFormed(k) || k === 'toJSON')) return undefined;
  // Checking: a field whose test is composed of parts is read by a checking reader; any other is read, then tested.
  const byKey = new Map(checked?.fields.map((f) => [f.key, f.compiled]));
  if (checked !== undefined && keys.some((k) => !byKey.has(k))) return undefined;
  const composed = keys.map((k) => {
    const parts = checked !== undefined ? byKey.get(k)!.parts : undefined;
    return parts !== undefined && parts.kind !== 'leaf';
  });
  const fields = keys.map((k, i) => (composed[i] ? compileCheckedReader(shape[k]!, byKey.get(k)!, active) : compileReader(shape[k]!, active)));
  const q = keys.map((k) => JSON.stringify(k));
  const b = new Bound();
  const fallback = b.bind(checked !== undefined ? thenTest(read, checked.compiled.test) : read);
  const keysName = b.bind(keys);
  const body: string[] = [
    // Decided before any of the caller's code can run (no proxy trap, no getter): else the general read takes it whole.
    `if (typeof o !== 'object' || o === null || isProxy(o) || Array.isArray(o) || s.ancestors.length >= MAX_DEPTH) return ${fallback}(o, s);`,
    'const proto = Object.getPrototypeOf(o);',
    `if ((proto !== Object.prototype && proto !== null) || 'toJSON' in o || s.ancestors.includes(o)) return ${fallback}(o, s);`,
    // Its own keys, in order, exactly the shape's: for-in reads them from V8's enum cache without
    // building an array (Object.keys would, per object per event); with the prototype checked
    // above it yields only own keys unless Object.prototype has enumerable ones, which fail the test.
    'let n = 0;',
    `for (const k in o) if (k !== ${keysName}[n++]) return ${fallback}(o, s);`,
    `if (n !== ${keys.length}) return ${fallback}(o, s);`,
    's.bytes += 2; s.min += 2;',
    's.ancestors.push(o);',
    // `ok0`: the verdict before this object, restored when its own test must run on its copy.
    'let x; let some = false; let got; const ok0 = s.ok;',
  ];
  keys.forEach((k, i) => {
    const key = q[i]!;
    body.push(
      `if (s.min > s.budget) { s.over = true; s.ok = false; s.ancestors.pop(); return partial(${keysName}, [${keys
        .slice(0, i)
        .map((_, j) => `v${j}`)
        .join(', ')}]); }`,
      `let v${i};`,
      `got = true; try { x = o[${key}]; } catch (e) { got = false; s.path.push(${key}); v${i} = unreadable(s, e); s.path.pop(); }`,
      // The path names the key only while something that can report an issue runs: a leaf read as itself reports nothing.
      `if (got) ${readCode(`v${i}`, b.bind(fields[i]!), LEAF_KIND.get(fields[i]!), key)}`,
      `if (v${i} === undefined) some = true; else { s.bytes += ${k.length * 6 + 3}; s.min += ${k.length + 3}; ${
        checked !== undefined && !composed[i] ? testCode(`v${i}`, byKey.get(k)!, b) : ''
      } }`,
    );
  });
  body.push('s.ancestors.pop();');
  body.push(
    `if (some) { const c = partial(${keysName}, [${keys.map((_, i) => `v${i}`).join(', ')}]); ${
      checked !== undefined ? `s.ok = ok0 && ${b.bind(safeTest(checked.compiled.test))}(c);` : ''
    } return c; }`,
  );
  body.push(`return { ${keys.map((_, i) => `${q[i]}: v${i}`).join(', ')} };`);
  return generate('compiledRead', 'o', body, b);
}

/** The copy as the general read builds it: the keys read so far, in order, without those read as undefined. */
function partial(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i++) if (values[i] !== undefined) out[keys[i]!] = values[i];
  return out;
}

const compiled = new WeakMap<z.ZodType, Reader>();

/**
 * The read of a payload compiled for a schema: the same result as
 * `readJsonValue(value, budgetBytes)` (value, issues, size bounds), faster
 * where the payload has the schema's shape. Undefined when the schema gives
 * nothing to compile (not an object, array or primitive): use `readJsonValue`.
 *
 * @example
 * const readOrder = compileRead(orderSchema)!;
 * readOrder({ id: 'o-1', items: [{ sku: 'a', qty: 1 }] }, 1 << 20).value; // a copy, as readJsonValue makes
 */
export function compileRead(schema: z.ZodType): ((value: unknown, budgetBytes?: number) => JsonRead) | undefined {
  let reader = compiled.get(schema);
  if (reader === undefined) {
    try {
      reader = compileReader(schema, new Set());
    } catch {
      reader = read;
    }
    compiled.set(schema, reader);
  }
  if (reader === read) return undefined;
  const r = reader;
  return (value, budgetBytes = Infinity) => readWith(r, value, budgetBytes);
}

const checkedReaders = new WeakMap<z.ZodType, Reader | null>();

/**
 * The read of a payload and the schema's compiled accept in one walk: the
 * same copy, issues and size bounds as {@link compileRead}'s, and
 * `accepted`, which is what `compileAccept(schema)` answers of the copy
 * (true only when zod's check and `unknownKeys` find nothing; false: run
 * them for the issues). `accepted` means nothing when the read has issues
 * or stopped early. Undefined when the schema's accept does not compile
 * (`compileAccept` is undefined): read, then run zod.
 *
 * @example
 * const readChecked = compileCheckedRead(orderSchema)!;
 * const r = readChecked({ id: 'o-1', items: [{ sku: 'a', qty: 1 }] }, 1 << 20);
 * r.accepted; // true: no schema issue, no unknown key; r.value is the copy
 */
export function compileCheckedRead(schema: z.ZodType): ((value: unknown, budgetBytes?: number) => CheckedRead) | undefined {
  let reader = checkedReaders.get(schema);
  if (reader === undefined) {
    reader = null;
    try {
      const c = compile(schema, true, new Set());
      if (!c.viaZod) reader = compileCheckedReader(schema, c, new Set());
    } catch {
      reader = null; // zod internals not as expected: read, then check
    }
    checkedReaders.set(schema, reader);
  }
  if (reader === null) return undefined;
  const r = reader;
  return (value, budgetBytes = Infinity) => readWith(r, value, budgetBytes, true);
}
