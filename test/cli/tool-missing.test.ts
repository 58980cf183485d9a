import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ToolMissingError } from '../../src/cli/tools.js';
import { capture } from './capture.js';

/*
 * A service without the optional packages (`@factline/tools`): the query
 * commands fail naming the command and what to install, and with --json as
 * one JSON line on stdout, nothing on stderr (docs/query.md, "Errors with
 * --json"). loadTool is replaced by one that fails as it does when
 * @grafana/lezer-logql is not installed (test/cli/tools.test.ts holds the real
 * loadTool to Node's own missing-module errors).
 */
vi.mock('../../src/cli/tools.js', async (original) => {
  const real = await original<typeof import('../../src/cli/tools.js')>();
  return {
    ...real,
    loadTool: async (name: string) => {
      throw new real.ToolMissingError('@grafana/lezer-logql', name);
    },
  };
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-tool-missing-'));
  writeFileSync(join(dir, 'events.jsonl'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = new ToolMissingError('@grafana/lezer-logql', 'query-runner').message;

describe.each([
  ['query', ['{service_name="x"}']],
  ['feedback', ['--attempts', 'a.b.c:%', '--success', 'a.b.d:%']],
  ['chain', ['some-id']],
])('factline %s without the optional packages', (command, args) => {
  it('names the command and the install command (exit 1)', async () => {
    const io = capture();
    const code = await main([command, '--file', join(dir, 'events.jsonl'), ...args], io);
    expect(code).toBe(1);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([`factline ${command}: ${message}`]);
  });

  it('--json: one JSON error on stdout with code tool_missing, nothing on stderr (exit 1)', async () => {
    const io = capture();
    const code = await main([command, '--json', '--file', join(dir, 'events.jsonl'), ...args], io);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([]);
    expect(io.stdout.map((l) => JSON.parse(l) as unknown)).toEqual([{ ok: false, error: { code: 'tool_missing', message } }]);
  });
});
