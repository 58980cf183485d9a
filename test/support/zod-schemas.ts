import fc from 'fast-check';
import { z } from 'zod';

/*
 * Generated zod schemas and values of (mostly) their shape, for the
 * differential tests of what factline compiles from a schema (the compiled
 * accept, the compiled read) against zod and the general read. A schema is
 * generated as a description, built into zod, and values are generated from
 * the same description: mostly close to valid, with random edits, extra keys
 * and arbitrary JSON mixed in.
 */

export type Desc =
  | { k: 'string'; checks: ('min' | 'max' | 'len' | 'regex' | 'email' | 'uuid')[] }
  | { k: 'number'; checks: ('int' | 'positive' | 'min' | 'max' | 'multipleOf')[] }
  | { k: 'boolean' | 'null' | 'any' | 'unknown' | 'refined' | 'transformed' | 'defaulted' }
  | { k: 'enum' }
  | { k: 'literal'; value: string | number | boolean }
  | { k: 'object'; mode: 'strip' | 'strict' | 'loose' | 'catchall'; fields: [string, Desc][]; refined: boolean }
  | { k: 'array'; el: Desc; min?: number; max?: number }
  | { k: 'optional' | 'nullable'; inner: Desc }
  | { k: 'union'; options: Desc[] }
  | { k: 'du'; options: [string, [string, Desc][]][] }
  | { k: 'record'; keyMin: boolean; value: Desc }
  | { k: 'tuple'; items: Desc[] }
  | { k: 'intersection'; left: Desc; right: Desc };

const KEYS = ['a', 'b', 'c', 'kind', 'toString', 'x y'];
const ENUM = ['red', 'green', 'blue'] as const;

export function build(d: Desc): z.ZodType {
  switch (d.k) {
    case 'string': {
      let s: z.ZodType = z.string();
      for (const c of d.checks) {
        if (c === 'min') s = (s as z.ZodString).min(2);
        else if (c === 'max') s = (s as z.ZodString).max(6);
        else if (c === 'len') s = (s as z.ZodString).length(3);
        else if (c === 'regex') s = (s as z.ZodString).regex(/^[a-c]*$/);
        else if (c === 'email') s = z.email();
        else s = z.uuid();
      }
      return s;
    }
    case 'number': {
      let n = z.number();
      for (const c of d.checks) {
        if (c === 'int') n = n.int();
        else if (c === 'positive') n = n.positive();
        else if (c === 'min') n = n.min(-5);
        else if (c === 'max') n = n.max(100);
        else n = n.multipleOf(2);
      }
      return n;
    }
    case 'boolean':
      return z.boolean();
    case 'null':
      return z.null();
    case 'any':
      return z.any();
    case 'unknown':
      return z.unknown();
    case 'refined':
      return z.string().refine((s) => s.length % 2 === 0, 'even length');
    case 'transformed':
      return z.string().transform((s) => s.length);
    case 'defaulted':
      return z.string().default('d');
    case 'enum':
      return z.enum(ENUM);
    case 'literal':
      return z.literal(d.value);
    case 'object': {
      const shape = Object.fromEntries(d.fields.map(([k, f]) => [k, build(f)]));
      let o: z.ZodType =
        d.mode === 'strict'
          ? z.strictObject(shape)
          : d.mode === 'loose'
            ? z.looseObject(shape)
            : d.mode === 'catchall'
              ? z.object(shape).catchall(z.number())
              : z.object(shape);
      if (d.refined) o = o.refine((v) => Object.keys(v as object).length < 4, 'fewer than 4 keys');
      return o;
    }
    case 'array': {
      let a = z.array(build(d.el));
      if (d.min !== undefined) a = a.min(d.min);
      if (d.max !== undefined) a = a.max(d.max);
      return a;
    }
    case 'optional':
      return build(d.inner).optional();
    case 'nullable':
      return build(d.inner).nullable();
    case 'union':
      return z.union(d.options.map(build) as [z.ZodType, z.ZodType]);
    case 'du':
      return z.discriminatedUnion(
        'kind',
        d.options.map(([tag, fields]) =>
          z.object({ kind: z.literal(tag), ...Object.fromEntries(fields.filter(([k]) => k !== 'kind').map(([k, f]) => [k, build(f)])) }),
        ) as unknown as [z.ZodObject, z.ZodObject],
      );
    case 'record':
      return z.record(d.keyMin ? z.string().min(2) : z.string(), build(d.value));
    case 'tuple':
      return z.tuple(d.items.map(build) as [z.ZodType]);
    case 'intersection':
      return z.intersection(build(d.left), build(d.right));
  }
}

export const descArb: fc.Arbitrary<Desc> = fc.letrec<{ desc: Desc; leaf: Desc }>((tie) => ({
  leaf: fc.oneof(
    fc.record({
      k: fc.constant('string' as const),
      checks: fc.uniqueArray(fc.constantFrom('min', 'max', 'len', 'regex', 'email', 'uuid') as fc.Arbitrary<'min'>, { maxLength: 2 }),
    }),
    fc.record({
      k: fc.constant('number' as const),
      checks: fc.uniqueArray(fc.constantFrom('int', 'positive', 'min', 'max', 'multipleOf') as fc.Arbitrary<'int'>, { maxLength: 3 }),
    }),
    fc.constantFrom<Desc>(
      { k: 'boolean' },
      { k: 'null' },
      { k: 'any' },
      { k: 'unknown' },
      { k: 'enum' },
      { k: 'refined' },
      { k: 'transformed' },
      { k: 'defaulted' },
    ),
    fc.record({ k: fc.constant('literal' as const), value: fc.constantFrom<string | number | boolean>('x', 1, true) }),
  ),
  desc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.record({
      k: fc.constant('object' as const),
      mode: fc.constantFrom('strip', 'strict', 'loose', 'catchall') as fc.Arbitrary<'strip'>,
      fields: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('desc')), { maxLength: 4, selector: ([k]) => k }),
      refined: fc.nat(4).map((n) => n === 0),
    }),
    fc.record({
      k: fc.constant('array' as const),
      el: tie('desc'),
      min: fc.option(fc.nat(2), { nil: undefined }),
      max: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    }),
    fc.record({ k: fc.constantFrom('optional', 'nullable') as fc.Arbitrary<'optional'>, inner: tie('desc') }),
    fc.record({ k: fc.constant('union' as const), options: fc.array(tie('desc'), { minLength: 2, maxLength: 3 }) }),
    fc.record({
      k: fc.constant('du' as const),
      options: fc.uniqueArray(fc.tuple(fc.constantFrom('p', 'q', 'r'), fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('desc')), { maxLength: 2 })), {
        minLength: 1,
        maxLength: 3,
        selector: ([t]) => t,
      }),
    }),
    fc.record({ k: fc.constant('record' as const), keyMin: fc.boolean(), value: tie('desc') }),
    fc.record({ k: fc.constant('tuple' as const), items: fc.array(tie('desc'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ k: fc.constant('intersection' as const), left: tie('desc'), right: tie('desc') }),
  ),
})).desc;

/** Any JSON value, as `JSON.parse` returns it. */
export const jsonArb = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** Values close to the description: mostly valid, sometimes not, with extra keys and arbitrary JSON mixed in. */
export function valueArb(d: Desc, depth = 0): fc.Arbitrary<unknown> {
  const near = nearArb(d, depth);
  return fc.oneof({ arbitrary: near, weight: 6 }, { arbitrary: jsonArb, weight: 1 });
}

function nearArb(d: Desc, depth: number): fc.Arbitrary<unknown> {
  switch (d.k) {
    case 'string':
    case 'refined':
    case 'transformed':
    case 'defaulted':
      return fc.oneof(fc.constantFrom('', 'ab', 'abc', 'abcabcab', 'zz', 'a@b.co', '550e8400-e29b-41d4-a716-446655440000'), fc.string({ maxLength: 8 }));
    case 'number':
      return fc.oneof(
        fc.constantFrom(0, 1, 2, -6, 3.5, 100, 101, 1e21),
        fc.integer({ min: -10, max: 200 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      );
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'any':
    case 'unknown':
      return jsonArb;
    case 'enum':
      return fc.constantFrom('red', 'green', 'blue', 'pink');
    case 'literal':
      return fc.constantFrom(d.value, 'x', 1, true, 2);
    case 'object': {
      const entries = d.fields.map(([k, f]) =>
        fc.tuple(
          fc.constant(k),
          valueArb(f, depth + 1),
          fc.nat(4).map((n) => n > 0),
        ),
      );
      const extras = fc.array(fc.tuple(fc.constantFrom('extra', 'a', 'z'), fc.oneof(fc.integer(), fc.string({ maxLength: 3 }))), { maxLength: 2 });
      return fc
        .tuple(
          fc.tuple(...entries),
          fc.nat(3).map((n) => n === 0),
          extras,
        )
        .map(([fields, addExtra, extra]) => {
          const o: Record<string, unknown> = {};
          for (const [k, v, keep] of fields) if (keep) o[k] = v;
          if (addExtra) for (const [k, v] of extra) o[k] = v;
          return JSON.parse(JSON.stringify(o)) as unknown;
        });
    }
    case 'array':
      return fc.array(valueArb(d.el, depth + 1), { maxLength: 5 }).map((a) => JSON.parse(JSON.stringify(a)) as unknown);
    case 'optional':
      return fc.oneof(valueArb(d.inner, depth), fc.constant(undefined));
    case 'nullable':
      return fc.oneof(valueArb(d.inner, depth), fc.constant(null));
    case 'union':
      return fc.oneof(...d.options.map((o) => valueArb(o, depth + 1)));
    case 'du':
      return fc.oneof(
        ...d.options.map(([tag, fields]) =>
          fc
            .tuple(
              nearArb({ k: 'object', mode: 'strip', refined: false, fields: fields.filter(([k]) => k !== 'kind') }, depth + 1),
              fc.constantFrom(tag, tag, tag, 's'),
            )
            .map(([o, kind]) => (typeof o === 'object' && o !== null ? { kind, ...o } : o)),
        ),
      );
    case 'record':
      return fc
        .dictionary(fc.constantFrom('k', 'kk', 'key', 'toString'), valueArb(d.value, depth + 1), { maxKeys: 3 })
        .map((o) => JSON.parse(JSON.stringify(o)) as unknown);
    case 'tuple':
      return fc.tuple(...d.items.map((i) => valueArb(i, depth + 1))).map((a) => JSON.parse(JSON.stringify(a)) as unknown);
    case 'intersection':
      return fc.oneof(valueArb(d.left, depth + 1), valueArb(d.right, depth + 1));
  }
}
