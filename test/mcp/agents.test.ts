import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../src/history/index.js';
import { buildCli } from '../cli/built.js';
import { MODEL } from '../feedback/history.js';
import { fileCopies, writeChainHistory, writeLargeHistory, writeTwoServices, type ChainIds } from './histories.js';

/*
 * What an agent runs into with `factline mcp`, driven as an agent would: the
 * built CLI spawned over stdio, talked to by the official SDK's Client.
 * Bounded replies with a cursor, an oversized request refused, cancellation
 * (CPU measured), the label and causation tools, absolute ranges, the hint
 * an empty answer gives, and the annotations of every tool.
 */
type CallResult = Awaited<ReturnType<Client['callTool']>>;
const text = (r: CallResult) => (r.content as { type: string; text: string }[]).map((c) => c.text).join('\n');
const BUDGET = 64 * 1024;

let out: string;
let dir: string;
let now: number;
let large: { first: number; last: number };
let chain: ChainIds;
const servers: { client: Client; transport: StdioClientTransport; stderr: () => string }[] = [];

async function serve(args: string[]): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(out, 'src', 'cli', 'main.js'), 'mcp', ...args, '--catalog', `${join(out, 'test', 'fixtures', 'catalog', 'user-catalog.js')}#catalog`],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'factline-agent-test', version: '1.0.0' });
  await client.connect(transport);
  const s = { client, transport, stderr: () => stderr };
  servers.push(s);
  return s;
}

/** Lines of a streams answer in time order (streams come in label order, as Loki's do): [time ns, instance id]. */
function lines(r: CallResult, direction: 'backward' | 'forward' = 'backward'): [string, string][] {
  const data = (r.structuredContent as { data: { resultType: string; result: { stream: Record<string, string>; values: [string, string][] }[] } }).data;
  expect(data.resultType).toBe('streams');
  const sign = direction === 'backward' ? -1 : 1;
  return data.result
    .flatMap((s) => s.values.map(([t]) => [t, s.stream.factline_event_instance_id!] as [string, string]))
    .sort((a, b) => sign * (BigInt(a[0]) < BigInt(b[0]) ? -1 : BigInt(a[0]) > BigInt(b[0]) ? 1 : 0));
}

let main: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  out = buildCli();
  dir = mkdtempSync(join(tmpdir(), 'factline-mcp-agents-'));
  now = Date.now();
  large = await writeLargeHistory(join(dir, 'large.jsonl'), 6000, now);
  chain = await writeChainHistory(join(dir, 'chain.jsonl'), now);
  await writeTwoServices(dir, now);
  main = await serve(['--file', join(dir, '*.jsonl')]);
}, 240_000);

afterAll(async () => {
  for (const s of servers) await s.client.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  if (out) rmSync(join(out, '..'), { recursive: true, force: true });
});

describe('replies within the byte budget', () => {
  it('the 6,000 events are about 1.1 KB each', () => {
    const bytes = statSync(join(dir, 'large.jsonl')).size / 6000;
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThan(1300);
  });

  it('a 5,000-line query is answered within 64 KiB, says it was cut, and its cursor returns the rest, newest first, each line once', async () => {
    const first = await main.client.callTool({ name: 'query_events', arguments: { query: '{service_name="busy"}', limit: 5000, since: '1h' } });
    expect(first.isError).toBeFalsy();
    expect(JSON.stringify(first).length).toBeLessThanOrEqual(BUDGET);
    const s = first.structuredContent as { next_cursor?: string; cut?: { shown: number; total: number } };
    expect(s.cut?.total).toBe(5000);
    expect(s.next_cursor).toEqual(expect.any(String));
    expect(text(first)).toMatch(
      new RegExp(
        `^${s.cut!.shown} log lines in \\d+ streams \\(log lines 1–${s.cut!.shown} of 5000; cut to stay within the 65536-byte reply budget\\)\\.\\nFor the rest call query_events with \\{"cursor": "${s.next_cursor}"\\}\\.`,
      ),
    );
    // The data is put once: the text is a summary, not the JSON again.
    expect(text(first).length).toBeLessThan(1000);

    const all = lines(first);
    let r = first;
    let pages = 1;
    while ((r.structuredContent as { next_cursor?: string }).next_cursor !== undefined) {
      r = await main.client.callTool({ name: 'query_events', arguments: { cursor: (r.structuredContent as { next_cursor: string }).next_cursor } });
      expect(r.isError).toBeFalsy();
      expect(JSON.stringify(r).length).toBeLessThanOrEqual(BUDGET);
      all.push(...lines(r));
      pages++;
    }
    expect(pages).toBeGreaterThan(50);
    expect(all).toHaveLength(5000);
    expect(new Set(all.map(([, id]) => id)).size).toBe(5000);
    const times = all.map(([t]) => BigInt(t));
    for (let i = 1; i < times.length; i++) expect(times[i]! <= times[i - 1]!).toBe(true);
    expect(times[0]).toBe(BigInt(large.last) * 1_000_000n);
    expect(times[4999]).toBe(BigInt(large.last - 4999 * 100) * 1_000_000n);
    // The session is alive and well.
    expect((await main.client.listTools()).tools.length).toBe(7);
  }, 240_000);

  it('a cursor that is not one the server wrote is a tool error naming the fix', async () => {
    const r = await main.client.callTool({ name: 'query_events', arguments: { cursor: 'bm90IGEgY3Vyc29y' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('bad_request: cursor is not one this server returned; pass the cursor string of the previous reply unchanged.');
  });
});

describe('an oversized request', () => {
  it('is refused with JSON-RPC error -32600 carrying its id, and the server goes on answering', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    await expect(main.client.callTool({ name: 'query_events', arguments: { query: `{service_name="${huge}"}` } })).rejects.toMatchObject({ code: -32600 });
    expect(main.stderr()).toMatch(/factline mcp: Invalid Request: the message is \d+ bytes, over this server's limit of 4194304 bytes \(--max-request-bytes\)/);
    const after = await main.client.callTool({ name: 'list_events', arguments: {} });
    expect(text(after)).toMatch(/^3 events in catalog "shop":/);
  }, 60_000);
});

describe('--max-reply-bytes and --max-request-bytes', () => {
  it('set the reply budget and the request bound', async () => {
    const s = await serve(['--file', join(dir, 'large.jsonl'), '--max-reply-bytes', '8192', '--max-request-bytes', '2000']);
    const r = await s.client.callTool({ name: 'query_events', arguments: { query: '{service_name="busy"}' } });
    expect(JSON.stringify(r).length).toBeLessThanOrEqual(8192);
    expect(text(r)).toMatch(/^\d log lines in \d streams \(log lines 1–\d of 100; cut to stay within the 8192-byte reply budget\)\./);
    await expect(s.client.callTool({ name: 'query_events', arguments: { query: `{service_name="${'x'.repeat(3000)}"}` } })).rejects.toMatchObject({
      code: -32600,
    });
    expect((await s.client.listTools()).tools).toHaveLength(7);
  }, 60_000);
});

describe('list_labels, label_values, event_chain', () => {
  it('list_labels: index labels and the names on lines', async () => {
    const r = await main.client.callTool({ name: 'list_labels', arguments: { service: 'chain-demo' } });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { indexed: string[]; onLines: string[]; sampledLines: number };
    expect(s.indexed).toEqual(['service_name']);
    expect(s.onLines).toEqual(
      expect.arrayContaining(['event_name', 'factline_event_id', 'factline_event_instance_id', 'factline_causation_id', 'factline_source_model']),
    );
    expect(s.sampledLines).toBe(5);
    expect(text(r)).toMatch(/^Index labels: service_name\.\nOn lines \(structured metadata, from the newest 5 lines\): .*factline_causation_id/);
  });

  it('label_values: the values with their line counts, most first', async () => {
    const services = await main.client.callTool({ name: 'label_values', arguments: { name: 'service_name' } });
    expect((services.structuredContent as { values: unknown[] }).values).toEqual([
      { value: 'busy', lines: 6000 },
      { value: 'alpha', lines: 40 },
      { value: 'beta', lines: 40 },
      { value: 'chain-demo', lines: 5 },
    ]);
    const names = await main.client.callTool({ name: 'label_values', arguments: { name: 'event_name', service: 'chain-demo' } });
    expect(text(names)).toBe(
      '4 values of event_name:\nagent.code.generated (2 lines)\nagent.review.failed (1 line)\nagent.test.failed (1 line)\nagent.test.passed (1 line)',
    );
    const bad = await main.client.callTool({ name: 'label_values', arguments: { name: 'event name' } });
    expect(bad.isError).toBe(true);
  });

  it('event_chain: the causes oldest first and the direct effects, each with EventID, time, source and payload', async () => {
    const r = await main.client.callTool({ name: 'event_chain', arguments: { id: chain.reviewFailed } });
    expect(r.isError).toBeFalsy();
    const c = r.structuredContent as {
      event: { id: string; eventId: string };
      causes: { id: string; eventId: string; time: string; source: unknown; payload: string; service: string }[];
      effects: { id: string; eventId: string }[];
    };
    expect(c.event).toMatchObject({ id: chain.reviewFailed, eventId: 'agent.review.failed:1' });
    expect(c.causes.map((e) => [e.id, e.eventId])).toEqual([
      [chain.generated, 'agent.code.generated:1'],
      [chain.testFailed, 'agent.test.failed:1'],
    ]);
    expect(c.causes[0]).toMatchObject({
      time: rfc3339(BigInt(now - 3_600_000) * 1_000_000n),
      service: 'chain-demo',
      source: { type: 'child_agent', model: MODEL, name: 'coder' },
      payload: '{"confidence":0.8,"file":"src/auth/login.ts","lines":40}',
    });
    expect(c.effects.map((e) => [e.id, e.eventId])).toEqual([[chain.regenerated, 'agent.code.generated:1']]);
    const t = text(r).split('\n');
    expect(t[0]).toBe('2 causes, 1 direct effect:');
    expect(t[1]).toMatch(/^ {2}\S+Z agent\.code\.generated:1 /);
    expect(t[3]).toMatch(/^> \S+Z agent\.review\.failed:1 /);
    expect(t[4]).toMatch(/^ {4}-> \S+Z agent\.code\.generated:1 /);

    const middle = await main.client.callTool({ name: 'event_chain', arguments: { id: chain.testFailed } });
    const m = middle.structuredContent as { causes: { id: string }[]; effects: { id: string }[] };
    expect(m.causes.map((e) => e.id)).toEqual([chain.generated]);
    expect(m.effects.map((e) => e.id)).toEqual([chain.reviewFailed, chain.testRerun]);
  });

  it('event_chain: an EventID instead of an instance id, or an event outside the range, is a tool error with the range the history covers', async () => {
    const r = await main.client.callTool({ name: 'event_chain', arguments: { id: 'agent.test.failed:1' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('looks like an EventID; event_chain takes an instance id (factline_event_instance_id)');
    const out = await main.client.callTool({ name: 'event_chain', arguments: { id: chain.testFailed, since: '10m' } });
    expect(out.isError).toBe(true);
    expect(text(out)).toContain(
      `the history covers ${rfc3339(BigInt(now - 3_600_000) * 1_000_000n)} to ${rfc3339(BigInt(large.last) * 1_000_000n)}, which overlaps it: if the event is outside it, ask again with start/end covering it.`,
    );
  });
});

describe('absolute ranges and empty answers', () => {
  it('query_events takes start and end (RFC 3339)', async () => {
    const at = now - 3_600_000;
    const r = await main.client.callTool({
      name: 'query_events',
      arguments: { query: '{service_name="chain-demo"}', start: new Date(at).toISOString(), end: new Date(at + 1000).toISOString(), direction: 'forward' },
    });
    expect(lines(r, 'forward').map(([, id]) => id)).toEqual([chain.generated, chain.testFailed, chain.reviewFailed]);
    const both = await main.client.callTool({
      name: 'query_events',
      arguments: { query: '{service_name="chain-demo"}', since: '1h', start: new Date(at).toISOString() },
    });
    expect(text(both)).toBe('bad_request: give since or start, not both.');
    const bad = await main.client.callTool({ name: 'query_events', arguments: { query: '{service_name="chain-demo"}', start: 'yesterday' } });
    expect(text(bad)).toBe('bad_request: start must be an RFC 3339 time such as 2026-03-30T14:00:00Z, got "yesterday".');
  });

  it('an empty answer says which range the history covers', async () => {
    const r = await main.client.callTool({
      name: 'query_events',
      arguments: { query: '{service_name=~".+"}', start: '2020-01-01T00:00:00Z', end: '2020-01-02T00:00:00Z' },
    });
    expect(r.isError).toBeFalsy();
    expect(text(r)).toContain(
      `Nothing in 2020-01-01T00:00:00.000Z to 2020-01-02T00:00:00.000Z; the history covers ${rfc3339(BigInt(now - 3_600_000) * 1_000_000n)} to ${rfc3339(BigInt(large.last) * 1_000_000n)}: ask again with start/end in that range.`,
    );
    const fb = await main.client.callTool({
      name: 'agent_feedback',
      arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', end: '2020-01-02T00:00:00Z' },
    });
    expect(text(fb)).toMatch(/^No attempts matched agent\.code\.generated:% in the range\. Nothing in .* the history covers /);
  });
});

describe('agent_feedback: service, and mistakes answered helpfully', () => {
  const ask = { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', failure: 'agent.test.failed:%', model: MODEL };

  it('service separates two services where the same model ran', async () => {
    for (const service of ['alpha', 'beta']) {
      const r = await main.client.callTool({ name: 'agent_feedback', arguments: { ...ask, service } });
      expect(text(r)).toBe('6 of 20 attempts failed (30%).');
    }
    const pooled = await main.client.callTool({ name: 'agent_feedback', arguments: ask });
    // alpha and beta pooled, plus chain-demo's two generations (one failed, one pending).
    expect(text(pooled)).toBe('13 of 42 attempts failed (31%), 1 pending.');
  });

  it('an EventID pattern without :N, and a group_by field no attempt has, are tool errors naming the fix', async () => {
    const r = await main.client.callTool({ name: 'agent_feedback', arguments: { ...ask, attempts: 'agent.code.generated' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toBe(
      'bad_request: attempts: "agent.code.generated" matches no EventID: an EventID ends in :N, its version; write "agent.code.generated:%" (any version) or "agent.code.generated:1".',
    );
    const upper = await main.client.callTool({ name: 'agent_feedback', arguments: { ...ask, attempts: 'A.b.c:1' } });
    expect(upper.isError).toBe(true);
    expect(text(upper)).toBe(
      `bad_request: attempts: "A.b.c:1" matches no EventID: uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1).`,
    );
    const zero = await main.client.callTool({ name: 'agent_feedback', arguments: { ...ask, success: 'a.b.c:0' } });
    expect(zero.isError).toBe(true);
    expect(text(zero)).toContain('"a.b.c:0" matches no EventID: version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)');
    const g = await main.client.callTool({ name: 'agent_feedback', arguments: { ...ask, group_by: 'path' } });
    expect(g.isError).toBe(true);
    expect(text(g)).toBe('bad_request: no attempt carries the payload field "path" to group by; their payloads have confidence, file, lines.');
    for (const field of ['nope', '__proto__', 'constructor', 'toString']) {
      const j = await main.client.callTool({ name: 'agent_feedback', arguments: { ...ask, join_field: field } });
      expect(j.isError, field).toBe(true);
      expect(text(j)).toBe(`bad_request: no attempt carries the payload field "${field}" to join on; their payloads have confidence, file, lines.`);
    }
  });
});

describe('every tool', () => {
  it('is annotated read-only, closed-world on local files, and its description says what it costs', async () => {
    const { tools } = await main.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'agent_feedback',
      'describe_event',
      'event_chain',
      'label_values',
      'list_events',
      'list_labels',
      'query_events',
    ]);
    for (const t of tools) {
      expect(t.annotations, t.name).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: false });
      expect(t.description, t.name).toMatch(/Cost: /);
    }
  });
});

/** utime + stime of a process, in seconds (/proc/PID/stat, clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

async function settle(pid: number): Promise<number> {
  let last = cpuSeconds(pid);
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuSeconds(pid);
    if (now - last < 0.02) return now;
    last = now;
  }
  return last;
}

describe.runIf(process.platform === 'linux')('cancellation', () => {
  it('notifications/cancelled stops the scan: under 1 s of CPU after the cancel, where the whole scan takes more', async () => {
    const copies = join(dir, 'copies');
    mkdirSync(copies);
    const glob = fileCopies(join(dir, 'large.jsonl'), copies, 40);
    const s = await serve(['--file', glob]);
    const pid = s.transport.pid!;
    const query = { name: 'query_events', arguments: { query: 'sum(count_over_time({service_name="busy"} | json | reason=~".*(x|y)+z" [1d]))' } };

    // The whole scan, to its end: 240,000 lines.
    const before = await settle(pid);
    const whole = await s.client.callTool(query, undefined, { timeout: 600_000 });
    expect(whole.isError).toBeFalsy();
    const wholeCpu = (await settle(pid)) - before;

    // The same scan, cancelled once it is under way.
    const controller = new AbortController();
    const base = cpuSeconds(pid);
    const call = s.client.callTool(query, undefined, { signal: controller.signal, timeout: 600_000 });
    while (cpuSeconds(pid) - base < 0.3) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const atCancel = cpuSeconds(pid);
    await expect(call).rejects.toThrow();
    const afterCancel = (await settle(pid)) - atCancel;
    console.log(`cancellation: the whole scan took ${wholeCpu.toFixed(2)} s of CPU; after the cancel the server used ${afterCancel.toFixed(2)} s`);
    expect(wholeCpu).toBeGreaterThan(1);
    expect(afterCancel).toBeLessThan(1);
    // It still answers.
    expect(text(await s.client.callTool({ name: 'list_events', arguments: {} }))).toMatch(/^3 events/);
  }, 600_000);
});
