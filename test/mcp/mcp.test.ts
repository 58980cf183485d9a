import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built.js';
import { MODEL, writeAgentHistory } from '../feedback/history.js';
import { catalog as userCatalog } from '../fixtures/catalog/user-catalog.js';

/*
 * `factline mcp` end to end: the built CLI spawned over stdio by the
 * official SDK's own client, on an events file written by factline's emitter.
 */
let out: string;
let dir: string;
let file: string;
let client: Client;
let stderr = '';

const text = (r: Awaited<ReturnType<Client['callTool']>>) => (r.content as { type: string; text: string }[]).map((c) => c.text).join('\n');

beforeAll(async () => {
  out = buildCli();
  dir = mkdtempSync(join(tmpdir(), 'factline-mcp-'));
  file = join(dir, 'events.jsonl');
  await writeAgentHistory(file);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(out, 'src', 'cli', 'main.js'), 'mcp', '--file', file, '--catalog', `${join(out, 'test', 'fixtures', 'catalog', 'user-catalog.js')}#catalog`],
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  client = new Client({ name: 'factline-test', version: '1.0.0' });
  await client.connect(transport);
}, 240_000);

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
  if (out) rmSync(join(out, '..'), { recursive: true, force: true });
});

describe("factline mcp over stdio, with the SDK's client", () => {
  it('offers the seven tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'agent_feedback',
      'describe_event',
      'event_chain',
      'label_values',
      'list_events',
      'list_labels',
      'query_events',
    ]);
    expect(tools.find((t) => t.name === 'query_events')!.inputSchema).toMatchObject({
      type: 'object',
      properties: { query: { type: 'string' }, cursor: { type: 'string' } },
    });
    expect(stderr).toContain('factline mcp: serving catalog "shop", local files on stdio');
  });

  it("list_events: the user catalog's events, filtered by a % pattern", async () => {
    const all = await client.callTool({ name: 'list_events', arguments: {} });
    expect(text(all)).toBe(
      '3 events in catalog "shop":\nagent.code.generated:1 (DEBUG): An agent wrote code.\nauth.login.failed:1 (ERROR): A sign-in was refused.\nauth.user.login:1 (INFO): A user signed in.',
    );
    const auth = await client.callTool({ name: 'list_events', arguments: { pattern: 'auth.%' } });
    expect((auth.structuredContent as { events: { id: string }[] }).events.map((e) => e.id)).toEqual(['auth.login.failed:1', 'auth.user.login:1']);
    const noVersion = await client.callTool({ name: 'list_events', arguments: { pattern: 'auth.user.login' } });
    expect(noVersion.isError).toBe(true);
    expect(text(noVersion)).toBe(
      'pattern: "auth.user.login" matches no EventID: an EventID ends in :N, its version; write "auth.user.login:%" (any version) or "auth.user.login:1". Fix the pattern and call again.',
    );
    // A pattern breaking another grammar rule is refused naming the rule, not answered with an empty list.
    const upper = await client.callTool({ name: 'list_events', arguments: { pattern: 'Auth.%' } });
    expect(upper.isError).toBe(true);
    expect(text(upper)).toBe(
      `pattern: "Auth.%" matches no EventID: uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1). Fix the pattern and call again.`,
    );
  });

  it('describe_event: description, severity and the payload JSON Schema; an unknown id is a tool error', async () => {
    const r = await client.callTool({ name: 'describe_event', arguments: { id: 'auth.login.failed:1' } });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      id: 'auth.login.failed:1',
      severity: 'ERROR',
      description: 'A sign-in was refused.',
      json_schema: userCatalog.jsonSchema('auth.login.failed:1'),
    });
    const bad = await client.callTool({ name: 'describe_event', arguments: { id: 'auth.user.logout:1' } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/^"auth\.user\.logout:1" is not in catalog "shop"\. Its events: /);
    const malformed = await client.callTool({ name: 'describe_event', arguments: { id: 'a.b.c:01' } });
    expect(malformed.isError).toBe(true);
    expect(text(malformed)).toBe(
      'Invalid EventID "a.b.c:01": leading zero at position 6 in the version; write 1, not 01 (docs/eventid.md, rule 4). An EventID is domain.entity.action:version, e.g. auth.user.login:1; list_events lists this catalog\'s.',
    );
  });

  it("query_events: Loki's JSON and a summary, for metric and log queries", async () => {
    const r = await client.callTool({
      name: 'query_events',
      arguments: { query: `sum by (factline_source_model) (count_over_time({service_name=~".+"} | event_name="agent.test.failed" [1d]))`, since: '1d' },
    });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as {
      summary: string;
      status: string;
      data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(s.status).toBe('success');
    expect(Object.fromEntries(s.data.result.map((x) => [x.metric.factline_source_model, x.value[1]]))).toEqual({ [MODEL]: '23', 'gpt-5': '10' });
    expect(s.summary).toBe(`2 series; {factline_source_model="${MODEL}"} = 23; {factline_source_model="gpt-5"} = 10`);
    const logs = await client.callTool({ name: 'query_events', arguments: { query: '{service_name=~".+"} | event_name="agent.review.failed"', limit: 5 } });
    // The text is a summary; the data is in structuredContent, once.
    expect(text(logs)).toMatch(/^5 log lines in \d+ streams?\.\nThe data is in structuredContent\.data \(Loki's JSON\)\.$/);
    expect(logs.structuredContent).toMatchObject({ status: 'success', data: { resultType: 'streams' } });
  });

  it('query_events: malformed LogQL is a tool error with the position, and the server lives on', async () => {
    const r = await client.callTool({ name: 'query_events', arguments: { query: 'sum(count_over_time({a="b"} [1h]' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^syntax: .*\(at position \d+\)\. Fix the LogQL and call again\.$/);
    const unknown = await client.callTool({ name: 'query_events', arguments: { query: '{no_such_label="x"}' } });
    expect(text(unknown).split('\n')[0]).toBe('0 log lines in 0 streams.');
  });

  it('agent_feedback: "23 of 50 src/auth attempts failed (46%)"', async () => {
    const r = await client.callTool({
      name: 'agent_feedback',
      arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', model: MODEL, last: 100, group_by: 'file', depth: 2 },
    });
    expect(r.isError).toBeFalsy();
    expect(text(r)).toBe('23 of 50 src/auth attempts failed (46%).\n0 of 50 src/api attempts failed (0%).\nOverall: 23 of 100 attempts failed (23%).');
    expect((r.structuredContent as { groups: unknown[] }).groups[0]).toEqual({
      group: 'src/auth',
      attempts: 50,
      successes: 27,
      failures: 23,
      pending: 0,
      share: 0.46,
      sentence: '23 of 50 src/auth attempts failed (46%)',
    });
  });

  it('agent_feedback: a bad argument is a tool error naming the fix', async () => {
    const r = await client.callTool({
      name: 'agent_feedback',
      arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', group_by: 'a b' },
    });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/groupBy\.field must be a payload field path/);
  });
});

describe('the built CLI as a process', () => {
  it('exits 2 on a LogQL syntax error, with the position on stderr', () => {
    const r = spawnSync(process.execPath, [join(out, 'src', 'cli', 'main.js'), 'query', '--file', file, '{service_name="x"'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^factline query: syntax error at position \d+: /);
  });

  it('serves mcp --help and refuses a missing backend with exit 2', () => {
    const help = spawnSync(process.execPath, [join(out, 'src', 'cli', 'main.js'), 'mcp', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: factline mcp');
    const none = spawnSync(process.execPath, [join(out, 'src', 'cli', 'main.js'), 'mcp', '--catalog', 'intent'], {
      encoding: 'utf8',
      input: '',
      env: { ...process.env, FACTLINE_LOKI_URL: '' },
    });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no events to query: give --file F/);
    // A catalog that cannot be loaded is its message alone, exit 2, without the usage text.
    const data = spawnSync(process.execPath, [join(out, 'src', 'cli', 'main.js'), 'mcp', '--file', file, '--catalog', file], { encoding: 'utf8', input: '' });
    expect(data.status).toBe(2);
    expect(data.stderr.trim()).toBe(
      `factline mcp: --catalog ${JSON.stringify(file)} names a data file, not a catalog: give a module exporting one (./catalog.js#catalog) or a built-in name (intent); the events file goes where the command reads events (validate's FILE, --file F)`,
    );
  });
});

describe('factline mcp with every request piped in, then stdin closed', () => {
  it('answers every request read before EOF, answers a non-JSON line with -32700, and a backtracking regex does not hang it', () => {
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipe', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      'this is not JSON',
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'query_events', arguments: { query: '{service_name=~".+"} |~ "(a+)+$"' } } },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'agent_feedback', arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', model: MODEL, last: 100 } },
      },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'query_events', arguments: { query: '{service_name=~".+"} |~ "(?=a)"' } } },
    ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    const r = spawnSync(process.execPath, [join(out, 'src', 'cli', 'main.js'), 'mcp', '--file', file], {
      input: lines.join('\n') + '\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const answers = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number | null; result?: { isError?: boolean; content: { text: string }[] }; error?: { code: number } });
    expect(answers.find((a) => a.id === null)?.error?.code).toBe(-32700);
    expect(
      answers
        .map((a) => a.id)
        .filter((id) => id !== null)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(answers.find((a) => a.id === 2)!.result!.isError ?? false).toBe(false);
    expect(answers.find((a) => a.id === 3)!.result!.isError ?? false).toBe(false);
    const lookahead = answers.find((a) => a.id === 4)!.result!;
    expect(lookahead.isError).toBe(true);
    expect(lookahead.content[0]!.text).toContain('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(r.stderr).toContain('factline mcp: Parse error:');
  }, 120_000);
});
