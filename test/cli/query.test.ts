import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { QUERY_HELP } from '../../src/cli/query.js';
import { FEEDBACK_HELP } from '../../src/cli/feedback.js';
import { MODEL, writeAgentHistory } from '../feedback/history.js';
import { capture } from './capture.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'factline-query-cli-'));
  file = join(dir, 'events.jsonl');
  await writeAgentHistory(file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], io = capture()) {
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('factline query', () => {
  it('exits 1 when no line of the file is an event, naming the file and the first line problem', async () => {
    const log = join(dir, 'app.log');
    writeFileSync(log, ['plain text', '{"level":"info","msg":"started"}'].join('\n') + '\n');
    const r = await run(['query', '--file', log, '--since', '1h', '{service_name=~".+"}']);
    expect(r.code).toBe(1);
    expect(r.stderr.join('\n')).toContain(`factline query: no line of ${log} is an event (first: ${log}:1: not_json: not JSON: `);
    // A file of events answers (exit 0) even when nothing matches.
    const none = await run(['query', '--file', file, '--since', '2h', '{service_name="no-such-service"}']);
    expect(none.code).toBe(0);
  });

  it('--json: the skipped lines and "no line is an event" are the answer\'s warnings, nothing on stderr, same exit 1', async () => {
    const log = join(dir, 'app-json.log');
    writeFileSync(log, ['plain text', '{"level":"info","msg":"started"}'].join('\n') + '\n');
    const r = await run(['query', '--json', '--file', log, '--since', '1h', '{service_name=~".+"}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([]);
    expect(r.stdout).toHaveLength(1);
    const answer = JSON.parse(r.stdout[0]!) as { status: string; warnings: string[] };
    expect(answer.status).toBe('success');
    expect(answer.warnings).toHaveLength(2);
    expect(answer.warnings[0]).toMatch(/^skipped 2 lines that are not events \(not_json 1, not_an_event 1\); first: /);
    expect(answer.warnings[1]).toContain(`no line of ${log} is an event (first: ${log}:1: not_json: not JSON: `);
    // Without skipped lines there is no warnings member: Loki's answer as it is.
    const clean = await run(['query', '--json', '--file', file, '--since', '2h', '{service_name="no-such-service"}']);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toEqual([]);
    expect(JSON.parse(clean.stdout[0]!)).not.toHaveProperty('warnings');
  });

  it('prints log lines in the one-line text form, newest first', async () => {
    const r = await run(['query', '--file', file, '--limit', '2', '--since', '2h', '{service_name=~".+"} | event_name="agent.review.failed"']);
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(2);
    for (const l of r.stdout) expect(l).toMatch(/^agent\.review\.failed:1 @ \d{4}-\d\d-\d\dT[\d:.]+Z file="src\/auth\/login\d+\.ts" reason="tests failed"$/);
    expect(r.stdout.join('\n')).not.toContain('\x1b[');
  });

  it('colours the text form on a terminal only', async () => {
    const r = await run(['query', '--file', file, '--limit', '1', '{service_name=~".+"} | event_name="agent.test.failed"'], capture(true));
    expect(r.stdout[0]).toContain('\x1b[31m');
  });

  it("prints a metric result as a table, and Loki's JSON with --json", async () => {
    const q = `sum by (factline_source_model) (count_over_time({service_name=~".+"} | event_name="agent.test.failed" | factline_source_model="${MODEL}" [1d]))`;
    const table = await run(['query', '--file', file, q]);
    expect(table).toMatchObject({ code: 0, stdout: ['SERIES                                     VALUE', `{factline_source_model="${MODEL}"}  23`] });
    const json = await run(['query', '--file', file, '--json', q]);
    const body = JSON.parse(json.stdout[0]!) as { status: string; data: { resultType: string; result: { metric: unknown; value: [number, string] }[] } };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toEqual([{ metric: { factline_source_model: MODEL }, value: [expect.any(Number), '23'] }]);
  });

  it('evaluates a metric query over a range with --step', async () => {
    // A 2 h window at a step of 60 s: the evaluation nearest the end covers all 110 generations, whatever the wall clock's alignment to the step.
    const r = await run([
      'query',
      '--file',
      file,
      '--json',
      '--since',
      '2h',
      '--step',
      '60',
      `sum(count_over_time({service_name=~".+"} | event_name="agent.code.generated" [2h]))`,
    ]);
    const body = JSON.parse(r.stdout[0]!) as { data: { resultType: string; result: { values: [number, string][] }[] } };
    expect(body.data.resultType).toBe('matrix');
    expect(body.data.result[0]!.values.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...body.data.result[0]!.values.map(([, v]) => Number(v)))).toBe(110);
  });

  it('takes --step as Loki takes step: a duration (1m, 1m30s) or seconds, with the same points', async () => {
    const q = `sum(count_over_time({service_name=~".+"} | event_name="agent.code.generated" [2h]))`;
    // One fixed range over the history (written up to now), so that the runs' steps fall on the same times.
    const to = Math.floor(Date.now() / 1000) + 60;
    const points = async (step: string) => {
      const r = await run(['query', '--file', file, '--json', '--from', String(to - 7200), '--to', String(to), '--step', step, q]);
      expect(r.code, r.stderr.join('\n')).toBe(0);
      return (JSON.parse(r.stdout[0]!) as { data: { result: { values: [number, string][] }[] } }).data.result[0]!.values;
    };
    const everyMinute = await points('60');
    expect(everyMinute.length).toBeGreaterThan(1);
    expect(everyMinute[1]![0] - everyMinute[0]![0]).toBe(60);
    expect(await points('1m')).toEqual(everyMinute);
    const every90 = await points('90');
    expect(every90[1]![0] - every90[0]![0]).toBe(90);
    expect(await points('1m30s')).toEqual(every90);
    expect(await points('90000ms')).toEqual(every90);
    for (const [step, message] of [
      ['1 min', '--step needs a duration like 30s, 5m, 1h or 1m30s, or a number of seconds (60, 0.5), got "1 min"'],
      ['30s1m', '--step needs a duration like 30s, 5m, 1h or 1m30s, or a number of seconds (60, 0.5), got "30s1m"'],
      ['0s', '--step must be more than 0 (Loki refuses a zero or negative step), got "0s"'],
    ]) {
      const r = await run(['query', '--file', file, '--step', step!, q]);
      expect(r.code).toBe(2);
      expect(r.stderr[0]).toBe(`factline query: ${message}\n\n${QUERY_HELP}`);
    }
  });

  it('exits 2 on a LogQL syntax error and shows the position', async () => {
    const q = 'sum(count_over_time({service_name="x"} [1h]';
    const r = await run(['query', '--file', file, q]);
    expect(r.code).toBe(2);
    expect(r.stdout).toEqual([]);
    expect(r.stderr[0]).toMatch(/^factline query: syntax error at position \d+: /);
    const [shown, caret] = r.stderr[0]!.split('\n').slice(1);
    expect(shown).toBe(`  ${q}`);
    expect(caret).toMatch(/^ {2} *\^$/);
    // The query may come before the options.
    const after = await run(['query', q, '--file', file]);
    expect(after.code).toBe(2);
    expect(after.stderr[0]!.split('\n')[1]).toBe(`  ${q}`);
  });

  it('answers an unknown label with no results, as Loki does, and says so', async () => {
    const r = await run(['query', '--file', file, '{no_such_label="x"}']);
    expect(r).toMatchObject({ code: 0, stdout: [] });
    // The answer is empty, and says where the history is, to retry there.
    expect(r.stderr).toEqual([
      expect.stringMatching(
        /^no results\. Nothing matched in \S+ to \S+; the history covers \S+ to \S+, which overlaps it: check the labels and filters, or widen the range\.$/,
      ),
    ]);
  });

  it("reads Intent's flat lines beside factline's envelopes, with the EventID labels the Collector gives them", async () => {
    const mixed = join(dir, 'mixed.jsonl');
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    const intentLine = JSON.stringify({ event_type: 'signal.created', signal_id: 'SIG-1', source: 'cli', content: 'hi', confidence: 0.5, timestamp: at });
    writeFileSync(mixed, readFileSync(file, 'utf8') + intentLine + '\n');
    const r = await run(['query', '--file', mixed, '--json', '{service_name=~".+"} | factline_catalog="intent"']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout.join('\n')) as { data: { result: { stream: Record<string, string> }[] } };
    expect(res.data.result.map((s) => s.stream)).toEqual([
      expect.objectContaining({
        factline_event_id: 'signal.signal.created:1',
        factline_event_wire_name: 'signal.created',
        event_name: 'signal.signal.created',
      }),
    ]);
    expect(r.stderr.join('\n')).not.toMatch(/unrecognised/);
  });

  it('skips a corrupted line mid-file and a huge line, and reports the counts', async () => {
    const bad = join(dir, 'corrupt.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const mid = Math.floor(lines.length / 2);
    writeFileSync(bad, [...lines.slice(0, mid), '{"event_id": "agent.code.generated:1", "time": ', ...lines.slice(mid)].join('\n') + '\n');
    appendFileSync(bad, `{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}\n`);
    const r = await run(['query', '--file', bad, 'sum(count_over_time({service_name=~".+"} | event_name="agent.code.generated" [30d]))']);
    expect(r.code).toBe(0);
    expect(r.stdout[1]).toMatch(/ 130$/); // 20 old + 100 + 10 generations; the corrupted one is not an event
    expect(r.stderr.join('\n')).toMatch(/skipped 2 lines that are not events \(.*not_json 1.*line_too_long 1.*\); first: .*corrupt\.jsonl:\d+: not_json/);
  }, 60_000);

  it('exits 1 when a file cannot be read, 2 on usage errors', async () => {
    expect((await run(['query', '--file', join(dir, 'missing.jsonl'), '{a="b"}'])).code).toBe(1);
    for (const [args, message] of [
      [['query', '{a="b"}'], /no events to query: give --file F/],
      [['query', '--file', file], /missing the LogQL query/],
      [['query', '--file', file, '--limit', 'ten', '{a="b"}'], /--limit needs a whole number/],
      [['query', '--file', file, '--limit', '99999999999999999999', '{a="b"}'], /--limit is too large: 99999999999999999999 is past 9007199254740991/],
      [['query', '--file', file, '--since', '1 hour', '{a="b"}'], /--since needs a duration like 30s/],
      [['query', '--file', file, '--loki', 'http://localhost:3100', '{a="b"}'], /--file and --loki exclude each other/],
      [['query', '--file', file, '--bogus', '{a="b"}'], /Unknown option '--bogus'/],
    ] as const) {
      const r = await run([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr[0]).toMatch(message);
      expect(r.stderr[0]).toContain('Usage: factline query');
    }
  });

  it('refuses a log query --limit above max_entries_limit_per_query (5000) as Loki refuses it, exit 2; a metric query is not limited by it', async () => {
    const r = await run(['query', '--file', file, '--since', '30d', '--limit', '5001', '{service_name=~".+"}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(['factline query: bad request: max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)']);
    expect(r.stdout).toEqual([]);
    const j = await run(['query', '--json', '--file', file, '--since', '30d', '--limit', '5001', '{service_name=~".+"}']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout[0]!)).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)' },
    });
    expect((await run(['query', '--file', file, '--since', '30d', '--limit', '5000', '{service_name=~".+"}'])).code).toBe(0);
    expect((await run(['query', '--file', file, '--since', '30d', '--limit', '5001', 'sum(count_over_time({service_name=~".+"} [30d]))'])).code).toBe(0);
  });

  it("--max-entries-limit-per-query sets the local limit (as Loki's setting would), is checked as a whole number and is refused with --loki", async () => {
    const raised = await run(['query', '--file', file, '--since', '30d', '--limit', '5001', '--max-entries-limit-per-query', '6000', '{service_name=~".+"}']);
    expect(raised.code).toBe(0);
    expect(raised.stdout.length).toBeGreaterThan(0);
    const lowered = await run(['query', '--file', file, '--since', '30d', '--limit', '3', '--max-entries-limit-per-query', '2', '{service_name=~".+"}']);
    expect(lowered.code).toBe(2);
    expect(lowered.stderr).toEqual(['factline query: bad request: max entries limit per query exceeded, limit > max_entries_limit_per_query (3 > 2)']);
    for (const [args, message] of [
      [['--file', file, '--max-entries-limit-per-query', '0'], '--max-entries-limit-per-query needs a whole number ≥ 1, got "0"'],
      [['--file', file, '--max-entries-limit-per-query', '1e3'], '--max-entries-limit-per-query needs a whole number ≥ 1, got "1e3"'],
      [
        ['--loki', 'http://127.0.0.1:1', '--max-entries-limit-per-query', '10'],
        '--max-entries-limit-per-query sets a limit of the local engine; Loki applies its own max_entries_limit_per_query setting',
      ],
      [
        ['--loki', 'http://127.0.0.1:1', '--max-query-series', '10'],
        '--max-query-series sets a limit of the local engine; Loki applies its own max_query_series setting',
      ],
      [['--loki', '', '--since', '1h'], '--loki needs a URL, e.g. --loki http://localhost:3100'],
      [['--loki', ' '], '--loki needs a URL'],
    ] as const) {
      const r = await run(['query', ...args, '{a="b"}']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr[0]).toContain(message);
    }
    // Loki chosen by the environment: the refusal says so and how to reach the local engine.
    const before = process.env.FACTLINE_LOKI_URL;
    process.env.FACTLINE_LOKI_URL = 'http://127.0.0.1:1';
    try {
      const r = await run(['query', '--max-entries-limit-per-query', '10', '{a="b"}']);
      expect(r.code).toBe(2);
      expect(r.stderr[0]).toContain(
        '--max-entries-limit-per-query sets a limit of the local engine; Loki applies its own max_entries_limit_per_query setting (FACTLINE_LOKI_URL is set, so the query goes to Loki; give --file F for the local engine)',
      );
    } finally {
      if (before === undefined) delete process.env.FACTLINE_LOKI_URL;
      else process.env.FACTLINE_LOKI_URL = before;
    }
  });

  it('with --json, prints every error as one JSON line on stdout, with its code and the same exit status', async () => {
    const json = async (args: string[]) => {
      const r = await run(args);
      expect(r.stderr, args.join(' ')).toEqual([]);
      expect(r.stdout).toHaveLength(1);
      return { exit: r.code, ...(JSON.parse(r.stdout[0]!) as object) };
    };
    expect(await json(['query', '--json', '--file', file, '--since', '1 hour', '{a="b"}'])).toEqual({
      exit: 2,
      ok: false,
      error: { code: 'usage', message: '--since needs a duration like 30s, 15m, 1h, 7d or 1h30m, got "1 hour"' },
    });
    expect(await json(['query', '--json', '--bogus'])).toEqual({ exit: 2, ok: false, error: { code: 'usage', message: "Unknown option '--bogus'" } });
    expect(await json(['query', '--json', '--file', file, 'sum(count_over_time({a="b"} [1h]'])).toMatchObject({
      exit: 2,
      ok: false,
      error: { code: 'syntax', position: expect.any(Number) },
    });
    expect(await json(['query', '--json', '--file', join(dir, 'missing.jsonl'), '{a="b"}'])).toMatchObject({
      exit: 1,
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(await json(['feedback', '--json', '--file', file])).toMatchObject({ exit: 2, ok: false, error: { code: 'usage' } });
    expect(await json(['chain', '--json', '--file', file])).toMatchObject({
      exit: 2,
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('missing ID') },
    });
    expect(await json(['stats', '--json'])).toEqual({ exit: 2, ok: false, error: { code: 'usage', message: 'missing FILE' } });
  });

  it('has --help', async () => {
    expect(await run(['query', '--help'])).toMatchObject({ code: 0, stdout: [QUERY_HELP] });
  });
});

describe('factline feedback', () => {
  it('answers "23 of 50 src/auth attempts failed (46%)"', async () => {
    const r = await run([
      'feedback',
      '--file',
      file,
      '--model',
      MODEL,
      '--attempts',
      'agent.code.generated:%',
      '--success',
      'agent.test.passed:%',
      '--group-by',
      'file',
      '--depth',
      '2',
    ]);
    expect(r).toMatchObject({
      code: 0,
      stdout: ['src/auth: 23 of 50 src/auth attempts failed (46%)', 'src/api: 0 of 50 src/api attempts failed (0%)', 'all: 23 of 100 attempts failed (23%)'],
    });
  });

  it('prints the figures as JSON', async () => {
    const r = await run([
      'feedback',
      '--file',
      file,
      '--model',
      MODEL,
      '--attempts',
      'agent.code.generated:%',
      '--success',
      'agent.test.passed:%',
      '--group-by',
      'file',
      '--depth',
      '2',
      '--group',
      'src/auth',
      '--json',
    ]);
    const f = JSON.parse(r.stdout[0]!) as { groups: unknown[]; queries: { attempts: string } };
    expect(f.groups).toEqual([expect.objectContaining({ group: 'src/auth', attempts: 50, failures: 23, share: 0.46 })]);
    expect(f.queries.attempts).toContain('factline_source_model="claude-sonnet-4"');
  });

  it('exits 2 without the patterns, with --help on request', async () => {
    const r = await run(['feedback', '--file', file, '--success', 'x:%']);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(/--attempts is required/);
    expect(await run(['feedback', '--help'])).toMatchObject({ code: 0, stdout: [FEEDBACK_HELP] });
  });
});
