import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOGQL_FUNCTIONS, RANGE_FUNCTIONS, unsupportedFunctionMessage, VECTOR_FUNCTIONS } from '../../src/query/functions.js';
import { createLocalBackend, parseQuery, QueryError } from '../../src/query/index.js';
import { envelope, ns, tempDir, writeLines } from './support.js';

/*
 * One table of LogQL functions (src/query/functions.ts): the parser's checks
 * and the refusal come from it, and docs/query-engine.md lists exactly its
 * rows. rate_counter's values follow Loki 3.7.6's extrapolatedRate
 * (pkg/logql/range_vector.go); parity.test.ts compares them with real Loki's.
 */

const doc = readFileSync(new URL('../../docs/query-engine.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### Functions'), doc.indexOf('## Errors'));
const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\w+) \| ([\w-]+) \| ([\w-]+) \| ([\w-]+) \| (.+) \|$/gm)].map((m) => ({
  name: m[1]!,
  kind: m[2]!,
  unwrap: m[3]!,
  grouping: m[4]!,
  param: m[5]!,
  doc: m[6]!,
}));

function syntaxOrUnsupported(q: string): QueryError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`expected ${q} to be refused`);
}

describe('the table of LogQL functions', () => {
  it('docs/query-engine.md lists every function of the table, and no other, as the table has it', () => {
    const expected = Object.entries(LOGQL_FUNCTIONS).map(([name, f]) => ({
      name,
      kind: f.kind,
      unwrap: f.kind === 'range' ? f.unwrap : '-',
      grouping: f.kind === 'other' ? '-' : f.grouping ? 'yes' : 'no',
      param: f.kind === 'other' ? '-' : f.param ? 'yes' : 'no',
      doc: f.doc,
    }));
    expect(rows).toEqual(expected);
  });

  it('the parser refuses as the table says: unwrap, grouping and parameter', () => {
    const S = '{service_name="api"}';
    for (const [name, f] of Object.entries(RANGE_FUNCTIONS)) {
      const p = f.param ? '0.5, ' : '';
      const unwrapped = `${name}(${p}${S} | logfmt | unwrap took [1m])`;
      const plain = `${name}(${p}${S}[1m])`;
      if (f.unwrap === 'required') expect(syntaxOrUnsupported(plain).message, plain).toMatch(`invalid aggregation ${name} without unwrap`);
      else expect(parseQuery(plain).kind, plain).toBe('range');
      if (f.unwrap === 'never') expect(syntaxOrUnsupported(unwrapped).message, unwrapped).toMatch(`invalid aggregation ${name} with unwrap`);
      else expect(parseQuery(unwrapped).kind, unwrapped).toBe('range');
      const grouped = `${name}(${p}${S} | logfmt | unwrap took [1m]) by (a)`;
      if (f.grouping) expect(parseQuery(grouped).kind, grouped).toBe('range');
      else expect(syntaxOrUnsupported(grouped).message, grouped).toMatch(`grouping not allowed for ${name} aggregation`);
    }
    for (const [name, f] of Object.entries(VECTOR_FUNCTIONS)) {
      const q = `${name} by (a) (${f.param ? '2, ' : ''}count_over_time(${S}[1m]))`;
      if (f.grouping) expect(parseQuery(q).kind, q).toBe('vector_agg');
      else expect(syntaxOrUnsupported(q).message, q).toMatch("doesn't allow grouping");
      if (f.param) expect(syntaxOrUnsupported(`${name}(count_over_time(${S}[1m]))`).message).toMatch(`parameter required for operation ${name}`);
      else expect(syntaxOrUnsupported(`${name}(2, count_over_time(${S}[1m]))`).message).toMatch(`unsupported parameter for operation ${name}`);
    }
  });

  it('a function outside the table is refused by name, with the list of those the engine evaluates', () => {
    const m = unsupportedFunctionMessage('approx_topk');
    expect(m).toMatch(
      /^approx_topk\(\) is not supported by the local engine, which evaluates count_over_time, rate, .*rate_counter, sum, .*label_replace; run the query on Loki/,
    );
  });
});

describe('rate_counter, as Loki 3.7.6 computes it', () => {
  const dir = tempDir();
  const at = (s: number) => `2026-11-30T10:00:${String(s).padStart(2, '0')}.000Z`;
  const line = (s: number, n: number, service = 'c') => envelope({ event_id: 'svc.counter.read:1', time: at(s), service_name: service, payload: { n } });
  const file = writeLines(join(dir, 'events.jsonl'), [
    // A counter that resets once: 5, 10, 2, 6 at 10 s, 20 s, 30 s, 40 s.
    line(10, 5),
    line(20, 10),
    line(30, 2),
    line(40, 6),
    // One sample only.
    line(15, 7, 'one'),
    // Two samples at the same time.
    line(25, 1, 'same'),
    line(25, 3, 'same'),
  ]);
  const backend = createLocalBackend({ files: [file] });
  async function value(service: string): Promise<string | undefined> {
    const q = `rate_counter({service_name="${service}"} | json | keep n | unwrap n [1m])`;
    const res = await backend.query({ query: q, time: ns('2026-11-30T10:00:59Z') });
    if (res.data.resultType !== 'vector') throw new Error(res.data.resultType);
    expect(res.data.result.length).toBeLessThanOrEqual(1);
    return res.data.result[0]?.value[1];
  }

  it('counts a reset as a restart from 0 and extrapolates with Loki’s units: the range in ms / 1000 before the first sample, 0 after the last', async () => {
    // increase 6 - 5 + 10 (the reset) = 11; sampled interval 30 s = 3e7 (ns / 1000);
    // distance to the start 60000 ms / 1000 = 60 < 1.1 x 1e7: extrapolated by 60; then / 60 s.
    expect(Number(await value('c'))).toBeCloseTo((11 * (3e7 + 60)) / 3e7 / 60, 12);
  });

  it('gives 0 for a single sample, and NaN for samples with no time between them (0 / 0)', async () => {
    expect(await value('one')).toBe('0');
    expect(await value('same')).toBe('NaN');
  });
});
