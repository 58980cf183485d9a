import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { capIssues, type IssueCode, type ValidationIssue } from '../../src/validation/issue.js';
import { readJsonValue } from '../../src/validation/json-value.js';
import { unknownKeys } from '../../src/validation/unknown-keys.js';

describe('readJsonValue', () => {
  it.each<[string, unknown, unknown, IssueCode | undefined]>([
    ['NaN', { a: NaN }, { a: '[factline: NaN]' }, 'non_finite_number'],
    ['Infinity', { a: -Infinity }, { a: '[factline: -Infinity]' }, 'non_finite_number'],
    ['a BigInt', { a: 12n }, { a: '[factline: BigInt 12n]' }, 'bigint'],
    ['a function', { a: function named() {} }, { a: '[factline: function named]' }, 'function'],
    ['a symbol', { a: Symbol('x') }, { a: '[factline: Symbol(x)]' }, 'symbol'],
    ['a Map', { a: new Map() }, { a: '[factline: Map]' }, 'unsupported_value'],
    [
      'a throwing getter',
      {
        get a(): never {
          throw new Error('boom');
        },
      },
      { a: '[factline: unreadable: boom]' },
      'unreadable_value',
    ],
    ['a lone surrogate', { a: 'x\uDC00' }, { a: 'x\uFFFD' }, 'lone_surrogate'],
    ['a lone surrogate in a key', { ['k\uD800']: 1 }, { ['k\uFFFD']: 1 }, 'lone_surrogate'],
    ['a Date', { a: new Date(0) }, { a: '1970-01-01T00:00:00.000Z' }, undefined],
    ['an Invalid Date', { a: new Date('x') }, { a: '[factline: Invalid Date]' }, 'unsupported_value'],
    ['undefined in an object and an array', { a: undefined, b: [undefined, 1] }, { b: [null, 1] }, undefined],
    ['an integer beyond int64', { a: 1e19 }, { a: 1e19 }, undefined],
  ])('reads %s', (_, input, value, code) => {
    const r = readJsonValue(input);
    expect(r.value).toEqual(value);
    expect(r.issues.map((i) => i.code)).toEqual(code === undefined ? [] : [code]);
  });

  it('marks a cycle and nesting past 64 levels', () => {
    const c: Record<string, unknown> = { a: 1 };
    c.self = c;
    expect(readJsonValue(c).value).toEqual({ a: 1, self: '[factline: cyclic reference]' });
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expect(JSON.stringify(readJsonValue(deep).value)).toContain('"[factline: too deep]"');
  });

  it('keeps __proto__ as an own key, never as the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const r = readJsonValue(input);
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(Object.keys(r.value as object)).toEqual(['__proto__']);
    expect(r.issues[0]!.code).toBe('forbidden_key');
  });

  it('flags integers of magnitude 2^63 or more, -2^63 included', () => {
    expect(readJsonValue({ a: 2 ** 63 }).wideIntegers).toBe(true);
    expect(readJsonValue({ a: -(2 ** 63) }).wideIntegers).toBe(true);
    expect(readJsonValue({ a: 2 ** 63 - 1024 }).wideIntegers).toBe(false);
  });

  it('calls toJSON on plain objects too, as JSON does, once each, and marks one that returns its own object', () => {
    let calls = 0;
    const inner = {
      toJSON: () => {
        calls++;
        return { ok: 1 };
      },
    };
    expect(readJsonValue({ outer: { toJSON: () => ({ inner }) } }).value).toEqual({ outer: { inner: { ok: 1 } } });
    expect(calls).toBe(1);
    const self: { toJSON(): unknown } = { toJSON: () => self };
    expect(readJsonValue({ self }).value).toEqual({ self: '[factline: cyclic reference]' });
  });

  it('reads the keys of a proxy whose toJSON lookup throws, keeping what can be read', () => {
    const p = new Proxy(
      { n: 1, m: 2 },
      {
        get: (t, k) =>
          k === 'toJSON'
            ? (() => {
                throw new Error('no');
              })()
            : t[k as 'n'],
      },
    );
    expect(readJsonValue(p)).toMatchObject({ value: { n: 1, m: 2 }, issues: [] });
  });
});

describe('capIssues', () => {
  it('keeps the first 10 issues, cut to a fixed size, and counts them all', () => {
    const long = 'k'.repeat(500);
    const issues: ValidationIssue[] = Array.from({ length: 5000 }, (_, i) => ({
      code: 'schema',
      path: Array.from({ length: 40 }, () => long),
      message: 'm'.repeat(1000),
      schemaCode: String(i),
    }));
    const capped = capIssues(issues);
    expect(capped.total).toBe(5000);
    expect(capped.issues).toHaveLength(10);
    expect(capped.issues[0]!.path).toHaveLength(17);
    expect(capped.issues[0]!.path.at(-1)).toBe('…');
    expect(Buffer.byteLength(JSON.stringify(capped.issues))).toBeLessThan(16 * 1024);
  });
});

describe('unknownKeys', () => {
  it('finds the keys a stripping z.object would drop, through optional, arrays and records', () => {
    const schema = z.object({ a: z.array(z.object({ b: z.number() })).optional(), r: z.record(z.string(), z.object({ c: z.number() })) });
    expect(unknownKeys(schema, { a: [{ b: 1, x: 1 }], r: { k: { c: 1, y: 2 } }, z: 0 }).map((i) => i.path)).toEqual([['z'], ['a', 0, 'x'], ['r', 'k', 'y']]);
    expect(unknownKeys(z.looseObject({ a: z.number() }), { a: 1, b: 2 })).toEqual([]);
  });
});

describe('docs/errors.md', () => {
  it('lists every validation issue code', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('../../src/envelope/issue.ts', import.meta.url), 'utf8');
    const codes = [...source.slice(0, source.indexOf('export interface')).matchAll(/\| '([a-z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(15);
    for (const code of codes.filter((c) => c !== 'invalid_event_id' && c !== 'not_an_object')) expect(doc, code).toContain(`\`${code}\``);
  });
});
