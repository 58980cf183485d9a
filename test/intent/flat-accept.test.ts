import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intentFlatAcceptSource } from '../../src/intent/flat-accept-source.js';
import { acceptsIntentFlatLine } from '../../src/intent/flat-accept.js';
import { checkIntentRecord } from '../../src/intent/flat-read.js';

/*
 * The generated accept of Intent's flat lines (what `factline validate`
 * checks without zod): the committed file is what the generator writes now,
 * and it accepts a line only when the full check finds nothing.
 */

const SEED = readFileSync(new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');

describe('src/intent/flat-accept.generated.ts', () => {
  it('is what the generator writes from the catalog now (run npm run generate:intent-accept after changing an Intent schema)', () => {
    expect(readFileSync(new URL('../../src/intent/flat-accept.generated.ts', import.meta.url), 'utf8')).toBe(intentFlatAcceptSource());
  });
});

/** Values a field is set to, as JSON text: each type, bounds, ids, escapes, nesting, forbidden keys. */
const VALUES = [
  '""',
  '"x"',
  '" "',
  '"SIG-"',
  '"SIG-042"',
  '"SIG-a_b-c"',
  '"sig-042"',
  '"CL-1"',
  '"INT-015"',
  '"TRACE-9"',
  '"SPEC-1"',
  '"CON-092"',
  '"-1"',
  '"\\ud800"',
  '"\\u00e9"',
  '"é"',
  '"2026-03-30T14:23:45Z"',
  '"2026-02-30T14:23:45Z"',
  '"2026-03-30T14:23:45+02:00"',
  '"2026-03-30"',
  '"cli"',
  '"mcp"',
  '"slack"',
  '"CLI"',
  '0',
  '-0',
  '1',
  '0.5',
  '-1',
  '1.0000001',
  '2',
  '99',
  '100',
  '100.5',
  '101',
  '1e400',
  '-1e400',
  '3.5',
  'true',
  'false',
  'null',
  '[]',
  '[""]',
  '["a"]',
  '["SIG-1","SIG-2"]',
  '["SIG-1",1]',
  '[[]]',
  '{}',
  '{"a":1}',
  '{"__proto__":1}',
  '{"a":{"b":"\\udc00"}}',
  '{"constructor":{}}',
  // What only a walk of a field of any kind (system.error's context) finds, with no \\u escape in the line to trigger the walk of the whole line:
  '{"a":1e400}',
  '{"a":[{"prototype":1}]}',
  `${'{"d":'.repeat(70)}1${'}'.repeat(70)}`,
];

/** Every line: each seed example, with each field set to each value, removed, or joined by an unknown key. */
function* variants(): Generator<string> {
  for (const line of SEED) {
    yield line;
    const record = JSON.parse(line) as Record<string, unknown>;
    yield line.replace(/}$/, ',"unknown_extra":1}');
    yield line.replace(/}$/, ',"__proto__":{}}');
    for (const key of Object.keys(record)) {
      const rest = Object.entries(record).filter(([k]) => k !== key);
      const text = (value: string | undefined) =>
        `{${[...rest.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), ...(value === undefined ? [] : [`${JSON.stringify(key)}:${value}`])].join(',')}}`;
      yield text(undefined);
      for (const v of VALUES) yield text(v);
    }
  }
}

describe('acceptsIntentFlatLine', () => {
  it('accepts a line exactly when checkIntentRecord finds no issue, for every variant of every example', () => {
    let accepted = 0;
    let checked = 0;
    for (const text of variants()) {
      const record = JSON.parse(text) as Record<string, unknown>;
      const bytes = Buffer.byteLength(text);
      const valid = checkIntentRecord(record, 1).ok;
      const accepts = acceptsIntentFlatLine(record, text, bytes, 65536);
      // Sound: never accepts what the full check rejects. Complete here: these valid lines need no full check.
      expect({ text, accepts }).toEqual({ text, accepts: valid });
      checked++;
      if (accepts) accepted++;
    }
    expect(checked).toBeGreaterThan(5000);
    expect(accepted).toBeGreaterThan(500);
  });

  it('sizes a large line exactly against maxPayloadBytes, as the full check does', () => {
    const line = SEED.find((l) => l.includes('"signal.created"'))!;
    const record = JSON.parse(line) as Record<string, unknown>;
    const payloadBytes = Buffer.byteLength(JSON.stringify({ ...record, event_type: undefined, timestamp: undefined }));
    for (const max of [payloadBytes - 1, payloadBytes, payloadBytes + 1]) {
      expect(acceptsIntentFlatLine(record, line, Buffer.byteLength(line), max), String(max)).toBe(checkIntentRecord(record, 1, max).ok);
    }
  });
});
