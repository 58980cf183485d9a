import { existsSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../examples/demo.js';
import { verifyChain, verifyChainFiles } from '../../src/chain/index.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { collectProblems, jsonlTestFile, makeEvent, typeInfo, version1Lines } from './fixtures.js';
import type { RuntimeProblemOf } from '../../src/problems.js';

/*
 * A file whose last line lacks its `\n`. When that line is a complete chain
 * record that follows the line before it, it is an event like the others: the
 * sink completes it and continues the chain from it. Only a line that is not
 * a complete record is torn and moved aside.
 */

const type = typeInfo('auth.user.login:1');

const file = jsonlTestFile();
const started = file.started;

const linesOf = (p: string): string[] => readFileSync(p, 'utf8').split('\n').slice(0, -1);
const tornFiles = (): string[] => readdirSync(file.dir).filter((f) => f.includes('.torn-'));

/** Writes `n` records through a sink and closes it. */
async function written(n: number, at = file.path): Promise<void> {
  const sink = createJsonlSink({ path: at, fsync: 'never' });
  sink.start!(collectProblems().ctx);
  for (let i = 0; i < n; i++) sink.write(makeEvent({ i }), type);
  await sink.shutdown();
}

/** Removes the file's final `\n`. */
function dropFinalNewline(p: string): void {
  expect(readFileSync(p, 'utf8').endsWith('\n')).toBe(true);
  truncateSync(p, statSync(p).size - 1);
}

describe('the JSONL sink: a last line without its \\n', () => {
  it('keeps every record of the demo file when its final \\n is removed, and continues the chain after them', async () => {
    const demo = await runDemo({ dir: file.dir, env: {}, console: false, say: () => {} });
    expect(demo.files.chainOk).toBe(true);
    const records = demo.files.events;
    const before = readFileSync(file.path, 'utf8');
    dropFinalNewline(file.path);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records });

    const { sink, problems } = started();
    expect(problems).toMatchObject([{ code: 'FACTLINE_FILE_UNTERMINATED_LINE', details: { path: file.path, seq: records } }]);
    expect(readFileSync(file.path, 'utf8')).toBe(before); // the \n is back, nothing else changed
    expect(problems[0]!.message).toMatch(/complete record \(seq \d+\) without its \\n.*not an error/);
    expect(problems[0]!.message).not.toContain('\n'); // one line on stderr
    expect(sink.stats()).toMatchObject({ seq: records, bytes: statSync(file.path).size });
    for (let i = 0; i < 3; i++) sink.write(makeEvent({ i }), type);
    await sink.shutdown();

    expect(tornFiles()).toEqual([]);
    const lines = linesOf(file.path);
    expect(lines.slice(0, records)).toEqual(before.split('\n').slice(0, -1));
    expect(JSON.parse(lines[records]!)).toMatchObject({ seq: records + 1, prev_hash: JSON.parse(lines[records - 1]!).hash });
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: records + 3, lastSeq: records + 3, firstSeq: 1 });
  });

  it('completes a version-1 last record (a file written before chain version 2) the same way', async () => {
    const v1 = version1Lines(3);
    writeFileSync(file.path, v1.join('\n'));
    const { sink, problems } = started();
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_FILE_UNTERMINATED_LINE']);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(linesOf(file.path).slice(0, 3)).toEqual(v1);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 4, lastSeq: 4 });
  });

  it('completes a file that is one record without its \\n', async () => {
    await written(1);
    dropFinalNewline(file.path);
    const { sink, problems } = started();
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_FILE_UNTERMINATED_LINE']);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(tornFiles()).toEqual([]);
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 2, firstSeq: 1, lastSeq: 2 });
  });

  it('completes a record starting a chain after a line that is not a chain record', async () => {
    await written(1);
    const record = readFileSync(file.path, 'utf8').slice(0, -1);
    writeFileSync(file.path, '{"hello":"world"}\n' + record);
    const { sink, problems } = started();
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_FILE_UNTERMINATED_LINE']);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(linesOf(file.path)[1]).toBe(record);
    expect(JSON.parse(linesOf(file.path)[2]!)).toMatchObject({ seq: 2, prev_hash: JSON.parse(record).hash });
  });

  it('still moves a last line cut mid-JSON to a .torn- file and resumes from the line before', async () => {
    await written(5);
    const lines = linesOf(file.path);
    const cut = lines[4]!.slice(0, lines[4]!.length - 20); // inside the hash
    writeFileSync(
      file.path,
      lines
        .slice(0, 4)
        .map((l) => l + '\n')
        .join('') + cut,
    );
    const { sink, problems } = started();
    expect(problems).toMatchObject([{ code: 'FACTLINE_FILE_TORN_LINE', details: { path: file.path, bytes: Buffer.byteLength(cut), reason: 'not_json' } }]);
    expect(readFileSync((problems[0] as RuntimeProblemOf<'FACTLINE_FILE_TORN_LINE'>).details.torn_path, 'utf8')).toBe(cut);
    expect(problems[0]!.message).toMatch(/after the last \\n that are not a complete record \(not_json: not JSON/);
    expect(problems[0]!.message).not.toContain('\n');
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(JSON.parse(linesOf(file.path)[4]!)).toMatchObject({ seq: 5, prev_hash: JSON.parse(lines[3]!).hash });
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: 5 });
  });

  it('quotes a torn line of NUL bytes (a power loss) in its message with the NULs escaped', async () => {
    await written(2);
    writeFileSync(file.path, readFileSync(file.path, 'utf8') + '\0'.repeat(50));
    const { problems } = started();
    expect(problems).toMatchObject([{ code: 'FACTLINE_FILE_TORN_LINE', details: { bytes: 50, reason: 'not_json' } }]);
    expect(problems[0]!.message).toContain('\\u0000');
    expect(problems[0]!.message).not.toMatch(/[\u0000-\u001f]/);
  });

  /** A file of `lines` whose last one has no `\n`; the sink reopens it, writes one record, and the chain verifies. */
  async function staysTorn(lines: string[], reason: string): Promise<void> {
    const last = lines.at(-1)!;
    const kept = lines
      .slice(0, -1)
      .map((l) => l + '\n')
      .join('');
    writeFileSync(file.path, kept + last);
    const { sink, problems } = started();
    expect(problems).toMatchObject([{ code: 'FACTLINE_FILE_TORN_LINE', details: { path: file.path, bytes: Buffer.byteLength(last), reason } }]);
    expect(readFileSync((problems[0] as RuntimeProblemOf<'FACTLINE_FILE_TORN_LINE'>).details.torn_path, 'utf8')).toBe(last);
    expect(readFileSync(file.path, 'utf8')).toBe(kept);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(await verifyChain(file.path)).toMatchObject({ ok: true, records: lines.length });
  }

  it('keeps torn a complete JSON last line whose hash does not match (an edited record)', async () => {
    await written(3);
    const lines = linesOf(file.path);
    lines[2] = lines[2]!.replace('"i":2', '"i":9');
    await staysTorn(lines, 'hash_mismatch');
  });

  it('keeps torn a complete JSON last line without the chain fields', async () => {
    await written(3);
    const lines = linesOf(file.path);
    lines[2] = '{"hello":"world"}';
    await staysTorn(lines, 'missing_field');
  });

  it('keeps torn a complete record that does not follow the line before: seq', async () => {
    await written(4);
    const lines = linesOf(file.path);
    await staysTorn([lines[0]!, lines[1]!, lines[3]!], 'seq_gap'); // record 3 is missing
  });

  it('keeps torn a complete record that does not follow the line before: prev_hash', async () => {
    await written(3);
    const mine = linesOf(file.path);
    await written(3, join(file.dir, 'other.jsonl')); // another chain: same seq, other hashes
    const other = linesOf(join(file.dir, 'other.jsonl'));
    await staysTorn([mine[0]!, mine[1]!, other[2]!], 'prev_hash_mismatch');
  });

  it('keeps torn a complete record after a line that is not a chain record unless it starts a chain', async () => {
    await written(2);
    const lines = linesOf(file.path);
    writeFileSync(file.path, '{"hello":"world"}\n' + lines[1]);
    const { problems } = started();
    expect(problems.map((p) => [p.code, (p.details as { reason?: unknown } | undefined)?.reason])).toEqual([
      ['FACTLINE_FILE_TORN_LINE', 'seq_gap'],
      ['FACTLINE_CHAIN_RESTARTED', 'chain_not_resumable'],
    ]);
  });

  it('continues from the last record of events.jsonl.1 when that record lacks its \\n and the current file is empty', async () => {
    await written(5);
    dropFinalNewline(file.path);
    renameSync(file.path, `${file.path}.1`);
    writeFileSync(file.path, '');
    const { sink, problems } = started();
    expect(problems).toEqual([]);
    sink.write(makeEvent({}), type);
    await sink.shutdown();
    expect(existsSync(`${file.path}.1`)).toBe(true);
    expect(await verifyChainFiles([`${file.path}.1`, file.path])).toMatchObject({ ok: true, records: 6, lastSeq: 6 });
  });

  it('completes the record with fsync: always and rotates after it as before', async () => {
    await written(3);
    dropFinalNewline(file.path);
    const size = statSync(file.path).size;
    const { sink, problems } = started({ fsync: 'always', maxBytes: size + 600, maxFiles: 5 });
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_FILE_UNTERMINATED_LINE']);
    for (let i = 0; i < 4; i++) sink.write(makeEvent({ i, text: 'x'.repeat(200) }), type);
    await sink.shutdown();
    const files = [2, 1]
      .map((n) => `${file.path}.${n}`)
      .filter((f) => existsSync(f))
      .concat(file.path);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(readFileSync(f, 'utf8').endsWith('\n')).toBe(true);
    expect(await verifyChainFiles(files)).toMatchObject({ ok: true, records: 7, lastSeq: 7, firstSeq: 1 });
  });

  it('without the chain, completes a last line that is a JSON object and keeps one cut short torn', async () => {
    const a = started({ chain: false });
    for (let i = 0; i < 2; i++) a.sink.write(makeEvent({ i }), type);
    await a.sink.shutdown();
    const whole = readFileSync(file.path, 'utf8');
    dropFinalNewline(file.path);
    const b = started({ chain: false });
    expect(b.problems).toMatchObject([{ code: 'FACTLINE_FILE_UNTERMINATED_LINE', details: { path: file.path, repair: 'line_end_appended' } }]);
    b.sink.write(makeEvent({ i: 2 }), type);
    await b.sink.shutdown();
    expect(readFileSync(file.path, 'utf8').startsWith(whole)).toBe(true);
    expect(linesOf(file.path)).toHaveLength(3);

    truncateSync(file.path, statSync(file.path).size - 2); // cut inside the last object
    const c = started({ chain: false });
    expect(c.problems).toMatchObject([{ code: 'FACTLINE_FILE_TORN_LINE', details: { reason: 'not_json' } }]);
    await c.sink.shutdown();
    expect(readFileSync(file.path, 'utf8')).toBe(
      linesOf(file.path)
        .map((l) => l + '\n')
        .join(''),
    );
    expect(linesOf(file.path)).toHaveLength(2);
  });
});
