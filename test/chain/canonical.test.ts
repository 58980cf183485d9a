import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CHAIN_FIELD, computeRecordHash, GENESIS_HASH } from '../../src/chain/index.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

describe('canonicalJson', () => {
  it('prints the same text whatever order the keys were inserted in', () => {
    expect(canonicalJson({ b: 2, a: 1, c: 3 })).toBe('{"a":1,"b":2,"c":3}');
    expect(canonicalJson({ c: 3, a: 1, b: 2 })).toBe(canonicalJson({ a: 1, b: 2, c: 3 }));
  });

  it('sorts the keys of nested objects, including objects inside arrays', () => {
    expect(canonicalJson({ z: { y: 1, x: [{ b: 1, a: 2 }] }, a: {} })).toBe('{"a":{},"z":{"x":[{"a":2,"b":1}],"y":1}}');
  });

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2, 'b', 'a'])).toBe('[3,1,2,"b","a"]');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does, and leaves non-ASCII text unescaped', () => {
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF01 in UTF-16 order.
    const v = { '\uff01': 4, '😀': 3, é: 2, z: 1, Z: 0 };
    expect(canonicalJson(v)).toBe('{"Z":0,"z":1,"é":2,"😀":3,"！":4}');
    expect(canonicalJson({ s: 'naïve ☃ 😀' })).toBe('{"s":"naïve ☃ 😀"}');
  });

  it('escapes control characters as JSON.stringify does', () => {
    expect(canonicalJson('a\nb\u0001"\\')).toBe('"a\\nb\\u0001\\"\\\\"');
  });

  it('prints numbers as JSON.stringify does', () => {
    expect(canonicalJson([0, -0, 1.5, 0.1, 1e21, 1e-7, -3, 2 ** 53])).toBe('[0,0,1.5,0.1,1e+21,1e-7,-3,9007199254740992]');
    expect(canonicalJson([NaN, Infinity])).toBe('[null,null]');
  });

  it('leaves out undefined members and prints undefined array elements as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, () => 1], c: 1 })).toBe('{"b":[null,null],"c":1}');
  });

  it('honours toJSON, so a Date becomes its ISO string', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 23, 14, 32, 1)) })).toBe('{"at":"2026-01-23T14:32:01.000Z"}');
  });

  it('throws on a BigInt and on a cycle, as JSON.stringify does', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });

  it('prints a repeated (not cyclic) object twice', () => {
    const shared = { b: 1, a: 2 };
    expect(canonicalJson([shared, shared])).toBe('[{"a":2,"b":1},{"a":2,"b":1}]');
  });

  it(
    'gives the same text for a value and for that value after a JSON round trip',
    () => {
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          expect(canonicalJson(JSON.parse(JSON.stringify(v)))).toBe(canonicalJson(v));
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'is JSON that parses back to a deep-equal value',
    () => {
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('computeRecordHash', () => {
  const record = {
    schema_version: 1,
    id: '01948f3a-7b1c-7d3e-9f4a-2b6c8d0e1f23',
    event_id: 'auth.user.login:1',
    time: '2026-01-23T14:32:01.000Z',
    observed_time: '2026-01-23T14:32:01.000Z',
    source: { type: 'runtime' },
    severity: 'INFO',
    payload: { user_id: '550e8400-e29b-41d4-a716-446655440000', ip: '192.168.1.42', method: 'password', mfa: true },
    seq: 1,
    prev_hash: GENESIS_HASH,
  };

  it('hashes the canonical JSON of the record with sha256 (pinned)', () => {
    const canonical =
      '{"event_id":"auth.user.login:1","id":"01948f3a-7b1c-7d3e-9f4a-2b6c8d0e1f23","observed_time":"2026-01-23T14:32:01.000Z",' +
      '"payload":{"ip":"192.168.1.42","method":"password","mfa":true,"user_id":"550e8400-e29b-41d4-a716-446655440000"},' +
      `"prev_hash":"${GENESIS_HASH}","schema_version":1,"seq":1,"severity":"INFO","source":{"type":"runtime"},"time":"2026-01-23T14:32:01.000Z"}`;
    expect(canonicalJson(record)).toBe(canonical);
    expect(computeRecordHash(record)).toBe(createHash('sha256').update(canonical).digest('hex'));
    // Pinned: a change here means every existing events.jsonl stops verifying.
    expect(computeRecordHash(record)).toBe('7bb4b152ab4b06fdc19ad3c522fc4fbfbe8090f861826e03490ac37b18a96cbc');
  });

  it('ignores the record\'s own "hash" field', () => {
    expect(computeRecordHash({ ...record, hash: 'anything' })).toBe(computeRecordHash(record));
  });

  it('changes when seq or prev_hash change, so records cannot be renumbered or relinked', () => {
    const h = computeRecordHash(record);
    expect(computeRecordHash({ ...record, seq: 2 })).not.toBe(h);
    expect(computeRecordHash({ ...record, prev_hash: '1'.repeat(64) })).not.toBe(h);
  });

  it('is 64 lowercase hex digits', () => {
    expect(computeRecordHash(record)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('chain wire strings', () => {
  it('are pinned, because every existing events.jsonl depends on them', () => {
    expect({ CHAIN_FIELD, GENESIS_HASH }).toEqual({
      CHAIN_FIELD: { SEQ: 'seq', PREV_HASH: 'prev_hash', HASH: 'hash' },
      GENESIS_HASH: '0000000000000000000000000000000000000000000000000000000000000000',
    });
  });
});
