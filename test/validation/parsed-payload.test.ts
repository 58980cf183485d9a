import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { BOUND_PER_TEXT_BYTE, compileParsedPayloadCheck, isCleanParsedJson } from '../../src/validation/parsed-payload.js';
import { checkPayload } from '../../src/validation/validate.js';
import { readJsonValue } from '../../src/validation/json-value.js';

/*
 * The fast accept of parsed payloads answers "certainly valid" or "ask the
 * full check". These tests hold it to that: it never accepts what
 * checkPayload rejects, on hostile JSON texts and several kinds of schema.
 */

const catalog = defineCatalog(
  {
    'app.flat.seen:1': z.strictObject({ id: z.string().regex(/^A-\d+$/), n: z.int().min(0).max(9), kind: z.enum(['a', 'b']), ok: z.boolean().optional(), note: z.string().nullable() }),
    'app.strip.seen:1': z.object({ id: z.string(), inner: z.object({ x: z.number() }).optional() }),
    'app.loose.seen:1': z.looseObject({ id: z.string() }),
    'app.nested.seen:1': z.strictObject({ tags: z.array(z.string()), meta: z.record(z.string(), z.unknown()), any: z.unknown() }),
    'app.refined.seen:1': z.strictObject({ a: z.number(), b: z.number() }).refine((v) => v.a < v.b, 'a must be below b'),
    'app.union.seen:1': z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.number() })]),
    'app.named.seen:1': z.strictObject({ timestamp: z.string() }),
  },
  { name: 'app' },
);
const types = catalog.list();
const MAX = 64 * 1024;

/** JSON texts a file may hold that JSON.stringify never writes, or that only the full check catches. */
const HOSTILE_RAW = [
  '1e400', '-1e999', '"\\ud800"', '"a\\uDC00b"', '"\\u0041-1"', '"A-1"', '"A-x"', '""', 'null', 'true', '[]', '{}', '0', '-0', '1.5', '10', '"a"', '"c"',
  `"${'x'.repeat(70_000)}"`, `${'{"d":'.repeat(70)}1${'}'.repeat(70)}`, `${'['.repeat(70)}${']'.repeat(70)}`, '{"__proto__":1}', '{"constructor":{}}',
  '{"prototype":[]}', '["\\udbff"]', '{"\\ud800":1}', '{"x":1,"y":2}', '{"x":"1"}', '["a","b"]', '[1]',
];
const KEYS = ['id', 'n', 'kind', 'ok', 'note', 'inner', 'tags', 'meta', 'any', 'a', 'b', 'timestamp', '__proto__', 'constructor', 'extra', '\ud800'];

function compare(typeIndex: number, text: string): { fast: boolean; full: boolean } {
  const type = types[typeIndex % types.length]!;
  const payload: unknown = JSON.parse(text);
  const accept = compileParsedPayloadCheck(type);
  const fast = accept !== undefined && accept.accepts(payload, text, Buffer.byteLength(text), MAX);
  return { fast, full: checkPayload(type, payload, MAX).issues.length === 0 };
}

describe('compileParsedPayloadCheck', () => {
  it('accepts clean valid payloads of every kind of schema', () => {
    const valid: [string, string][] = [
      ['app.flat.seen:1', '{"id":"A-1","n":3,"kind":"a","note":null}'],
      ['app.strip.seen:1', '{"id":"x","inner":{"x":1}}'],
      ['app.loose.seen:1', '{"id":"x","more":[1,{"y":"z"}]}'],
      ['app.nested.seen:1', '{"tags":["a"],"meta":{"k":{"v":[1,2]}},"any":[null]}'],
      ['app.refined.seen:1', '{"a":1,"b":2}'],
      ['app.union.seen:1', '{"b":2}'],
    ];
    for (const [id, text] of valid) expect([id, compare(types.findIndex((t) => t.id === id), text)]).toEqual([id, { fast: true, full: true }]);
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
    const base: Record<string, string> = { id: '"A-1"', n: '3', kind: '"a"', ok: 'true', note: 'null', inner: '{"x":1}', tags: '["t"]', meta: '{}', any: '1', a: '1', b: '2', timestamp: '"t"' };
    for (let t = 0; t < types.length; t++) {
      for (const key of KEYS) {
        for (const raw of HOSTILE_RAW) {
          const obj = { ...base, [key]: raw };
          const text = `{${Object.entries(obj).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
          const r = compare(t, text);
          if (r.fast) expect([types[t]!.id, text.slice(0, 200), r.full]).toEqual([types[t]!.id, text.slice(0, 200), true]);
          if (!r.full) rejected++;
          const alone = compare(t, raw);
          if (alone.fast) expect(alone.full).toBe(true);
        }
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  it('accepts no payload that checkPayload rejects (property, any JSON)', () => {
    const raw = fc.oneof(fc.constantFrom(...HOSTILE_RAW), fc.jsonValue().map((v) => JSON.stringify(v)));
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), raw), { maxLength: 6 }), (t, pairs) => {
        const text = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
        const r = compare(t, text);
        if (r.fast) expect(r.full).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('bounds the size checkPayload works out by the text: at most BOUND_PER_TEXT_BYTE bytes per byte of JSON text', () => {
    const bounded = (text: string): void => {
      expect(readJsonValue(JSON.parse(text)).maxBytes).toBeLessThanOrEqual(BOUND_PER_TEXT_BYTE * Buffer.byteLength(text));
    };
    for (const raw of [...HOSTILE_RAW, '[0,0,0,0]', '[[],[],[]]', '[{},{}]', '[true,false,null]', '{"":0}', '"\\u0000"', '"\\n\\n"']) bounded(raw);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        bounded(JSON.stringify(v));
      }),
    );
  });

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
  it('is true exactly when readJsonValue finds nothing to flag in a parsed value', () => {
    for (const raw of HOSTILE_RAW) {
      const v: unknown = JSON.parse(raw);
      expect([raw.slice(0, 40), isCleanParsedJson(v, 0)]).toEqual([raw.slice(0, 40), readJsonValue(v).issues.length === 0]);
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(isCleanParsedJson(v, 0)).toBe(readJsonValue(v).issues.length === 0);
      }),
    );
  });
});
