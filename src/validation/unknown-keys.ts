import type { z } from 'zod';
import type { ValidationIssue } from './issue.js';
import { defOf, unwrapped } from '../catalog/zod-def.js';

/*
 * zod's `z.object` accepts keys its shape does not name and strips them from
 * its output. factline delivers the payload as given, not zod's output, so a
 * stripped key would reach every sink without a word. The rule follows the
 * schema's own unknown-key mode:
 *   z.object (strip)      → the key is kept and flagged `unknown_key`;
 *   z.looseObject         → the key passes (the schema says extra keys are fine);
 *   z.strictObject        → zod itself fails with `unrecognized_keys`.
 * The walk is compiled once per schema and follows only the object shapes
 * that strip, so a schema without them costs nothing per event.
 */

/** Finds the stripped keys of a value; returns the number of issues it added. */
type KeyCheck = (value: unknown, path: (string | number)[], out: ValidationIssue[]) => void;

const compiled = new WeakMap<z.ZodType, KeyCheck | null>();
const hasOwn = Object.prototype.hasOwnProperty;

function compile(schema: z.ZodType, seen: Set<z.ZodType>): KeyCheck | null {
  if (compiled.has(schema)) return compiled.get(schema)!;
  if (seen.has(schema)) return null; // recursive (z.lazy): checked to the first repeat only
  seen.add(schema);
  const def = defOf(schema);
  let check: KeyCheck | null = null;
  const inner = unwrapped(def);
  if (inner !== false) check = inner ? compile(inner, seen) : null;
  else
    switch (def.type) {
      case 'object': {
        const shape = def.shape ?? {};
        const fields: [string, KeyCheck][] = [];
        for (const [k, s] of Object.entries(shape)) {
          const c = compile(s, seen);
          if (c !== null) fields.push([k, c]);
        }
        const strips = def.catchall === undefined;
        const catchall = def.catchall !== undefined ? compile(def.catchall, seen) : null;
        if (!strips && fields.length === 0 && catchall === null) break;
        check = (v, path, out) => {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
          const o = v as Record<string, unknown>;
          if (strips) {
            for (const k in o) {
              if (!hasOwn.call(shape, k))
                out.push({
                  code: 'unknown_key',
                  path: [...path, k],
                  message: `"${k}" is not in the schema, which strips unknown keys; it was kept. Add it to the schema, or use z.looseObject to allow extra keys`,
                });
            }
          } else if (catchall !== null) {
            for (const k in o) if (!Object.hasOwn(shape, k)) catchall(o[k], [...path, k], out);
          }
          for (const [k, c] of fields) if (Object.hasOwn(o, k)) c(o[k], [...path, k], out);
        };
        break;
      }
      case 'array': {
        const c = def.element ? compile(def.element, seen) : null;
        if (c !== null) {
          check = (v, path, out) => {
            if (Array.isArray(v)) for (const [i, x] of v.entries()) c(x, [...path, i], out);
          };
        }
        break;
      }
      case 'record': {
        const c = def.valueType ? compile(def.valueType, seen) : null;
        if (c !== null)
          check = (v, path, out) => {
            if (typeof v === 'object' && v !== null && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) c(x, [...path, k], out);
          };
        break;
      }
      case 'intersection': {
        // Each side strips what the other names: only flag keys neither side knows.
        break;
      }
      default:
        // Unions, tuples, lazies and the rest: zod decides which branch
        // matched, which this walk cannot know; their keys are not checked.
        break;
    }
  compiled.set(schema, check);
  return check;
}

/**
 * The keys of `value` that the schema's `z.object` shapes do not name and
 * would strip, as `unknown_key` issues. Never throws.
 *
 * @example
 * unknownKeys(z.object({ a: z.number() }), { a: 1, extra: 2 });
 * // [{ code: 'unknown_key', path: ['extra'], message: '"extra" is not in the schema, …' }]
 */
export function unknownKeys(schema: z.ZodType, value: unknown): ValidationIssue[] {
  let check = compiled.get(schema);
  if (check === undefined) check = compile(schema, new Set());
  if (check === null) return NONE;
  const out: ValidationIssue[] = [];
  check(value, [], out);
  return out.length === 0 ? NONE : out;
}

/** The shared empty result: a clean payload allocates nothing here. */
const NONE: ValidationIssue[] = [];
