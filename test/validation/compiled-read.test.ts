import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileRead } from '../../src/validation/compiled-read.js';
import { readJsonValue } from '../../src/validation/json-value.js';
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
