import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { build, descArb, valueArb } from '../support/zod-schemas.js';
import { compileAccept } from '../../src/validation/compiled-schema.js';
import { unknownKeys } from '../../src/validation/unknown-keys.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/*
 * The compiled accept against zod itself, on generated schemas and payloads
 * (after zod's own compile-differential test): for every schema and every
 * plain JSON value, the compiled test answers exactly what zod's
 * `safeParse` and factline's `unknownKeys` answer together, on values that
 * zod accepts and rejects alike (test/support/zod-schemas.ts).
 */

/** What the compiled test must answer: zod's verdict and factline's unknown-key walk; a throw is not an accept. */
function reference(schema: z.ZodType, value: unknown): boolean {
  try {
    return schema.safeParse(value).success && unknownKeys(schema, value).length === 0;
  } catch {
    return false; // zod throws for some schemas (an intersection it cannot merge): never accepted
  }
}

describe('compileAccept against zod (generated schemas and payloads)', () => {
  it('answers exactly what safeParse + unknownKeys answer', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        descArb.chain((d) => fc.tuple(fc.constant(d), fc.array(valueArb(d), { minLength: 1, maxLength: 8 }))),
        ([d, values]) => {
          const schema = build(d);
          const accept = compileAccept(schema);
          for (const v of values) {
            const want = reference(schema, v);
            const got = accept === undefined ? want : accept(v);
            if (got !== want) throw new Error(`schema ${JSON.stringify(d)}, value ${JSON.stringify(v)}: compiled ${got}, zod ${want}`);
            if (want) accepted++;
            else rejected++;
          }
        },
      ),
      { numRuns: 1500 },
    );
    // Both answers were exercised, not one only.
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(500);
  }, 60_000 /* generated schemas, run by zod and by the compiled test: slow on a loaded machine */);

  it(
    'compiles nested objects, arrays, enums, unions and records without zod',
    () => {
      const schema = z.object({
        order_id: z.string().regex(/^ord_[a-z0-9]+$/),
        status: z.enum(['paid', 'pending']),
        customer: z.object({ id: z.uuid(), country: z.string().length(2), vip: z.boolean().optional() }),
        items: z.array(z.object({ sku: z.string().min(1).max(32), qty: z.number().int().positive(), price: z.number().nonnegative() })).max(100),
        tags: z.array(z.string()),
        payment: z.discriminatedUnion('method', [
          z.object({ method: z.literal('card'), last4: z.string().length(4) }),
          z.object({ method: z.literal('invoice') }),
        ]),
        meta: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
      });
      const accept = compileAccept(schema)!;
      expect(accept).toBeDefined();
      const valid = {
        order_id: 'ord_9f2',
        status: 'paid',
        customer: { id: '550e8400-e29b-41d4-a716-446655440000', country: 'DE' },
        items: [{ sku: 'A-1', qty: 2, price: 9.5 }],
        tags: ['web'],
        payment: { method: 'card', last4: '4242' },
        meta: { channel: 'web', n: 2 },
      };
      expect(accept(valid)).toBe(true);
      expect(reference(schema, valid)).toBe(true);
      for (const bad of [
        { ...valid, order_id: 'ORD' },
        { ...valid, customer: { ...valid.customer, extra: 1 } }, // a stripped key: unknownKeys flags it
        { ...valid, items: [{ sku: 'A-1', qty: 2.5, price: 1 }] },
        { ...valid, payment: { method: 'cash' } },
        { ...valid, meta: { a: true } },
      ]) {
        expect(accept(bad)).toBe(false);
        expect(reference(schema, bad)).toBe(false);
      }
      // A key that a stripping object inside a union does not name: zod keeps the branch, unknownKeys does not look.
      const inUnion = { ...valid, payment: { method: 'invoice', po: 'x' } };
      expect(accept(inUnion)).toBe(reference(schema, inUnion));
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('asks zod for what it does not compile: refinements, transforms, defaults', () => {
    expect(compileAccept(z.string().refine((s) => s !== ''))).toBeUndefined();
    const partly = compileAccept(z.object({ a: z.string().refine((s) => s.startsWith('x')), b: z.number() }))!;
    expect(partly({ a: 'xy', b: 1 })).toBe(true);
    expect(partly({ a: 'y', b: 1 })).toBe(false);
  });
});
