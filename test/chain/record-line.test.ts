import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHAIN_FIELD, computeRecordHash, GENESIS_HASH } from '../../src/chain/index.js';
import { chainRecordLine } from '../../src/chain/record.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/**
 * Chain version 2, computed independently of the writer: the line is
 * JSON.stringify of the record with seq, prev_hash and hash appended, and
 * the hash is SHA-256 of its UTF-8 bytes before the final `,"hash":` member.
 */
function v2Reference(record: Record<string, unknown>, seq: number, prevHash: string): { line: string; hash: string } {
  const full: Record<string, unknown> = { ...record, [CHAIN_FIELD.SEQ]: seq, [CHAIN_FIELD.PREV_HASH]: prevHash };
  const covered = JSON.stringify(full).slice(0, -1);
  const hash = createHash('sha256').update(Buffer.from(covered, 'utf8')).digest('hex');
  full[CHAIN_FIELD.HASH] = hash;
  const line = JSON.stringify(full) + '\n';
  expect(line.startsWith(covered + ',"hash":"')).toBe(true);
  return { line, hash };
}

const chainKeys = new Set<string>([CHAIN_FIELD.SEQ, CHAIN_FIELD.PREV_HASH, CHAIN_FIELD.HASH]);

describe('chainRecordLine', () => {
  it(
    'writes the line and hash of chain version 2, computed independently, for any JSON record',
    () => {
      fc.assert(
        fc.property(
          fc.dictionary(
            fc.string().filter((k) => !chainKeys.has(k)),
            fc.jsonValue(),
          ),
          fc.integer({ min: 1, max: 2 ** 40 }),
          (record, seq) => {
            expect(chainRecordLine(record, seq, GENESIS_HASH)).toEqual(v2Reference(record, seq, GENESIS_HASH));
          },
        ),
        { numRuns: 500 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('matches version 2 on envelope-shaped records with unsorted payload keys, undefined members, dates and boxed values', () => {
    const records: Record<string, unknown>[] = [
      { schema_version: 1, id: 'x', event_id: 'a.b.c:1', time: '2026-01-23T14:32:01.000Z', payload: { z: 1, a: [{ y: 2, b: 3 }], m: undefined } },
      { id: 'x', skipped: undefined, f: () => 1, when: new Date(0), n: new Number(3), s: new String('é'), neg: -0, big: 1e21, inf: Infinity },
      { payload: { toJSON: (key: string) => ({ key, b: 1, a: 2 }) } },
      { '10': 'ten', '9': 'nine', b: 'b', a: 'a' },
    ];
    for (const r of records) expect(chainRecordLine(r, 7, 'f'.repeat(64))).toEqual(v2Reference(r, 7, 'f'.repeat(64)));
  });

  it('throws a TypeError for a BigInt or a cycle, as JSON.stringify does', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => chainRecordLine({ payload: { n: 1n } }, 1, GENESIS_HASH)).toThrow(TypeError);
    expect(() => chainRecordLine({ payload: cyclic }, 1, GENESIS_HASH)).toThrow(TypeError);
  });
});

describe('computeRecordHash', () => {
  it(
    'hashes the canonical form of the record without its "hash" member, for any JSON record',
    async () => {
      const { canonicalJson } = await import('../../src/chain/index.js');
      const { createHash } = await import('node:crypto');
      fc.assert(
        fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (record, hash) => {
          const { [CHAIN_FIELD.HASH]: _omit, ...rest } = record;
          const expected = createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
          expect(computeRecordHash({ ...record, [CHAIN_FIELD.HASH]: hash })).toBe(expected);
          expect(computeRecordHash(rest)).toBe(expected);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('computeRecordHash on parsed lines', () => {
  it('hashes keys that objects order themselves ("10" before "9"), an own "__proto__", deep nesting and a "toJSON" string as the canonical form says', async () => {
    const { canonicalJson } = await import('../../src/chain/index.js');
    const { createHash } = await import('node:crypto');
    let deep: unknown = { b: 1, a: 2 };
    for (let i = 0; i < 100; i++) deep = { z: deep, a: [i] };
    const lines = [
      '{"10":"ten","9":"nine","hash":"x"}',
      '{"__proto__":{"b":1,"a":2},"a":1,"hash":"x"}',
      JSON.stringify({ deep, hash: 'x' }),
      '{"toJSON":"not a function","b":[{"d":1,"c":2}],"hash":"x"}',
      '{"payload":{"n":1e21,"m":-0,"s":"\\ud800 lone"},"hash":"x"}',
    ];
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const rest = Object.fromEntries(Object.entries(parsed).filter(([k]) => k !== CHAIN_FIELD.HASH));
      // Object.fromEntries defines "__proto__" as an own key, as JSON.parse does.
      const expected = createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
      expect(computeRecordHash(parsed)).toBe(expected);
    }
    expect(canonicalJson(JSON.parse('{"10":0,"9":0,"a":0}'))).toBe('{"10":0,"9":0,"a":0}');
  });
});
