import type { z } from 'zod';
import { defOf, unwrapped } from './zod-def.js';

/*
 * A payload travels as JSON (the OTLP body, the events file, Loki's line), so
 * a schema may only accept values that have a JSON form. A field typed with
 * one that has none would make every valid emit fail in strict mode, or be
 * delivered as a marker in report mode; `defineCatalog` refuses such a schema
 * and names the fix. Checked once per schema, when the catalog is defined.
 */

/** zod types whose values have no JSON form, and what to write instead. */
const NO_JSON_FORM: Readonly<Record<string, string>> = {
  bigint: 'a BigInt has no JSON form; use z.int() for integers up to 2^53, or z.string().regex(/^-?\\d+$/) for larger ones',
  symbol: 'a symbol has no JSON form; use z.string()',
  function: 'a function has no JSON form; leave it out of the payload',
  promise: 'a Promise has no JSON form; await it and declare the resolved value',
  map: 'a Map has no JSON form (JSON writes {}); use z.record(keys, values)',
  set: 'a Set has no JSON form (JSON writes {}); use z.array(values)',
  date: 'a Date is written as its ISO 8601 string, which z.date() rejects; use z.iso.datetime() and pass date.toISOString()',
  undefined: 'undefined has no JSON form (the key is left out); use .optional() on the field, or z.null()',
  void: 'undefined has no JSON form (the key is left out); use .optional() on the field, or z.null()',
  nan: 'NaN has no JSON form (JSON writes null); use z.null() or a number',
  file: 'a File has no JSON form; declare its name, size or content as strings and numbers',
};

/** One schema part with no JSON form: where it is, and the fix. */
export interface JsonFormProblem {
  /** `a.b[]` form of where the type sits in the schema; `(payload)` for the schema itself. */
  path: string;
  /** The zod type (`bigint`, `date`, ...). */
  type: string;
  message: string;
}

/**
 * Every part of a schema that accepts values with no JSON form. Follows
 * objects, arrays, tuples, records, unions, intersections and wrappers
 * (optional, nullable, default, readonly, catch, the input side of a pipe);
 * `z.lazy` and `z.custom` are not followed (their values cannot be known).
 *
 * @example
 * jsonFormProblems(z.object({ amount: z.bigint() }));
 * // [{ path: 'amount', type: 'bigint', message: 'a BigInt has no JSON form; use z.int() …' }]
 */
export function jsonFormProblems(schema: z.ZodType): JsonFormProblem[] {
  const out: JsonFormProblem[] = [];
  const seen = new Set<z.ZodType>();
  const visit = (s: z.ZodType | null | undefined, path: string): void => {
    if (s === undefined || s === null || seen.has(s)) return;
    seen.add(s);
    const def = defOf(s);
    const inner = unwrapped(def);
    if (inner !== false) return visit(inner, path);
    const fix = NO_JSON_FORM[def.type];
    if (fix !== undefined) {
      out.push({ path: path || '(payload)', type: def.type, message: fix });
      return;
    }
    switch (def.type) {
      case 'object':
        for (const [k, v] of Object.entries(def.shape ?? {})) visit(v, path ? `${path}.${k}` : k);
        visit(def.catchall, path ? `${path}.*` : '*');
        return;
      case 'array':
        visit(def.element, `${path}[]`);
        return;
      case 'tuple':
        for (const [i, x] of (def.items ?? []).entries()) visit(x, `${path}[${i}]`);
        visit(def.rest, `${path}[]`);
        return;
      case 'record':
        visit(def.valueType, path ? `${path}.*` : '*');
        return;
      case 'union':
        for (const o of def.options ?? []) visit(o, path);
        return;
      case 'intersection':
        visit(def.left, path);
        visit(def.right, path);
        return;
      case 'literal':
        if ((def.values ?? []).some((v) => typeof v === 'bigint' || typeof v === 'symbol' || v === undefined)) {
          out.push({
            path: path || '(payload)',
            type: 'literal',
            message: 'this literal (a BigInt, symbol or undefined) has no JSON form; use a string, number, boolean or null literal',
          });
        }
        return;
      default:
        return;
    }
  };
  visit(schema, '');
  return out;
}
