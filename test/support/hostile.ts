import fc from 'fast-check';

/*
 * Payloads and times that once broke events: values JSON cannot carry,
 * values that throw when read, numbers OTLP's int64 cannot hold, huge and
 * deep values, and times that are invalid, before 1970, or far off. Shared by
 * the property test and the integration test that sends them through a
 * real Collector.
 */

function nested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { d: v };
  return v;
}

const leaf = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.constantFrom(NaN, Infinity, -Infinity, 1e19, -1e20, 2 ** 63, -(2 ** 63), 2 ** 63 - 1024, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, -0),
  fc.constantFrom('a\uD800b', '\uDC00', 'x\u2028y\u0085z\u202E', '\u0000nul', 'x'.repeat(3000)),
);

/** Values that throw when read, or that JSON writes as something else. */
function specials(value: fc.Arbitrary<unknown>, object: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    value.map((v) => ({
      v,
      get x(): never {
        throw new Error('boom');
      },
    })),
    value.map(
      (v) =>
        new Proxy(
          { v },
          {
            get() {
              throw new Error('trap');
            },
          },
        ),
    ),
    value.map(
      (v) =>
        new Proxy(
          { v },
          {
            ownKeys() {
              throw new Error('keys trap');
            },
          },
        ),
    ),
    // A revoked proxy is in the example tests only: fast-check itself inspects generated values.
    fc.constant(null).map(() => ({
      m: new (class {
        toJSON(): never {
          throw new Error('x');
        }
      })(),
    })),
    fc.constant(null).map(() => ({ toJSON: () => ({ fine: 1 }) })),
    object.map((o) => {
      const c: Record<string, unknown> = { ...o };
      c.self = c;
      return c;
    }),
    fc.constant(null).map(() => {
      const a: unknown[] = [1];
      a.push(a);
      return a;
    }),
    fc.integer({ min: 60, max: 120 }).map(nested),
    fc.constant(null).map(() => new Map([[1, 2]])),
    fc.constant(null).map(() => new Set([1])),
    fc.constant(null).map(() => new Date(NaN)),
    fc.constant(null).map(() => new Date(0)),
    fc.constant(null).map(() => () => 1),
    fc.constant(Symbol('s')),
    fc.constant(null).map(() => ({ ['__proto__']: 1, constructor: 2 })),
    fc.constant(null).map(() => Array.from({ length: 2000 }, () => NaN)),
    fc.constant(null).map(() => ({ huge: 'y'.repeat(80_000) })),
    fc.constant(null).map(() => Object.fromEntries(Array.from({ length: 140 }, (_, i) => [`f${i}`, i]))),
    fc.constant(null).map(() => ({ 'http.status': 200, http: { status: 503 } })),
  );
}

const tree = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[]; special: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array'), tie('special')),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  array: fc.array(tie('value'), { maxLength: 5 }),
  special: specials(tie('value'), tie('object')),
}));

/** Any payload, hostile ones made likely. */
export const hostilePayload: fc.Arbitrary<unknown> = fc.oneof(tree.object, tree.special, tree.value);

/** Any value of `emit`'s `time` option, odd ones made likely. */
export const oddTime: fc.Arbitrary<Date | number | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.double(),
  fc.integer(),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(new Date(''), 1.8e18, -1, Date.now() * 1000, Date.now() + 3 * 86_400_000, new Date('1990-06-15T12:00:00Z'), 0),
);
