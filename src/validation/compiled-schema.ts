import type { z } from 'zod';
import type { ZodDef } from '../catalog/zod-def.js';
import { unknownKeys } from './unknown-keys.js';

/*
 * The compiled accept of a payload: one walk over a plain JSON value that
 * answers "zod's `safeParse` succeeds and `unknownKeys` finds nothing"
 * without building zod's parse result (a copy of the whole payload, a
 * result object per field) or the unknown-key paths.
 *
 * It is compiled once per schema from zod's definition and follows zod's
 * own parse rules (zod's `$ZodObject`, `$ZodArray`, `$ZodUnion`,
 * `$ZodDiscriminatedUnion`, `$ZodRecord`, `$ZodOptional`, `$ZodNullable`):
 * - strings, numbers, booleans, null, enums, literals, `any`, `unknown`:
 *   zod's type test, then each of the schema's checks by zod's own check
 *   function (`min`, `max`, `length`, `regex`, `email`, `int`, …), with
 *   zod's `when` conditions;
 * - objects (strip, strict, loose or with a catchall), with zod's rule for
 *   absent keys (a key's `optin`/`optout`); arrays with their length
 *   checks; optional and nullable; unions and discriminated unions; records
 *   keyed by strings;
 * - a key a stripping object does not name fails, as `unknownKeys` flags it,
 *   except below a union, tuple, intersection or lazy schema, where
 *   `unknownKeys` does not look (zod decides the branch there).
 * Anything else (refinements, transforms, defaults, pipes, tuples,
 * intersections, lazies, coercion, an object with refinements) is asked of
 * zod itself for that part of the value: `safeParse` and `unknownKeys` of
 * that sub-schema. So the answer is zod's in every case; the walk only
 * makes the common case cheap. It answers true or false, never an issue:
 * a payload it does not accept goes through zod's full check, which builds
 * the issues with zod's own codes and messages.
 */

/** A compiled test: true only when zod's check of the sub-schema finds no issue (and, in the flagging walk, no stripped key). */
export type AcceptTest = (value: unknown) => boolean;

export interface Compiled {
  test: AcceptTest;
  /** True when the test asks zod for the whole of this schema (nothing compiled). */
  viaZod: boolean;
  /**
   * How the test is composed, for a walk that checks while it reads
   * (`compileCheckedRead`): an object's test is its fields' tests (every key
   * present, none other: then the object passes), an array's its element's
   * and its own checks, an optional's or nullable's its inner test.
   */
  parts?:
    | { kind: 'leaf'; code: LeafCode }
    | { kind: 'object'; fields: readonly CompiledField[] }
    | { kind: 'array'; element: Compiled; checks: ((v: unknown) => boolean) | null }
    | { kind: 'optional' | 'nullable'; inner: Compiled };
}

/**
 * A leaf's test as JavaScript source, for generated code (the compiled
 * readers): given the name of a variable holding the value and `bind`, which
 * turns a value the code needs (a set, a pattern, zod's check function)
 * into the name of a parameter holding it, the expression that is the
 * leaf's `test`. It reads the variable several times and never throws but
 * where zod's own check function does.
 */
export type LeafCode = (v: string, bind: (value: unknown) => string) => string;

/** One key of a compiled object test. */
export interface CompiledField {
  key: string;
  compiled: Compiled;
}

/** zod's internals this module reads. */
interface ZodInternals {
  traits: Set<string>;
  values?: Set<unknown>;
  optin?: string;
  optout?: string;
  propValues?: Record<string, Set<unknown>>;
  check?: (payload: CheckPayload) => unknown;
  def: ZodDef & {
    checks?: z.ZodType[];
    check?: string;
    coerce?: boolean;
    discriminator?: string;
    unionFallback?: boolean;
    inclusive?: boolean;
    mode?: string;
    partial?: boolean;
    when?: (payload: CheckPayload) => boolean;
  };
}
interface CheckPayload {
  value: unknown;
  issues: unknown[];
}
const internals = (s: z.ZodType): ZodInternals => (s as unknown as { _zod: ZodInternals })._zod;

/**
 * zod check kinds that only look at the value and push an issue when it
 * fails (no `overwrite`, which changes the value, no `custom`, which runs
 * the user's code on zod's output). Running their own `check` function is
 * running zod.
 */
export const PREDICATE_CHECKS: ReadonlySet<string> = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'string_format',
  'greater_than',
  'less_than',
  'number_format',
  'multiple_of',
  'min_size',
  'max_size',
  'size_equals',
]);

/** Schema types whose parse is one type test (before the checks). */
const PRIMITIVE_TESTS: Readonly<Record<string, AcceptTest>> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && v - v === 0, // zod's number: not NaN, finite
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  any: () => true,
  unknown: () => true,
  never: () => false,
};

/**
 * A sufficient condition of one zod check, cheaper than running it: true
 * only when zod's check certainly passes (false: run zod's check). Read
 * from zod's check definitions (`$ZodCheckMaxLength` and the rest): a string
 * is measured in code points there, and a code point is one or two UTF-16
 * units, so `length` bounds it from both sides.
 */
function quickCheck(ci: ZodInternals): ((v: unknown) => boolean) | undefined {
  const d = ci.def as ZodInternals['def'] & { maximum?: number; minimum?: number; value?: unknown; inclusive?: boolean; format?: string; pattern?: unknown };
  switch (d.check) {
    case 'max_length': {
      const max = d.maximum;
      return typeof max === 'number' ? (v) => (v as { length: number }).length <= max : undefined;
    }
    case 'min_length': {
      const min = d.minimum;
      if (typeof min !== 'number') return undefined;
      // n units hold at least ceil(n / 2) code points.
      return (v) => (typeof v === 'string' ? v.length >= 2 * min - 1 : (v as { length: number }).length >= min);
    }
    case 'greater_than': {
      const x = d.value;
      if (typeof x !== 'number') return undefined;
      return d.inclusive === true ? (v) => (v as number) >= x : (v) => (v as number) > x;
    }
    case 'less_than': {
      const x = d.value;
      if (typeof x !== 'number') return undefined;
      return d.inclusive === true ? (v) => (v as number) <= x : (v) => (v as number) < x;
    }
    case 'number_format':
      return d.format === 'safeint' ? (v) => Number.isSafeInteger(v) : undefined;
    case 'string_format': {
      // Only `.regex()`: other formats may check more than their pattern.
      const pattern = d.pattern;
      if (d.format !== 'regex' || !(pattern instanceof RegExp)) return undefined;
      return (v) => {
        pattern.lastIndex = 0;
        return pattern.test(v as string);
      };
    }
    default:
      return undefined;
  }
}

/** {@link quickCheck} as source (see {@link LeafCode}), for the same checks; undefined where it has none. */
function quickCode(ci: ZodInternals): LeafCode | undefined {
  const d = ci.def as ZodInternals['def'] & { maximum?: number; minimum?: number; value?: unknown; inclusive?: boolean; format?: string; pattern?: unknown };
  switch (d.check) {
    case 'max_length': {
      const max = d.maximum;
      return typeof max === 'number' ? (v, b) => `${v}.length <= ${b(max)}` : undefined;
    }
    case 'min_length': {
      const min = d.minimum;
      if (typeof min !== 'number') return undefined;
      return (v, b) => `(typeof ${v} === 'string' ? ${v}.length >= ${b(2 * min - 1)} : ${v}.length >= ${b(min)})`;
    }
    case 'greater_than':
    case 'less_than': {
      const x = d.value;
      if (typeof x !== 'number') return undefined;
      const op = (d.check === 'greater_than' ? '>' : '<') + (d.inclusive === true ? '=' : '');
      return (v, b) => `${v} ${op} ${b(x)}`;
    }
    case 'number_format':
      return d.format === 'safeint' ? (v) => `Number.isSafeInteger(${v})` : undefined;
    case 'string_format': {
      const pattern = d.pattern;
      if (d.format !== 'regex' || !(pattern instanceof RegExp)) return undefined;
      return (v, b) => `(${b(pattern)}.lastIndex = 0, ${b(pattern)}.test(${v}))`;
    }
    default:
      return undefined;
  }
}

/**
 * One zod check as a test: zod's own check function on `p` (a payload
 * reused by the schema's checks), with its `when` condition; true when it
 * pushed no issue. Undefined when the check is not a predicate zod runs
 * alone ({@link PREDICATE_CHECKS}).
 */
function zodCheckTest(ci: ZodInternals, p: CheckPayload): ((v: unknown) => boolean) | undefined {
  const fn = ci.check;
  if (ci.def.check === undefined || !PREDICATE_CHECKS.has(ci.def.check) || fn === undefined) return undefined;
  const when = ci.def.when;
  return (v: unknown): boolean => {
    p.value = v;
    if (when === undefined || when(p)) fn(p);
    p.value = undefined;
    if (p.issues.length === 0) return true;
    p.issues.length = 0;
    return false;
  };
}

/**
 * The schema's own checks as source (see {@link LeafCode}): each check's
 * quick pass when it has one, else zod's own check function (with its
 * `when`). Null when there is none; undefined when one cannot be run as zod runs it.
 */
function checksCode(schema: z.ZodType): LeafCode | null | undefined {
  const zi = internals(schema);
  const checks = [...(zi.traits.has('$ZodCheck') ? [schema] : []), ...(zi.def.checks ?? [])];
  if (checks.length === 0) return null;
  const parts: LeafCode[] = [];
  const p: CheckPayload = { value: undefined, issues: [] };
  for (const c of checks) {
    const ci = internals(c);
    const byZod = zodCheckTest(ci, p);
    if (byZod === undefined) return undefined;
    const quick = quickCode(ci);
    parts.push(quick === undefined ? (v, b) => `${b(byZod)}(${v})` : (v, b) => `(${quick(v, b)} || ${b(byZod)}(${v}))`);
  }
  return (v, b) => parts.map((part) => part(v, b)).join(' && ');
}

/** The type tests of {@link PRIMITIVE_TESTS} as source. */
const PRIMITIVE_CODE: Readonly<Record<string, (v: string) => string>> = {
  string: (v) => `typeof ${v} === 'string'`,
  number: (v) => `(typeof ${v} === 'number' && ${v} - ${v} === 0)`,
  boolean: (v) => `typeof ${v} === 'boolean'`,
  null: (v) => `${v} === null`,
  any: () => 'true',
  unknown: () => 'true',
  never: () => 'false',
};

/**
 * The schema's own checks as one test run after its type test: each check's
 * quick pass when it has one, else zod's own check function, with zod's
 * `when` condition. Null when there is none; undefined when one cannot be
 * run as zod runs it. The schema itself counts when it is a check (a string
 * format such as `z.email()`).
 */
function compileChecks(schema: z.ZodType): ((v: unknown) => boolean) | null | undefined {
  const zi = internals(schema);
  const checks = [...(zi.traits.has('$ZodCheck') ? [schema] : []), ...(zi.def.checks ?? [])];
  if (checks.length === 0) return null;
  const tests: ((v: unknown) => boolean)[] = [];
  const p: CheckPayload = { value: undefined, issues: [] };
  for (const c of checks) {
    const ci = internals(c);
    const byZod = zodCheckTest(ci, p);
    if (byZod === undefined) return undefined;
    const quick = quickCheck(ci);
    tests.push(quick === undefined ? byZod : (v) => quick(v) || byZod(v));
  }
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [(v: unknown) => boolean, (v: unknown) => boolean];
    return (v) => a(v) && b(v);
  }
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
    return true;
  };
}

/** zod itself, for a sub-schema this module does not compile. */
function viaZod(schema: z.ZodType, flagUnknown: boolean): Compiled {
  const test: AcceptTest = flagUnknown ? (v) => schema.safeParse(v).success && unknownKeys(schema, v).length === 0 : (v) => schema.safeParse(v).success;
  return { test, viaZod: true };
}

function plainPrimitive(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
}

/** One object key's test, with zod's rule for a key the value does not have. */
interface Field {
  key: string;
  test: AcceptTest;
  /** Whether an absent key passes (zod's `handlePropertyResult`). */
  absentOk: boolean;
}

/**
 * The compiled test of a schema and of its parts. `flagUnknown`: a key a
 * stripping object does not name fails (as `unknownKeys` flags it); false
 * below a union, where `unknownKeys` does not look. The tests may throw
 * (a zod check that throws): callers catch and answer false, as
 * {@link compileAccept} does.
 */
export function compile(schema: z.ZodType, flagUnknown: boolean, active: Set<z.ZodType>): Compiled {
  if (active.has(schema)) return viaZod(schema, flagUnknown); // recursion: zod takes it from here
  active.add(schema);
  try {
    return compileNode(schema, flagUnknown, active) ?? viaZod(schema, flagUnknown);
  } finally {
    active.delete(schema);
  }
}

function compileNode(schema: z.ZodType, flagUnknown: boolean, active: Set<z.ZodType>): Compiled | undefined {
  const zi = internals(schema);
  const def = zi.def;
  if (def.coerce === true) return undefined;
  const type = def.type;
  const primitive = PRIMITIVE_TESTS[type];
  if (primitive !== undefined || type === 'enum' || type === 'literal') {
    const checks = compileChecks(schema);
    if (checks === undefined) return undefined;
    let is: AcceptTest;
    if (primitive !== undefined) is = primitive;
    else {
      const values = zi.values;
      if (values === undefined || ![...values].every(plainPrimitive)) return undefined;
      is = (v) => values.has(v);
    }
    // The same test as source, for generated code; without it the test is still sound.
    let code: LeafCode | undefined;
    const checksSource = checksCode(schema);
    if (checksSource !== undefined) {
      const values = zi.values;
      const typeCode: LeafCode = primitive !== undefined ? (v) => PRIMITIVE_CODE[type]!(v) : (v, b) => `${b(values)}.has(${v})`;
      code = checksSource === null ? typeCode : (v, b) => `(${typeCode(v, b)} && ${checksSource(v, b)})`;
    }
    const parts = code !== undefined ? { kind: 'leaf' as const, code } : undefined;
    if (checks === null) return { test: is, viaZod: false, ...(parts ? { parts } : {}) };
    return { test: (v) => is(v) && checks(v), viaZod: false, ...(parts ? { parts } : {}) };
  }
  // Every other compiled kind has no checks of its own but arrays' length checks.
  const ownChecks = (def.checks?.length ?? 0) > 0 || zi.traits.has('$ZodCheck');
  switch (type) {
    case 'optional':
    case 'nullable': {
      if (ownChecks || def.innerType === undefined) return undefined;
      if (type === 'optional' && (zi.traits.has('$ZodExactOptional') || internals(def.innerType).optin === 'defaulted')) return undefined;
      const inner = compile(def.innerType, flagUnknown, active);
      if (inner.viaZod) return undefined;
      const t = inner.test;
      return {
        test: type === 'optional' ? (v) => v === undefined || t(v) : (v) => v === null || t(v),
        viaZod: false,
        parts: { kind: type, inner },
      };
    }
    case 'array': {
      if (def.element === undefined) return undefined;
      const checks = compileChecks(schema);
      if (checks === undefined) return undefined;
      const element = compile(def.element, flagUnknown, active);
      const el = element.test;
      return {
        test: (v) => {
          if (!Array.isArray(v)) return false;
          for (let i = 0; i < v.length; i++) if (!el(v[i])) return false;
          return checks === null || checks(v);
        },
        viaZod: false,
        parts: { kind: 'array', element, checks },
      };
    }
    case 'object':
      return ownChecks ? undefined : compileObject(def, flagUnknown, active);
    case 'union':
      return ownChecks ? undefined : compileUnion(schema, def, active);
    case 'record':
      return ownChecks ? undefined : compileRecord(def, flagUnknown, active);
    default:
      return undefined;
  }
}

function compileObject(def: ZodInternals['def'], flagUnknown: boolean, active: Set<z.ZodType>): Compiled | undefined {
  const shape = def.shape ?? {};
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  const fields: Field[] = [];
  const parts: CompiledField[] = [];
  for (const key of Object.keys(shape)) {
    if (key === '__proto__') continue; // zod skips it
    const s = shape[key]!;
    const si = internals(s);
    const compiled = compile(s, flagUnknown, active);
    parts.push({ key, compiled });
    const test = compiled.test;
    // zod's handlePropertyResult, for a key not in the value: passes when the
    // schema is optional-in and either optional-out or accepts undefined.
    const absentOk = si.optin !== undefined && (si.optout === 'optional' || test(undefined));
    fields.push({ key, test, absentOk });
  }
  const known = new Set(Object.keys(shape));
  // Keys outside the shape: a strip object ignores them (but `unknownKeys`
  // flags them), a strict one fails them, a catchall checks their values.
  let extra: 'ignore' | 'fail' | AcceptTest;
  if (def.catchall === undefined) extra = flagUnknown ? 'fail' : 'ignore';
  else {
    const ci = internals(def.catchall);
    if (ci.def.type === 'never') extra = 'fail';
    else {
      // A catchall value is a property like any other: zod's absent-key rule never applies (the key is there).
      const c = compile(def.catchall, flagUnknown, active);
      extra = c.test;
      if (ci.optin !== undefined || ci.optout !== undefined) return undefined; // keep to the plain case
    }
  }
  return { test: generatedObjectTest(fields, known, extra) ?? objectTest(fields, known, extra), viaZod: false, parts: { kind: 'object', fields: parts } };
}

type Extra = 'ignore' | 'fail' | AcceptTest;

/** The object test as a closure over the fields (where code cannot be generated). */
function objectTest(fields: readonly Field[], known: ReadonlySet<string>, extra: Extra): AcceptTest {
  const n = fields.length;
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (let i = 0; i < n; i++) {
      const f = fields[i]!;
      if (f.key in o) {
        if (!f.test(o[f.key])) return false;
      } else if (!f.absentOk) return false;
    }
    if (extra === 'ignore') return true;
    if (extra === 'fail') {
      for (const k in o) if (!known.has(k)) return false;
      return true;
    }
    for (const k in o) if (!known.has(k) && k !== '__proto__' && !extra(o[k])) return false;
    return true;
  };
}

/**
 * The same test as {@link objectTest}, generated as code with each key a
 * literal (`v["order_id"]`), as zod's own object parser does when it may:
 * a property read at a site of its own is many times faster than a read by
 * a key from an array. Keys enter the code only as JSON string literals.
 * Undefined where code cannot be generated (`--disallow-code-generation-from-strings`).
 */
function generatedObjectTest(fields: readonly Field[], known: ReadonlySet<string>, extra: Extra): AcceptTest | undefined {
  const lines: string[] = ["if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;", 'let x; let present = 0;'];
  fields.forEach((f, i) => {
    const k = JSON.stringify(f.key);
    lines.push(`x = v[${k}];`);
    lines.push(`if (x === undefined && !(${k} in v)) { ${f.absentOk ? '' : 'return false;'} } else { present++; if (!t${i}(x)) return false; }`);
  });
  if (extra === 'ignore') lines.push('return true;');
  else if (extra === 'fail') {
    // Counting the enumerable keys is enough when no shape key can be found
    // on Object.prototype (`in` counts it present, `for…in` does not see it).
    const countable = fields.every((f) => !(f.key in Object.prototype));
    if (countable) lines.push('let n = 0; for (const k in v) n++; if (n === present) return true;');
    lines.push('for (const k in v) if (!known.has(k)) return false; return true;');
  } else lines.push("for (const k in v) if (!known.has(k) && k !== '__proto__' && !extra(v[k])) return false; return true;");
  const params = fields.map((_, i) => `t${i}`);
  try {
    const make = new Function('known', 'extra', ...params, `return function compiledObject(v) {\n${lines.join('\n')}\n};`) as (
      ...args: unknown[]
    ) => AcceptTest;
    return make(known, extra, ...fields.map((f) => f.test));
  } catch {
    return undefined;
  }
}

function compileUnion(schema: z.ZodType, def: ZodInternals['def'], active: Set<z.ZodType>): Compiled | undefined {
  const options = def.options ?? [];
  if (options.length === 0) return undefined;
  // Below a union, `unknownKeys` does not look: zod's own rule for extra keys holds.
  const tests = options.map((o) => compile(o, false, active).test);
  const zi = internals(schema);
  if (zi.traits.has('$ZodDiscriminatedUnion')) {
    // zod picks one option by the discriminator's value and runs only that.
    const key = def.discriminator;
    if (key === undefined || def.unionFallback === true) return undefined;
    const byValue = new Map<unknown, AcceptTest>();
    for (let i = 0; i < options.length; i++) {
      const pv = internals(options[i]!).propValues?.[key];
      if (pv === undefined) return undefined;
      for (const value of pv) {
        if (value === undefined || byValue.has(value)) return undefined; // ambiguous or omittable: zod's map, not ours
        byValue.set(value, tests[i]!);
      }
    }
    return {
      test: (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
        const t = byValue.get((v as Record<string, unknown>)[key]);
        return t?.(v) ?? false;
      },
      viaZod: false,
    };
  }
  if (def.inclusive === false || zi.traits.has('$ZodXor')) return undefined; // exactly one must match: zod counts
  if (tests.length === 1) return { test: tests[0]!, viaZod: false };
  return {
    test: (v) => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
      return false;
    },
    viaZod: false,
  };
}

function compileRecord(def: ZodInternals['def'], flagUnknown: boolean, active: Set<z.ZodType>): Compiled | undefined {
  const keyType = def.keyType;
  const valueType = def.valueType;
  if (keyType === undefined || valueType === undefined || def.mode === 'loose') return undefined;
  const ki = internals(keyType);
  // Keys checked as strings only: an enum or literal key set makes the record exhaustive, a number key retries.
  if (ki.def.type !== 'string' || ki.values !== undefined || ki.def.coerce === true) return undefined;
  const keyChecks = compileChecks(keyType);
  if (keyChecks === undefined) return undefined;
  const value = compile(valueType, flagUnknown, active).test;
  return {
    test: (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false; // zod's isPlainObject, for what a JSON value can be
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (k === '__proto__') continue;
        if (keyChecks !== null && !keyChecks(k)) return false;
        if (!value(o[k])) return false;
      }
      return true;
    },
    viaZod: false,
  };
}

/**
 * Compiles the accept of a schema, once: a test of a plain JSON value (as
 * `readJsonValue` or `JSON.parse` returns it) that is true only when
 * `schema.safeParse(value)` succeeds and `unknownKeys(schema, value)` finds
 * nothing; false means "not proven", so run zod's full check for the
 * issues. Undefined when no part of the schema compiles (the test would be
 * zod's own `safeParse`). Throws nothing: zod internals this module does
 * not read as expected make it answer undefined.
 *
 * @example
 * const accept = compileAccept(z.object({ items: z.array(z.object({ qty: z.number().int() })) }));
 * accept?.({ items: [{ qty: 2 }] }); // true
 * accept?.({ items: [{ qty: 2.5 }] }); // false: ask zod for the issue
 */
export function compileAccept(schema: z.ZodType): AcceptTest | undefined {
  // Compiled once per schema: every caller (emitters, the CLI, tests) shares it.
  if (accepts.has(schema)) return accepts.get(schema) ?? undefined;
  const accept = compileAcceptOnce(schema);
  accepts.set(schema, accept ?? null);
  return accept;
}

const accepts = new WeakMap<z.ZodType, AcceptTest | null>();

function compileAcceptOnce(schema: z.ZodType): AcceptTest | undefined {
  try {
    const c = compile(schema, true, new Set());
    if (c.viaZod) return undefined;
    const test = c.test;
    return (value) => {
      try {
        return test(value);
      } catch {
        return false; // a check that throws: zod's full check says what it is
      }
    };
  } catch {
    return undefined;
  }
}
