import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileCheckedRead, compileRead } from '../../src/validation/compiled-read.js';
import { compileAccept } from '../../src/validation/compiled-schema.js';
import { readJsonValue } from '../../src/validation/json-value.js';
import { unknownKeys } from '../../src/validation/unknown-keys.js';
import { hostilePayload } from '../support/hostile.js';
import { build, descArb, valueArb } from '../support/zod-schemas.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/*
 * The compiled read against the general read (`readJsonValue`): the same
 * result (value, issues, size bounds, partial) on generated schemas and on
 * values of their shape with hostile parts put in (getters that count and
 * throw, proxies, toJSON, cycles, values JSON cannot carry), and every
 * getter run as many times by one as by the other.
 */

/** A value that counts how often its property is read. */
class Counter {
  n = 0;
}

/** Hostile replacements for a part of a value; `counter` counts the getter runs. */
function hostilePart(counter: Counter): fc.Arbitrary<(v: unknown) => unknown> {
  return fc.oneof(
    fc.constantFrom<(v: unknown) => unknown>(
      () => NaN,
      () => 1e19,
      () => 12n,
      () => 'a\uD800b',
      () => undefined,
      () => () => 1,
      () => Symbol('s'),
      () => new Map(),
      () => new Date(0),
      (v) => ({ toJSON: () => v }),
      (v) => new Proxy({ v }, {}),
      (v) => (Array.isArray(v) ? new Proxy(v, {}) : v),
      () => ({
        get x(): never {
          throw new Error('boom');
        },
      }),
    ),
    fc.constant((v: unknown) => {
      // The same keys as the value, each read through a counting getter.
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        Object.defineProperty(o, k, {
          enumerable: true,
          get() {
            counter.n++;
            return x;
          },
        });
      }
      return o;
    }),
    fc.constant((v: unknown) => {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) (v as Record<string, unknown>).self = v; // a cycle
      return v;
    }),
  );
}

/** Replaces the part of `v` at the step'th place of a walk with `edit(part)`. */
function editAt(v: unknown, step: number, edit: (v: unknown) => unknown, edited: Set<unknown>): unknown {
  let n = step;
  const walk = (x: unknown): unknown => {
    // What an earlier edit made (a getter that throws, a cycle) is left as it is.
    if (edited.has(x)) return x;
    if (n-- === 0) {
      const y = edit(x);
      if (typeof y === 'object' && y !== null) edited.add(y);
      return y;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x === 'object' && x !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, y] of Object.entries(x)) out[k] = walk(y);
      return out;
    }
    return x;
  };
  return walk(v);
}

function same(read: NonNullable<ReturnType<typeof compileRead>>, value: unknown, counter: Counter, budget: number): void {
  const before = counter.n;
  const general = readJsonValue(value, budget);
  const generalRuns = counter.n - before;
  const compiled = read(value, budget);
  const compiledRuns = counter.n - before - generalRuns;
  expect(compiled).toEqual(general);
  expect(JSON.stringify(compiled.value)).toBe(JSON.stringify(general.value)); // key order too
  expect(compiledRuns).toBe(generalRuns);
}

describe('compileRead against readJsonValue', () => {
  it('gives the same result on generated schemas and edited values of their shape (property)', () => {
    fc.assert(
      fc.property(
        descArb.chain((d) => {
          const counter = new Counter();
          const edits = fc.array(fc.tuple(fc.nat(20), hostilePart(counter)), { maxLength: 3 });
          return fc.tuple(
            fc.constant(d),
            fc.constant(counter),
            fc.array(fc.tuple(valueArb(d), edits), { minLength: 1, maxLength: 5 }),
            fc.constantFrom(Infinity, 1 << 20, 40, 0),
          );
        }),
        ([d, counter, values, budget]) => {
          const read = compileRead(build(d));
          if (read === undefined) return;
          for (const [v, edits] of values) {
            let value = v;
            const edited = new Set<unknown>();
            for (const [step, edit] of edits) value = editAt(value, step, edit, edited);
            same(read, value, counter, budget);
          }
        },
      ),
      { numRuns: 1500 },
    );
  }, 60_000 /* generated schemas, each value read twice: slow on a loaded machine */);

  it(
    'gives the same result on hostile payloads (property)',
    () => {
      const schema = z.object({ a: z.string(), b: z.array(z.object({ c: z.number(), d: z.boolean() })), e: z.object({ f: z.string().optional() }) });
      const read = compileRead(schema)!;
      fc.assert(
        fc.property(hostilePayload, (v) => same(read, v, new Counter(), 1 << 20)),
        { numRuns: 500 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it("copies a payload of the shape as the general read does, and the copy is not the caller's", () => {
    const schema = z.object({ id: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.number() })), tags: z.array(z.string()), ok: z.boolean() });
    const read = compileRead(schema)!;
    const payload = { id: 'o-1', items: [{ sku: 'a', qty: 1 }], tags: ['x'], ok: true };
    const r = read(payload, 1 << 20);
    expect(r).toEqual(readJsonValue(payload, 1 << 20));
    expect(r.value).toEqual(payload);
    expect(r.value).not.toBe(payload);
    expect((r.value as typeof payload).items[0]).not.toBe(payload.items[0]);
    payload.items.push({ sku: 'b', qty: 2 });
    expect((r.value as typeof payload).items).toHaveLength(1);
    // A cycle through the shape: the element is the payload itself.
    const cyclic: Record<string, unknown> = { id: 'o-2', items: [], tags: [], ok: false };
    (cyclic.items as unknown[]).push(cyclic);
    const c = read(cyclic, 1 << 20);
    expect(c).toEqual(readJsonValue(cyclic, 1 << 20));
    expect(c.issues.map((i) => [i.code, i.path])).toEqual([['cyclic_reference', ['items', 0]]]);
  });

  it('gives the same result when Object.prototype has an enumerable key (the key test sees it and leaves the object to the general read)', () => {
    const schema = z.object({ id: z.string(), n: z.number() });
    const read = compileRead(schema)!;
    const payload = { id: 'o-1', n: 1 };
    (Object.prototype as Record<string, unknown>).polluted = 'x';
    try {
      const r = read(payload, 1 << 20);
      expect(r).toEqual(readJsonValue(payload, 1 << 20));
      expect(Object.keys(r.value as object)).toEqual(['id', 'n']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  it('gives each read its own state when a getter starts another read while one is under way', () => {
    const schema = z.object({ a: z.string(), b: z.number() });
    const read = compileRead(schema)!;
    let inner: ReturnType<typeof readJsonValue> | undefined;
    const payload = {
      a: 'x',
      get b(): number {
        inner = readJsonValue({ c: NaN, d: [1, 2] });
        return 2;
      },
    };
    const r = read(payload, 1 << 20);
    expect(r.value).toEqual({ a: 'x', b: 2 });
    expect(r.issues).toEqual([]);
    expect(inner!.value).toEqual({ c: '[factline: NaN]', d: [1, 2] });
    expect(inner!.issues.map((i) => [i.code, i.path])).toEqual([['non_finite_number', ['c']]]);
    // The next read starts clean: no path or ancestor left over, no issue shared with an earlier result.
    const next = readJsonValue({ e: NaN });
    expect(next.issues.map((i) => [i.code, i.path])).toEqual([['non_finite_number', ['e']]]);
    expect(inner!.issues).toHaveLength(1);
  });
});

/** zod's verdict on a value as read: `safeParse` and factline's unknown-key walk; a throw is not an accept. */
function zodAccepts(schema: z.ZodType, value: unknown): boolean {
  try {
    return schema.safeParse(value).success && unknownKeys(schema, value).length === 0;
  } catch {
    return false;
  }
}

/*
 * The checking read (`compileCheckedRead`: the copy and the schema's
 * compiled accept in one walk) against the general read followed by zod:
 * the same copy, issues and size bounds as `readJsonValue`, every getter run
 * as often, and `accepted` exactly zod's verdict on the copy (and the
 * compiled accept's) wherever the read is clean.
 */
describe('compileCheckedRead against readJsonValue and zod', () => {
  const checkSame = (
    schema: z.ZodType,
    read: NonNullable<ReturnType<typeof compileCheckedRead>>,
    value: unknown,
    counter: Counter,
    budget: number,
    tally?: { accepted: number; rejected: number },
  ): void => {
    const before = counter.n;
    const general = readJsonValue(value, budget);
    const generalRuns = counter.n - before;
    const { accepted, ...checked } = read(value, budget);
    expect(counter.n - before - generalRuns).toBe(generalRuns);
    expect(checked).toEqual(general);
    expect(JSON.stringify(checked.value)).toBe(JSON.stringify(general.value)); // key order too
    if (general.issues.length > 0 || general.partial) return;
    const want = zodAccepts(schema, general.value);
    if (accepted !== want) throw new Error(`value ${JSON.stringify(general.value)}: checked read ${accepted}, zod ${want}`);
    expect(compileAccept(schema)!(general.value)).toBe(want);
    if (tally) tally[want ? 'accepted' : 'rejected']++;
  };

  it('answers what zod answers of the copy, on generated schemas and payloads that zod accepts and rejects (property)', () => {
    const tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        descArb.chain((d) => fc.tuple(fc.constant(d), fc.array(valueArb(d), { minLength: 1, maxLength: 8 }))),
        ([d, values]) => {
          const schema = build(d);
          const read = compileCheckedRead(schema);
          if (read === undefined) {
            expect(compileAccept(schema)).toBeUndefined();
            return;
          }
          for (const v of values) checkSame(schema, read, v, new Counter(), Infinity, tally);
        },
      ),
      { numRuns: 1500 },
    );
    // Both answers were exercised, not one only.
    expect(tally.accepted).toBeGreaterThan(500);
    expect(tally.rejected).toBeGreaterThan(500);
  }, 60_000 /* generated schemas, each value read twice and checked by zod: slow on a loaded machine */);

  it('gives the same copy and verdict on edited values with hostile parts, within and past the read budget (property)', () => {
    fc.assert(
      fc.property(
        descArb.chain((d) => {
          const counter = new Counter();
          const edits = fc.array(fc.tuple(fc.nat(20), hostilePart(counter)), { maxLength: 3 });
          return fc.tuple(
            fc.constant(d),
            fc.constant(counter),
            fc.array(fc.tuple(valueArb(d), edits), { minLength: 1, maxLength: 5 }),
            fc.constantFrom(Infinity, 1 << 20, 40, 0),
          );
        }),
        ([d, counter, values, budget]) => {
          const schema = build(d);
          const read = compileCheckedRead(schema);
          if (read === undefined) return;
          for (const [v, edits] of values) {
            let value = v;
            const edited = new Set<unknown>();
            for (const [step, edit] of edits) value = editAt(value, step, edit, edited);
            checkSame(schema, read, value, counter, budget);
          }
        },
      ),
      { numRuns: 1500 },
    );
  }, 60_000 /* generated schemas, each value read twice and checked by zod: slow on a loaded machine */);

  it('judges a nullable by the copy: a value that reads as null (toJSON returning null) is accepted wherever null is', () => {
    // Found by the property above (seed -1498383001): the nullable's test ran its inner test on a copy of null.
    const toNull = (): { toJSON: () => null } => ({ toJSON: () => null });
    const cases: [z.ZodType, unknown][] = [
      [z.boolean().nullable(), toNull()],
      [z.string().nullable(), toNull()],
      [z.object({ a: z.number().nullable() }), { a: toNull() }],
      [z.object({ a: z.object({ b: z.string() }).nullable() }), { a: toNull() }],
      [z.array(z.number().nullable()), [1, toNull(), null]],
      [z.array(z.object({ b: z.string() }).nullable()), [toNull()]],
      [z.object({ a: z.array(z.string()).nullable().optional() }), { a: toNull() }],
    ];
    for (const [schema, value] of cases) {
      const r = compileCheckedRead(schema)!(value, 1 << 20);
      expect(r.issues).toEqual([]);
      expect(zodAccepts(schema, r.value)).toBe(true);
      expect(r.accepted).toBe(true);
    }
    // Null where the schema has no nullable stays refused, by zod and the checked read alike.
    const strict = z.object({ a: z.number() });
    const r = compileCheckedRead(strict)!({ a: toNull() }, 1 << 20);
    expect(r.value).toEqual({ a: null });
    expect(zodAccepts(strict, r.value)).toBe(false);
    expect(r.accepted).toBe(false);
  });

  it('checks a nested payload as it reads it: each kind of failure found, a getter or toJSON read once', () => {
    const schema = z.object({
      order_id: z.string().regex(/^ord_[0-9a-f]{8}$/),
      status: z.enum(['placed', 'paid']),
      customer: z.object({ id: z.string().length(36), tier: z.enum(['free', 'pro']).nullable(), note: z.string().optional() }),
      items: z.array(z.object({ sku: z.string().min(1).max(32), qty: z.number().int().positive() })).max(2),
      tags: z.array(z.string().max(5)),
      at: z.string().refine((s) => s.endsWith('Z')),
    });
    const read = compileCheckedRead(schema)!;
    const valid = {
      order_id: 'ord_5f2c9a1e',
      status: 'paid',
      customer: { id: '550e8400-e29b-41d4-a716-446655440000', tier: null, note: 'x' },
      items: [{ sku: 'A', qty: 1 }],
      tags: ['web'],
      at: '2026-01-01T00:00:00Z',
    };
    const cases: [string, unknown, boolean][] = [
      ['valid', valid, true],
      ['regex', { ...valid, order_id: 'ord_X' }, false],
      ['enum', { ...valid, status: 'lost' }, false],
      ['length', { ...valid, customer: { ...valid.customer, id: 'short' } }, false],
      ['nullable enum', { ...valid, customer: { ...valid.customer, tier: 'gold' } }, false],
      ['optional absent', { ...valid, customer: { id: valid.customer.id, tier: null } }, true],
      ['optional read as undefined', { ...valid, customer: { ...valid.customer, note: undefined } }, true],
      ['required read as undefined', { ...valid, customer: { ...valid.customer, id: undefined } }, false],
      ['unknown key', { ...valid, customer: { ...valid.customer, extra: 1 } }, false],
      ['unknown key at the top', { ...valid, extra: 1 }, false],
      ['keys in another order', { ...valid, customer: { tier: null, id: valid.customer.id } }, true],
      ['array max', { ...valid, items: [valid.items[0], valid.items[0], valid.items[0]] }, false],
      ['element int', { ...valid, items: [{ sku: 'A', qty: 1.5 }] }, false],
      ['element hole', { ...valid, tags: [undefined] }, false],
      ['string element max', { ...valid, tags: ['toolong'] }, false],
      ['refinement', { ...valid, at: '2026' }, false],
      ['toJSON', { ...valid, at: new Date(0) }, true],
      [
        'getter',
        {
          ...valid,
          customer: {
            ...valid.customer,
            get note(): string {
              return 'y';
            },
          },
        },
        true,
      ],
    ];
    for (const [name, payload, want] of cases) {
      const r = read(payload, 1 << 20);
      expect([name, r.issues]).toEqual([name, []]);
      expect([name, r.accepted]).toEqual([name, want]);
      expect([name, zodAccepts(schema, r.value)]).toEqual([name, want]);
    }
  });
});
