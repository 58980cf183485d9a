import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain, verifyChainFiles } from '../../src/chain/index.js';
import { createJsonlSink, readEvents } from '../../src/sinks/jsonl/index.js';
import { resolveJsonlOptions } from '../../src/sinks/jsonl/options.js';
import { jsonlTestFile, makeEvent, typeInfo, version1Lines } from './fixtures.js';
import type { RuntimeProblemOf } from '../../src/problems.js';

const type = typeInfo('auth.user.login:1');

const file = jsonlTestFile();
const started = file.started;

const linesOf = (p: string): string[] => readFileSync(p, 'utf8').split('\n').slice(0, -1);

describe('the JSONL sink: line format', () => {
  it('writes the envelope fields in wire order, then seq, prev_hash and hash', async () => {
    const { sink } = started();
    const event = makeEvent(
      { user_id: 'u1' },
      {
        trace_id: 'a'.repeat(32),
        span_id: 'b'.repeat(16),
        trace_key: 'TRACE-015',
        causation_id: 'c1',
        session_id: 's1',
        invalid: { issues: [{ code: 'schema', path: ['user_id'], message: 'bad', schemaCode: 'invalid_type' }] },
      },
    );
    sink.write(event, type);
    await sink.shutdown();
    const [line] = linesOf(file.path);
    expect(Object.keys(JSON.parse(line!) as object)).toEqual([
      'schema_version',
      'id',
      'event_id',
      'time',
      'observed_time',
      'service_name',
      'catalog',
      'source',
      'severity',
      'trace_id',
      'span_id',
      'trace_key',
      'causation_id',
      'session_id',
      'payload',
      'invalid',
      'seq',
      'prev_hash',
      'hash',
    ]);
  });

  it('leaves out optional envelope fields that are absent', async () => {
    const { sink } = started();
    sink.write(makeEvent({ a: 1 }), type);
    await sink.shutdown();
    const rec = JSON.parse(linesOf(file.path)[0]!) as Record<string, unknown>;
    expect(Object.keys(rec)).toEqual([
      'schema_version',
      'id',
      'event_id',
      'time',
      'observed_time',
      'service_name',
      'catalog',
      'source',
      'severity',
      'payload',
      'seq',
      'prev_hash',
      'hash',
    ]);
    expect(rec).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH, payload: { a: 1 } });
  });

  it('links each record to the previous one', async () => {
    const { sink } = started();
    for (let i = 0; i < 3; i++) sink.write(makeEvent({ i }), type);
    await sink.shutdown();
    const recs = linesOf(file.path).map((l) => JSON.parse(l) as { seq: number; prev_hash: string; hash: string });
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(recs[1]!.prev_hash).toBe(recs[0]!.hash);
    expect(recs[2]!.prev_hash).toBe(recs[1]!.hash);
    expect(sink.stats()).toMatchObject({ written: 3, dropped: 0, seq: 3 });
  });

  it('writes what `format` returns, without chain fields when chain is off', async () => {
    const { sink } = started({ chain: false, format: (e, t) => ({ event_type: t.name, ts: e.time, ...(e.payload as object) }) });
    sink.write(makeEvent({ a: 1 }), type);
    await sink.shutdown();
    expect(readFileSync(file.path, 'utf8')).toBe('{"event_type":"auth.user.login","ts":"2026-01-23T14:32:01.000Z","a":1}\n');
  });

  it('adds the chain fields after the `format` object, replacing keys of the same name', async () => {
    const { sink } = started({ format: (e) => ({ hash: 'mine', id: e.id, seq: 'x' }) });
    sink.write(makeEvent({}), type);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(Object.keys(JSON.parse(linesOf(file.path)[0]!) as object)).toEqual(['id', 'seq', 'prev_hash', 'hash']);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 2 });
  });
});

describe('the JSONL sink: opening and resuming', () => {
  it('creates missing parent directories', async () => {
    file.path = join(file.dir, 'a', 'b', 'events.jsonl');
    const { sink, problems } = started();
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(problems).toEqual([]);
    expect(linesOf(file.path)).toHaveLength(1);
  });

  it('continues the chain of an existing file after a restart', async () => {
    const first = started();
    for (let i = 0; i < 10; i++) first.sink.write(makeEvent({ i }), type);
    await first.sink.shutdown();

    const second = started();
    expect(second.sink.stats()).toMatchObject({ seq: 10, bytes: statSync(file.path).size });
    for (let i = 10; i < 20; i++) second.sink.write(makeEvent({ i }), type);
    await second.sink.shutdown();

    expect(second.problems).toEqual([]);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 20, lastSeq: 20, firstSeq: 1 });
  });

  it('reads only the end of a long last line to resume', async () => {
    const first = started();
    first.sink.write(makeEvent({ big: 'x'.repeat(200_000) }), type);
    await first.sink.shutdown();
    const second = started();
    second.sink.write(makeEvent({ small: true }), type);
    await second.sink.shutdown();
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 2 });
  });

  it('moves a torn last line to a .torn- file, reports both paths, and resumes after it', async () => {
    const first = started();
    for (let i = 0; i < 5; i++) first.sink.write(makeEvent({ i }), type);
    await first.sink.shutdown();
    const whole = readFileSync(file.path, 'utf8');
    const torn = '{"schema_version":1,"id":"0194';
    appendFileSync(file.path, torn);

    const second = started();
    expect(second.problems).toHaveLength(1);
    const p = second.problems[0]!;
    expect(p.code).toBe('FACTLINE_FILE_TORN_LINE');
    const tornPath = (p as RuntimeProblemOf<'FACTLINE_FILE_TORN_LINE'>).details.torn_path;
    expect(p.details).toMatchObject({ path: file.path, bytes: torn.length });
    expect(tornPath.startsWith(`${file.path}.torn-`)).toBe(true);
    expect(readFileSync(tornPath, 'utf8')).toBe(torn);
    expect(readFileSync(file.path, 'utf8')).toBe(whole);

    second.sink.write(makeEvent({ i: 5 }), type);
    await second.sink.shutdown();
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 6, lastSeq: 6 });
  });

  it('moves aside a file that is one torn line and starts the chain at 1', async () => {
    writeFileSync(file.path, Buffer.alloc(100)); // NUL bytes, as a power loss can leave
    const { sink, problems } = started();
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_FILE_TORN_LINE']);
    expect(statSync(file.path).size).toBe(0);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 1, firstSeq: 1 });
    expect(readdirSync(file.dir).filter((f) => f.includes('.torn-'))).toHaveLength(1);
  });

  it('continues from events.jsonl.1 when the current file is empty (a crash right after rotation)', async () => {
    const first = started();
    for (let i = 0; i < 5; i++) first.sink.write(makeEvent({ i }), type);
    await first.sink.shutdown();
    renameSync(file.path, `${file.path}.1`);
    writeFileSync(file.path, '');

    const second = started();
    second.sink.write(makeEvent({ i: 5 }), type);
    await second.sink.shutdown();
    expect(await verifyChainFiles([`${file.path}.1`, file.path])).toMatchObject({ ok: true, records: 6, lastSeq: 6 });
  });

  it('continues a version-1 chain (a file written before chain version 2) in version 2, in the same file and across a rotation', async () => {
    // Three version-1 lines, built by hand: hash = SHA-256 of the canonical JSON without "hash".
    const v1 = version1Lines(3);
    writeFileSync(file.path, v1.map((l) => l + '\n').join(''));
    const size = statSync(file.path).size;
    const { sink, problems } = started({ maxBytes: size + 1200, maxFiles: 5 });
    for (let i = 0; i < 6; i++) sink.write(makeEvent({ i, text: 'x'.repeat(200) }), type);
    await sink.shutdown();
    expect(problems).toEqual([]);
    const files = [3, 2, 1]
      .map((n) => `${file.path}.${n}`)
      .filter((f) => existsSync(f))
      .concat(file.path);
    expect(files.length).toBeGreaterThan(1);
    const all = files.flatMap(linesOf);
    expect(all.slice(0, 3)).toEqual(v1);
    expect(JSON.parse(all[3]!)).toMatchObject({ seq: 4, prev_hash: (JSON.parse(v1[2]!) as { hash: string }).hash });
    expect(all).toHaveLength(9);
    expect(await verifyChainFiles(files)).toMatchObject({ ok: true, records: 9, lastSeq: 9, firstSeq: 1 });
  });

  it('starts a new chain after a last line that is not a chain record, and says so', async () => {
    writeFileSync(file.path, '{"hello":"world"}\n');
    const { sink, problems } = started();
    expect(problems).toMatchObject([{ code: 'FACTLINE_CHAIN_RESTARTED', details: { reason: 'chain_not_resumable' } }]);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(JSON.parse(linesOf(file.path)[1]!)).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH });
  });

  it('uses FACTLINE_EVENTS_FILE, then ./events.jsonl, when no file.path is given', () => {
    expect(resolveJsonlOptions({}, {}).path).toBe('./events.jsonl');
    expect(resolveJsonlOptions({}, { FACTLINE_EVENTS_FILE: '/var/log/app/events.jsonl' }).path).toBe('/var/log/app/events.jsonl');
    expect(resolveJsonlOptions({ path: 'x.jsonl' }, { FACTLINE_EVENTS_FILE: 'y' }).path).toBe('x.jsonl');
  });

  it('throws at set-up on an option value that cannot work, naming the option', () => {
    expect(() => createJsonlSink({ maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => createJsonlSink({ fsyncIntervalMs: 0 })).toThrow(/fsyncIntervalMs/);
    expect(() => createJsonlSink({ fsync: 'sometimes' as never })).toThrow(/fsync/);
  });
});

describe('the JSONL sink: rotation', () => {
  const event = (i: number) => makeEvent({ i, filler: 'f'.repeat(100) });

  it('rotates by size without losing or splitting a line, and the chain spans the files', async () => {
    const { sink, problems } = started({ maxBytes: 2000, maxFiles: 100 });
    for (let i = 0; i < 200; i++) sink.write(event(i), type);
    await sink.shutdown();
    expect(problems).toEqual([]);

    const rotated = readdirSync(file.dir).filter((f) => /^events\.jsonl\.\d+$/.test(f));
    expect(rotated.length).toBeGreaterThan(5);
    const set = [
      ...rotated
        .map((f) => Number(f.split('.').pop()))
        .sort((a, b) => b - a)
        .map((n) => `${file.path}.${n}`),
      file.path,
    ];

    let total = 0;
    for (const f of set) {
      const text = readFileSync(f, 'utf8');
      expect(text.endsWith('\n')).toBe(true); // no line split across files
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2000);
      for (const l of linesOf(f)) expect(() => JSON.parse(l)).not.toThrow();
      total += linesOf(f).length;
    }
    expect(total).toBe(200);
    expect(await verifyChainFiles(set, { expectSeq: 1, expectPrevHash: GENESIS_HASH })).toMatchObject({ ok: true, records: 200, lastSeq: 200 });
  });

  it('keeps at most maxFiles rotated files, and what is kept still verifies', async () => {
    const { sink } = started({ maxBytes: 2000, maxFiles: 3 });
    for (let i = 0; i < 200; i++) sink.write(event(i), type);
    await sink.shutdown();
    expect(readdirSync(file.dir).sort()).toEqual(['events.jsonl', 'events.jsonl.1', 'events.jsonl.2', 'events.jsonl.3']);
    const r = await verifyChainFiles([`${file.path}.3`, `${file.path}.2`, `${file.path}.1`, file.path]);
    expect(r).toMatchObject({ ok: true, lastSeq: 200 });
    expect(r.ok && r.firstSeq).toBeGreaterThan(1);
  });

  it('continues rotating across a restart', async () => {
    const a = started({ maxBytes: 2000, maxFiles: 100 });
    for (let i = 0; i < 30; i++) a.sink.write(event(i), type);
    await a.sink.shutdown();
    const b = started({ maxBytes: 2000, maxFiles: 100 });
    for (let i = 30; i < 60; i++) b.sink.write(event(i), type);
    await b.sink.shutdown();
    const n = readdirSync(file.dir).filter((f) => /\.\d+$/.test(f)).length;
    const set = [...Array.from({ length: n }, (_, k) => `${file.path}.${n - k}`), file.path];
    expect(await verifyChainFiles(set)).toMatchObject({ ok: true, records: 60, firstSeq: 1 });
  });

  it('writes a line larger than maxBytes alone in its file', async () => {
    const { sink } = started({ maxBytes: 500 });
    sink.write(makeEvent({ small: 1 }), type);
    sink.write(makeEvent({ big: 'x'.repeat(1000) }), type);
    sink.write(makeEvent({ small: 2 }), type);
    await sink.shutdown();
    expect(linesOf(`${file.path}.2`)).toHaveLength(1);
    expect(linesOf(`${file.path}.1`)).toHaveLength(1);
    expect(linesOf(file.path)).toHaveLength(1);
    expect(await verifyChainFiles([`${file.path}.2`, `${file.path}.1`, file.path])).toMatchObject({ ok: true, records: 3 });
  });

  it('deletes the full file instead of keeping it when maxFiles is 0', async () => {
    const { sink } = started({ maxBytes: 1000, maxFiles: 0 });
    for (let i = 0; i < 20; i++) sink.write(event(i), type);
    await sink.shutdown();
    expect(readdirSync(file.dir)).toEqual(['events.jsonl']);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, lastSeq: 20 });
  });
});

describe('the JSONL sink: failures', () => {
  it('reports FACTLINE_FILE_NOT_WRITABLE with file.path and errno, never throws, and counts drops', async () => {
    const blocker = join(file.dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    file.path = join(blocker, 'events.jsonl'); // parent is a regular file: fails even as root
    const { sink, problems } = started({ reopenIntervalMs: 60_000 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'FACTLINE_FILE_NOT_WRITABLE', sink: 'jsonl', details: { path: file.path } });
    expect(['ENOTDIR', 'EEXIST']).toContain((problems[0] as RuntimeProblemOf<'FACTLINE_FILE_NOT_WRITABLE'>).details.errno);

    for (let i = 0; i < 3; i++) expect(() => sink.write(makeEvent({ i }), type)).not.toThrow();
    expect(sink.stats()).toMatchObject({ written: 0, dropped: 3, open: false });
    expect(problems).toHaveLength(1); // once per outage; the drops are counted
    await expect(sink.shutdown()).resolves.toBeUndefined();
  });

  it('reports a directory file.path as not writable', () => {
    file.path = file.dir;
    const { sink, problems } = started();
    sink.write(makeEvent({}), type);
    expect(problems[0]).toMatchObject({ code: 'FACTLINE_FILE_NOT_WRITABLE', details: { errno: 'EISDIR' } });
    expect(sink.stats().dropped).toBe(1);
  });

  it('tries to reopen no more often than reopenIntervalMs, then resumes writing', async () => {
    const blocker = join(file.dir, 'logs');
    writeFileSync(blocker, 'x');
    file.path = join(blocker, 'events.jsonl');
    let now = 1_000_000;
    const { sink } = started({ reopenIntervalMs: 5000, now: () => now });

    unlinkSync(blocker); // the cause goes away
    now += 1000;
    sink.write(makeEvent({ i: 1 }), type);
    expect(existsSync(file.path)).toBe(false); // too early to retry
    now += 4000;
    sink.write(makeEvent({ i: 2 }), type);
    await sink.shutdown();

    expect(sink.stats()).toMatchObject({ written: 1, dropped: 1 });
    expect(JSON.parse(linesOf(file.path)[0]!)).toMatchObject({ seq: 1, payload: { i: 2 } });
  });

  it('writes nothing and reports FACTLINE_EVENT_UNSERIALISABLE for a BigInt payload; the chain does not advance', async () => {
    const { sink, problems } = started();
    const bad = makeEvent({ amount: 10n });
    sink.write(bad, type);
    expect(statSync(file.path).size).toBe(0);
    expect(problems).toMatchObject([{ code: 'FACTLINE_EVENT_UNSERIALISABLE', event_id: 'auth.user.login:1', details: { instance_id: bad.id } }]);

    sink.write(makeEvent({ ok: true }), type);
    await sink.shutdown();
    expect(sink.stats()).toMatchObject({ written: 1, dropped: 1, seq: 1 });
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 1 });
  });

  it('writes nothing for a cyclic payload', () => {
    const { sink, problems } = started();
    const payload: Record<string, unknown> = {};
    payload.self = payload;
    sink.write(makeEvent(payload), type);
    expect(statSync(file.path).size).toBe(0);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_EVENT_UNSERIALISABLE']);
  });

  it('drops writes after shutdown, counts them and reports once', async () => {
    const { sink, problems } = started();
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    sink.write(makeEvent({}), type);
    sink.write(makeEvent({}), type);
    expect(sink.stats()).toMatchObject({ written: 1, dropped: 2, open: false });
    expect(problems).toMatchObject([{ code: 'FACTLINE_SINK_CLOSED', details: { reason: 'after_shutdown' } }]);
    expect(linesOf(file.path)).toHaveLength(1);
  });
});

describe('the JSONL sink: fsync policies', () => {
  it('syncs after every line with fsync: always', async () => {
    const { sink, problems } = started({ fsync: 'always' });
    for (let i = 0; i < 5; i++) sink.write(makeEvent({ i }), type);
    await sink.shutdown();
    expect(problems).toEqual([]);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 5 });
  });

  it('syncs on a timer with fsync: interval', async () => {
    const { sink, problems } = started({ fsync: 'interval', fsyncIntervalMs: 5 });
    sink.write(makeEvent({}), type);
    await new Promise((r) => setTimeout(r, 30));
    sink.write(makeEvent({}), type);
    await sink.flush();
    await sink.shutdown();
    expect(problems).toEqual([]);
    expect(linesOf(file.path)).toHaveLength(2);
  });

  it('opens lazily on the first write when start() was never called', async () => {
    const sink = createJsonlSink({ path: file.path, fsync: 'never' });
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(linesOf(file.path)).toHaveLength(1);
  });
});

describe('readEvents', () => {
  it('streams records with their line numbers and flags lines that are not records', async () => {
    const { sink } = started();
    sink.write(makeEvent({ a: 1 }), type);
    sink.write(makeEvent({ a: 2 }), type);
    await sink.shutdown();
    appendFileSync(file.path, 'oops\n[1]\n');

    const got = [];
    for await (const e of readEvents(file.path)) got.push(e);
    expect(got).toHaveLength(4);
    expect(got[0]).toMatchObject({ line: 1, ok: true, record: { payload: { a: 1 }, seq: 1 } });
    expect(got[1]).toMatchObject({ line: 2, ok: true, record: { payload: { a: 2 }, seq: 2 } });
    expect(got[2]).toMatchObject({ line: 3, ok: false, code: 'not_json', error: expect.stringMatching(/^not JSON: /), raw: 'oops' });
    expect(got[3]).toMatchObject({ line: 4, ok: false, code: 'not_an_object', error: 'not a JSON object (found an array)' });
  });

  it('rejects when the file is missing', async () => {
    const it = readEvents(join(file.dir, 'nope.jsonl'));
    await expect(it.next()).rejects.toThrow(/ENOENT/);
  });
});
