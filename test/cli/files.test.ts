import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tailCommand, TAIL_HELP } from '../../src/cli/tail.js';
import { STATS_HELP } from '../../src/cli/stats.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { agentCatalog, writeAgentHistory } from '../feedback/history.js';
import { capture } from './capture.js';

const SEED = readFileSync(new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-files-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], io = capture()) {
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Waits until `ready()` holds; fails the test with `what` if it never does. */
async function until(what: string, ready: () => boolean, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await sleep(10);
  }
}

describe('factline tail', () => {
  it('prints the last events in the one-line text form, Intent flat lines and envelopes alike', async () => {
    const file = join(dir, 'intent.jsonl');
    writeFileSync(file, SEED.join('\n') + '\n');
    const r = await run(['tail', '-n', '2', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([
      'system.health.reported:1 @ 2026-03-30T15:05:00Z servers_active=3 event_count=1847 uptime_seconds=864000 memory_usage_percent=34.2',
      'system.error.raised:1 @ 2026-03-30T15:10:45Z error_type="MCP_CONNECTION_TIMEOUT" error_code="ERR_MCP_001" message="notice MCP server did not respond within 30s" context={"server":"notice","endpoint":"signal.ingest"}',
    ]);
  });

  it('keeps only events matching --pattern', async () => {
    const file = join(dir, 'intent.jsonl');
    writeFileSync(file, SEED.join('\n') + '\n');
    const r = await run(['tail', '--pattern', '%.failed:%', file]);
    expect(r.stdout).toEqual([
      expect.stringMatching(
        /^contract\.assertion\.failed:1 @ 2026-03-30T15:03:45Z contract_id="CON-092" assertion_id="assert-2" assertion_name="lint_passes" /,
      ),
    ]);
  });

  it('skips a corrupted line and a huge line with a message each, and counts them', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, [SEED[0], '{"event_type": "signal.created", "sig', SEED[1], `{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`, SEED[2]].join('\n') + '\n');
    const r = await run(['tail', '-n', '100', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(3);
    expect(r.stderr).toEqual([
      expect.stringMatching(new RegExp(`^factline tail: ${file}:2: skipped: not_json: not JSON: `)),
      `factline tail: ${file}:4: skipped: line_too_long: the line is ${17 * 1024 * 1024 + 10} bytes, longer than the 16777216 bytes the reader holds (maxLineBytes); it was not parsed`,
      'factline tail: skipped 2 lines (not_json 1, line_too_long 1)',
    ]);
  }, 60_000);

  it('exits 1 when the file has lines but none is an event, as query and stats do; 0 for an empty file', async () => {
    const file = join(dir, 'garbage.jsonl');
    writeFileSync(file, 'not json\n[1,2]\n');
    const r = await run(['tail', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([]);
    expect(r.stderr.at(-1)).toBe(`factline tail: no line of ${file} is an event: is it an events file (factline envelopes or Intent's flat lines)?`);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    expect(await run(['tail', empty])).toMatchObject({ code: 0, stdout: [], stderr: [] });
  });

  it('-f follows the file across rotation: every event once, in order', async () => {
    const file = join(dir, 'events.jsonl');
    const events = createEmitter(agentCatalog, { sinks: [createJsonlSink({ path: file, fsync: 'never', maxBytes: 3000, maxFiles: 3 })], validation: 'strict' });
    const emit = (n: number) => events.emit('agent.test.passed:1', { test: `t${n}` });
    emit(0);
    await events.flush();
    const io = capture();
    const stop = new AbortController();
    const tail = tailCommand(['-f', '--poll-ms', '20', file], io, { signal: stop.signal });
    await until('the first event printed', () => io.stdout.length === 1);
    for (let n = 1; n < 40; n++) {
      emit(n);
      await events.flush();
      if (n % 5 === 0) await sleep(30); // let the tail see some rotations happen under it
    }
    expect(existsSync(`${file}.1`)).toBe(true);
    await until('all 40 events printed', () => io.stdout.length >= 40);
    await sleep(100);
    stop.abort();
    expect(await tail).toBe(0);
    await events.shutdown();
    expect(io.stdout.map((l) => /test="(t\d+)"/.exec(l)?.[1])).toEqual(Array.from({ length: 40 }, (_, n) => `t${n}`));
    expect(io.stderr.some((l) => l.includes('was rotated; following the new file'))).toBe(true);
  }, 60_000);

  it('-f loses nothing when several rotations happen between two looks', async () => {
    const file = join(dir, 'events.jsonl');
    const events = createEmitter(agentCatalog, {
      sinks: [createJsonlSink({ path: file, fsync: 'never', maxBytes: 1500, maxFiles: 20 })],
      validation: 'strict',
    });
    events.emit('agent.test.passed:1', { test: 't0' });
    await events.flush();
    const io = capture();
    const stop = new AbortController();
    // A slow poll: the burst below rotates the file many times before the next look.
    const tail = tailCommand(['-f', '--poll-ms', '1000', file], io, { signal: stop.signal });
    await until('the first event printed', () => io.stdout.length === 1);
    for (let n = 1; n < 30; n++) {
      events.emit('agent.test.passed:1', { test: `t${n}` });
      await events.flush();
    }
    expect(existsSync(`${file}.3`)).toBe(true);
    await until('all 30 events printed', () => io.stdout.length >= 30);
    stop.abort();
    await tail;
    await events.shutdown();
    expect(io.stdout.map((l) => /test="(t\d+)"/.exec(l)?.[1])).toEqual(Array.from({ length: 30 }, (_, n) => `t${n}`));
  }, 60_000);

  it('-f picks up lines appended later, and a line only once it is whole', async () => {
    const file = join(dir, 'flat.jsonl');
    writeFileSync(file, SEED[0] + '\n');
    const io = capture();
    const stop = new AbortController();
    const tail = tailCommand(['-f', '--poll-ms', '10', file], io, { signal: stop.signal });
    await until('the first line', () => io.stdout.length === 1);
    appendFileSync(file, SEED[1]!.slice(0, 20));
    await sleep(100);
    expect(io.stdout).toHaveLength(1);
    appendFileSync(file, SEED[1]!.slice(20) + '\n');
    await until('the completed line', () => io.stdout.length === 2);
    stop.abort();
    await tail;
    expect(io.stdout[1]).toMatch(/^signal\.signal\.enriched:1 /);
  });

  it('exits 2 on a missing file, with --help on request', async () => {
    const r = await run(['tail', join(dir, 'nope.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/nope\.jsonl: no such file/);
    expect(await run(['tail', '--help'])).toMatchObject({ code: 0, stdout: [TAIL_HELP] });
  });
});

describe('factline stats', () => {
  it('exits 1 when no line of the file is an event, naming the file and the first line problem', async () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, ['{"level":"info","msg":"started"}', 'plain text', '', '[1,2]'].join('\n') + '\n');
    const r = await run(['stats', '--only', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([
      `factline stats: skipped 3 lines that are not events (not_json 1, not_an_object 1, not_an_event 1); first: ${file}:1: not_an_event: not an event: a JSON object with neither "event_id" (a factline envelope) nor "event_type" (an Intent line); its keys are "level", "msg"`,
      `factline stats: no line of ${file} is an event: is it an events file (factline envelopes or Intent's flat lines)?`,
    ]);
    // An empty file has no line that is wrong: 0 events, exit 0.
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    expect((await run(['stats', '--only', empty])).code).toBe(0);
  });

  it("--json: the skipped lines are the answer's warnings, nothing on stderr, the same exit 1", async () => {
    const file = join(dir, 'app-json.log');
    writeFileSync(file, ['plain text', '[1,2]'].join('\n') + '\n');
    const r = await run(['stats', '--json', '--only', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([]);
    expect((JSON.parse(r.stdout[0]!) as { warnings: string[] }).warnings).toEqual([
      `skipped 2 lines that are not events (not_json 1, not_an_object 1); first: ${file}:1: not_json: not JSON: Unexpected token 'p', "plain text" is not valid JSON`,
      `no line of ${file} is an event: is it an events file (factline envelopes or Intent's flat lines)?`,
    ]);
  });

  it('counts per domain, entity and action, with failure rates and first and last time', async () => {
    const file = join(dir, 'intent.jsonl');
    writeFileSync(file, SEED.join('\n') + '\n');
    const r = await run(['stats', '--json', file]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout[0]!) as Record<string, unknown>;
    expect(s).toMatchObject({
      events: 15,
      failures: 1,
      first: '2026-03-30T14:23:45.000Z',
      domains: {
        signal: { events: 5, failures: 0, failure_rate: 0 },
        contract: { events: 4, failures: 1, failure_rate: 0.25 },
        intent: { events: 2 },
        spec: { events: 2 },
        system: { events: 2 },
      },
      entities: { 'contract.assertion': { events: 2, failures: 1, failure_rate: 0.5 } },
      actions: { failed: { events: 1, failures: 1, failure_rate: 1 } },
      skipped: { invalid_utf8: 0, not_json: 0, not_an_object: 0, line_too_long: 0, not_an_event: 0, invalid_event_id: 0, no_time: 0 },
    });
    const text = await run(['stats', file]);
    expect(text.stdout[0]).toBe('15 events in 1 file, 1 failed (6.7%), first 2026-03-30T14:23:45.000Z, last ' + (s.last as string));
    expect(text.stdout).toContain('DOMAIN    EVENTS  FAILED  RATE');
  });

  it('reads the rotated files too, and reports lines that are not events', async () => {
    const file = join(dir, 'events.jsonl');
    await writeAgentHistory(file);
    writeFileSync(`${file}.1`, SEED.slice(0, 3).join('\n') + '\n{broken\n');
    const r = await run(['stats', '--json', file]);
    const s = JSON.parse(r.stdout[0]!) as {
      files: string[];
      events: number;
      skipped: Record<string, number>;
      domains: Record<string, { events: number; failures: number }>;
    };
    expect(s.files).toEqual([`${file}.1`, file]);
    expect(s.events).toBe(3 + 130 * 2 + 53);
    expect(s.domains.agent).toEqual({ events: 313, failures: 106, failure_rate: 106 / 313 });
    // --json: the skipped line is in the answer's warnings; nothing on stderr.
    expect(r.stderr).toEqual([]);
    expect((s as unknown as { warnings: string[] }).warnings).toEqual([
      expect.stringMatching(new RegExp(`^skipped 1 line that is not an event \\(not_json 1\\); first: ${file}\\.1:4: not_json: not JSON: `)),
    ]);
    const only = JSON.parse((await run(['stats', '--only', '--json', file])).stdout[0]!) as { events: number };
    expect(only.events).toBe(313);
  });

  it('skips a line whose time does not exist as no_time, as query does (not rolled over to another day)', async () => {
    const file = join(dir, 'events.jsonl');
    const line = (time: string) => JSON.stringify({ event_id: 'agent.code.generated:1', time, payload: {} });
    writeFileSync(file, [line('2026-02-27T10:00:00.000Z'), line('2026-02-30T10:00:00.000Z'), line('2026-02-28T24:00:00Z')].join('\n') + '\n');
    const s = JSON.parse((await run(['stats', '--json', file])).stdout[0]!) as Record<string, unknown>;
    expect(s).toMatchObject({ events: 1, first: '2026-02-27T10:00:00.000Z', last: '2026-02-27T10:00:00.000Z', skipped: { no_time: 2 } });
  });

  it('exits 2 on a missing file, with --help on request', async () => {
    expect((await run(['stats', join(dir, 'x.jsonl')])).code).toBe(2);
    expect(await run(['stats', '--help'])).toMatchObject({ code: 0, stdout: [STATS_HELP] });
  });
});

describe('factline stats: progress', () => {
  it('prints progress every 100000 lines on a terminal only', async () => {
    const file = join(dir, 'blank.jsonl');
    writeFileSync(file, '\n'.repeat(250_000));
    const tty = await run(['stats', '--only', file], capture(true));
    expect(tty.stderr).toEqual(['read 100000 lines...', 'read 200000 lines...']);
    const pipe = await run(['stats', '--only', file]);
    expect(pipe.stderr).toEqual([]);
  });
});

describe('a line whose time is missing or names no time', () => {
  it('a time with more than nine fractional digits (or a comma) is read, truncated to the nanosecond, by stats, tail and query alike', async () => {
    const file = join(dir, 'longfraction.jsonl');
    writeFileSync(
      file,
      [
        '{"event_id":"a.b.c:1","time":"2026-12-07T17:52:57.957123456789Z","service_name":"x","payload":{"n":1}}',
        '{"event_id":"a.b.c:1","time":"2026-12-07T17:52:58,5Z","service_name":"x","payload":{"n":2}}',
        '{"event_type":"intent.accepted","intent_id":"INT-1","accepted_by":"@a","confidence":0.9,"timestamp":"2026-12-07T17:52:59.0000000001Z"}',
      ].join('\n') + '\n',
    );
    const stats = await run(['stats', '--json', file]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout[0]!)).toMatchObject({
      events: 3,
      first: '2026-12-07T17:52:57.957Z',
      last: '2026-12-07T17:52:59.000Z',
      skipped: { no_time: 0 },
    });
    const tail = await run(['tail', file]);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toHaveLength(3);
    expect(tail.stderr).toEqual([]);
    const query = await run([
      'query',
      '--json',
      '--file',
      file,
      '--from',
      '2026-12-07T17:00:00Z',
      '--to',
      '2026-12-07T18:00:00Z',
      '--direction',
      'forward',
      '{service_name=~".+"}',
    ]);
    expect(query.code).toBe(0);
    const streams = (JSON.parse(query.stdout[0]!) as { data: { result: { values: [string, string][] }[] } }).data.result;
    expect(streams.flatMap((s) => s.values.map((v) => v[0])).sort()).toEqual(['1796665977957123456', '1796665978500000000', '1796665979000000000']);
  });

  it('is skipped as no_time by stats, tail and query alike, with a note; a file of only such lines exits 1', async () => {
    const file = join(dir, 'badtimes.jsonl');
    const good = '{"event_id":"a.b.c:1","time":"2026-11-30T10:00:00Z","service_name":"x","payload":{}}';
    writeFileSync(
      file,
      [
        '{"event_id":"a.b.c:1","time":"not a time","service_name":"x","payload":{}}',
        '{"event_id":"a.b.c:1","time":"2026-02-30T00:00:00Z","service_name":"x","payload":{}}',
        '{"event_id":"a.b.c:1","service_name":"x","payload":"str"}',
        '{"event_type":"intent.accepted","intent_id":"INT-1","accepted_by":"@a","confidence":0.9,"timestamp":7}',
      ].join('\n') + '\n',
    );
    const why = [
      'no_time: time "not a time" is not an RFC 3339 time that exists',
      'no_time: time "2026-02-30T00:00:00Z" is not an RFC 3339 time that exists',
      'no_time: no time',
      'no_time: timestamp 7 is not an RFC 3339 time that exists',
    ];

    const stats = await run(['stats', '--json', file]);
    expect(stats.code).toBe(1);
    // --json: the note is in the answer's `warnings`, nothing on stderr.
    expect(JSON.parse(stats.stdout[0]!)).toMatchObject({ events: 0, skipped: { no_time: 4 } });
    expect((JSON.parse(stats.stdout[0]!) as { warnings: string[] }).warnings[0]).toBe(
      `skipped 4 lines that are not events (no_time 4); first: ${file}:1: ${why[0]}`,
    );
    expect(stats.stderr).toEqual([]);

    const tail = await run(['tail', file]);
    expect(tail.code).toBe(1);
    expect(tail.stdout).toEqual([]);
    expect(tail.stderr.slice(0, 5)).toEqual([
      ...why.map((w, i) => `factline tail: ${file}:${i + 1}: skipped: ${w}`),
      'factline tail: skipped 4 lines (no_time 4)',
    ]);

    const query = await run(['query', '--file', file, '--since', '3000d', '{service_name=~".+"}']);
    expect(query.code).toBe(1);
    expect(query.stderr).toContainEqual(expect.stringContaining('skipped 4 lines that are not events (no_time 4)'));

    // With one good line the others are skipped and counted, and the good one is read.
    appendFileSync(file, `${good}\n`);
    const some = await run(['stats', '--json', file]);
    expect(some.code).toBe(0);
    expect(JSON.parse(some.stdout[0]!)).toMatchObject({ events: 1, first: '2026-11-30T10:00:00.000Z', skipped: { no_time: 4 } });
    const tailed = await run(['tail', file]);
    expect(tailed.code).toBe(0);
    expect(tailed.stdout).toEqual([expect.stringMatching(/^a\.b\.c:1 @ 2026-11-30T10:00:00(\.000)?Z/)]);
  });
});
