import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../../src/query/index.js';
import { envelope, ns, tempDir, writeLines } from './support.js';

/*
 * The scan skips a line on its raw JSON text when a leading `|=` / `|~`
 * filter cannot match the rendered line (scan.ts), and `|~` finds a match
 * within one string of the body without rendering (pipeline.ts). Every line here is one a
 * JSON writer may write with other bytes than the rendering (escapes, number
 * forms, whitespace, a missing payload), and every query must find the same
 * lines with the prefilter as without it (a `| decolorize` first turns it off
 * and changes none of these lines).
 */

const START = ns('2026-11-30T09:00:00.000Z');
const END = ns('2026-11-30T11:00:00.000Z');
const T = (s: number) => `2026-11-30T10:00:${String(s).padStart(2, '0')}.000Z`;

let file: string;

beforeAll(() => {
  let i = 0;
  const e = (payload: unknown) => envelope({ event_id: 'test.line.written:1', time: T(i++), service_name: 'pre', payload });
  const lines = [
    e({ path: 'a/b/c', n: 1 }).replace('"a/b/c"', '"a\\/b\\/c"'),
    e({ word: 'café' }).replace('café', 'caf\\u00e9'),
    e({ sep: 'x\u2028y' }),
    e({ big: 1 }).replace('"big":1', '"big":12345678901234567890'),
    e({ one: 1 }).replace('"one":1', '"one":1.0'),
    e({ hundred: 1 }).replace('"hundred":1', '"hundred":1e2'),
    e({ tiny: 1 }).replace('"tiny":1', '"tiny":0.0000001'),
    e({ huge: 1 }).replace('"huge":1', '"huge":1e999'),
    e({ spaced: 7 }).replace('"spaced":7', '"spaced": 7'),
    e(null),
    // Without a payload key: the line is what the Collector leaves of the envelope (entry.ts, leftover).
    e(undefined),
    e(1e21).replace('1e+21', '1e+21'),
    e('TS2345: plain string body'),
    e({ summary: 'Refactored src/a.ts to validate input', code: 'TS2345' }),
    e({ summary: 'Refactored\nsrc to validate' }),
    e({ summary: 'Refactored x\ny to validate' }),
    e({ a: 'Refactored x', b: 'y to validate' }),
    e({ a: 'y to validate', b: 'Refactored x' }),
  ];
  file = writeLines(join(tempDir(), 'events.jsonl'), lines);
});

async function lines(query: string): Promise<string[]> {
  const res = await createLocalBackend({ files: [file] }).queryRange({ query, start: START, end: END, limit: 1000 });
  if (res.data.resultType !== 'streams') throw new Error('expected streams');
  return res.data.result.flatMap((s) => s.values.map((v) => v[1])).sort();
}

const FILTERS = [
  '|= "a/b/c"',
  '|= "café"',
  '|= "u2028"',
  '|= "12345678901234567000"',
  '|= "one\\":1}"',
  '|= ":1}"',
  '|= ":100"',
  '|= "100"',
  '|= "e-7"',
  '|= "1e-7"',
  '|= "null"',
  '|= "ul"',
  '|= ":7"',
  '|= "parsed_event_id"',
  '|= "event_id"',
  '|= "000000000000000000000"',
  '|= "TS2345"',
  '|= "nothing here"',
  '|~ "a/b.*c"',
  '|~ "caf."',
  '|~ ":1\\\\}"',
  '|~ "e-7|nothing"',
  '|~ "Refactored .* to validate"',
  '|~ "Refactored .+ to"',
  '!~ "Refactored .* to validate"',
  '|~ "x.*y to"',
  '|~ "parsed_event.d"',
  '|~ "(?i)ts2345"',
  '|= "a/b" |~ "b.c"',
  '|= "TS2345" or "café"',
];

describe('the raw-text prefilter never hides a line the filter matches', () => {
  it.each(FILTERS)('%s', async (filter) => {
    const withPrefilter = await lines(`{service_name="pre"} ${filter}`);
    const without = await lines(`{service_name="pre"} | decolorize ${filter}`);
    expect(withPrefilter).toEqual(without);
  });

  it('the filters above match lines (they test something)', async () => {
    const matched = await Promise.all(FILTERS.map((f) => lines(`{service_name="pre"} | decolorize ${f}`)));
    expect(matched.filter((m) => m.length > 0).length).toBeGreaterThanOrEqual(FILTERS.length - 2);
  });
});
