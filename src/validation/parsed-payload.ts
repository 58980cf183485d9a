import { z } from 'zod';
import type { EventTypeInfo } from '../catalog/types.js';
import { defOf, type ZodDef } from '../catalog/zod-def.js';
import { BOUND_PER_TEXT_BYTE, FORBIDDEN_KEYS, isCleanParsedJson, wellFormed } from './clean-json.js';
import { compileAccept, PREDICATE_CHECKS } from './compiled-schema.js';
import { unknownKeys } from './unknown-keys.js';

/*
 * The fast accept for payloads parsed from JSON text (`factline validate`).
 *
 * `checkPayload` is built for any JavaScript value: it copies the payload
 * once (`readJsonValue`), keeping a path for every message, then sizes it,
 * then runs the schema. A value `JSON.parse` returned can fail that read in
 * only five ways: a lone surrogate (from a `\uD800` escape), a key that can
 * reach a prototype (`__proto__`, `constructor`, `prototype`), nesting past
 * MAX_DEPTH, a number beyond a double (`1e400` parses as Infinity), and a
 * size past the limit. No getter, cycle, BigInt or class instance can be in it.
 *
 * So the per-line work here is the schema's check, plus only what the
 * schema does not already prove; what it proves is worked out once per type.
 * For a strict or stripping object of primitive fields (string, number, boolean, enum,
 * literal, optional, nullable) the check is compiled from the schema: zod's
 * type test and zod's own check functions per field, without zod's parse
 * result objects (zod's full object parse cost several times the field
 * checks); any other schema gets zod's `safeParse`. The accept answers "certainly valid" or "ask the full check":
 * a line it does not accept goes through `checkPayload` unchanged, which
 * builds the issues. A line therefore gets the same issues, codes and
 * messages whether or not the fast accept exists; the tests compare both.
 */

export { BOUND_PER_TEXT_BYTE, isCleanParsedJson } from './clean-json.js';

/** One event type's fast accept, compiled once. */
export interface ParsedPayloadCheck {
  /**
   * True only when `checkPayload(type, payload, maxBytes)` finds no issue,
   * where `payload` is `value` without the envelope keys given at compile
   * time (a flat line), or `value` itself. False means "not proven": run
   * the full check for the issues. `text` is the JSON text `value` was
   * parsed from (UTF-16, as decoded) and `textBytes` its length in UTF-8
   * bytes; a bound is enough (a longer count only costs speed).
   */
  accepts(value: unknown, text: string, textBytes: number, maxBytes: number): boolean;
}

/** zod's internals this module reads: a schema's traits, value set, own check function. */
interface ZodInternals {
  traits: Set<string>;
  values?: Set<unknown>;
  check?: (payload: { value: unknown; issues: unknown[] }) => unknown;
  def: ZodDef & { checks?: z.ZodType[]; check?: string; coerce?: boolean; entries?: Record<string, unknown> };
}
const internals = (s: z.ZodType): ZodInternals => (s as unknown as { _zod: ZodInternals })._zod;

/** A field's test, compiled from its zod schema: true only when zod accepts the value. */
type FieldTest = (v: unknown, scratch: { value: unknown; issues: unknown[] }) => boolean;

/**
 * The test of a primitive field (string, number, boolean, null, enum,
 * literal; optional, nullable), as zod runs it: the type test zod's parser
 * makes, then each of the schema's checks by zod's own check function.
 * Undefined for any other schema, or a check this cannot run as zod does.
 */
function fieldTest(schema: z.ZodType): FieldTest | undefined {
  const zi = internals(schema);
  const def = zi.def;
  if (def.coerce === true) return undefined;
  const checks = [...(zi.traits.has('$ZodCheck') ? [schema] : []), ...(def.checks ?? [])];
  const fns: ((payload: { value: unknown; issues: unknown[] }) => unknown)[] = [];
  for (const c of checks) {
    const ci = internals(c);
    if (ci.def.check === undefined || !PREDICATE_CHECKS.has(ci.def.check) || ci.check === undefined) return undefined;
    fns.push(ci.check);
  }
  let type: ((v: unknown) => boolean) | undefined;
  switch (def.type) {
    case 'string':
      type = (v) => typeof v === 'string';
      break;
    case 'number':
      type = (v) => typeof v === 'number' && v - v === 0; // zod's number: not NaN, finite
      break;
    case 'boolean':
      type = (v) => typeof v === 'boolean';
      break;
    case 'null':
      type = (v) => v === null;
      break;
    case 'enum':
    case 'literal': {
      const values = zi.values;
      if (values === undefined || ![...values].every(plainJsonPrimitive)) return undefined;
      type = (v) => values.has(v);
      break;
    }
    case 'optional':
    case 'nullable': {
      const inner = def.innerType;
      if (fns.length > 0 || inner === undefined || (inner as unknown as { _zod: { optin?: string } })._zod.optin === 'defaulted') return undefined;
      const test = fieldTest(inner);
      if (test === undefined) return undefined;
      return def.type === 'optional' ? (v, p) => v === undefined || test(v, p) : (v, p) => v === null || test(v, p);
    }
    default:
      return undefined;
  }
  const is = type;
  if (fns.length === 0) return (v) => is(v);
  return (v, p) => {
    if (!is(v)) return false;
    p.value = v;
    for (let i = 0; i < fns.length; i++) {
      fns[i]!(p);
      if (p.issues.length > 0) {
        p.issues.length = 0;
        return false;
      }
    }
    return true;
  };
}

/**
 * zod's check of a plain object whose fields are all primitive, strict or
 * stripping unknown keys: every key one of the shape's or `extraKeys`,
 * every field's value accepted by its compiled test. A key outside the shape
 * fails the check either way: a strict object rejects it, and a stripping
 * one would drop it, which factline flags (`unknown_key`). Undefined when a
 * field is not primitive or the object passes unknown keys through.
 */
function compileStrictShape(def: ZodDef, extraKeys: readonly string[]): ((value: unknown) => boolean) | undefined {
  if (def.type !== 'object' || (def.catchall !== undefined && defOf(def.catchall).type !== 'never')) return undefined;
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  const tests: FieldTest[] = [];
  for (const k of keys) {
    if (!wellFormed(k) || FORBIDDEN_KEYS.has(k)) return undefined;
    const t = fieldTest(shape[k]!);
    if (t === undefined) return undefined;
    tests.push(t);
  }
  const allowed = new Set([...keys, ...extraKeys]);
  const scratch: { value: unknown; issues: unknown[] } = { value: undefined, issues: [] };
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const o = value as Record<string, unknown>;
    for (const k in o) if (!allowed.has(k)) return false;
    for (let i = 0; i < keys.length; i++) if (!tests[i]!(o[keys[i]!], scratch)) return false;
    return true;
  };
}

function plainJsonPrimitive(v: unknown): boolean {
  return typeof v === 'string' ? wellFormed(v) : typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
}

function withoutKeys(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value))
    if (!keys.includes(k)) Object.defineProperty(out, k, { value: value[k], enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * Compiles the fast accept of one event type, once. With `envelopeKeys`
 * (a flat line: Intent's `event_type` and `timestamp` beside the payload's
 * fields), the schema is extended with those keys so that zod checks the
 * parsed line itself, without copying the payload out of it; the caller
 * checks those keys' values itself before asking. Returns undefined when
 * no fast accept is sound for the type (a flat line of a schema that is not
 * a plain object, names an envelope key, or refines the object as a whole):
 * its lines always take the full check.
 *
 * @example
 * const fast = compileParsedPayloadCheck(type, ['event_type', 'timestamp']);
 * fast?.accepts(JSON.parse(text), text, Buffer.byteLength(text), 65536); // true: valid; false: run checkPayload
 */
export function compileParsedPayloadCheck(type: EventTypeInfo, envelopeKeys: readonly string[] = []): ParsedPayloadCheck | undefined {
  const def = defOf(type.schema);
  const isObject = def.type === 'object' && ((def as { checks?: unknown[] }).checks?.length ?? 0) === 0;
  const shape = isObject ? (def.shape ?? {}) : {};
  let schema = type.schema;
  if (envelopeKeys.length > 0) {
    if (!isObject || envelopeKeys.some((k) => Object.hasOwn(shape, k))) return undefined;
    const extra: Record<string, z.ZodType> = {};
    for (const k of envelopeKeys) extra[k] = z.any();
    try {
      schema = (type.schema as z.ZodObject).extend(extra);
    } catch {
      return undefined; // a zod that cannot extend this object: the full check only
    }
  }
  // A strict or stripping object of primitive fields, checked as zod checks
  // it but with no parse result built: its success proves the keys are the shape's,
  // the numbers finite and the nesting one level. Only the strings' form is
  // left, and text with no `\u` escape and no lone surrogate of its own
  // cannot hold a lone surrogate.
  let strictShape: ((value: unknown) => boolean) | undefined;
  try {
    strictShape = isObject ? compileStrictShape(def, envelopeKeys) : undefined;
  } catch {
    strictShape = undefined; // zod internals not as this module reads them: zod's own parse instead
  }
  const primitiveOnly = strictShape !== undefined;
  const extraKeys = envelopeKeys;
  // The compiled accept (generated per type: its keys read at sites of their
  // own), else the strict shape's closure, else zod's own parse.
  const compiled = compileAccept(schema);
  return {
    accepts(value, text, textBytes, maxBytes) {
      if (compiled !== undefined) {
        if (!compiled(value)) return false;
      } else if (strictShape !== undefined) {
        // An object of primitives whose keys are all the shape's has no key that zod would strip: no unknownKeys walk.
        if (!strictShape(value)) return false;
      } else if (!schema.safeParse(value).success || unknownKeys(schema, value).length > 0) return false;
      if (!(primitiveOnly && text.indexOf('\\u') === -1 && wellFormed(text)) && !isCleanParsedJson(value, 0)) return false;
      if (textBytes * BOUND_PER_TEXT_BYTE <= maxBytes) return true;
      // Large: size it exactly, as the full check would.
      const payload = extraKeys.length > 0 ? withoutKeys(value as Record<string, unknown>, extraKeys) : value;
      return Buffer.byteLength(JSON.stringify(payload) ?? 'null', 'utf8') <= maxBytes;
    },
  };
}

/**
 * The fast accept of a payload `emit` has read (`readJsonValue` found
 * nothing to flag, and its size bound is within the limit): true only when
 * `checkJsonPayload` would find no issue. Compiled once per type by
 * {@link compileAccept}; undefined when no part of the schema compiles.
 * Then `emit` runs `checkJsonPayload`.
 *
 * @example
 * const read = readJsonValue(JSON.parse(text));
 * const accept = compileReadPayloadCheck(type);
 * const issues = accept?.(read.value) ? [] : checkJsonPayload(type, read.value, maxBytes, read.maxBytes).issues;
 */
export function compileReadPayloadCheck(type: EventTypeInfo): ((value: unknown) => boolean) | undefined {
  return compileAccept(type.schema);
}
