import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lokiCaFrom, lokiHeadersFromEnv } from '../../src/cli/loki-auth.js';
import { main } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/options.js';
import { MODEL } from '../feedback/history.js';
import { envelope, writeLines } from '../query/support.js';
import { writeChainHistory, writeTwoServices, type ChainIds } from '../mcp/histories.js';
import { capture } from './capture.js';

/*
 * The CLI side of the agent questions: `factline chain`, `feedback --service`,
 * and the mistakes answered with the fix (an EventID pattern without :N, a
 * --group-by field no event has, a --file glob matching no file), with the
 * exit codes docs/query.md gives.
 */
let dir: string;
let ids: ChainIds;
let now: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'factline-cli-agents-'));
  now = Date.now();
  ids = await writeChainHistory(join(dir, 'chain.jsonl'), now);
  await writeTwoServices(dir, now);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = capture();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('factline chain', () => {
  it('prints the causes oldest first, the event marked ">", and its direct effects', async () => {
    const r = await run(['chain', ids.reviewFailed, '--file', join(dir, '*.jsonl')]);
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    const lines = r.stdout.join('\n').split('\n');
    expect(lines.map((l) => l.replace(/^(\s*(?:> |-> )?)\S+ (\S+) (\S+).*$/, '$1$2 $3'))).toEqual([
      `  agent.code.generated:1 ${ids.generated}`,
      `  agent.test.failed:1 ${ids.testFailed}`,
      `> agent.review.failed:1 ${ids.reviewFailed}`,
      `    -> agent.code.generated:1 ${ids.regenerated}`,
    ]);
    expect(lines[1]).toContain(`service=chain-demo source=child_agent/${MODEL}/coder {"reason":"assertion failed at line 34","test":"login_tests"}`);
  });

  it('--json prints { event, causes, effects }', async () => {
    const r = await run(['chain', ids.testFailed, '--file', join(dir, 'chain.jsonl'), '--json']);
    const chain = JSON.parse(r.stdout[0]!) as { causes: { id: string }[]; effects: { id: string }[] };
    expect(chain.causes.map((e) => e.id)).toEqual([ids.generated]);
    expect(chain.effects.map((e) => e.id)).toEqual([ids.reviewFailed, ids.testRerun]);
  });

  it('an id not in the range exits 1 and says which range the history covers; an EventID is named as one', async () => {
    const r = await run(['chain', ids.reviewFailed, '--file', join(dir, 'chain.jsonl'), '--since', '5m']);
    expect(r.code).toBe(1);
    expect(r.stderr.join('\n')).toMatch(
      /^factline chain: no event with instance id "[^"]+" in the range\. Nothing in .*; the history covers .*: run again with --from\/--to in that range\.$/,
    );
    const e = await run(['chain', 'agent.test.failed:1', '--file', join(dir, 'chain.jsonl')]);
    expect(e.code).toBe(1);
    expect(e.stderr.join('\n')).toContain('"agent.test.failed:1" is an EventID; chain takes an instance id (factline_event_instance_id).');
    const none = await run(['chain', '--file', join(dir, 'chain.jsonl')]);
    expect(none.code).toBe(2);
    expect(none.stderr[0]).toMatch(/^factline chain: missing ID: the instance id of an event/);
  });
});

describe('factline feedback', () => {
  const ask = [
    'feedback',
    '--file',
    join(tmpdir(), 'unused'),
    '--model',
    MODEL,
    '--attempts',
    'agent.code.generated:%',
    '--success',
    'agent.test.passed:%',
    '--failure',
    'agent.test.failed:%',
  ];
  const withFiles = () => ask.map((a) => (a.endsWith('unused') ? join(dir, '*.jsonl') : a));

  it('--service keeps two services where the same model ran apart', async () => {
    for (const service of ['alpha', 'beta']) {
      const r = await run([...withFiles(), '--service', service]);
      expect(r.code).toBe(0);
      expect(r.stdout).toEqual(['all: 6 of 20 attempts failed (30%)']);
    }
    expect((await run(withFiles())).stdout).toEqual(['all: 13 of 42 attempts failed (31%), 1 pending']);
  });

  it('an EventID pattern without :N is refused with the fix (exit 2)', async () => {
    const r = await run(withFiles().map((a) => (a === 'agent.code.generated:%' ? 'agent.code.generated' : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([
      'factline feedback: --attempts "agent.code.generated" matches no EventID: an EventID ends in :N, its version; write "agent.code.generated:%" (any version) or "agent.code.generated:1"',
    ]);
  });

  it.each([
    ['--attempts', 'A.b.c:1', `"A.b.c:1" matches no EventID: uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`],
    ['--success', 'a.b.c:0', '"a.b.c:0" matches no EventID: version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)'],
    [
      '--failure',
      '%.fail-ed:%',
      `"%.fail-ed:%" matches no EventID: character '-' at position 6 is not allowed in the action; identifiers use only a-z, 0-9 and _ (docs/eventid.md, character set)`,
    ],
    [
      '--attempts',
      'a.b.c:v%',
      `"a.b.c:v%" matches no EventID: character 'v' at position 6 is not a digit; the version is a positive integer written with 0-9 only (docs/eventid.md, grammar: positive_integer)`,
    ],
  ])('%s %s, a pattern no EventID can match, is refused naming the rule (exit 2)', async (option, pattern, why) => {
    const args = withFiles();
    const at = args.indexOf(option);
    const r = await run(at >= 0 ? args.map((a, i) => (i === at + 1 ? pattern : a)) : [...args, option, pattern]);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([`factline feedback: ${option} ${why}`]);
    expect(r.stdout).toEqual([]);
  });

  it.each([
    [['--last', '6000'], '--last must be a whole number from 1 to 5000, got 6000'],
    [['--last', '0'], '--last needs a whole number ≥ 1, got "0"'],
    [['--join', 'a..b'], '--join must be a payload field path such as contract_id, got "a..b"'],
    [['--group-by', 'a..b'], '--group-by must be a payload field path such as file or context.path, got "a..b"'],
  ])('%j: the message names the option as typed (exit 2)', async (extra, message) => {
    const r = await run([...withFiles(), ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr[0]!.split('\n')[0]).toBe(`factline feedback: ${message}`);
  });

  it('a --group-by field no attempt carries is refused, naming the fields they have (exit 2)', async () => {
    const r = await run([...withFiles(), '--group-by', 'path']);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(['factline feedback: no attempt carries the payload field "path" to group by; their payloads have confidence, file, lines']);
  });

  it.each(['nope', '__proto__', 'constructor', 'toString'])(
    'a --join field no attempt carries (%s) is refused as --group-by is (exit 2), not "all pending"',
    async (field) => {
      const r = await run([...withFiles(), '--join', field]);
      expect(r.code).toBe(2);
      expect(r.stderr).toEqual([`factline feedback: no attempt carries the payload field "${field}" to join on; their payloads have confidence, file, lines`]);
      expect(r.stdout).toEqual([]);
    },
  );

  it('a --file glob that matches no file is an error (exit 1), not "no attempts"', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = await run(ask.map((a) => (a.endsWith('unused') ? join(empty, '*.jsonl') : a)));
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([
      `factline feedback: no file in ${empty} matches *.jsonl; check the pattern (quote it so the shell does not expand it) or the directory`,
    ]);
  });

  it('--from takes an absolute start', async () => {
    const r = await run([...withFiles(), '--service', 'alpha', '--from', new Date(now - 60_000).toISOString()]);
    expect(r.stdout).toEqual([`no attempts matching agent.code.generated:% by ${MODEL} in the range`]);
  });
});

describe('factline tail and query', () => {
  it('tail --pattern without :N is refused with the fix (exit 2)', async () => {
    const r = await run(['tail', '--pattern', 'agent.code.generated', join(dir, 'chain.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr[0]!.split('\n')[0]).toBe(
      'factline tail: --pattern "agent.code.generated" matches no EventID: an EventID ends in :N, its version; write "agent.code.generated:%" (any version) or "agent.code.generated:1"',
    );
  });

  it('tail names -n or --lines as typed in a bad value', async () => {
    const file = join(dir, 'chain.jsonl');
    for (const [args, option] of [
      [['-n', 'x'], '-n'],
      [['-nx'], '-n'],
      [['--lines', 'x'], '--lines'],
      [['--lines=x'], '--lines'],
    ] as const) {
      const r = await run(['tail', ...args, file]);
      expect(r.code).toBe(2);
      expect(r.stderr[0]!.split('\n')[0]).toBe(`factline tail: ${option} needs a whole number ≥ 0, got "x"`);
    }
  });

  it('tail --pattern that breaks another grammar rule is refused naming it (exit 2)', async () => {
    const r = await run(['tail', '--pattern', 'A.b.c:1', join(dir, 'chain.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr[0]!.split('\n')[0]).toBe(
      `factline tail: --pattern "A.b.c:1" matches no EventID: uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`,
    );
  });

  it('query: an empty answer says which range the history covers', async () => {
    const r = await run([
      'query',
      '--file',
      join(dir, 'chain.jsonl'),
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-01-02T00:00:00Z',
      '{service_name=~".+"}',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toEqual([
      expect.stringMatching(
        /^no results\. Nothing in 2020-01-01T00:00:00\.000Z to 2020-01-02T00:00:00\.000Z; the history covers \S+ to \S+: run again with --from\/--to in that range\.$/,
      ),
    ]);
  });
  it('query: a range whose start is its end is said to be empty, not to lie outside the history', async () => {
    const file = writeLines(join(dir, 'point.jsonl'), [
      envelope({ event_id: 'test.line.written:1', time: '2026-12-07T16:14:13.000Z', service_name: 'p', payload: {} }),
      envelope({ event_id: 'test.line.written:1', time: '2026-12-07T16:15:51.000Z', service_name: 'p', payload: {} }),
    ]);
    const r = await run(['query', '--file', file, '--from', '2026-12-07T16:15:00Z', '--to', '2026-12-07T16:15:00Z', '{service_name=~".+"}']);
    expect(r.code).toBe(0);
    expect(r.stderr).toEqual([
      'no results. Nothing in 2026-12-07T16:15:00.000Z to 2026-12-07T16:15:00.000Z: that range is empty (its start is its end), so nothing can be in it; ' +
        'the history covers 2026-12-07T16:14:13.000Z to 2026-12-07T16:15:51.000Z: give an end after the start.',
    ]);
  });

  it('query: a history whose service name holds a newline is found and described as holding events', async () => {
    const file = writeLines(join(dir, 'newline.jsonl'), [
      envelope({ event_id: 'test.line.written:1', time: '2026-12-07T16:14:13.000Z', service_name: 'a\nb', payload: {} }),
    ]);
    const found = await run(['query', '--file', file, '--from', '2026-12-07T16:00:00Z', '--to', '2026-12-07T17:00:00Z', '{service_name=~".+"}']);
    expect(found.code).toBe(0);
    expect(found.stdout).toHaveLength(1);
    const outside = await run(['query', '--file', file, '--from', '2020-01-01T00:00:00Z', '--to', '2020-01-02T00:00:00Z', '{service_name=~".+"}']);
    expect(outside.stderr).toEqual([
      'no results. Nothing in 2020-01-01T00:00:00.000Z to 2020-01-02T00:00:00.000Z; the history covers 2026-12-07T16:14:13.000Z to 2026-12-07T16:14:13.000Z: run again with --from/--to in that range.',
    ]);
  });
});

describe('Loki credentials from the environment', () => {
  it('a bearer token, basic auth, and extra headers in the OTEL_EXPORTER_OTLP_HEADERS form', () => {
    expect(lokiHeadersFromEnv({ FACTLINE_LOKI_BEARER_TOKEN: 'tok' })).toEqual({ Authorization: 'Bearer tok' });
    expect(lokiHeadersFromEnv({ FACTLINE_LOKI_USERNAME: '12345', FACTLINE_LOKI_PASSWORD: 'glc_x' })).toEqual({
      Authorization: `Basic ${Buffer.from('12345:glc_x').toString('base64')}`,
    });
    expect(lokiHeadersFromEnv({ FACTLINE_LOKI_HEADERS: 'X-Team=core, X-Note=a%2Cb' })).toEqual({ 'X-Team': 'core', 'X-Note': 'a,b' });
    expect(lokiHeadersFromEnv({})).toEqual({});
    // A header name like an Object.prototype member is a header like any other.
    expect(Object.entries(lokiHeadersFromEnv({ FACTLINE_LOKI_HEADERS: 'constructor=c,toString=t' }))).toEqual([
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
  });

  it('refuses a contradiction or a malformed header, naming the variable', () => {
    expect(() => lokiHeadersFromEnv({ FACTLINE_LOKI_BEARER_TOKEN: 't', FACTLINE_LOKI_USERNAME: 'u', FACTLINE_LOKI_PASSWORD: 'p' })).toThrow(
      /FACTLINE_LOKI_BEARER_TOKEN and FACTLINE_LOKI_USERNAME exclude each other/,
    );
    expect(() => lokiHeadersFromEnv({ FACTLINE_LOKI_USERNAME: 'u' })).toThrow('FACTLINE_LOKI_USERNAME is set without FACTLINE_LOKI_PASSWORD');
    expect(() => lokiHeadersFromEnv({ FACTLINE_LOKI_HEADERS: 'no equals sign' })).toThrow(UsageError);
    expect(() => lokiHeadersFromEnv({ FACTLINE_LOKI_HEADERS: '__proto__=x' })).toThrow(
      "FACTLINE_LOKI_HEADERS: Node's fetch cannot send a header named __proto__; rename it",
    );
  });

  it('--loki-ca reads a PEM file and refuses one without a certificate', () => {
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(lokiCaFrom(pem, {})).toContain('BEGIN CERTIFICATE');
    expect(lokiCaFrom(undefined, { FACTLINE_LOKI_CA: pem })).toContain('BEGIN CERTIFICATE');
    expect(lokiCaFrom(undefined, {})).toBeUndefined();
    writeFileSync(join(dir, 'not.pem'), 'hello');
    expect(() => lokiCaFrom(join(dir, 'not.pem'), {})).toThrow(/no PEM certificate in it/);
  });
});

describe('feedback and chain: lines that are not events are reported as query reports them', () => {
  const garbage = 'garbage\n[1,2]\n{not json\n"a string"\n';
  const feedbackArgs = (file: string) => ['feedback', '--file', file, '--attempts', 'agent.code.generated:%', '--success', 'agent.test.passed:%'];
  const skipped = (file: string) => `skipped 4 lines that are not events (not_json 2, not_an_object 2); first: ${file}:1: not_json`;
  const noEvent = (file: string) =>
    `no line of ${file} is an event (first: ${file}:1: not_json: not JSON: Unexpected token 'g', "garbage" is not valid JSON): is it an events file (factline envelopes or Intent's flat lines)?`;

  it('feedback on a file with no event line: the skipped lines and exit 1 (text and --json)', async () => {
    const file = join(dir, 'garbage.jsonl');
    writeFileSync(file, garbage);
    const r = await run(feedbackArgs(file));
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual(['no attempts matching agent.code.generated:% in the range']);
    expect(r.stderr).toEqual([`factline feedback: ${skipped(file)}`, `factline feedback: ${noEvent(file)}`]);
    const j = await run([...feedbackArgs(file), '--json']);
    expect(j.code).toBe(1);
    expect(j.stderr).toEqual([]);
    expect((JSON.parse(j.stdout[0]!) as { warnings: string[] }).warnings).toEqual([skipped(file), noEvent(file)]);
  });

  it('feedback on events and garbage: the answer, the skipped lines, exit 0', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, garbage + readFileSync(join(dir, 'chain.jsonl'), 'utf8'));
    const r = await run([...feedbackArgs(file), '--failure', 'agent.%.failed:%']);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['all: 1 of 2 attempts failed (50%), 1 pending']);
    expect(r.stderr).toEqual([`factline feedback: ${skipped(file)}`]);
  });

  it('chain: the skipped lines beside the answer; no event line at all is said too', async () => {
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, garbage + readFileSync(join(dir, 'chain.jsonl'), 'utf8'));
    const found = await run(['chain', ids.testFailed, '--file', mixed]);
    expect(found.code).toBe(0);
    expect(found.stderr).toEqual([`factline chain: ${skipped(mixed)}`]);
    const file = join(dir, 'garbage.jsonl');
    writeFileSync(file, garbage);
    const r = await run(['chain', 'nope', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr.slice(1)).toEqual([`factline chain: ${skipped(file)}`, `factline chain: ${noEvent(file)}`]);
  });

  it('chain --json: an id not found is a JSON error on stdout, nothing on stderr', async () => {
    const r = await run(['chain', 'nope', '--file', join(dir, 'chain.jsonl'), '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([]);
    const answer = JSON.parse(r.stdout[0]!) as { ok: boolean; error: { code: string; message: string } };
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe('not_found');
    expect(answer.error.message).toMatch(/^no event with instance id "nope" in the range\. /);
  });
});
