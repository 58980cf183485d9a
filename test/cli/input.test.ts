import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildCli } from './built.js';
import { capture } from './capture.js';

/*
 * What the CLI does with awkward inputs: a FILE that is a directory or a
 * device, file content with terminal control characters, a forged event_id,
 * and a --catalog module that never settles.
 */

// Raw control characters a printed line must never carry.
const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-cli-input-'));
});

async function run(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('FILE arguments', () => {
  it('a directory gets exit 2 and "is a directory" from every command that reads a FILE', async () => {
    const d = join(dir, 'adir');
    mkdirSync(d, { recursive: true });
    for (const cmd of ['verify', 'validate', 'tail', 'stats']) {
      const r = await run(cmd, d);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr.join('\n'), cmd).toContain(`factline ${cmd}: ${d}: is a directory`);
    }
  });

  it('a character device is refused with exit 2 instead of read forever', async () => {
    for (const cmd of ['verify', 'validate', 'tail', 'stats']) {
      const r = await run(cmd, '/dev/zero');
      expect(r.code, cmd).toBe(2);
      expect(r.stderr.join('\n'), cmd).toContain(`factline ${cmd}: /dev/zero: is not a regular file (a character device)`);
    }
  });

  it('a missing file gets the same message everywhere', async () => {
    for (const cmd of ['verify', 'validate', 'tail', 'stats']) {
      const r = await run(cmd, join(dir, 'nope.jsonl'));
      expect(r.code, cmd).toBe(2);
      expect(r.stderr.join('\n'), cmd).toContain('nope.jsonl: no such file');
    }
  });

  it.runIf(process.platform !== 'win32')(
    'a FIFO, a directory or a missing file is not a usage error: the message alone (no usage text), exit 2, from every command that reads a FILE',
    async () => {
      const fifo = join(dir, 'fifo.jsonl');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const d = join(dir, 'adir2');
      mkdirSync(d, { recursive: true });
      for (const [file, why] of [
        [fifo, 'is not a regular file (a FIFO); events files are read as regular files only'],
        [d, 'is a directory'],
        [join(dir, 'nope.jsonl'), 'no such file'],
      ] as const) {
        for (const cmd of ['verify', 'validate', 'tail', 'stats']) {
          const r = await run(cmd, file);
          expect(r.code, cmd).toBe(2);
          expect(r.stderr, `${cmd} ${file}`).toEqual([`factline ${cmd}: ${file}: ${why}`]);
          expect(r.stdout, cmd).toEqual([]);
        }
        // --json: one line on stdout, as validate gives it.
        for (const cmd of ['validate', 'stats']) {
          const j = await run(cmd, '--json', file);
          expect(j.code, cmd).toBe(2);
          expect(j.stderr, cmd).toEqual([]);
          expect(JSON.parse(j.stdout[0]!), cmd).toEqual({ ok: false, error: { code: 'unreadable_file', message: `${file}: ${why}` } });
        }
      }
    },
  );
});

describe('file content in messages', () => {
  it('control and bidi characters of a bad line are escaped in verify, validate, tail and stats', async () => {
    const file = join(dir, 'controls.jsonl');
    const good = JSON.stringify({ schema_version: 1, id: 'x', event_id: 'intent.intent.accepted:1', time: '2026-11-30T10:00:00Z', payload: {} });
    writeFileSync(
      file,
      `\u001b[2J\u0007 not json \u202e\n${JSON.stringify({ event_id: 'a.b.c:1\u001b[2J\u202e', time: '2026-11-30T10:00:00Z', payload: {} })}\n${good}\n`,
    );
    for (const cmd of ['verify', 'validate', 'tail', 'stats']) {
      const r = await run(cmd, file);
      const all = [...r.stdout, ...r.stderr];
      for (const l of all) expect(l, `${cmd}: ${JSON.stringify(l)}`).not.toMatch(RAW_CONTROL);
      if (cmd !== 'stats' && cmd !== 'tail') expect(all.join('\n'), cmd).toContain('\\u001b');
    }
  });

  it('stats counts an invalid EventID as an invalid line, not under a domain', async () => {
    const file = join(dir, 'forged.jsonl');
    writeFileSync(file, `${JSON.stringify({ event_id: 'a.b.c:1\u001b[2J\u202e', time: '2026-11-30T10:00:00Z', payload: {} })}\n`);
    const r = await run('stats', '--json', file);
    const stats = JSON.parse(r.stdout[0]!) as { events: number; domains: Record<string, unknown>; skipped: Record<string, number> };
    expect(stats.events).toBe(0);
    expect(stats.domains).toEqual({});
    expect(stats.skipped.invalid_event_id).toBe(1);
    // Its only line is no event: exit 1, naming the line and its problem, the forged id escaped.
    expect(r.code).toBe(1);
    // --json: the note is in the answer's warnings, nothing on stderr.
    expect(r.stderr).toEqual([]);
    expect((stats as unknown as { warnings: string[] }).warnings.join('\n')).toContain(
      `${file}:1: invalid_event_id: event_id "a.b.c:1\\u001b[2J\\u202e" is not a valid EventID`,
    );
    const t = await run('tail', file);
    expect(t.stdout).toEqual([]);
    expect(t.stderr.join('\n')).toContain('skipped: invalid_event_id: event_id "a.b.c:1\\u001b[2J\\u202e" is not a valid EventID');
  });
});

describe('a command that never settles', () => {
  it('exits 2 (a catalog that cannot be loaded) and names the --catalog module; with --json, as the JSON error on stdout', () => {
    const out = buildCli();
    const hangs = join(dir, 'hangs.mjs');
    writeFileSync(hangs, 'await new Promise(() => {});\nexport const catalog = 1;\n');
    const file = join(dir, 'one.jsonl');
    writeFileSync(file, '{}\n');
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(out, 'src', 'cli', 'main.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
    const r = cli('validate', '--catalog', hangs, file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('factline: the command did not finish: the --catalog module never settled');
    for (const args of [
      ['validate', '--json', '--catalog', hangs, file],
      ['catalog', 'list', '--json', '--catalog', hangs],
    ]) {
      const j = cli(...args);
      expect(j.status, args.join(' ')).toBe(2);
      expect(j.stderr, args.join(' ')).toBe('');
      expect(JSON.parse(j.stdout)).toEqual({
        ok: false,
        error: { code: 'catalog_not_loaded', message: expect.stringContaining('the --catalog module never settled') as unknown as string },
      });
    }
  }, 120_000);
});

describe('query text output', () => {
  it('escapes control and bidi characters of a plain line and of label values', async () => {
    const { renderResult } = await import('../../src/cli/render.js');
    const lines = renderResult(
      { resultType: 'streams', result: [{ stream: { service_name: 'x' }, values: [['1764496800000000000', 'plain \u001b[2J\u0007 \u202e line']] }] } as never,
      { color: false },
    );
    expect(lines[0]).toContain('plain \\u001b[2J\\u0007 \\u202e line');
    const table = renderResult({ resultType: 'vector', result: [{ metric: { k: 'v\u202e\u0085' }, value: [1764496800, '1'] }] } as never, { color: false });
    for (const l of table) expect(l).not.toMatch(RAW_CONTROL);
    expect(table.join('\n')).toContain('\\u202e');
  });
});
