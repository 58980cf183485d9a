import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
      'factline feedback: attempts: "agent.code.generated" matches no EventID: an EventID ends in :N, its version; write "agent.code.generated:%" (any version) or "agent.code.generated:1"',
    ]);
  });

  it('a --group-by field no attempt carries is refused, naming the fields they have (exit 2)', async () => {
    const r = await run([...withFiles(), '--group-by', 'path']);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(['factline feedback: no attempt carries the payload field "path" to group by; their payloads have confidence, file, lines']);
  });

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
