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
