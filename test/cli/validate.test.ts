import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { VALIDATE_HELP, type ValidateIo } from '../../src/cli/validate.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';

const FIXTURE = new URL('../fixtures/intent/seed-examples.jsonl', import.meta.url);
const seedLines = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l !== '');

/** An io that keeps what the command prints. */
function capture(errIsTTY = false): ValidateIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, errIsTTY, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l) };
}

async function run(args: string[], io = capture()) {
  const code = await main(['validate', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function parserMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('parsed');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-validate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
  return path;
}

describe('factline validate: results', () => {
  it('exits 0 with a one-line summary when every line is valid', async () => {
    const path = file('events.jsonl', seedLines);
    expect(await run([path])).toEqual({ code: 0, stdout: ['ok: 15 events valid'], stderr: [] });
    expect(await run(['--catalog', 'intent', path])).toMatchObject({ code: 0, stdout: ['ok: 15 events valid'] });
    expect(await run([`--catalog=intent`, path])).toMatchObject({ code: 0 });
  });

  it('exits 0 for an empty file, and skips blank lines', async () => {
    expect(await run([file('empty.jsonl', [])])).toEqual({ code: 0, stdout: ['ok: 0 events valid'], stderr: [] });
    expect(await run([file('blank.jsonl', ['', '  ', seedLines[0]!, ''])])).toMatchObject({ code: 0, stdout: ['ok: 1 event valid'] });
  });

  it('names the line, field and reason of every problem, then counts the invalid lines', async () => {
    const notJson = '{"event_type":"signal.created","signal_id":"SIG-1"';
    const path = file('events.jsonl', [
      seedLines[0]!, // 1 valid
      notJson, // 2
      '{"event_type":"signal.exploded","timestamp":"2026-03-30T14:23:45Z"}', // 3
      '{"event_type":"intent.accepted","intent_id":"INT-015","confidence":0.92,"timestamp":"2026-03-30T14:30:00Z"}', // 4 missing accepted_by
      '', // 5 blank
      '{"event_type":"signal.created","signal_id":"SIG-042","source":"cli","content":"x","confidence":1.5,"timestamp":"2026-03-30T14:23:45Z"}', // 6
      '{"event_type":"signal.created","signal_id":"SIG42","source":"cli","content":"x","confidence":0.5,"timestamp":"2026-03-30T14:23:45Z"}', // 7
      '{"event_type":"contract.completed","contract_id":"CON-091","spec_id":"SPEC-042","duration":18.45,"assertions_passed":3,"assertions_failed":0,"timestamp":"2026-03-30 15:02:30"}', // 8
      seedLines[14]!, // 9 valid
    ]);
    const { code, stdout, stderr } = await run([path]);
    expect(code).toBe(1);
    expect(stderr).toEqual([]);
    expect(stdout).toEqual([
      `${path}:2: (line): not JSON: ${parserMessage(notJson)}`,
      `${path}:3: event_type: unknown event type "signal.exploded"; known: signal.created, signal.enriched, signal.clustered, signal.promoted, signal.dismissed, intent.proposed, intent.accepted, spec.created, spec.approved, contract.started, contract.assertion.passed, contract.assertion.failed, contract.completed, system.health, system.error`,
      `${path}:4: accepted_by: missing required field; Invalid input: expected string, received undefined`,
      `${path}:6: confidence: Too big: expected number to be <=1`,
      `${path}:7: signal_id: expected a signal id like SIG-042`,
      `${path}:8: timestamp: string "2026-03-30 15:02:30" is not an ISO 8601 date-time with Z or an offset, like 2026-03-30T14:23:45Z`,
      '6 of 8 lines invalid',
    ]);
  });

  it('prints one message per problem when a line has several', async () => {
    const path = file('events.jsonl', ['{"event_type":"signal.created","signal_id":"SIG42","source":"fax","content":"x","confidence":2,"timestamp":"now"}']);
    const { code, stdout } = await run([path]);
    expect(code).toBe(1);
    expect(stdout.map((l) => (l.startsWith(path) ? l.slice(path.length + 1) : l))).toEqual([
      '1: signal_id: expected a signal id like SIG-042',
      '1: source: Invalid option: expected one of "cli"|"mcp"|"email"|"slack"|"agent"',
      '1: confidence: Too big: expected number to be <=1',
      '1: timestamp: string "now" is not an ISO 8601 date-time with Z or an offset, like 2026-03-30T14:23:45Z',
      '1 of 1 lines invalid',
    ]);
  });

  it('validates factline envelope lines too: the chained events.jsonl the JSONL sink writes', async () => {
    const path = join(dir, 'factline.jsonl');
    const sink = createJsonlSink({ path, fsync: 'never' });
    const events = createEmitter(intentCatalog, { sinks: [sink], validation: 'strict' });
    events.emit('signal.signal.created:1', { signal_id: 'SIG-042', source: 'cli', content: 'p99 > 2s', confidence: 0.75 });
    events.emit('system.health.reported:1', { servers_active: 3, event_count: 1847, uptime_seconds: 864000, memory_usage_percent: 34.2 });
    await events.shutdown();
    // Both kinds of line in one file.
    writeFileSync(path, readFileSync(path, 'utf8') + seedLines[0] + '\n');
    expect(await run([path])).toEqual({ code: 0, stdout: ['ok: 3 events valid'], stderr: [] });
  });

  it('checks an envelope line: event_id known, payload against its schema, time ISO 8601', async () => {
    const envelope = (over: Record<string, unknown>) =>
      JSON.stringify({
        schema_version: 1,
        id: 'x',
        event_id: 'intent.intent.accepted:1',
        time: '2026-03-30T14:30:00.000Z',
        payload: { intent_id: 'INT-015', accepted_by: '@brien', confidence: 0.92 },
        ...over,
      });
    const path = file('events.jsonl', [
      envelope({}),
      envelope({ event_id: 'intent.intent.exploded:1' }),
      envelope({ payload: { intent_id: 'INT15', accepted_by: '@brien', confidence: -1 } }),
      envelope({ time: 'yesterday' }),
      envelope({ payload: 'nope' }),
      envelope({ event_id: 7 }),
      envelope({ event_id: 'intent.intent.accepted:01' }),
    ]);
    const { code, stdout } = await run([path]);
    expect(code).toBe(1);
    expect(stdout.map((l) => (l.startsWith(path) ? l.slice(path.length + 1) : l))).toEqual([
      expect.stringMatching(/^2: event_id: unknown event id "intent\.intent\.exploded:1"; catalog "intent" has contract\.assertion\.failed:1, /),
      expect.stringMatching(/^3: payload\.intent_id: expected an? intent id like INT-042$/),
      '3: payload.confidence: Too small: expected number to be >=0',
      '4: time: "yesterday": expected an ISO 8601 date-time like 2026-03-30T14:23:45.000Z',
      '5: payload: Invalid input: expected object, received string',
      '6: event_id: event_id must be a string, found 7',
      '7: event_id: Invalid EventID "intent.intent.accepted:01": leading zero at position 23 in the version; write 1, not 01 (docs/eventid.md, rule 4)',
      '6 of 7 lines invalid',
    ]);
  });
});

describe('factline validate: options', () => {
  const bad = '{"event_type":"signal.created","signal_id":"SIG-042","source":"cli","content":"x","confidence":1.5,"timestamp":"2026-03-30T14:23:45Z"}';

  it('--json prints one JSON object per problem on stdout and the summary on stderr', async () => {
    const path = file('events.jsonl', [seedLines[0]!, bad, '{']);
    const { code, stdout, stderr } = await run(['--json', path]);
    expect(code).toBe(1);
    expect(stdout.map((l) => JSON.parse(l) as unknown)).toEqual([
      { line: 2, field: 'confidence', code: 'schema', reason: 'Too big: expected number to be <=1' },
      { line: 3, field: '(line)', code: 'not_json', reason: `not JSON: ${parserMessage('{')}` },
    ]);
    expect(Object.keys(JSON.parse(stdout[0]!) as object)).toEqual(['line', 'field', 'code', 'reason']);
    expect(stderr).toEqual(['2 of 3 lines invalid']);
  });

  it('--json on a valid file prints nothing on stdout', async () => {
    expect(await run(['--json', file('ok.jsonl', seedLines)])).toEqual({ code: 0, stdout: [], stderr: ['ok: 15 events valid'] });
  });

  it('--max-errors stops printing after N messages but keeps counting', async () => {
    const path = file(
      'events.jsonl',
      Array.from({ length: 10 }, () => bad),
    );
    const { code, stdout } = await run(['--max-errors', '3', path]);
    expect(code).toBe(1);
    expect(stdout).toEqual([
      `${path}:1: confidence: Too big: expected number to be <=1`,
      `${path}:2: confidence: Too big: expected number to be <=1`,
      `${path}:3: confidence: Too big: expected number to be <=1`,
      '... 7 more problems not shown (--max-errors 3)',
      '10 of 10 lines invalid',
    ]);
  });

  it('--max-errors defaults to 100, and 0 means no limit', async () => {
    const path = file(
      'events.jsonl',
      Array.from({ length: 150 }, () => bad),
    );
    const dflt = await run([path]);
    expect(dflt.stdout).toHaveLength(102);
    expect(dflt.stdout.slice(-2)).toEqual(['... 50 more problems not shown (--max-errors 100)', '150 of 150 lines invalid']);
    const all = await run(['--max-errors=0', path]);
    expect(all.stdout).toHaveLength(151);
  });

  it('prints progress every 100000 lines on a terminal only', async () => {
    const path = join(dir, 'blank.jsonl');
    writeFileSync(path, '\n'.repeat(250_000));
    const tty = await run([path], capture(true));
    expect(tty).toEqual({ code: 0, stdout: ['ok: 0 events valid'], stderr: ['validated 100000 lines...', 'validated 200000 lines...'] });
    const pipe = await run([path], capture(false));
    expect(pipe.stderr).toEqual([]);
  });

  it('is registered in the help', async () => {
    const io = capture();
    expect(await main(['help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^ {2}validate FILE /m);
    const topic = capture();
    await main(['help', 'validate'], topic);
    expect(topic.stdout).toEqual([VALIDATE_HELP]);
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: [VALIDATE_HELP] });
  });
});

describe('factline validate: usage errors exit 2', () => {
  it.each([
    [[], /missing FILE/],
    [['a.jsonl', 'b.jsonl'], /one FILE at a time, got 2/],
    [['--catalog'], /--catalog needs a catalog name or module path/],
    // The option took the events file meant as FILE.
    [
      ['--catalog', 'events.jsonl'],
      /^factline validate: missing FILE: --catalog "events\.jsonl" names a data file, not a catalog: give a module exporting one/,
    ],
    [['--max-errors', 'ten', 'x.jsonl'], /--max-errors needs a whole number ≥ 0 \(0 = no limit\), got "ten"/],
    [['--max-errors', '-1', 'x.jsonl'], /--max-errors needs a whole number/],
    [['--strict', 'x.jsonl'], /unknown option "--strict"/],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr[0]).toMatch(message);
    expect(stderr[0]).toContain('Usage: factline validate');
  });

  it('for an unknown catalog, naming the built-in ones and the module path it looked for', async () => {
    // --catalog takes a module path too, so the message names both readings of the word.
    const path = file('events.jsonl', seedLines);
    expect(await run(['--catalog', 'payments', path])).toEqual({
      code: 2,
      stdout: [],
      stderr: [`factline validate: --catalog "payments": no built-in catalog of that name (built in: intent) and no file ${join(process.cwd(), 'payments')}`],
    });
    expect(await run(['--catalog', 'toString', path])).toMatchObject({ code: 2 });
  });

  it('for a missing file', async () => {
    const path = join(dir, 'missing.jsonl');
    expect(await run([path])).toEqual({ code: 2, stdout: [], stderr: [`factline validate: ${path}: no such file`] });
  });

  it('for a directory', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(await run([sub])).toEqual({ code: 2, stdout: [], stderr: [`factline validate: ${sub}: is a directory`] });
  });

  it('with --json, as one {"ok":false,"error"} line on stdout, exit 2, for each kind of error that ends the command', async () => {
    const path = file('events.jsonl', seedLines);
    const missing = join(dir, 'missing-json.jsonl');
    const cases: [string[], string, string][] = [
      [['--json'], 'usage', 'missing FILE'],
      [['--json', '--max-errors', 'ten', path], 'usage', '--max-errors needs a whole number ≥ 0 (0 = no limit), got "ten"'],
      [['--json', '--catalog', 'payments', path], 'catalog_not_loaded', '--catalog "payments": no built-in catalog of that name'],
      [['--json', '--catalog', 'events.jsonl.1#catalog', path], 'catalog_not_loaded', '--catalog "events.jsonl.1#catalog" names a data file, not a catalog'],
      [['--json', missing], 'unreadable_file', `${missing}: no such file`],
    ];
    for (const [args, errorCode, message] of cases) {
      const { code, stdout, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toEqual([]);
      expect(stdout).toHaveLength(1);
      const parsed = JSON.parse(stdout[0]!) as { ok: boolean; error: { code: string; message: string } };
      expect(parsed.ok).toBe(false);
      expect(parsed.error.code).toBe(errorCode);
      expect(parsed.error.message).toContain(message);
    }
  });
});

describe('factline validate: memory', () => {
  // A full collection before each sample, so the heap holds only what is live:
  // a reader that loaded the whole file would hold all of it at the samples.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  it('streams a 200000-line file: the live heap grows by far less than the file', async () => {
    const path = join(dir, 'big.jsonl');
    const fd = openSync(path, 'w');
    try {
      const chunk = seedLines.join('\n') + '\n';
      for (let n = 0; n < 200_000; n += seedLines.length) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    const lines = Math.ceil(200_000 / seedLines.length) * seedLines.length;
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(30 * 1024 * 1024);

    gc();
    const before = process.memoryUsage().heapUsed;
    const samples: number[] = [];
    const io = capture(true);
    const err = io.err;
    io.err = (l) => {
      // Sampled mid-run, at each progress line, whatever the reader does between them.
      gc();
      samples.push(process.memoryUsage().heapUsed - before);
      err(l);
    };
    const code = await main(['validate', path], io);
    expect(code).toBe(0);
    expect(io.stdout).toEqual([`ok: ${lines} events valid`]);
    expect(samples).toHaveLength(2);
    for (const grown of samples) expect(grown, `heap grew ${grown} bytes for a ${size}-byte file`).toBeLessThan(size / 4);
  }, 120_000);
});

describe('factline validate: lines the writer flagged invalid', () => {
  const payload = { signal_id: 'SIG-042', source: 'cli' as const, content: 'p99 > 2s', confidence: 0.75 };
  const flagged = (invalid: unknown, over: Record<string, unknown> = {}): string =>
    JSON.stringify({ schema_version: 1, id: 'x', event_id: 'signal.signal.created:1', time: '2026-03-30T14:30:00.000Z', payload, invalid, ...over });

  it("reports each line emit delivered flagged in 'report' mode, in every position of the file, and exits 1", async () => {
    const path = join(dir, 'factline.jsonl');
    const events = createEmitter(intentCatalog, { sinks: [createJsonlSink({ path, fsync: 'never' })], validation: 'report', onProblem: () => {} });
    // Each bad value is replaced by a marker that the schema accepts: only the `invalid` member tells.
    events.emit('signal.signal.created:1', { ...payload, content: '\ud800' }); // 1: lone surrogate, replaced by U+FFFD
    events.emit('signal.signal.created:1', payload); // 2
    events.emit('signal.signal.created:1', { ...payload, content: new String('x') as unknown as string }); // 3: "[factline: String]"
    events.emit('signal.signal.created:1', payload); // 4
    events.emit('signal.signal.created:1', { ...payload, content: '\udfff' }); // 5, the last line
    await events.shutdown();
    const { code, stdout, stderr } = await run([path]);
    expect(stderr).toEqual([]);
    expect(stdout).toEqual([
      `${path}:1: invalid: its writer delivered this event flagged invalid: lone_surrogate at content`,
      `${path}:3: invalid: its writer delivered this event flagged invalid: unsupported_value at content`,
      `${path}:5: invalid: its writer delivered this event flagged invalid: lone_surrogate at content`,
      '3 of 5 lines invalid',
    ]);
    expect(code).toBe(1);
    const json = await run(['--json', path]);
    expect(json.stdout.map((l) => (JSON.parse(l) as { code: string }).code)).toEqual(['flagged_invalid', 'flagged_invalid', 'flagged_invalid']);
  });

  it('reports a hand-written valid payload that carries an invalid member the same way, naming the first issues and how many more', async () => {
    const issue = (n: number) => ({ code: 'schema', schemaCode: 'too_big', path: ['tags', n], message: 'Too big' });
    const path = file('events.jsonl', [
      flagged({ issues: [{ code: 'non_finite_number', path: [], message: 'x' }] }), // 1
      flagged({ issues: [issue(0), issue(1), issue(2), issue(3)], issues_total: 12 }), // 2
      flagged({ issues: [issue(0), { code: 'invalid_time', path: [], message: 'x' }] }), // 3
      flagged(null), // 4
      flagged({ issues: 'many' }), // 5
      flagged({ issues: [{ code: 'lone_surrogate', path: ['content'], message: 'x' }] }, { time: 'yesterday' }), // 6: the full checks' issues too
    ]);
    const { code, stdout } = await run(['--max-errors', '0', path]);
    expect(code).toBe(1);
    const why = 'its writer delivered this event flagged invalid';
    expect(stdout.map((l) => (l.startsWith(path) ? l.slice(path.length + 1) : l))).toEqual([
      `1: invalid: ${why}: non_finite_number`,
      `2: invalid: ${why}: schema (too_big) at tags[0], schema (too_big) at tags[1], schema (too_big) at tags[2], and 9 more`,
      `3: invalid: ${why}: schema (too_big) at tags[0], invalid_time`,
      `4: invalid: ${why}; its "invalid" member should be {"issues":[...]}, found null`,
      `5: invalid: ${why}; its "invalid" member should be {"issues":[...]}, found an object`,
      '6: time: "yesterday": expected an ISO 8601 date-time like 2026-03-30T14:23:45.000Z',
      `6: invalid: ${why}: lone_surrogate at content`,
      '6 of 6 lines invalid',
    ]);
  });

  it('Intent flat lines carry no flag: an "invalid" key is a field the strict schema rejects', async () => {
    const line = JSON.parse(seedLines[0]!) as Record<string, unknown>;
    const path = file('events.jsonl', [JSON.stringify({ ...line, invalid: { issues: [] } })]);
    const { code, stdout } = await run(['--json', path]);
    expect(code).toBe(1);
    expect(stdout.map((l) => JSON.parse(l) as { code: string; reason: string })).toEqual([
      expect.objectContaining({ code: 'schema', reason: expect.stringContaining('"invalid"') }),
    ]);
  });
});

describe('factline validate: --max-payload-bytes', () => {
  it("checks payloads against the limit emit was given (default 65536, emit's own)", async () => {
    const path = join(dir, 'factline.jsonl');
    const events = createEmitter(intentCatalog, { sinks: [createJsonlSink({ path, fsync: 'never' })], validation: 'strict', maxPayloadBytes: 200_000 });
    const payload = { signal_id: 'SIG-042', source: 'cli' as const, content: 'x'.repeat(100_000), confidence: 0.75 };
    events.emit('signal.signal.created:1', { ...payload, content: 'a' });
    events.emit('signal.signal.created:1', payload);
    await events.shutdown();
    // The same payload as a flat line, and as an envelope line the fast path cannot accept (its time is wrong).
    const envelope = readFileSync(path, 'utf8').split('\n')[1]!;
    writeFileSync(
      path,
      readFileSync(path, 'utf8') +
        JSON.stringify({ event_type: 'signal.created', ...payload, timestamp: '2026-03-30T14:23:45Z' }) +
        '\n' +
        JSON.stringify({ ...(JSON.parse(envelope) as object), time: 'yesterday' }) +
        '\n',
    );

    const dflt = await run(['--json', path]);
    expect(dflt.code).toBe(1);
    expect(dflt.stdout.map((l) => JSON.parse(l) as { line: number; code: string }).map((i) => `${i.line} ${i.code}`)).toEqual([
      '2 payload_too_large',
      '3 payload_too_large',
      '4 payload_too_large',
      '4 invalid_timestamp',
    ]);
    expect(await run(['--max-payload-bytes', '65536', '--json', path])).toMatchObject({ code: 1, stdout: dflt.stdout });

    const raised = await run(['--max-payload-bytes', '200000', '--json', path]);
    expect(raised.stdout.map((l) => JSON.parse(l) as { line: number; code: string }).map((i) => `${i.line} ${i.code}`)).toEqual(['4 invalid_timestamp']);
    expect(raised.code).toBe(1);
    expect(await run(['--max-payload-bytes=200000', file('big.jsonl', readFileSync(path, 'utf8').split('\n').slice(0, 3))])).toEqual({
      code: 0,
      stdout: ['ok: 3 events valid'],
      stderr: [],
    });
  });

  it('a lower limit reaches the fast path: a small valid line over it is reported', async () => {
    const path = file('events.jsonl', [seedLines[0]!, seedLines[0]!]);
    const { code, stdout } = await run(['--max-payload-bytes', '10', '--json', path]);
    expect(code).toBe(1);
    expect(stdout.map((l) => (JSON.parse(l) as { code: string; reason: string }).code)).toEqual(['payload_too_large', 'payload_too_large']);
  });

  it.each([['0'], ['-5'], ['1.5'], ['ten'], ['']])('a value of %j is a usage error naming the option', async (v) => {
    const { code, stdout, stderr } = await run(['--max-payload-bytes', v, 'x.jsonl']);
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr[0]).toMatch(/^factline validate: --max-payload-bytes needs a whole number ≥ 1, got /);
    expect(stderr[0]).toContain('Usage: factline validate');
  });

  it('without a value, a usage error naming the option', async () => {
    const { code, stderr } = await run(['x.jsonl', '--max-payload-bytes']);
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^factline validate: --max-payload-bytes needs a whole number ≥ 1, got nothing/);
  });

  it('is in the help', () => {
    expect(VALIDATE_HELP).toMatch(/--max-payload-bytes N\n[^]*\(default 65536,/);
  });
});
