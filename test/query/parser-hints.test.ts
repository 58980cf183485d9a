import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../../src/query/index.js';
import { BOTH_FORMATS, envelope, ns, tempDir, writeLines } from './support.js';

/*
 * Parser hints: under a grouping `by (…)` with only line and label filters
 * beside one `| json`, the parser sets only the labels the query reads
 * (src/query/evaluate.ts, hintedSelector). The answer must be the one the
 * full extraction gives: `| decolorize` (a no-op on these lines) turns the
 * hint off, so each query is compared with its unhinted twin, on payloads
 * whose keys collide with entry labels (`_extracted`), nest (`a_b`), are
 * null, or are not JSON at all (`__error__`).
 */

const T = (s: number) => `2026-11-30T10:00:${String(s).padStart(2, '0')}.000Z`;
let file: string;

beforeAll(() => {
  const dir = tempDir();
  const payloads: unknown[] = [
    { file: 'a.ts', confidence: 0.01, service_name: 'inner', meta: { lang: 'ts' } },
    { file: 'a.ts', confidence: 0.5, meta: { lang: 'go' }, none: null },
    { file: 'b.ts', confidence: 0.02, service_name: 'other' },
    { file: null, confidence: 0.03 },
    'level=warn not json',
    { 'file name': 'c.ts', confidence: 0.04, nested: { deeper: { x: 1 } } },
  ];
  file = writeLines(
    join(dir, 'events.jsonl'),
    payloads.map((payload, i) => envelope({ event_id: 'agent.code.generated:1', time: T(i), service_name: i % 2 === 0 ? 'api' : 'worker', payload })),
  );
});

const instant = async (query: string) =>
  (await createLocalBackend({ files: [file], formats: BOTH_FORMATS }).query({ query, time: ns('2026-11-30T10:30:00.000Z') })).data;

describe('parser hints give the answer of the full extraction', () => {
  const queries = [
    'sum by (file) (count_over_time({service_name=~".+"} | json | confidence < 0.05 [1h]))',
    'sum by (service_name_extracted) (count_over_time({service_name=~".+"} | json | confidence > 0 [1h]))',
    'sum by (meta_lang) (count_over_time({service_name=~".+"} | json | meta_lang != "" [1h]))',
    'sum by (file) (count_over_time({service_name=~".+"} | json | __error__="" [1h]))',
    'sum by (file_name, nested_deeper_x) (count_over_time({service_name=~".+"} | json | confidence < 1 or file="a.ts" [1h]))',
    'sum(count_over_time({service_name=~".+"} |= "a" | json | file="a.ts" and confidence < 0.1 [1h]))',
    'sum by (service_name) (count_over_time({service_name=~".+"} | json | file="a.ts" [1h]))',
  ];
  it.each(queries)('%s', async (query) => {
    const twin = query.replace(' | json', ' | json | decolorize');
    const [hinted, full] = [await instant(query), await instant(twin)];
    expect(hinted).toEqual(full);
    expect((hinted.result as unknown[]).length).toBeGreaterThan(0);
  });
});
