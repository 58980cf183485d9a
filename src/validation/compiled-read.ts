import { types } from 'node:util';
import type { z } from 'zod';
import type { ZodDef } from '../catalog/zod-def.js';
import { INT64_LIMIT, MAX_DEPTH, read, readElements, readWith, unreadable, type JsonRead, type ReadState } from './json-value.js';

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

/** The general read of an array (`readElements`), with a compiled reader of its elements. */
function arrayReader(element: Reader): Reader {
  return (a, s) => {
    if (!Array.isArray(a) || isProxy(a) || s.ancestors.length >= MAX_DEPTH || s.ancestors.includes(a)) return read(a, s);
    s.bytes += 2;
    s.min += 2;
    return readElements(a, a.length, s, element);
  };
}

/**
 * The reader of an object shape, generated as code: each key a literal, the
 * copy one object literal. Keys enter the code only as JSON string literals.
 */
function objectReader(def: Def, active: Set<z.ZodType>): Reader | undefined {
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  if (keys.length === 0 || keys.length > 64 || Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  if (keys.some((k) => FORBIDDEN_KEYS.has(k) || !wellFormed(k) || k === 'toJSON')) return undefined;
  const fields = keys.map((k) => compileReader(shape[k]!, active));
  const q = keys.map((k) => JSON.stringify(k));
  const body: string[] = [
    // Decided before any of the caller's code can run (no proxy trap, no getter): else the general read takes it whole.
    "if (typeof o !== 'object' || o === null || isProxy(o) || Array.isArray(o) || s.ancestors.length >= MAX_DEPTH) return read(o, s);",
    'const proto = Object.getPrototypeOf(o);',
    "if ((proto !== Object.prototype && proto !== null) || 'toJSON' in o || s.ancestors.includes(o)) return read(o, s);",
    // Its own keys, in order, exactly the shape's: for-in reads them from V8's enum cache without
    // building an array (Object.keys would, per object per event); with the prototype checked
    // above it yields only own keys unless Object.prototype has enumerable ones, which fail the test.
    'let n = 0;',
    'for (const k in o) if (k !== keys[n++]) return read(o, s);',
    `if (n !== ${keys.length}) return read(o, s);`,
    's.bytes += 2; s.min += 2;',
    's.ancestors.push(o);',
    'let x; let some = false;',
  ];
  keys.forEach((k, i) => {
    const key = q[i]!;
    body.push(
      `if (s.min > s.budget) { s.over = true; s.ancestors.pop(); return partial(keys, [${keys
        .slice(0, i)
        .map((_, j) => `v${j}`)
        .join(', ')}]); }`,
      `s.path.push(${key});`,
      `let v${i};`,
      `try { x = o[${key}]; v${i} = f${i}(x, s); } catch (e) { v${i} = unreadable(s, e); }`,
      `if (v${i} === undefined) some = true; else { s.bytes += ${k.length * 6 + 3}; s.min += ${k.length + 3}; }`,
      's.path.pop();',
    );
  });
  body.push('s.ancestors.pop();');
  body.push(`if (some) return partial(keys, [${keys.map((_, i) => `v${i}`).join(', ')}]);`);
  body.push(`return { ${keys.map((_, i) => `${q[i]}: v${i}`).join(', ')} };`);
  try {
    const make = new Function(
      'read',
      'keys',
      'isProxy',
      'MAX_DEPTH',
      'unreadable',
      'partial',
      ...fields.map((_, i) => `f${i}`),
      `return function compiledRead(o, s) {\n${body.join('\n')}\n};`,
    ) as (...args: unknown[]) => Reader;
    return make(read, keys, isProxy, MAX_DEPTH, unreadable, partial, ...fields);
  } catch {
    return undefined; // no code generation here: the general read
  }
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
