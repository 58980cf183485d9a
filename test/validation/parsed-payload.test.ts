import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { BOUND_PER_TEXT_BYTE, compileParsedPayloadCheck, compileReadPayloadCheck, isCleanParsedJson } from '../../src/validation/parsed-payload.js';
import { checkPayload } from '../../src/validation/validate.js';
import { readJsonValue } from '../../src/validation/json-value.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/*
 * The fast accept of parsed payloads answers "certainly valid" or "ask the
 * full check". These tests hold it to that: it never accepts what
 * checkPayload rejects, on hostile JSON texts and several kinds of schema.
 */

const catalog = defineCatalog(
  {
    'app.flat.seen:1': z.strictObject({
      id: z.string().regex(/^A-\d+$/),
      n: z.int().min(0).max(9),
      kind: z.enum(['a', 'b']),
      ok: z.boolean().optional(),
      note: z.string().nullable(),
    }),
    'app.strip.seen:1': z.object({ id: z.string(), inner: z.object({ x: z.number() }).optional() }),
    'app.stripflat.seen:1': z.object({ id: z.string().regex(/^A-\d+$/), n: z.int().min(0).optional(), kind: z.enum(['a', 'b']), note: z.string().nullable() }),
    'app.loose.seen:1': z.looseObject({ id: z.string() }),
    'app.nested.seen:1': z.strictObject({ tags: z.array(z.string()), meta: z.record(z.string(), z.unknown()), any: z.unknown() }),
    'app.refined.seen:1': z.strictObject({ a: z.number(), b: z.number() }).refine((v) => v.a < v.b, 'a must be below b'),
    'app.union.seen:1': z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.number() })]),
    'app.named.seen:1': z.strictObject({ timestamp: z.string() }),
    'app.checks.seen:1': z.strictObject({
      at: z.iso.datetime({ offset: true }),
      code: z.string().length(3).optional(),
      word: z.string().max(4),
      lit: z.literal(['A-1', 3, true]).nullable(),
      step: z.number().multipleOf(0.5).lt(10).gt(-1),
      big: z.int().positive().optional(),
    }),
    'app.overwrite.seen:1': z.strictObject({ word: z.string().max(4).trim(), big: z.int().positive().optional().default(2) }),
  },
  { name: 'app' },
);
const types = catalog.list();
const MAX = 64 * 1024;

/** JSON texts a file may hold that JSON.stringify never writes, or that only the full check catches. */
const HOSTILE_RAW = [
  '1e400',
  '-1e999',
  '"\\ud800"',
  '"a\\uDC00b"',
  '"\\u0041-1"',
  '"A-1"',
  '"A-x"',
  '""',
  'null',
  'true',
  '[]',
  '{}',
  '0',
  '-0',
  '1.5',
  '10',
  '"a"',
  '"c"',
  `"${'x'.repeat(70_000)}"`,
  `${'{"d":'.repeat(70)}1${'}'.repeat(70)}`,
  `${'['.repeat(70)}${']'.repeat(70)}`,
  '{"__proto__":1}',
  '{"constructor":{}}',
  '{"prototype":[]}',
  '["\\udbff"]',
  '{"\\ud800":1}',
  '{"x":1,"y":2}',
  '{"x":"1"}',
  '["a","b"]',
  '[1]',
  '"2026-03-30T14:23:45+02:00"',
  '"2026-03-30T24:00:00Z"',
  '"abc"',
  '"ab "',
  '" ab"',
  '"abcde"',
  '3',
  '2.5',
  '9.5',
  '-0.5',
  '1e21',
  '9007199254740993',
  '-1',
];
const KEYS = [
  'at',
  'code',
  'word',
  'lit',
  'step',
  'big',
  'id',
  'n',
  'kind',
  'ok',
  'note',
  'inner',
  'tags',
  'meta',
  'any',
  'a',
  'b',
  'timestamp',
  '__proto__',
  'constructor',
  'extra',
  '\ud800',
];

/** A valid payload of each type. */
const VALID: [string, string][] = [
  ['app.flat.seen:1', '{"id":"A-1","n":3,"kind":"a","note":null}'],
  ['app.strip.seen:1', '{"id":"x","inner":{"x":1}}'],
  ['app.stripflat.seen:1', '{"id":"A-1","n":3,"kind":"a","note":null}'],
  ['app.loose.seen:1', '{"id":"x","more":[1,{"y":"z"}]}'],
  ['app.nested.seen:1', '{"tags":["a"],"meta":{"k":{"v":[1,2]}},"any":[null]}'],
  ['app.refined.seen:1', '{"a":1,"b":2}'],
  ['app.union.seen:1', '{"b":2}'],
  ['app.overwrite.seen:1', '{"word":" ab ","big":4}'],
  ['app.checks.seen:1', '{"at":"2026-03-30T14:23:45+02:00","word":"ab","lit":null,"step":-0.5,"big":4}'],
];

function compare(typeIndex: number, text: string): { fast: boolean; full: boolean } {
  const type = types[typeIndex % types.length]!;
  const payload: unknown = JSON.parse(text);
  const accept = compileParsedPayloadCheck(type);
  const fast = accept?.accepts(payload, text, Buffer.byteLength(text), MAX) === true;
  return { fast, full: checkPayload(type, payload, MAX).issues.length === 0 };
}

/**
 * `emit`'s use: the payload as `readJsonValue` read it, taken to the fast
 * accept only when the read flagged nothing and its size bound is within
 * the limit, as the emitter does.
 */
function compareRead(typeIndex: number, text: string): { fast: boolean; full: boolean } {
  const type = types[typeIndex % types.length]!;
  const read = readJsonValue(JSON.parse(text));
  const accept = compileReadPayloadCheck(type);
  const fast = accept !== undefined && read.issues.length === 0 && read.maxBytes <= MAX && accept(read.value);
  return { fast, full: checkPayload(type, read.value, MAX).issues.length === 0 };
}

/** Each valid payload with every field replaced by, and every key added with, each hostile JSON text; and the text alone. */
function hostileVariants(): [number, string, string][] {
  const out: [number, string, string][] = [];
  const textOf = (pairs: [string, string][]): string => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  for (const [id, text] of VALID) {
    const t = types.findIndex((x) => x.id === id);
    const base = Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]): [string, string] => [k, JSON.stringify(v)]);
    for (const raw of HOSTILE_RAW) {
      for (const v of [
        ...base.map((_, i) => textOf(base.map((p, j): [string, string] => (j === i ? [p[0], raw] : p)))),
        ...KEYS.map((k) => textOf([...base, [k, raw]])),
        raw,
      ])
        out.push([t, id, v]);
    }
  }
  return out;
}

/** Valid payloads with fields replaced, added or dropped, as JSON texts. */
function editedPayloads(): fc.Arbitrary<[string, string]> {
  const raw = fc.oneof(
    fc.constantFrom(...HOSTILE_RAW),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  );
  const edit = fc.tuple(
    fc.constantFrom('replace' as const, 'add' as const, 'drop' as const),
    fc.nat(),
    fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })),
    raw,
  );
  return fc.tuple(fc.constantFrom(...VALID), fc.array(edit, { maxLength: 3 })).map(([[id, text], edits]): [string, string] => {
    let pairs = Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]): [string, string] => [k, JSON.stringify(v)]);
    for (const [kind, at, key, value] of edits) {
      if (kind === 'replace' && pairs.length > 0) pairs = pairs.map((p, j): [string, string] => (j === at % pairs.length ? [p[0], value] : p));
      else if (kind === 'add') pairs = [...pairs, [key, value]];
      else pairs = pairs.filter((_, j) => j !== at % Math.max(1, pairs.length));
    }
    return [id, `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`];
  });
}

describe('compileReadPayloadCheck (emit)', () => {
  it('is compiled for every schema with a part checked without zod: all but a refined object', () => {
    const compiled = types.filter((t) => compileReadPayloadCheck(t) !== undefined).map((t) => t.id);
    expect(compiled.sort()).toEqual(
      types
        .map((t) => t.id)
        .filter((id) => id !== 'app.refined.seen:1')
        .sort(),
    );
  });

  it('accepts the valid payloads of the types it is compiled for', () => {
    for (const id of [
      'app.flat.seen:1',
      'app.strip.seen:1',
      'app.stripflat.seen:1',
      'app.loose.seen:1',
      'app.nested.seen:1',
      'app.union.seen:1',
      'app.overwrite.seen:1',
      'app.checks.seen:1',
    ]) {
      const [, text] = VALID.find(([v]) => v === id)!;
      expect([
        id,
        compareRead(
          types.findIndex((t) => t.id === id),
          text,
        ),
      ]).toEqual([id, { fast: true, full: true }]);
    }
  });

  it(
    'accepts no payload that the schema checks reject (table and property)',
    () => {
      let rejected = 0;
      for (const [t, id, v] of hostileVariants()) {
        const r = compareRead(t, v);
        if (r.fast) expect([id, v.slice(0, 200), r.full]).toEqual([id, v.slice(0, 200), true]);
        if (!r.full) rejected++;
      }
      expect(rejected).toBeGreaterThan(1000);
      fc.assert(
        fc.property(editedPayloads(), ([id, text]) => {
          const r = compareRead(
            types.findIndex((x) => x.id === id),
            text,
          );
          if (r.fast) expect(r.full).toBe(true);
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('compileParsedPayloadCheck', () => {
  it('accepts clean valid payloads of every kind of schema', () => {
    for (const [id, text] of VALID)
      expect([
        id,
        compare(
          types.findIndex((t) => t.id === id),
          text,
        ),
      ]).toEqual([id, { fast: true, full: true }]);
  });

  it('gives no flat-line accept where zod cannot check the line itself: a refined object, a union, a shape that names an envelope key', () => {
    const flat = (id: string) => compileParsedPayloadCheck(catalog.get(id)!, ['event_type', 'timestamp']);
    expect(flat('app.refined.seen:1')).toBeUndefined();
    expect(flat('app.union.seen:1')).toBeUndefined();
    expect(flat('app.named.seen:1')).toBeUndefined();
    expect(flat('app.flat.seen:1')).toBeDefined();
  });

  it('accepts no payload that checkPayload rejects (table: every field of a valid payload replaced, every key added)', () => {
    let rejected = 0;
    for (const [t, id, v] of hostileVariants()) {
      const r = compare(t, v);
      if (r.fast) expect([id, v.slice(0, 200), r.full]).toEqual([id, v.slice(0, 200), true]);
      if (!r.full) rejected++;
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  it(
    'accepts no payload that checkPayload rejects (property: valid payloads with fields replaced, added, dropped)',
    () => {
      fc.assert(
        fc.property(editedPayloads(), ([id, text]) => {
          const r = compare(
            types.findIndex((x) => x.id === id),
            text,
          );
          if (r.fast) expect(r.full).toBe(true);
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'bounds the size checkPayload works out by the text: at most BOUND_PER_TEXT_BYTE bytes per byte of JSON text',
    () => {
      const bounded = (text: string): void => {
        expect(readJsonValue(JSON.parse(text)).maxBytes).toBeLessThanOrEqual(BOUND_PER_TEXT_BYTE * Buffer.byteLength(text));
      };
      for (const raw of [...HOSTILE_RAW, '[0,0,0,0]', '[[],[],[]]', '[{},{}]', '[true,false,null]', '{"":0}', '"\\u0000"', '"\\n\\n"']) bounded(raw);
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          bounded(JSON.stringify(v));
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('sizes a large payload exactly, as checkPayload does', () => {
    const type = catalog.get('app.loose.seen:1')!;
    const accept = compileParsedPayloadCheck(type)!;
    for (const n of [60_000, 65_000, 65_520, 65_527, 65_528, 70_000]) {
      const text = JSON.stringify({ id: 'x', big: 'y'.repeat(n) });
      const payload: unknown = JSON.parse(text);
      expect([n, accept.accepts(payload, text, Buffer.byteLength(text), MAX)]).toEqual([n, checkPayload(type, payload, MAX).issues.length === 0]);
    }
  });
});

describe('isCleanParsedJson', () => {
  it(
    'is true exactly when readJsonValue finds nothing to flag in a parsed value',
    () => {
      for (const raw of HOSTILE_RAW) {
        const v: unknown = JSON.parse(raw);
        expect([raw.slice(0, 40), isCleanParsedJson(v, 0)]).toEqual([raw.slice(0, 40), readJsonValue(v).issues.length === 0]);
      }
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          expect(isCleanParsedJson(v, 0)).toBe(readJsonValue(v).issues.length === 0);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
