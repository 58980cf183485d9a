import type { z } from 'zod';

/**
 * The parts of a zod 4 schema's definition (`schema._zod.def`) that
 * factline walks when a catalog is defined: object shapes, wrappers
 * (optional, nullable, default, pipe), arrays, unions, tuples, records.
 * One reading of zod's internals, shared by every walker.
 */
export interface ZodDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  values?: unknown[];
  /** `z.lazy`'s schema thunk. */
  getter?: () => z.ZodType;
}

export const defOf = (s: z.ZodType): ZodDef => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

/** Schema types that only wrap another (`innerType`), or a pipe, whose input side (`in`) is what a value must match. */
const WRAPPERS: ReadonlySet<string> = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch', 'pipe']);

/**
 * The schema a wrapper stands for (`z.optional(x)` → `x`, a pipe → its
 * input side), or `false` when the definition is not a wrapper. Every walker
 * unwraps through this one list.
 */
export function unwrapped(def: ZodDef): z.ZodType | undefined | false {
  if (!WRAPPERS.has(def.type)) return false;
  return def.type === 'pipe' ? def.in : def.innerType;
}
