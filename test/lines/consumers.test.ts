import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { verifyChain } from '../../src/chain/verify.js';
import { validateCommand } from '../../src/cli/validate.js';
import { createEmitter } from '../../src/emitter/index.js';
import { readIntentFile } from '../../src/intent/flat-read.js';
import { lineEvent } from '../../src/cli/event-lines.js';
import { readLines, type Line } from '../../src/lines/read-lines.js';
import { createLocalBackend } from '../../src/query/index.js';
import { createJsonlSink, readEvents } from '../../src/sinks/jsonl/index.js';

/*
 * Every reader of line files goes through src/lines/read-lines.ts, which ends
 * lines at \n only. Node 24's readline also ends them at U+2028 and U+2029,
 * which JSON allows raw inside strings: one event became two broken lines.
 * These tests run on whichever Node runs vitest (CI runs Node 20 and 24).
 */
const dir = mkdtempSync(join(tmpdir(), 'factline-consumers-'));
const SEPARATORS = 'a\u2028b\u2029c\u0085d';

async function eventsFile(): Promise<string> {
  const path = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  const sink = createJsonlSink({ path, fsync: 'never' });
  const ev = createEmitter(defineCatalog({ 'app.note.taken:1': z.object({ text: z.string() }) }), { sinks: [sink], validation: 'strict' });
  ev.emit('app.note.taken:1', { text: SEPARATORS });
  ev.emit('app.note.taken:1', { text: 'plain' });
  await ev.shutdown();
  return path;
}

const io = () => {
  const out: string[] = [];
  return { out, io: { out: (l: string) => void out.push(l), err: (l: string) => void out.push(l), errIsTTY: false } };
};

describe('U+2028, U+2029 and U+0085 inside a JSON string are not line ends', () => {
  it('factline verify: the chain of a file holding them verifies', async () => {
    expect(await verifyChain(await eventsFile())).toMatchObject({ ok: true, records: 2 });
  });

  it('readEvents: two records, the string intact', async () => {
    const got = [];
    for await (const e of readEvents(await eventsFile())) got.push(e);
    expect(got.map((e) => e.ok && (e.record.payload as { text: string }).text)).toEqual([SEPARATORS, 'plain']);
    expect(got.map((e) => e.line)).toEqual([1, 2]);
  });

  it('factline validate: an Intent flat line holding them is one valid line', async () => {
    const path = join(dir, 'intent.jsonl');
    writeFileSync(
      path,
      JSON.stringify({
        event_type: 'signal.created',
        signal_id: 'SIG-1',
        source: 'cli',
        content: SEPARATORS,
        confidence: 0.5,
        timestamp: '2026-03-30T14:23:45Z',
      }) + '\n',
    );
    const { out, io: cliIo } = io();
    expect(await validateCommand([path], cliIo)).toBe(0);
    expect(out).toEqual(['ok: 1 event valid']);
    const lines = [];
    for await (const l of readIntentFile(path)) lines.push(l);
    expect(lines).toEqual([expect.objectContaining({ ok: true, line: 1, payload: expect.objectContaining({ content: SEPARATORS }) })]);
  });
});

describe('a line longer than the reader holds', () => {
  const huge = join(dir, 'huge.jsonl');
  // 17 MiB, past the reader's 16 MiB line limit.
  writeFileSync(huge, `{"a":"${'x'.repeat(17 * 1024 * 1024)}"}\n{"b":1}\n`);

  it('is a problem of that line for verify (line_too_long), never parsed', async () => {
    expect(await verifyChain(huge)).toMatchObject({ ok: false, line: 1, reason: 'line_too_long' });
  });

  it('is a not-ok line for readEvents, and the next line is still read', async () => {
    const got = [];
    for await (const e of readEvents(huge)) got.push(e);
    expect(got).toEqual([
      { line: 1, ok: false, code: 'line_too_long', error: expect.stringMatching(/^the line is 17825800 bytes, longer than/), raw: expect.any(String) },
      { line: 2, ok: true, record: { b: 1 } },
    ]);
  });

  it('is a line_too_long problem for validate and readIntentFile', async () => {
    const { out, io: cliIo } = io();
    expect(await validateCommand(['--json', huge], cliIo)).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ line: 1, code: 'line_too_long' });
    const first = (await readIntentFile(huge).next()).value;
    expect(first).toMatchObject({ ok: false, line: 1, issues: [{ code: 'line_too_long' }] });
  });
});

describe('a file converted to CRLF line ends, or holding bytes that are not UTF-8', () => {
  async function altered(): Promise<{ crlf: string; invalid: string }> {
    const path = await eventsFile();
    const b = readFileSync(path);
    const crlf = `${path}.crlf`;
    writeFileSync(crlf, b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    // 'plain' → 'pl\xffin': one byte that is not UTF-8.
    const at = b.indexOf('plain');
    const bad = Buffer.from(b);
    bad[at + 2] = 0xff;
    const invalid = `${path}.invalid`;
    writeFileSync(invalid, bad);
    return { crlf, invalid };
  }

  it('is read by readEvents with the \\r dropped, and the damaged line reported as invalid_utf8 (not read with U+FFFD)', async () => {
    const { crlf, invalid } = await altered();
    const texts = async (p: string) => {
      const got = [];
      for await (const e of readEvents(p)) got.push(e.ok ? (e.record.payload as { text: string }).text : e.code);
      return got;
    };
    expect(await texts(crlf)).toEqual([SEPARATORS, 'plain']);
    expect(await texts(invalid)).toEqual([SEPARATORS, 'invalid_utf8']);
  });

  it('is reported as invalid_utf8 at its line by validate, the query engine and the line classifier of tail and stats', async () => {
    const { invalid } = await altered();
    // validate, on Intent's flat lines (its built-in catalog): the second line's content holds a byte that is not UTF-8.
    const flat = (content: string) =>
      Buffer.from(
        `${JSON.stringify({ event_type: 'signal.created', signal_id: 'SIG-1', source: 'cli', content, confidence: 0.5, timestamp: '2026-03-30T14:23:45Z' })}\n`,
        'latin1',
      );
    const intentPath = join(dir, 'intent-invalid.jsonl');
    writeFileSync(intentPath, Buffer.concat([flat('plain'), flat('pl\xffin')]));
    const v = io();
    expect(await validateCommand([intentPath], v.io)).toBe(1);
    expect(v.out.join('\n')).toMatch(/:2: \(line\): the line's bytes are not valid UTF-8/);
    expect(v.out.at(-1)).toBe('1 of 2 lines invalid');
    const backend = createLocalBackend({ files: [invalid] });
    const r = await backend.queryRange({ query: '{service_name=~".+"}', start: 0n, end: BigInt(Date.now() + 60_000) * 1_000_000n, limit: 10 });
    expect((r.data as { stats: { skipped: Record<string, number> } }).stats.skipped).toMatchObject({ invalid_utf8: 1 });
    expect(r.data.result.flatMap((st) => (st as { values: unknown[] }).values)).toHaveLength(1);
    const lines: Line[] = [];
    for await (const l of readLines(invalid)) lines.push(l);
    expect(lines.map((l) => l.validUtf8)).toEqual([undefined, false]);
    expect(lineEvent(lines[1]!)).toMatchObject({ code: 'invalid_utf8' });
  });

  it('is broken for verify, at the first altered line', async () => {
    const { crlf, invalid } = await altered();
    expect(await verifyChain(crlf)).toMatchObject({ ok: false, line: 1, reason: 'hash_mismatch' });
    expect(await verifyChain(invalid)).toMatchObject({ ok: false, line: 2, reason: 'invalid_utf8' });
  });
});
