import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createLocalBackend,
  DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY,
  DEFAULT_MAX_QUERY_SERIES,
  QueryError,
  type LokiQueryResponse,
} from '../../src/query/index.js';
import { envelope, ns, tempDir, writeLines } from './support.js';

/*
 * Answers where the local engine differed from Loki 3.7.6 on Loki's own
 * examples; each expected value is what Loki answers (its source named at
 * each case). The conformance corpus (conformance.test.ts) checks them
 * against recorded answers of a real Loki too.
 */

const T = (s: number) => `2026-11-30T10:00:${String(s).padStart(2, '0')}.000Z`;
const START = ns('2026-11-30T09:00:00.000Z');
const END = ns('2026-11-30T11:00:00.000Z');
const S = '{service_name="sem"}';

let dir: string;
let file: string;

beforeAll(() => {
  dir = tempDir();
  const e = (i: number, payload: unknown) => envelope({ event_id: 'test.line.written:1', time: T(i), service_name: 'sem', payload });
  const lines = [
    e(0, { a: 1, b: 1, level: 'info', msg: 'level=warn foo=bar' }),
    e(1, { a: 1, b: 2, level: 'info' }),
    e(2, { a: 2, b: 1 }),
    e(3, { a: 2, b: 2 }),
    e(4, 'msg="back\\slash" level=info'),
    e(5, 'ip - [d] "GET /a?q=1 HTTP/1.1" 200'),
    e(6, 'level=error other=1'),
    e(7, 'not json at all'),
  ];
  // A JSON writer that escapes `/` (PHP, json-c): the same event, other bytes.
  lines.push(e(8, { path: 'a/b/c', n: 1 }).replace('"a/b/c"', '"a\\/b\\/c"'));
  file = writeLines(join(dir, 'events.jsonl'), lines);
});

function backend(options: { maxQuerySeries?: number } = {}) {
  return createLocalBackend({ files: [file], ...options });
}

async function streams(query: string) {
  const res = await backend().queryRange({ query, start: START, end: END, limit: 1000, direction: 'forward' });
  if (res.data.resultType !== 'streams') throw new Error(`expected streams, got ${res.data.resultType}`);
  return res.data.result;
}

async function labelsOf(query: string): Promise<Record<string, string>[]> {
  return (await streams(query)).flatMap((s) => s.values.map(() => s.stream));
}

async function instant(query: string): Promise<LokiQueryResponse['data']> {
  return (await backend().query({ query, time: END })).data;
}

async function rejection(p: Promise<unknown>): Promise<QueryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('expected a QueryError');
}

describe('label filters in parentheses (syntax.y: OPEN_PARENTHESIS labelFilter CLOSE_PARENTHESIS)', () => {
  it('keeps every predicate of a parenthesised and / or', async () => {
    expect(await labelsOf(`${S} | json | (a="1" and b="1")`)).toHaveLength(1);
    expect(await labelsOf(`${S} | json | (a="1" or b="1")`)).toHaveLength(3);
    expect(await labelsOf(`${S} | json | (a="2" and (b="1" or b="2"))`)).toHaveLength(2);
    expect(await labelsOf(`${S} | json | a="2" | (b="1", a="2")`)).toHaveLength(1);
  });
});

describe('logfmt as pkg/logql/log/logfmt decodes it', () => {
  it('drops a quoted value with an invalid escape, or reports it with --strict', async () => {
    const [plain] = await labelsOf(`${S} |= "slash" | logfmt`);
    expect(plain!.msg).toBeUndefined();
    expect(plain!.level).toBe('info');
    const [strict] = await labelsOf(`${S} |= "slash" | logfmt --strict`);
    expect(strict!.__error__).toBe('LogfmtParserErr');
    expect(strict!.__error_details__).toBe('logfmt syntax error at pos 17 : invalid quoted value');
    expect(strict!.level).toBeUndefined();
  });

  it('goes on after a stray quote, to the next space', async () => {
    const [l] = await labelsOf(`${S} |= "GET" | logfmt`);
    expect(l!._a_q).toBe('1');
    expect(l!._d_).toBeUndefined(); // `[d]` has no value: empty values are dropped
  });

  it('`| logfmt host, level` sets a missing key to ""', async () => {
    const [l] = await labelsOf(`${S} |= "other" | logfmt host, level`);
    expect(l!.host).toBe('');
    expect(l!.level).toBe('error');
  });

  it('names the byte position as Loki does', async () => {
    const [l] = await labelsOf(`${S} |= "GET" | logfmt --strict`);
    expect(l!.__error_details__).toBe("logfmt syntax error at pos 10 : unexpected '\"'");
  });
});

describe('parser stages: the first to extract a label keeps it (parser hints Extracted)', () => {
  it('a later parser does not overwrite', async () => {
    const [l] = await labelsOf(`${S} |= "foo=bar" | json | line_format "{{.msg}}" | logfmt`);
    expect(l!.level).toBe('info');
    expect(l!.foo).toBe('bar');
  });
});

describe('absent_over_time labels (evaluator.go absentLabels)', () => {
  it('drops a label that another matcher names', async () => {
    const data = await instant('absent_over_time({service_name="nope", service_name=~"n.*"}[5m])');
    expect(data.resultType).toBe('vector');
    expect((data.result as { metric: Record<string, string> }[]).map((s) => s.metric)).toEqual([{}]);
    const other = await instant('absent_over_time({service_name="nope", job!="x"}[5m])');
    expect((other.result as { metric: Record<string, string> }[]).map((s) => s.metric)).toEqual([{ service_name: 'nope' }]);
  });
});

describe('the raw-text prefilter never hides a line the filter matches', () => {
  it('finds text a JSON writer escaped', async () => {
    expect(await labelsOf(`${S} |= "a/b/c"`)).toHaveLength(1);
    expect(await labelsOf(`${S} |= "a/b" |= "c"`)).toHaveLength(1);
  });
});

describe('valid LogQL that Grafana’s grammar reads otherwise', () => {
  it('keywords in any case', async () => {
    const data = await instant(`SUM(Count_Over_Time(${S} |= "level" [2h]))`);
    expect(data.result).toEqual([{ metric: {}, value: [expect.any(Number), '4'] }]);
    const by = await instant(`sum BY (level) (count_over_time(${S} | JSON | level!="" [2h]))`);
    expect(by.result).toHaveLength(1);
  });

  it('an unwrap inside parentheses, with by', async () => {
    const data = await instant(`last_over_time((${S} |= "\\"a\\"" | json | unwrap a)[2h]) by (b)`);
    expect((data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => [s.metric, s.value[1]])).toEqual([
      [{ b: '1' }, '2'],
      [{ b: '2' }, '2'],
    ]);
  });

  it('an unwrap with offset', async () => {
    const at = await backend().query({ query: `sum_over_time(${S} |= "\\"a\\"" | json | unwrap a [10m] offset 5m)`, time: ns('2026-11-30T10:05:30.000Z') });
    expect((at.data.result as { value: [number, string] }[]).map((s) => s.value[1]).sort()).toEqual(['1', '1', '2', '2']);
  });

  it('counts lines a parser cannot read when no label is needed (NoLabels hints)', async () => {
    const data = await instant(`sum(count_over_time(${S} | json [2h]))`);
    expect(data.result).toEqual([{ metric: {}, value: [expect.any(Number), '9'] }]);
    const err = await rejection(instant(`sum by (level) (count_over_time(${S} | json [2h]))`));
    expect(err.message).toMatch(/^pipeline error: 'JSONParserErr'/);
  });
});

describe('regular expressions of label matchers', () => {
  it("a stream selector's . matches a newline, as Prometheus' labels.Matcher compiles it (^(?s:re)$); a label filter stage's does not", async () => {
    const nl = writeLines(join(dir, 'newline-service.jsonl'), [
      envelope({ event_id: 'test.line.written:1', time: T(0), service_name: 'a\nb', payload: { n: 1 } }),
      envelope({ event_id: 'test.line.written:1', time: T(1), service_name: 'ab', payload: { n: 2 } }),
    ]);
    const names = async (query: string) => {
      const res = await createLocalBackend({ files: [nl] }).queryRange({ query, start: START, end: END, limit: 10, direction: 'forward' });
      if (res.data.resultType !== 'streams') throw new Error(res.data.resultType);
      return res.data.result.flatMap((x) => x.values.map(() => x.stream.service_name)).sort();
    };
    expect(await names('{service_name=~".+"}')).toEqual(['a\nb', 'ab']);
    expect(await names('{service_name=~"a.b"}')).toEqual(['a\nb']);
    expect(await names('{service_name=~".+", service_name!~"a.b"}')).toEqual(['ab']);
    expect(await names('{service_name=~"(?s).+"}')).toEqual(['a\nb', 'ab']);
    // keep / drop take Prometheus matchers too.
    const kept = await createLocalBackend({ files: [nl] }).queryRange({
      query: '{service_name=~".+"} | keep service_name=~"a.b"',
      start: START,
      end: END,
      limit: 10,
      direction: 'forward',
    });
    if (kept.data.resultType !== 'streams') throw new Error(kept.data.resultType);
    expect(kept.data.result.map((x) => x.stream).sort((a, b) => Object.keys(a).length - Object.keys(b).length)).toEqual([{}, { service_name: 'a\nb' }]);
    // A label filter stage is Loki's own filter, ^(?:re)$ (pkg/logql/log/filter.go).
    expect(await names('{service_name=~".+"} | service_name=~"a.b"')).toEqual([]);
  });
});

describe('max_query_series', () => {
  const many = () => {
    const file = join(dir, 'many.jsonl');
    writeLines(
      file,
      Array.from({ length: 600 }, (_, i) => envelope({ event_id: 'test.line.written:1', time: T(i % 60), service_name: 'many', payload: { n: i } })),
    );
    return file;
  };
  const q = { query: 'count_over_time({service_name="many"} | json [2h])', time: END };

  it('defaults to the shipped collector-config/loki.yaml’s limits_config.max_query_series', async () => {
    const lokiYaml = fileURLToPath(new URL('../../collector-config/loki.yaml', import.meta.url));
    const shipped = (parse(readFileSync(lokiYaml, 'utf8')) as { limits_config: { max_query_series: number } }).limits_config.max_query_series;
    expect(DEFAULT_MAX_QUERY_SERIES).toBe(shipped);
    // 600 series: more than Loki's built-in default (500), within the shipped config's limit.
    const res = await createLocalBackend({ files: [many()] }).query(q);
    expect(res.data.result).toHaveLength(600);
  });

  it('refuses more series than the limit with Loki’s message; the limit is an option', async () => {
    const file = many();
    const err = await rejection(createLocalBackend({ files: [file], maxQuerySeries: 500 }).query(q));
    expect(err.code).toBe('bad_request');
    expect(err.message).toBe(
      'maximum number of series (500) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()',
    );
    const res = await createLocalBackend({ files: [file], maxQuerySeries: 600 }).query(q);
    expect(res.data.result).toHaveLength(600);
    expect(() => createLocalBackend({ files: [file], maxQuerySeries: 0 })).toThrow(/maxQuerySeries/);
  });
});

describe('max_entries_limit_per_query', () => {
  it('defaults to the shipped collector-config/loki.yaml’s limits_config.max_entries_limit_per_query, Loki’s 5000 when it sets none', () => {
    const lokiYaml = fileURLToPath(new URL('../../collector-config/loki.yaml', import.meta.url));
    const limits = (parse(readFileSync(lokiYaml, 'utf8')) as { limits_config: { max_entries_limit_per_query?: number } }).limits_config;
    // pkg/validation/limits.go: max_entries_limit_per_query defaults to 5000.
    expect(DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY).toBe(limits.max_entries_limit_per_query ?? 5000);
  });

  it('answers as the real Loki 3.7.6 with the shipped loki.yaml answered (recorded): 5000 answered, 5001 refused with its message, a metric query not limited', async () => {
    const recorded = JSON.parse(readFileSync(new URL('../fixtures/loki/entries-limit.json', import.meta.url), 'utf8')) as {
      answers: { query: string; limit: string; status: number; body: string }[];
    };
    const b = createLocalBackend({ files: [file] });
    for (const a of recorded.answers.filter((x) => Number.isSafeInteger(Number(x.limit)))) {
      const local = b.queryRange({ query: a.query, start: START, end: END, limit: Number(a.limit) });
      if (a.status === 200) expect((await local).status, `${a.query} limit ${a.limit}`).toBe(a.body);
      else expect((await rejection(local)).message, `${a.query} limit ${a.limit}`).toBe(a.body);
    }
  });

  it('refuses a log query whose limit is above it with Loki’s message; metric queries are not limited by it; the limit is an option', async () => {
    const b = createLocalBackend({ files: [file] });
    const range = { query: S, start: START, end: END };
    const err = await rejection(b.queryRange({ ...range, limit: DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY + 1 }));
    expect(err.code).toBe('bad_request');
    // pkg/querier/queryrange/limits.go, validateMaxEntriesLimits (HTTP 400).
    expect(err.message).toBe('max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)');
    const huge = await rejection(b.queryRange({ ...range, limit: 1e20 }));
    expect(huge.message).toBe('max entries limit per query exceeded, limit > max_entries_limit_per_query (100000000000000000000 > 5000)');
    expect((await b.queryRange({ ...range, limit: DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY })).status).toBe('success');
    expect((await b.queryRange({ query: `count_over_time(${S} [1h])`, start: START, end: END, limit: 6000 })).data.resultType).toBe('matrix');
    expect((await b.query({ query: `count_over_time(${S} [1h])`, time: END, limit: 6000 })).data.resultType).toBe('vector');
    const wide = createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 10_000 });
    expect((await wide.queryRange({ ...range, limit: 6000 })).status).toBe('success');
    expect(() => createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 0 })).toThrow(/maxEntriesLimitPerQuery/);
  });
});
