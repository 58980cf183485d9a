import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { checkEnvelopeRecord } from '../../src/cli/validate-check.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { checkIntentRecord, isIsoTimestamp, isValidIntentRecord, parseIntentLine, INTENT_EVENT_TYPES } from '../../src/intent/flat-read.js';
import { isTimestamp } from '../../src/intent/flat-accept.generated.js';
import { Timestamp } from '../../src/intent/ids.js';
import { commonUtcTimeOn, isCommonUtcTime } from '../../src/intent/utc-time.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/*
 * `factline validate` accepts the common valid line on a fast path and sends
 * every other line through the full checks. The fast path must never accept
 * a line the full checks reject; these tests compare both on hostile lines.
 */

const FIXTURE = new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url);
const seedLines = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l !== '');
const seeds = seedLines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** The full check's verdict on a timestamp, without the fast path. */
const fullIsoCheck = (v: string): boolean => Timestamp.safeParse(v).success && !Number.isNaN(Date.parse(v));

/** Both paths on one line: the fast accept may only say yes when the full check finds nothing. */
function compare(text: string): { fast: boolean; full: boolean } {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return { fast: false, full: false };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { fast: false, full: false };
  const r = record as Record<string, unknown>;
  const fast = isValidIntentRecord(r, text, Buffer.byteLength(text));
  return { fast, full: checkIntentRecord(r, 1).ok };
}

/** A line from key / raw-JSON-text pairs, so that texts JSON.stringify never writes (1e400, \ud800) can be made. */
const lineOf = (pairs: [string, string][]): string => `{${pairs.map(([k, raw]) => `${JSON.stringify(k)}:${raw}`).join(',')}}`;
const pairsOf = (o: Record<string, unknown>): [string, string][] => Object.entries(o).map(([k, v]) => [k, JSON.stringify(v)]);

/** Raw JSON values that once broke a reader, or that only the full check catches. */
const HOSTILE_RAW = [
  '1e400',
  '-1e999',
  '"\\ud800"',
  '"a\\uDC00b"',
  '"\\u005f"',
  '""',
  'null',
  'true',
  '[]',
  '{}',
  '0',
  '-0',
  '1.5',
  '2',
  '-1',
  '"x"',
  '"SIG-1"',
  '"SIG-"',
  '"cli"',
  '"CLI"',
  `"${'x'.repeat(70_000)}"`,
  `${'{"d":'.repeat(70)}1${'}'.repeat(70)}`,
  `${'['.repeat(70)}${']'.repeat(70)}`,
  '{"__proto__":1}',
  '{"constructor":{}}',
  '["\\udbff"]',
  '9007199254740993',
  '1e21',
  '0.75',
  '"2026-03-30T14:23:45Z"',
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'event_id', 'extra', '\ud800', 'timestamp', 'event_type', 'signal_id', 'confidence'];
const HOSTILE_TIMES = [
  '2026-03-30T14:23:45Z',
  '2026-03-30T14:23:45.1Z',
  '2026-03-30T14:23:45.123456789Z',
  '2026-03-30T14:23:45.1234567890Z',
  '2026-03-30T14:23:45.Z',
  '2026-03-30T24:00:00Z',
  '2026-03-30T23:60:00Z',
  '2026-03-30T23:59:60Z',
  '2026-03-30T23:59:59z',
  '2026-03-30t23:59:59Z',
  '2026-03-30T23:59:59',
  '2026-03-30T23:59:59+02:00',
  '2026-03-30T23:59:59+24:00',
  '2026-03-30 23:59:59Z',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-03-30T1:23:45Z',
  '2026-03-30T14:23:4Z',
  '2026-03-30T14:23:45.12a4Z',
  '+02026-03-30T14:23:45Z',
  '0000-01-01T00:00:00Z',
  '2026-03-30T14:23:45\u0000Z',
  '２026-03-30T14:23:45Z',
  '2026-03-30T14:23:45.000Z ',
  ' 2026-03-30T14:23:45.000Z',
  '',
];

describe('the fast accept of flat Intent lines', () => {
  it('accepts every seed example: each of the 15 types has a fast path', () => {
    expect(seeds.map((s) => s.event_type)).toEqual([...INTENT_EVENT_TYPES]);
    for (const line of seedLines) expect(compare(line)).toEqual({ fast: true, full: true });
  });

  it('accepts no line that the full check rejects: every field of every seed replaced by hostile values (table)', () => {
    let rejected = 0;
    for (const seed of seeds) {
      const pairs = pairsOf(seed);
      for (let i = 0; i < pairs.length; i++) {
        for (const raw of HOSTILE_RAW) {
          const changed = pairs.map((p, j): [string, string] => (j === i ? [p[0], raw] : p));
          const r = compare(lineOf(changed));
          if (r.fast) expect(r.full).toBe(true);
          if (!r.full) rejected++;
        }
      }
      for (const key of HOSTILE_KEYS)
        for (const raw of HOSTILE_RAW.slice(0, 12)) {
          const r = compare(lineOf([...pairs, [key, raw]]));
          if (r.fast) expect(r.full).toBe(true);
        }
      for (const t of HOSTILE_TIMES) {
        const r = compare(lineOf(pairs.map(([k, v]): [string, string] => [k, k === 'timestamp' ? JSON.stringify(t) : v])));
        if (r.fast) expect(r.full).toBe(true);
      }
    }
    expect(rejected).toBeGreaterThan(500); // the table does reach the full check's rejections
  });

  it(
    'accepts no line that the full check rejects (property)',
    () => {
      const seedArb = fc.constantFrom(...seeds.map(pairsOf));
      const raw = fc.oneof(
        fc.constantFrom(...HOSTILE_RAW),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
      );
      const edit = fc.oneof(
        fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), raw }),
        fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), raw }),
        fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
        fc.record({
          kind: fc.constant('time' as const),
          t: fc.oneof(
            fc.constantFrom(...HOSTILE_TIMES),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
        }),
      );
      fc.assert(
        fc.property(seedArb, fc.array(edit, { maxLength: 4 }), (start, edits) => {
          let pairs = start;
          for (const e of edits) {
            if (e.kind === 'replace') pairs = pairs.map((p, j): [string, string] => (j === e.at % pairs.length ? [p[0], e.raw] : p));
            else if (e.kind === 'add') pairs = [...pairs, [e.key, e.raw]];
            else if (e.kind === 'drop') pairs = pairs.filter((_, j) => j !== e.at % Math.max(1, pairs.length));
            else pairs = pairs.map(([k, v]): [string, string] => [k, k === 'timestamp' ? JSON.stringify(e.t) : v]);
          }
          const r = compare(lineOf(pairs));
          if (r.fast) expect(r.full).toBe(true);
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

/** The two date caches: the full check's (flat-read.ts) and the generated accept's (flat-accept.generated.ts). */
const CACHED_CHECKS = { isIsoTimestamp, isTimestamp };

describe.each(Object.entries(CACHED_CHECKS))('%s with its date cache', (_name, check) => {
  it('agrees with the full check on odd timestamps after a date has been accepted', () => {
    for (const primer of ['2026-03-30T00:00:00Z', '2026-02-28T12:00:00.5Z', '2024-02-29T00:00:00Z', '2026-03-30T14:23:45+02:00']) {
      for (const t of HOSTILE_TIMES) {
        check(primer);
        expect([t, check(t)]).toEqual([t, fullIsoCheck(t)]);
      }
    }
  });

  it(
    'agrees with the full check on timestamps with one character changed (property)',
    () => {
      const chars = fc.constantFrom(...'0123456789:-.TZz+ \u0000Ａ');
      fc.assert(
        fc.property(
          fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
          fc.nat(),
          chars,
          fc.boolean(),
          (d, at, c, cut) => {
            const base = d.toISOString();
            check(base); // primes the cache with this date
            const i = at % base.length;
            const t = cut ? base.slice(0, i) + base.slice(i + 1) : base.slice(0, i) + c + base.slice(i + 1);
            expect([t, check(t)]).toEqual([t, fullIsoCheck(t)]);
          },
        ),
        { numRuns: 5000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('commonUtcTimeOn', () => {
  it('is isCommonUtcTime and the date, for every odd timestamp on every date', () => {
    for (const date of ['2026-03-30', '2024-02-29', '0000-01-01', '9999-12-31']) {
      const on = commonUtcTimeOn(date);
      for (const odd of HOSTILE_TIMES) {
        for (const t of [odd, date + odd.slice(10), `${date}T23:59:59.123Z\n`, `${date}T23:59:59.123Z${odd}`]) {
          expect([date, t, on.test(t)]).toEqual([date, t, isCommonUtcTime(t) && t.startsWith(date)]);
        }
      }
    }
  });

  it('refuses what is not a YYYY-MM-DD date, rather than build a pattern of it', () => {
    for (const bad of ['2026-3-30', '2026-03-30T', '.*', '2026-03-3.', '２026-03-30']) expect(() => commonUtcTimeOn(bad), bad).toThrow(/not a YYYY-MM-DD date/);
  });
});

describe("factline validate prints the full check's issues on hostile lines", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'factline-fast-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('with the same line, field, code and message as parseIntentLine, line for line', async () => {
    const lines: string[] = [];
    for (const seed of seeds) {
      const pairs = pairsOf(seed);
      lines.push(lineOf(pairs));
      for (const raw of ['1e400', '"\\ud800"', '{"__proto__":1}', `${'{"d":'.repeat(70)}1${'}'.repeat(70)}`, '"x"', 'null']) {
        lines.push(lineOf(pairs.map((p, j): [string, string] => (j === 1 ? [p[0], raw] : p))));
      }
      lines.push(lineOf([...pairs, ['__proto__', '1']]));
      lines.push(lineOf(pairs.map(([k, v]): [string, string] => [k, k === 'timestamp' ? '"2026-03-30T23:60:00Z"' : v])));
    }
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const stdout: string[] = [];
    const code = await main(['validate', '--json', '--max-errors', '0', file], { out: (l) => void stdout.push(l), err: () => {} });
    const expected = lines.flatMap((l, i) => {
      const r = parseIntentLine(l, i + 1);
      return r.ok ? [] : r.issues.map((x) => JSON.stringify({ line: x.line, field: x.field, code: x.code, reason: x.message }));
    });
    expect(code).toBe(1);
    expect(expected.length).toBeGreaterThan(seeds.length * 7);
    expect(stdout).toEqual(expected);
  });

  it('and, for envelope lines, the same issues as checkEnvelopeRecord', async () => {
    const lines: string[] = [];
    for (const seed of seeds) {
      const { event_type: wire, timestamp, ...payload } = seed;
      const id = intentCatalog.list().find((t) => t.wireName === wire)!.id;
      const envelope = (payloadRaw: string, time = JSON.stringify(timestamp)): string =>
        `{"event_id":${JSON.stringify(id)},"time":${time},"payload":${payloadRaw}}`;
      const pairs = pairsOf(payload);
      lines.push(envelope(lineOf(pairs)));
      for (const raw of ['1e400', '"\\ud800"', '{"__proto__":1}', `${'{"d":'.repeat(70)}1${'}'.repeat(70)}`, '"x"', 'null']) {
        lines.push(envelope(lineOf(pairs.map((p, j): [string, string] => (j === 0 ? [p[0], raw] : p)))));
      }
      lines.push(envelope(lineOf([...pairs, ['__proto__', '1']])));
      lines.push(envelope(lineOf(pairs), '"2026-03-30T23:60:00Z"'));
      lines.push(envelope('[]'));
      // A valid payload its writer flagged: never accepted by the fast path.
      lines.push(`${envelope(lineOf(pairs)).slice(0, -1)},"invalid":{"issues":[{"code":"lone_surrogate","path":["x"],"message":"m"}]}}`);
    }
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const stdout: string[] = [];
    const code = await main(['validate', '--json', '--max-errors', '0', file], { out: (l) => void stdout.push(l), err: () => {} });
    const expected = lines.flatMap((l, i) =>
      checkEnvelopeRecord(JSON.parse(l) as Record<string, unknown>, intentCatalog, i + 1, '').map((x) =>
        JSON.stringify({ line: x.line, field: x.field, code: x.code, reason: x.message }),
      ),
    );
    expect(code).toBe(1);
    expect(expected.length).toBeGreaterThan(seeds.length * 8);
    expect(stdout).toEqual(expected);
  });
});
