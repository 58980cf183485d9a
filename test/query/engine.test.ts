import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend, QueryError, type LokiQueryResponse } from '../../src/query/index.js';
import { BOTH_FORMATS, envelope, ns, tempDir, writeLines } from './support.js';

/*
 * The local engine on hand-written files whose Loki answers follow from
 * Loki's documented semantics (the parity suite compares with real Loki).
 */

const T = (s: number) => `2026-11-30T10:00:${String(s).padStart(2, '0')}.000Z`;
const START = ns('2026-11-30T09:00:00.000Z');
const END = ns('2026-11-30T11:00:00.000Z');

let dir: string;
let file: string;

beforeAll(() => {
  dir = tempDir();
  const agent = { type: 'child_agent', model: 'claude-sonnet-4', name: 'coder' };
  file = writeLines(join(dir, 'events.jsonl'), [
    envelope({
      event_id: 'agent.code.generated:1',
      time: T(0),
      service_name: 'api',
      source: agent,
      payload: {
        z: 1,
        file: 'src/auth/login.ts',
        confidence: 0.92,
        took: '250ms',
        size: '2KB',
        meta: { lang: 'ts', depth: { n: 2 } },
        tags: ['a'],
        none: null,
      },
    }),
    envelope({
      event_id: 'agent.code.generation_failed:1',
      time: T(10),
      severity: 'ERROR',
      service_name: 'api',
      source: agent,
      payload: { file: 'src/auth/token.ts', confidence: 0.41, took: '2s', size: '12KB', error: 'type <error> & more' },
    }),
    '{"this is": "corrupt',
    envelope({
      event_id: 'agent.code.generated:1',
      time: T(20),
      service_name: 'api',
      source: { type: 'child_agent', model: 'gpt-5' },
      payload: { file: 'src/db/pool.ts', confidence: 0.55, took: '1m', size: '512B' },
    }),
    envelope({ event_id: 'agent.code.generated:1', time: T(30), service_name: 'worker', payload: 'level=warn msg="slow query" took=3s' }),
    JSON.stringify({ event_type: 'signal.created', signal_id: 'SIG-1', source: 'cli', content: 'hello', confidence: 0.75, timestamp: '2026-11-30T10:00:40Z' }),
  ]);
});

function backend() {
  return createLocalBackend({ files: [file], formats: BOTH_FORMATS });
}

async function logs(query: string, options: { direction?: 'forward' | 'backward'; limit?: number } = {}) {
  const res = await backend().queryRange({ query, start: START, end: END, ...options });
  if (res.data.resultType !== 'streams') throw new Error(`expected streams, got ${res.data.resultType}`);
  return res.data.result;
}

async function instant(query: string, time = END): Promise<LokiQueryResponse['data']> {
  return (await backend().query({ query, time })).data;
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

describe('events as Loki stores them', () => {
  it('renders the payload as Loki renders an OTLP kvlist body: sorted keys, no HTML escaping, arrays and nulls kept', async () => {
    const [s] = await logs('{service_name="api"} |= "login.ts"');
    expect(s!.values[0]![1]).toBe(
      '{"confidence":0.92,"file":"src/auth/login.ts","meta":{"depth":{"n":2},"lang":"ts"},"none":null,"size":"2KB","tags":["a"],"took":"250ms","z":1}',
    );
    const [f] = await logs('{service_name="api"} |= "token"');
    expect(f!.values[0]![1]).toContain('"error":"type <error> & more"');
  });

  it('has the stream label, structured metadata and detected_level of the Collector and Loki', async () => {
    const [s] = await logs('{service_name="api"} |= "token"');
    expect(s!.stream).toEqual({
      detected_level: 'error',
      event_name: 'agent.code.generation_failed',
      factline_event_action: 'generation_failed',
      factline_event_domain: 'agent',
      factline_event_entity: 'code',
      factline_event_id: 'agent.code.generation_failed:1',
      factline_event_instance_id: expect.stringMatching(/^0198a000-/),
      factline_event_schema_version: '1',
      factline_event_version: '1',
      factline_source_model: 'claude-sonnet-4',
      factline_source_name: 'coder',
      factline_source_type: 'child_agent',
      log_file_name: 'events.jsonl',
      observed_timestamp: String(ns(T(10))),
      service_name: 'api',
      severity_number: '17',
      severity_text: 'ERROR',
    });
    expect(Object.keys(s!.stream)).toEqual(Object.keys(s!.stream).sort());
    expect(s!.values[0]![0]).toBe(String(ns(T(10))));
  });

  it('gives an Intent flat line the EventID attributes the Collector looks up, under the file service name', async () => {
    const [s] = await logs('{service_name="factline"}');
    expect(s!.stream).toMatchObject({
      event_name: 'signal.signal.created',
      factline_event_id: 'signal.signal.created:1',
      factline_event_wire_name: 'signal.created',
      factline_catalog: 'intent',
      detected_level: 'unknown',
    });
    expect(s!.values[0]![1]).toBe('{"confidence":0.75,"content":"hello","signal_id":"SIG-1","source":"cli"}');
  });

  it('reads factline envelopes alone by default: an Intent line is not_an_event until its format is plugged in', async () => {
    const skipped: string[] = [];
    const res = await createLocalBackend({ files: [file], onSkip: (_f, line, reason) => skipped.push(`${line}:${reason}`) }).queryRange({
      query: '{service_name=~".+"}',
      start: START,
      end: END,
    });
    expect(res.data.result).toHaveLength(4);
    expect(skipped).toEqual(['3:not_json', '6:not_an_event']);
    expect(() => createLocalBackend({ files: [file], formats: [] })).toThrow(/at least one line format/);
  });

  it('skips a corrupted line in the middle of a file, counts it and reads on', async () => {
    const skipped: string[] = [];
    const b = createLocalBackend({ files: [file], formats: BOTH_FORMATS, onSkip: (_f, line, reason) => skipped.push(`${line}:${reason}`) });
    const res = await b.queryRange({ query: '{service_name=~".+"}', start: START, end: END });
    expect(res.data.resultType).toBe('streams');
    expect(res.data.result).toHaveLength(5);
    expect(skipped).toEqual(['3:not_json']);
    expect(res.data.stats).toMatchObject({ skipped: { not_json: 1, line_too_long: 0 } });
  });

  it('skips a line longer than the limit as line_too_long without holding it', async () => {
    const d = tempDir();
    const f = writeLines(join(d, 'events.jsonl'), [
      envelope({ event_id: 'a.b.c:1', time: T(1), payload: { big: 'x'.repeat(5000) } }),
      envelope({ event_id: 'a.b.c:1', time: T(2), payload: { small: 1 } }),
    ]);
    const res = await createLocalBackend({ files: [f], maxLineBytes: 1000 }).queryRange({ query: '{service_name="factline"}', start: START, end: END });
    expect(res.data.result).toHaveLength(1);
    expect(res.data.stats).toMatchObject({ skipped: { line_too_long: 1 } });
  });

  it('reads rotated files oldest first', async () => {
    const d = tempDir();
    writeLines(join(d, 'events.jsonl.2'), [envelope({ event_id: 'a.b.c:1', time: T(1), payload: { n: 1 } })]);
    writeLines(join(d, 'events.jsonl.1'), [envelope({ event_id: 'a.b.c:1', time: T(2), payload: { n: 2 } })]);
    writeLines(join(d, 'events.jsonl'), [envelope({ event_id: 'a.b.c:1', time: T(3), payload: { n: 3 } })]);
    const b = createLocalBackend({ files: [join(d, 'events.jsonl')] });
    const res = await b.queryRange({ query: 'sum(count_over_time({service_name="factline"} | json | keep n [2h]))', start: ns(T(3)), end: ns(T(3)), step: 1 });
    expect(res.data.result).toEqual([{ metric: {}, values: [[Number(ns(T(3)) / 1_000_000n) / 1000, '3']] }]);
    const stats = res.data.stats as { files: string[] };
    expect(stats.files.map((p) => p.slice(d.length + 1))).toEqual(['events.jsonl.2', 'events.jsonl.1', 'events.jsonl']);
  });

  it('a glob reads the rotated files of each file it matches, each file once', async () => {
    const d = tempDir();
    writeLines(join(d, 'events.jsonl.2'), [envelope({ event_id: 'a.b.c:1', time: T(1), payload: { n: 1 } })]);
    writeLines(join(d, 'events.jsonl.1'), [envelope({ event_id: 'a.b.c:1', time: T(2), payload: { n: 2 } })]);
    writeLines(join(d, 'events.jsonl'), [envelope({ event_id: 'a.b.c:1', time: T(3), payload: { n: 3 } })]);
    writeLines(join(d, 'other.jsonl'), [envelope({ event_id: 'a.b.c:1', time: T(4), payload: { n: 4 } })]);
    const files = async (...paths: string[]) => {
      const res = await createLocalBackend({ files: paths }).queryRange({ query: '{service_name="factline"}', start: START, end: END });
      return (res.data.stats as { files: string[] }).files.map((p) => p.slice(d.length + 1));
    };
    // 'logs/*.jsonl' matches only the live names; each is an event set (docs/query-engine.md, "Which files").
    expect(await files(join(d, '*.jsonl'))).toEqual(['events.jsonl.2', 'events.jsonl.1', 'events.jsonl', 'other.jsonl']);
    // A glob that matches rotated names too, or a path and a glob naming the same files, reads each once.
    expect(await files(join(d, 'events*'))).toEqual(['events.jsonl.2', 'events.jsonl.1', 'events.jsonl']);
    expect(await files(join(d, 'events.jsonl'), join(d, '*.jsonl'))).toEqual(['events.jsonl.2', 'events.jsonl.1', 'events.jsonl', 'other.jsonl']);
    // Rotated names alone, oldest first.
    expect(await files(join(d, 'events.jsonl.?'))).toEqual(['events.jsonl.2', 'events.jsonl.1']);
  });

  it('reads a file once however it is reached: a symbolic or hard link, ./ or dir/..', async () => {
    const d = tempDir();
    const f = writeLines(join(d, 'good.jsonl'), [envelope({ event_id: 'a.b.c:1', time: T(1), payload: { n: 1 } })]);
    symlinkSync(f, join(d, 'link.jsonl'));
    linkSync(f, join(d, 'hard.jsonl'));
    mkdirSync(join(d, 'sub'));
    const b = createLocalBackend({ files: [f, join(d, 'link.jsonl'), join(d, 'hard.jsonl'), join(d, 'sub', '..', 'good.jsonl'), join(d, '*.jsonl')] });
    const res = await b.queryRange({ query: 'sum(count_over_time({service_name="factline"}[2h]))', start: ns(T(3)), end: ns(T(3)), step: 1 });
    expect(res.data.result).toEqual([{ metric: {}, values: [[Number(ns(T(3)) / 1_000_000n) / 1000, '1']] }]);
    // The first path that reached the file is the one reported.
    expect((res.data.stats as { files: string[] }).files).toEqual([f]);
  });
});

describe('log queries', () => {
  it('returns the newest entries first by default and honours limit and direction', async () => {
    const all = await logs('{service_name="api"}', { limit: 2 });
    const times = all.flatMap((s) => s.values.map((v) => v[0]));
    expect(times.sort()).toEqual([String(ns(T(10))), String(ns(T(20)))]);
    const forward = await logs('{service_name="api"}', { limit: 1, direction: 'forward' });
    expect(forward[0]!.values[0]![0]).toBe(String(ns(T(0))));
  });

  it('line filters: contains, not, regex, or', async () => {
    const count = async (q: string) => (await logs(q)).reduce((n, s) => n + s.values.length, 0);
    expect(await count('{service_name="api"} |= "src/auth"')).toBe(2);
    expect(await count('{service_name="api"} != "src/auth"')).toBe(1);
    expect(await count('{service_name="api"} |~ "pool|token"')).toBe(2);
    expect(await count('{service_name="api"} !~ "(?i)LOGIN"')).toBe(2);
    expect(await count('{service_name="api"} |= "pool" or "login"')).toBe(2);
    // The line is the body, not the file's line: the EventID is not in it.
    expect(await count('{service_name="api"} |= "generation_failed"')).toBe(0);
  });

  it('| json flattens nested objects with _, skips arrays and nulls, and suffixes names that exist with _extracted', async () => {
    const [s] = await logs('{service_name="api"} |= "login" | json');
    expect(s!.stream).toMatchObject({ meta_lang: 'ts', meta_depth_n: '2', z: '1', confidence: '0.92' });
    expect(s!.stream).not.toHaveProperty('tags');
    expect(s!.stream).not.toHaveProperty('none');
    const [e] = await logs('{service_name="api"} |= "token" | json | line_format "{{.error}}"');
    expect(e!.values[0]![1]).toBe('type <error> & more');
  });

  it('| json with parameters, | logfmt, label filters by number, duration and bytes', async () => {
    const [p] = await logs('{service_name="api"} |= "login" | json lang="meta.lang", n="meta.depth.n", missing="nope"');
    expect(p!.stream).toMatchObject({ lang: 'ts', n: '2', missing: '' });
    const [w] = await logs('{service_name="worker"} | logfmt | level="warn"');
    expect(w!.stream).toMatchObject({ level: 'warn', msg: 'slow query', took: '3s', detected_level: 'info' }); // severity_text wins over the line
    const names = async (q: string) => (await logs(q)).map((s) => s.stream.file).sort();
    expect(await names('{service_name="api"} | json | confidence > 0.5')).toEqual(['src/auth/login.ts', 'src/db/pool.ts']);
    expect(await names('{service_name="api"} | json | took >= 2s')).toEqual(['src/auth/token.ts', 'src/db/pool.ts']);
    expect(await names('{service_name="api"} | json | size > 1KB and size < 10KB')).toEqual(['src/auth/login.ts']);
    expect(await names('{service_name="api"} | json | file="src/db/pool.ts" or confidence < 0.5')).toEqual(['src/auth/token.ts', 'src/db/pool.ts']);
    expect(await names('{service_name="api"} | json | file=~"src/auth/.*", confidence > 0.9')).toEqual(['src/auth/login.ts']);
  });

  it('a label filter on a value that is not a number keeps the line with __error__', async () => {
    const res = await logs('{service_name="api"} | json | file > 1');
    expect(res).toHaveLength(3);
    for (const s of res) expect(s.stream).toMatchObject({ __error__: 'LabelFilterErr' });
    expect(await logs('{service_name="api"} | json | file > 1 | __error__=""')).toEqual([]);
  });

  it('line_format, label_format, keep and drop', async () => {
    const [s] = await logs(
      '{service_name="api"} |= "pool" | json | line_format "{{.file}} at {{.confidence}}" | label_format model=factline_source_model, where="{{.file | ToUpper}}" | keep model, where, file',
    );
    expect(s!.stream).toEqual({ model: 'gpt-5', where: 'SRC/DB/POOL.TS', file: 'src/db/pool.ts' });
    expect(s!.values[0]![1]).toBe('src/db/pool.ts at 0.55');
    const [d] = await logs('{service_name="api"} |= "pool" | drop factline_event_instance_id, observed_timestamp, severity_number=~"9|10"');
    expect(d!.stream).not.toHaveProperty('factline_event_instance_id');
    expect(d!.stream).not.toHaveProperty('severity_number');
    expect(d!.stream).toHaveProperty('severity_text', 'INFO');
  });

  it('groups entries into streams by their whole label set, streams ordered by labels', async () => {
    const res = await logs('{service_name="api"} | json | keep factline_source_model');
    expect(res.map((s) => [s.stream.factline_source_model, s.values.length])).toEqual([
      ['claude-sonnet-4', 2],
      ['gpt-5', 1],
    ]);
  });
});

describe('metric queries', () => {
  it('count_over_time over (t - range, t]: an entry exactly at the left edge is out, at t is in', async () => {
    const data = await instant('sum(count_over_time({service_name="api"}[10s]))', ns(T(20)));
    expect(data).toMatchObject({ resultType: 'vector', result: [{ metric: {}, value: [Number(ns(T(20)) / 1_000_000n) / 1000, '1'] }] });
  });

  it('sum by, rate, bytes_over_time, and a range query step by step', async () => {
    const by = await instant('sum by (factline_source_model) (count_over_time({service_name="api"}[2h]))');
    expect(by.result).toEqual([
      { metric: { factline_source_model: 'claude-sonnet-4' }, value: [Number(END / 1_000_000n) / 1000, '2'] },
      { metric: { factline_source_model: 'gpt-5' }, value: [Number(END / 1_000_000n) / 1000, '1'] },
    ]);
    const rate = await instant('sum(rate({service_name="api"}[2h]))');
    expect((rate.result as { value: [number, string] }[])[0]!.value[1]).toBe(String(3 / 7200));
    const bytes = await instant('sum(bytes_over_time({service_name="worker"}[2h]))');
    expect((bytes.result as { value: [number, string] }[])[0]!.value[1]).toBe(String('level=warn msg="slow query" took=3s'.length));
    const range = await backend().queryRange({ query: 'sum(count_over_time({service_name="api"}[15s]))', start: ns(T(0)), end: ns(T(30)), step: 10 });
    const sec = (s: number) => Number(ns(T(s)) / 1_000_000n) / 1000;
    expect(range.data.result).toEqual([
      {
        metric: {},
        values: [
          [sec(0), '1'],
          [sec(10), '2'],
          [sec(20), '2'],
          [sec(30), '1'],
        ],
      },
    ]);
  });

  it('unwrap with the *_over_time functions, grouped', async () => {
    const q = (fn: string) => instant(`${fn}({service_name="api"} | json | unwrap confidence [2h]) by (service_name)`);
    const v = async (fn: string) => ((await q(fn)).result as { value: [number, string] }[])[0]!.value[1];
    const total = await instant('sum(sum_over_time({service_name="api"} | json | unwrap confidence [2h]))');
    expect((total.result as { value: [number, string] }[])[0]!.value[1]).toBe(String(0.92 + 0.41 + 0.55));
    // Loki allows grouping only on avg, min, max, first, last, stddev, stdvar and quantile_over_time.
    expect((await rejection(q('sum_over_time'))).message).toBe('parse error : grouping not allowed for sum_over_time aggregation');
    expect(await v('min_over_time')).toBe('0.41');
    expect(await v('max_over_time')).toBe('0.92');
    expect(await v('first_over_time')).toBe('0.92');
    expect(await v('last_over_time')).toBe('0.55');
    expect(Number(await v('avg_over_time'))).toBeCloseTo((0.92 + 0.41 + 0.55) / 3, 12);
    const median = await instant('quantile_over_time(0.5, {service_name="api"} | json | unwrap confidence [2h]) by (service_name)');
    expect((median.result as { value: [number, string] }[])[0]!.value[1]).toBe('0.55');
    const dur = await instant('sum(sum_over_time({service_name="api"} | json | unwrap duration(took) [2h]))');
    expect((dur.result as { value: [number, string] }[])[0]!.value[1]).toBe('62.25');
  });

  it('an unwrap of a value that is not a number is a pipeline error unless __error__ is filtered', async () => {
    const e = await rejection(instant('sum(sum_over_time({service_name="api"} | json | unwrap file [2h]))'));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/^pipeline error: 'SampleExtractionErr'/);
    const ok = await instant('sum(sum_over_time({service_name="api"} | json | unwrap file | __error__="" [2h]))');
    expect(ok.result).toEqual([]);
  });

  it('topk, sort_desc, count, and binary operators with Loki precedence, bool and set operators', async () => {
    const top = await instant('topk(1, sum by (file) (count_over_time({service_name="api"} | json [2h])))');
    expect(top.result).toHaveLength(1);
    const sorted = await instant('sort_desc(sum by (factline_source_model) (count_over_time({service_name="api"}[2h])))');
    expect((sorted.result as { metric: Record<string, string> }[]).map((s) => s.metric.factline_source_model)).toEqual(['claude-sonnet-4', 'gpt-5']);
    expect((await instant('1 + 2 * 3 ^ 2')).result).toMatchObject([expect.any(Number), '19']);
    const cmp = await instant('sum by (factline_source_model) (count_over_time({service_name="api"}[2h])) > bool 1');
    expect((cmp.result as { value: [number, string] }[]).map((s) => s.value[1])).toEqual(['1', '0']);
    const filtered = await instant('sum by (factline_source_model) (count_over_time({service_name="api"}[2h])) > 1');
    expect(filtered.result).toHaveLength(1);
    const share = await instant(
      'sum by (factline_source_model) (count_over_time({service_name="api"} | severity_text="ERROR" [2h])) / sum by (factline_source_model) (count_over_time({service_name="api"}[2h]))',
    );
    expect((share.result as { value: [number, string] }[]).map((s) => s.value[1])).toEqual(['0.5']);
    const orZero = await instant(
      '(sum by (factline_source_model) (count_over_time({service_name="api"} | severity_text="ERROR" [2h])) or 0 * sum by (factline_source_model) (count_over_time({service_name="api"}[2h])))',
    );
    expect((orZero.result as { value: [number, string] }[]).map((s) => s.value[1])).toEqual(['1', '0']);
    const unless = await instant(
      'sum by (service_name) (count_over_time({service_name=~".+"}[2h])) unless sum by (service_name) (count_over_time({service_name="api"}[2h]))',
    );
    expect((unless.result as { metric: Record<string, string> }[]).map((s) => s.metric.service_name)).toEqual(['factline', 'worker']);
  });

  it('absent_over_time answers 1 with the selector equality labels when nothing matches', async () => {
    const data = await instant('absent_over_time({service_name="nope"}[2h])');
    expect(data.result).toEqual([{ metric: { service_name: 'nope' }, value: [Number(END / 1_000_000n) / 1000, '1'] }]);
    expect((await instant('absent_over_time({service_name="api"}[2h])')).result).toEqual([]);
  });
});

describe('| regexp and | unpack, as Loki runs them (pkg/logql/log/parser.go)', () => {
  it('| regexp: the named groups of the first match become labels; a group that took no part is "" (kept, as Loki keeps an empty parsed label); a line that does not match is kept', async () => {
    const streams = await logs(
      String.raw`{service_name=~"api|worker"} | regexp "level=(?P<lvl>\\w+) msg=\"(?P<msg>[^\"]*)\"(?P<none>x)?" | keep lvl, msg, none, service_name`,
    );
    const byService = Object.fromEntries(streams.map((s) => [s.stream.service_name, s]));
    expect(byService.worker!.stream).toEqual({ service_name: 'worker', lvl: 'warn', msg: 'slow query', none: '' });
    expect(byService.api!.stream).toEqual({ service_name: 'api' });
    expect(byService.api!.values).toHaveLength(3);
  });

  it('| regexp: a stream label of the same name gets the `_extracted` suffix; the first parser to extract a label wins', async () => {
    const [s] = await logs(
      '{service_name="worker"} | regexp "(?P<service_name>slow)" | regexp "(?P<service_name_extracted>query)" | keep service_name, service_name_extracted',
    );
    expect(s!.stream).toEqual({ service_name: 'worker', service_name_extracted: 'slow' });
  });

  it('| regexp without a named group is refused as Loki refuses it', async () => {
    const e = await rejection(logs('{service_name="api"} | regexp "(a)"'));
    expect(e.code).toBe('syntax');
    expect(e.message).toBe('at least one named capture must be supplied');
    expect((await rejection(logs('{service_name="api"} | regexp "(?P<a>x)(?P<a>y)"'))).message).toContain('duplicate capture group name');
  });

  it('| unpack: a packed line gives its string fields as labels and `_entry` as the line; other JSON is left alone; other text is an error', async () => {
    const packedFile = writeLines(join(tempDir(), 'packed.jsonl'), [
      envelope({ event_id: 'a.b.c:1', time: T(1), service_name: 'api', payload: '{"_entry":"the original line","pod":"p-1","n":3,"service_name":"x"}' }),
      envelope({ event_id: 'a.b.c:1', time: T(2), service_name: 'api', payload: '{"pod":"p-2"}' }),
      envelope({ event_id: 'a.b.c:1', time: T(3), service_name: 'api', payload: 'plain text' }),
    ]);
    const res = await createLocalBackend({ files: [packedFile] }).queryRange({
      query: '{service_name="api"} | unpack | keep pod, service_name, service_name_extracted, n, __error__, __error_details__',
      start: START,
      end: END,
      direction: 'forward',
    });
    const streams = res.data.result as { stream: Record<string, string>; values: [string, string][] }[];
    const rows = streams.flatMap((s) => s.values.map((v) => ({ stream: s.stream, line: v[1] }))).sort((a, b) => a.line.localeCompare(b.line));
    expect(rows).toEqual([
      { stream: { service_name: 'api' }, line: '{"pod":"p-2"}' },
      { stream: { service_name: 'api', __error__: 'JSONParserErr', __error_details__: 'expecting json object(6), but it is not' }, line: 'plain text' },
      { stream: { service_name: 'api', pod: 'p-1', service_name_extracted: 'x' }, line: 'the original line' },
    ]);
  });
});

describe('| pattern and the |> / !> line filters, as Loki runs them', () => {
  it('| pattern: the named captures become labels; a line that does not match keeps its labels', async () => {
    const streams = await logs('{service_name=~"api|worker"} | pattern "level=<lvl> msg=\\"<msg>\\" <_>" | keep lvl, msg, service_name');
    const byService = Object.fromEntries(streams.map((s) => [s.stream.service_name, s]));
    expect(byService.worker!.stream).toEqual({ service_name: 'worker', lvl: 'warn', msg: 'slow query' });
    expect(byService.api!.stream).toEqual({ service_name: 'api' });
  });

  it('|> keeps the lines that match the pattern; !> the others; `or` joins alternatives', async () => {
    const count = async (q: string) => (await logs(q)).reduce((n, s) => n + s.values.length, 0);
    expect(await count('{service_name="worker"} |> "level=<_> took=3s"')).toBe(1);
    expect(await count('{service_name="worker"} |> "level=<_> took=3"')).toBe(0); // the line must end with the last literal
    expect(await count('{service_name="worker"} !> "level=<_> took=3"')).toBe(1);
    expect(await count('{service_name=~"api|worker"} |> "nothing <_>" or "level=<_>"')).toBe(1);
    expect(await count('{service_name=~"api|worker"} !> "nothing <_>" or "level=<_>"')).toBe(3);
  });

  it('a named capture in |> is refused as Loki refuses it', async () => {
    const e = await rejection(logs('{service_name="worker"} |> "level=<lvl>"'));
    expect(e.code).toBe('syntax');
    expect(e.message).toContain("named captures are not allowed: found '<lvl>'");
  });
});

describe('label_replace and group_left / group_right, as Loki evaluates them (pkg/logql/evaluator.go)', () => {
  const BY = 'sum by (service_name) (count_over_time({service_name=~"api|worker"}[2h]))';
  async function series(query: string) {
    const data = await instant(query);
    return (data.result as { metric: Record<string, string>; value: [number, string] }[])
      .map((s) => [s.metric, s.value[1]])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }

  it('sets dst to the expanded replacement where the anchored regex matches src, and leaves other series unchanged', async () => {
    expect(await series(`label_replace(${BY}, "svc", "s-$1", "service_name", "(a.*)")`)).toEqual([
      [{ service_name: 'api', svc: 's-api' }, '3'],
      [{ service_name: 'worker' }, '1'],
    ]);
    // Anchored: "p" does not match all of "api".
    expect(await series(`label_replace(${BY}, "svc", "x", "service_name", "p")`)).toEqual([
      [{ service_name: 'api' }, '3'],
      [{ service_name: 'worker' }, '1'],
    ]);
  });

  it('removes dst when the replacement expands to ""; an absent src reads as ""', async () => {
    expect(await series(`label_replace(${BY}, "service_name", "", "service_name", "api")`)).toEqual([
      [{ service_name: 'worker' }, '1'],
      [{}, '3'],
    ]);
    expect(await series(`label_replace(${BY}, "none", "was-empty", "nope", "")`)).toEqual([
      [{ none: 'was-empty', service_name: 'api' }, '3'],
      [{ none: 'was-empty', service_name: 'worker' }, '1'],
    ]);
  });

  it('group_left / group_right: each series of the many side meets the one series it matches, keeping its own labels', async () => {
    const many = 'sum by (service_name, factline_source_model) (count_over_time({service_name="api"}[2h]))';
    const one = 'sum by (service_name) (count_over_time({service_name="api"}[2h]))';
    expect(await series(`${many} / on (service_name) group_left ${one}`)).toEqual([
      [{ factline_source_model: 'claude-sonnet-4', service_name: 'api' }, String(2 / 3)],
      [{ factline_source_model: 'gpt-5', service_name: 'api' }, String(1 / 3)],
    ]);
    expect(await series(`${one} / on (service_name) group_right ${many}`)).toEqual([
      [{ factline_source_model: 'claude-sonnet-4', service_name: 'api' }, '1.5'],
      [{ factline_source_model: 'gpt-5', service_name: 'api' }, '3'],
    ]);
    // Without the group modifier, the many side is refused, as on Loki.
    const e = await rejection(instant(`${many} / on (service_name) ${one}`));
    expect(e.message).toBe('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
  });

  it("an invalid regex is refused with Loki's message", async () => {
    const e = await rejection(instant(`label_replace(${BY}, "a", "b", "c", "(")`));
    expect(e.code).toBe('syntax');
    expect(e.message).toBe('parse error : invalid regex in label_replace: error parsing regexp: missing closing ): `^(?:()$`');
  });
});

describe('bad input', () => {
  it('a syntax error names the position', async () => {
    const e = await rejection(instant('sum(count_over_time({service_name="api"}[5m])'));
    expect(e.code).toBe('syntax');
    expect(e.position).toBeTypeOf('number');
    expect(e.message).toMatch(/^parse error at line 1, col \d+: syntax error/);
  });

  it('a selector that matches everything is refused as Loki refuses it', async () => {
    const e = await rejection(backend().queryRange({ query: '{service_name=~".*"}', start: START, end: END }));
    expect(e.code).toBe('syntax');
    expect(e.message).toContain('at least one regexp or equality matcher');
  });

  it('valid LogQL the engine does not evaluate says so and points to Loki', async () => {
    for (const q of ['{service_name="api"} | line_format "{{ now }}"', '{service_name="api"} | label_format t=`{{ unixEpoch now }}`']) {
      const e = await rejection(backend().queryRange({ query: q, start: START, end: END }));
      expect(e.code, q).toBe('unsupported');
      expect(e.message).toMatch(/run .*on Loki/);
    }
  });

  it('a log query is not an instant query, as on Loki', async () => {
    const e = await rejection(instant('{service_name="api"}'));
    expect(e.code).toBe('bad_request');
  });

  it('a missing file is unavailable, not a crash', async () => {
    const e = await rejection(createLocalBackend({ files: [join(dir, 'nope.jsonl')] }).queryRange({ query: '{a="b"}', start: START, end: END }));
    expect(e.code).toBe('unavailable');
  });
});
