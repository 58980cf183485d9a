import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { inMemoryMcpClient } from './in-memory.js';
import { createLocalBackend } from '../../src/query/index.js';
import { envelope, tempDir, writeLines } from '../query/support.js';

/*
 * Lines of the local files that are not events: every tool that reads the
 * history says how many it skipped and why, as `factline query`, `feedback`
 * and `chain` do, in its text and in structuredContent.
 */
let client: Client;
const SKIPPED = 'The local engine skipped 2 lines that are not events (not_json 1, not_an_object 1); first: ';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const text = (r: CallResult) => (r.content as { type: string; text: string }[]).map((c) => c.text).join('\n');

beforeAll(async () => {
  const t = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
  const attempt = envelope({ event_id: 'agent.code.generated:1', time: t(0), source: { type: 'child_agent', model: 'm' }, payload: { file: 'src/a.ts' } });
  const attemptId = (JSON.parse(attempt) as { id: string }).id;
  const file = writeLines(join(tempDir(), 'events.jsonl'), [
    attempt,
    '{"cut short',
    '[1,2]',
    JSON.stringify({
      ...JSON.parse(envelope({ event_id: 'agent.test.passed:1', time: t(1), source: { type: 'child_agent', model: 'm' }, payload: {} })),
      causation_id: attemptId,
    }),
  ]);
  const catalog = defineCatalog({ 'agent.code.generated:1': z.looseObject({}), 'agent.test.passed:1': z.looseObject({}) }, { name: 'a' });
  client = await inMemoryMcpClient({ catalog, backend: createLocalBackend({ files: [file] }) });
});

afterAll(async () => {
  await client?.close();
});

describe('MCP tools on files with lines that are not events', () => {
  it('query_events says what it skipped', async () => {
    const r = await client.callTool({ name: 'query_events', arguments: { query: '{service_name=~".+"}' } });
    expect(text(r)).toContain(`${SKIPPED}`);
    expect(text(r)).toMatch(/events\.jsonl:2: not_json/);
    expect((r.structuredContent as { data: { stats: { skipped: Record<string, number> } } }).data.stats.skipped).toMatchObject({
      not_json: 1,
      not_an_object: 1,
    });
  });

  it('agent_feedback says what it skipped, with and without attempts found', async () => {
    const found = await client.callTool({ name: 'agent_feedback', arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%' } });
    expect(found.isError).toBeFalsy();
    expect(text(found)).toContain(SKIPPED);
    expect((found.structuredContent as { skipped: string }).skipped).toMatch(/^skipped 2 lines/);
    const none = await client.callTool({ name: 'agent_feedback', arguments: { attempts: 'agent.none.generated:%', success: 'agent.test.passed:%' } });
    expect(text(none)).toMatch(/^No attempts matched/);
    expect(text(none)).toContain(SKIPPED);
  });

  it('event_chain says what it skipped, found or not', async () => {
    const all = await client.callTool({ name: 'query_events', arguments: { query: '{service_name=~".+"} | event_name="agent.code.generated"' } });
    const id = (all.structuredContent as { data: { result: { stream: Record<string, string> }[] } }).data.result[0]!.stream.factline_event_instance_id!;
    const found = await client.callTool({ name: 'event_chain', arguments: { id } });
    expect(found.isError).toBeFalsy();
    expect(text(found)).toContain('1 direct effect');
    expect(text(found)).toContain(SKIPPED);
    const missing = await client.callTool({ name: 'event_chain', arguments: { id: '0198a000-0000-7000-8000-999999999999' } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain(SKIPPED);
  });
});
