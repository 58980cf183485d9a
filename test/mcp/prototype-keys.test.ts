import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { inMemoryMcpClient } from './in-memory.js';
import { createLocalBackend } from '../../src/query/index.js';
import { envelope, tempDir, writeLines } from '../query/support.js';

/*
 * MCP arguments and answers that name a label or payload field
 * `__proto__`, `constructor` or `toString`: the tool answers carry them as
 * keys with their values, and the feedback figures group by them.
 */
let client: Client;

beforeAll(async () => {
  const t = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
  const file = writeLines(join(tempDir(), 'events.jsonl'), [
    envelope({
      event_id: 'agent.code.generated:1',
      time: t(0),
      source: { type: 'child_agent', model: 'm' },
      payload: JSON.parse('{"__proto__":"x","constructor":"c1","toString":"z"}'),
    }),
    envelope({
      event_id: 'agent.code.generated:1',
      time: t(1),
      source: { type: 'child_agent', model: 'm' },
      payload: JSON.parse('{"__proto__":"x","constructor":"c2"}'),
    }),
  ]);
  const catalog = defineCatalog({ 'agent.code.generated:1': z.looseObject({}) }, { name: 'a' });
  client = await inMemoryMcpClient({ catalog, backend: createLocalBackend({ files: [file] }) });
});

afterAll(async () => {
  await client?.close();
});

describe('MCP tools with keys named like Object.prototype members', () => {
  it('query_events: a __proto__ label arrives in the structured answer as a key with its value', async () => {
    const r = await client.callTool({
      name: 'query_events',
      arguments: { query: 'sum by (__proto__, constructor) (count_over_time({service_name="factline"} | json [1h]))' },
    });
    const result = (r.structuredContent as { data: { result: { metric: Record<string, string> }[] } }).data.result;
    expect(result.map((s) => Object.entries(s.metric))).toEqual([
      [
        ['__proto__', 'x'],
        ['constructor', 'c1'],
      ],
      [
        ['__proto__', 'x'],
        ['constructor', 'c2'],
      ],
    ]);
  });

  it('agent_feedback: groups by a payload field named __proto__, constructor or toString', async () => {
    const groups = async (field: string) => {
      const r = await client.callTool({
        name: 'agent_feedback',
        arguments: { attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', group_by: field },
      });
      return (r.structuredContent as { groups: { group: string; attempts: number }[] }).groups.map((g) => [g.group, g.attempts]);
    };
    expect(await groups('__proto__')).toEqual([['x', 2]]);
    expect((await groups('constructor')).sort()).toEqual([
      ['c1', 1],
      ['c2', 1],
    ]);
    expect((await groups('toString')).sort()).toEqual([
      ['(none)', 1],
      ['z', 1],
    ]);
  });

  it('label_values: a name like an Object.prototype member is a label like any other, carried by no line here', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
      const r = await client.callTool({ name: 'label_values', arguments: { name } });
      expect(r.isError ?? false).toBe(false);
      expect((r.content as { text: string }[])[0]!.text).toMatch(new RegExp(`^No line carries ${name} in the range\\.`));
      expect((r.structuredContent as { values: unknown[] }).values).toEqual([]);
    }
    const models = await client.callTool({ name: 'label_values', arguments: { name: 'factline_source_model' } });
    expect((models.structuredContent as { values: unknown[] }).values).toEqual([{ value: 'm', lines: 2 }]);
  });
});
