import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { collectProblems, makeEvent, typeInfo } from '../sinks/fixtures.js';
import { capture } from './capture.js';

/* `factline verify`: its options, and what its one-line answer says. */

const type = typeInfo('auth.user.login:1');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-cli-verify-'));
});

async function run(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

/** A chain written by the JSONL sink, its lines (with `\n`). */
async function chain(payloads: unknown[]): Promise<string[]> {
  const path = join(dir, `sink-${Math.random().toString(36).slice(2)}.jsonl`);
  const sink = createJsonlSink({ path, fsync: 'never', maxBytes: 0 });
  sink.start!(collectProblems().ctx);
  for (const p of payloads) sink.write(makeEvent(p), type);
  await sink.shutdown();
  return readFileSync(path, 'utf8').split(/(?<=\n)/);
}

function put(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join(''));
  return p;
}

describe('factline verify --max-line-bytes', () => {
  it('reads a line longer than the default 16 MiB when raised, and names the option when a line is too long', async () => {
    const ls = await chain([{ n: 1 }, { big: 'x'.repeat(17 * 1024 * 1024) }, { n: 3 }]);
    const file = put('long.jsonl', ls);
    const short = await run('verify', file);
    expect(short.code).toBe(1);
    expect(short.stdout).toContain(`${file}:2: line_too_long`);
    expect(short.stdout).toContain('--max-line-bytes');
    const raised = await run('verify', '--max-line-bytes', String(32 * 1024 * 1024), file);
    expect(raised).toMatchObject({ code: 0 });
    expect(raised.stdout).toMatch(/^ok: 3 records in 1 file, chain intact/);
  });

  it('applies the limit it is given', async () => {
    const file = put('small.jsonl', await chain([{ n: 1 }, { s: 'y'.repeat(500) }]));
    const r = await run('verify', '--max-line-bytes=700', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:2: line_too_long`);
    expect(r.stdout).toContain('700 bytes');
  });

  it('is a usage error naming the option, exit 2, for anything but a whole number ≥ 1', async () => {
    const file = put('u.jsonl', await chain([{ n: 1 }]));
    for (const bad of ['0', '-5', '1.5', 'abc', '', '1e6', '99999999999999999999']) {
      const r = await run('verify', '--max-line-bytes', bad, file);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain('--max-line-bytes');
      expect(r.stdout, bad).toBe('');
    }
    const missing = await run('verify', file, '--max-line-bytes');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--max-line-bytes');
  });

  it('keeps exit 2 with the help for an unknown option or a wrong number of files', async () => {
    const file = put('h.jsonl', await chain([{ n: 1 }]));
    for (const args of [['--bogus', file], [], [file, file]]) {
      const r = await run('verify', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('Usage: factline verify');
    }
  });

  it('is in the help', async () => {
    expect((await run('help', 'verify')).stdout).toContain('--max-line-bytes N');
  });
});

describe('factline verify: where the chain starts', () => {
  it('says nothing more for a chain that starts at seq 1', async () => {
    const file = put('whole.jsonl', await chain([{ n: 1 }, { n: 2 }]));
    const r = await run('verify', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 2 records in 1 file, chain intact \(last seq 2, last hash [0-9a-f]{16}…\)$/);
  });

  it('says where a file whose first records were deleted starts, without making it an error', async () => {
    const ls = await chain([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    const file = put('cut.jsonl', ls.slice(1));
    const r = await run('verify', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok: 3 records in 1 file, chain intact');
    expect(r.stdout).toContain('last seq 4');
    expect(r.stdout).toContain('starts at seq 2, continuing a chain whose earlier records are not in this file');
  });

  it('a rotated set that starts at genesis says nothing more; --only on its live file says where the live file starts', async () => {
    const ls = await chain([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
    const sub = mkdtempSync(join(dir, 'rot-'));
    writeFileSync(join(sub, 'events.jsonl.2'), ls.slice(0, 2).join(''));
    writeFileSync(join(sub, 'events.jsonl.1'), ls.slice(2, 3).join(''));
    writeFileSync(join(sub, 'events.jsonl'), ls.slice(3).join(''));
    const live = join(sub, 'events.jsonl');
    const set = await run('verify', live);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^ok: 5 records in 3 files, chain intact \(last seq 5, last hash [0-9a-f]{16}…\)$/);
    const only = await run('verify', '--only', live);
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('ok: 2 records in 1 file, chain intact');
    expect(only.stdout).toContain('starts at seq 4, continuing a chain whose earlier records are not in this file');
  });

  it('a rotated set whose oldest file is gone says where the set starts', async () => {
    const ls = await chain([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    const sub = mkdtempSync(join(dir, 'rot-'));
    writeFileSync(join(sub, 'events.jsonl.1'), ls.slice(1, 3).join(''));
    writeFileSync(join(sub, 'events.jsonl'), ls.slice(3).join(''));
    const r = await run('verify', join(sub, 'events.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok: 3 records in 2 files, chain intact');
    expect(r.stdout).toContain('starts at seq 2, continuing a chain whose earlier records are not in these files');
  });
});

describe('factline verify: a UTF-8 byte order mark', () => {
  it('names a byte order mark at the start of the file, and one at the start of a later line (files joined), at its line', async () => {
    const lines = await chain([{ n: 1 }, { n: 2 }]);
    const atStart = await run('verify', '--only', put('bom-start.jsonl', [`\ufeff${lines[0]!}`, lines[1]!]));
    expect(atStart.code).toBe(1);
    expect(atStart.stdout + atStart.stderr).toMatch(/:1\b.*not_json.*byte order mark \(U\+FEFF, bytes EF BB BF\)/s);
    const inside = await run('verify', '--only', put('bom-joined.jsonl', [lines[0]!, `\ufeff${lines[1]!}`]));
    expect(inside.code).toBe(1);
    expect(inside.stdout + inside.stderr).toMatch(/:2\b.*not_json.*starts with a UTF-8 byte order mark/s);
  });
});

describe('factline verify on lines out of order', () => {
  it('two swapped lines are out of order, not missing; a deleted line is missing', async () => {
    const ls = await chain(Array.from({ length: 8 }, (_, n) => ({ n })));
    const swapped = put('swap.jsonl', [...ls.slice(0, 4), ls[5]!, ls[4]!, ...ls.slice(6)]);
    const s = await run('verify', swapped);
    expect(s.code).toBe(1);
    expect(s.stdout).toBe(
      `broken: ${swapped}:5: seq_gap: expected seq 5, found 6: records are out of order: seq 5 comes later, at line 6 (moved, not missing) (4 records checked before it)`,
    );
    const deleted = put('delete.jsonl', [...ls.slice(0, 4), ...ls.slice(5)]);
    const d = await run('verify', deleted);
    expect(d.code).toBe(1);
    expect(d.stdout).toBe(
      `broken: ${deleted}:5: seq_gap: expected seq 5, found 6: records are missing (no line after it has seq 5) (4 records checked before it)`,
    );
  });

  it('rotated files out of order (.1 and .2 swapped) are out of order, naming the file that holds the record due, not missing', async () => {
    const ls = await chain(Array.from({ length: 8 }, (_, n) => ({ n })));
    const sub = mkdtempSync(join(dir, 'rot-'));
    // Oldest first the set is .3 (1-2), .2 (3-4), .1 (5-6), events.jsonl (7-8); .1 and .2 swapped.
    writeFileSync(join(sub, 'events.jsonl.3'), ls.slice(0, 2).join(''));
    writeFileSync(join(sub, 'events.jsonl.2'), ls.slice(4, 6).join(''));
    writeFileSync(join(sub, 'events.jsonl.1'), ls.slice(2, 4).join(''));
    writeFileSync(join(sub, 'events.jsonl'), ls.slice(6).join(''));
    const r = await run('verify', join(sub, 'events.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `broken: ${join(sub, 'events.jsonl.2')}:1: seq_gap: expected seq 3, found 5: records are out of order: seq 3 is in ${join(sub, 'events.jsonl.1')}, at line 1, a file read after this one (moved, not missing) (2 records checked before it)`,
    );
  });
});
