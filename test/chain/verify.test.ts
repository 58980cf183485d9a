import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeRecordHash, GENESIS_HASH, verifyChain, verifyChainFiles, verifyChainLines } from '../../src/chain/index.js';
import { chainRecordLine } from '../../src/chain/record.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { readLines } from '../../src/lines/read-lines.js';
import { collectProblems, makeEvent, tempDir, typeInfo } from '../sinks/fixtures.js';

const type = typeInfo('auth.user.login:1');

/** Hand-built chain lines of version 1 (canonical JSON, as files written before version 2 hold), independent of the sink. */
function chainLines(n: number, firstSeq = 1, prev = GENESIS_HASH): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, unknown> = { n: i, seq: firstSeq + i, prev_hash: prev };
    rec.hash = computeRecordHash(rec);
    prev = rec.hash as string;
    out.push(JSON.stringify(rec));
  }
  return out;
}

describe('verifyChain over a file written by the JSONL sink', () => {
  let dir: string;
  let cleanup: () => void;
  let path: string;

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    path = join(dir, 'events.jsonl');
    const sink = createJsonlSink({ path, fsync: 'never', maxBytes: 0 });
    sink.start!(collectProblems().ctx);
    for (let i = 1; i <= 1000; i++) sink.write(makeEvent({ n: i, note: `event number ${i}` }), type);
    await sink.shutdown();
  });
  afterEach(() => cleanup());

  const lines = (): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);
  const rewrite = (ls: string[]): void => writeFileSync(path, ls.map((l) => l + '\n').join(''));

  it('accepts 1000 intact records and returns the last hash and seq', async () => {
    const r = await verifyChain(path);
    const last = JSON.parse(lines()[999]!) as { hash: string };
    expect(r).toEqual({ ok: true, records: 1000, lastHash: last.hash, lastSeq: 1000, firstSeq: 1, firstPrevHash: GENESIS_HASH });
  });

  it('reports hash_mismatch at line 437 when one byte of that line is flipped', async () => {
    const ls = lines();
    const line = ls[436]!;
    const at = line.indexOf('"note":"') + '"note":"'.length;
    ls[436] = line.slice(0, at) + String.fromCharCode(line.charCodeAt(at) ^ 1) + line.slice(at + 1);
    rewrite(ls);
    const r = await verifyChain(path);
    expect(r).toMatchObject({ ok: false, line: 437, reason: 'hash_mismatch', records_checked: 436, file: path });
  });

  it('reports seq_gap at the line after a deleted line', async () => {
    const ls = lines();
    ls.splice(499, 1); // line 500 removed; old line 501 is now line 500
    rewrite(ls);
    expect(await verifyChain(path)).toMatchObject({
      ok: false,
      line: 500,
      reason: 'seq_gap',
      records_checked: 499,
      message: 'expected seq 500, found 501: records are missing (no line after it has seq 500)',
    });
  });

  it('reports seq_gap where two lines were swapped', async () => {
    const ls = lines();
    [ls[9], ls[10]] = [ls[10]!, ls[9]!];
    rewrite(ls);
    // Nothing is missing: seq 10 is on the next line. The message says so, not "records are missing".
    expect(await verifyChain(path)).toMatchObject({
      ok: false,
      line: 10,
      reason: 'seq_gap',
      message: 'expected seq 10, found 11: records are out of order: seq 10 comes later, at line 11 (moved, not missing)',
    });
  });

  it('names a record moved far ahead as out of order, wherever it is; a repeated line as repeated or out of order', async () => {
    const ls = lines();
    const [moved] = ls.splice(99, 1); // seq 100 moved to the end
    ls.push(moved!);
    rewrite(ls);
    expect(await verifyChain(path)).toMatchObject({
      line: 100,
      reason: 'seq_gap',
      message: 'expected seq 100, found 101: records are out of order: seq 100 comes later, at line 1000 (moved, not missing)',
    });
    const again = lines().slice(0, 5);
    rewrite([...again, again[4]!, ...again.slice(5)]);
    expect(await verifyChain(path)).toMatchObject({ line: 6, reason: 'seq_gap', message: 'expected seq 6, found 5: a record is repeated or out of order' });
  });

  it('verifyChainLines tells out of order from missing the same way', async () => {
    const ls = chainLines(8);
    expect(await verifyChainLines([ls[0]!, ls[1]!, ls[3]!, ls[2]!, ...ls.slice(4)])).toMatchObject({
      line: 3,
      reason: 'seq_gap',
      message: 'expected seq 3, found 4: records are out of order: seq 3 comes later, at line 4 (moved, not missing)',
    });
    expect(await verifyChainLines([ls[0]!, ls[1]!, ...ls.slice(3)])).toMatchObject({
      line: 3,
      reason: 'seq_gap',
      message: 'expected seq 3, found 4: records are missing (no line after it has seq 3)',
    });
  });

  it('reports prev_hash_mismatch when a line was deleted and the rest renumbered with valid hashes but old links', async () => {
    const ls = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    ls.splice(99, 1);
    // A forger who renumbers and rehashes but cannot fix the link of line 100:
    for (let i = 99; i < ls.length; i++) {
      const rec = ls[i]!;
      rec.seq = i + 1;
      if (i > 99) rec.prev_hash = ls[i - 1]!.hash;
      rec.hash = computeRecordHash(rec);
    }
    rewrite(ls.map((r) => JSON.stringify(r)));
    expect(await verifyChain(path)).toMatchObject({ ok: false, line: 100, reason: 'prev_hash_mismatch' });
  });

  it('reports not_json at a line that is not JSON, and missing_field at a record without a hash', async () => {
    const ls = lines();
    ls[19] = ls[19]!.slice(0, 30);
    rewrite(ls);
    expect(await verifyChain(path)).toMatchObject({ ok: false, line: 20, reason: 'not_json' });

    const again = lines();
    again[19] = JSON.stringify({ n: 1, seq: 20, prev_hash: GENESIS_HASH });
    rewrite(again);
    expect(await verifyChain(path)).toMatchObject({ ok: false, line: 20, reason: 'missing_field' });
  });

  it.runIf(existsSync('/proc/self/fd'))('closes the file when it stops at a broken line', async () => {
    const ls = lines();
    ls[0] = 'garbage';
    rewrite(ls);
    const open = (): number => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) expect(await verifyChain(path)).toMatchObject({ ok: false, line: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(open()).toBeLessThanOrEqual(before);
  });

  it('rejects when the file does not exist, since that is not a chain break', async () => {
    await expect(verifyChain(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});

describe('verifyChainLines', () => {
  it('accepts an empty input as an empty chain', async () => {
    expect(await verifyChainLines([])).toEqual({ ok: true, records: 0, lastHash: GENESIS_HASH, lastSeq: 0, firstSeq: undefined, firstPrevHash: undefined });
  });

  it('accepts async iterables', async () => {
    async function* gen(): AsyncGenerator<string> {
      yield* chainLines(3);
    }
    expect(await verifyChainLines(gen())).toMatchObject({ ok: true, records: 3, lastSeq: 3 });
  });

  it('insists that a record with seq 1 starts from the genesis hash', async () => {
    const ls = chainLines(2, 1, 'f'.repeat(64));
    expect(await verifyChainLines(ls)).toMatchObject({ ok: false, line: 1, reason: 'prev_hash_mismatch' });
  });

  it('accepts a continuation on its own, anchored at its first record, and says where it starts', async () => {
    const whole = chainLines(10);
    const r = await verifyChainLines(whole.slice(4));
    const fifth = JSON.parse(whole[3]!) as { hash: string };
    expect(r).toMatchObject({ ok: true, records: 6, lastSeq: 10, firstSeq: 5, firstPrevHash: fifth.hash });
  });

  it('checks a continuation against expectSeq and expectPrevHash', async () => {
    const whole = chainLines(10);
    const fourth = JSON.parse(whole[3]!) as { hash: string; seq: number };
    expect(await verifyChainLines(whole.slice(4), { expectSeq: 5, expectPrevHash: fourth.hash })).toMatchObject({ ok: true, records: 6 });
    expect(await verifyChainLines(whole.slice(4), { expectSeq: 4 })).toMatchObject({ ok: false, line: 1, reason: 'seq_gap' });
    expect(await verifyChainLines(whole.slice(4), { expectPrevHash: GENESIS_HASH })).toMatchObject({ ok: false, line: 1, reason: 'prev_hash_mismatch' });
  });

  it('requires a whole chain when told to expect seq 1 from genesis', async () => {
    const whole = chainLines(10);
    expect(await verifyChainLines(whole.slice(1), { expectSeq: 1, expectPrevHash: GENESIS_HASH })).toMatchObject({ ok: false, line: 1, reason: 'seq_gap' });
  });

  it('pulls lines one at a time and stops at the first broken one', async () => {
    const ls = chainLines(3);
    let pulled = 0;
    function* source(): Generator<string> {
      for (const l of [ls[0]!, ls[1]!, 'garbage']) {
        pulled++;
        yield l;
      }
      throw new Error('read past the first broken line');
    }
    expect(await verifyChainLines(source())).toMatchObject({ ok: false, line: 3, reason: 'not_json', records_checked: 2 });
    expect(pulled).toBe(3);
  });

  it('treats a blank line as not_json and a JSON array as not_an_object', async () => {
    const ls = chainLines(3);
    expect(await verifyChainLines([ls[0]!, '', ls[1]!])).toMatchObject({ ok: false, line: 2, reason: 'not_json' });
    expect(await verifyChainLines(['[1,2]'])).toMatchObject({ ok: false, line: 1, reason: 'not_an_object', message: 'not a JSON object (found an array)' });
  });

  it('treats a non-integer or missing seq as missing_field', async () => {
    const rec: Record<string, unknown> = { seq: 1.5, prev_hash: GENESIS_HASH };
    rec.hash = computeRecordHash(rec);
    expect(await verifyChainLines([JSON.stringify(rec)])).toMatchObject({ ok: false, line: 1, reason: 'missing_field' });
    expect(await verifyChainLines(['{"prev_hash":"x","hash":"y"}'])).toMatchObject({ ok: false, reason: 'missing_field' });
  });
});

describe('verifyChainFiles', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const put = (name: string, ls: string[]): string => {
    const p = join(dir, name);
    writeFileSync(p, ls.map((l) => l + '\n').join(''));
    return p;
  };

  it('verifies files that continue each other, oldest first', async () => {
    const whole = chainLines(9);
    const files = [put('a', whole.slice(0, 3)), put('b', whole.slice(3, 6)), put('c', whole.slice(6))];
    expect(await verifyChainFiles(files)).toMatchObject({ ok: true, records: 9, lastSeq: 9, firstSeq: 1 });
  });

  it('names the file and the line where the set breaks', async () => {
    const whole = chainLines(9);
    const files = [put('a', whole.slice(0, 3)), put('b', whole.slice(4, 6)), put('c', whole.slice(6))];
    expect(await verifyChainFiles(files)).toMatchObject({ ok: false, file: files[1], line: 1, reason: 'seq_gap', records_checked: 3 });
  });

  it('finds files given in the wrong order', async () => {
    const whole = chainLines(6);
    const files = [put('a', whole.slice(0, 3)), put('b', whole.slice(3))];
    expect(await verifyChainFiles([files[1]!, files[0]!])).toMatchObject({ ok: false, file: files[0], line: 1 });
  });

  it('says files out of order are out of order, naming the file that holds the record due; a record in no later file is missing', async () => {
    const whole = chainLines(9);
    const [a, b, c] = [put('a', whole.slice(0, 3)), put('b', whole.slice(3, 6)), put('c', whole.slice(6))];
    expect(await verifyChainFiles([a, c, b])).toEqual({
      ok: false,
      file: c,
      line: 1,
      reason: 'seq_gap',
      message: `expected seq 4, found 7: records are out of order: seq 4 is in ${b}, at line 1, a file read after this one (moved, not missing)`,
      records_checked: 3,
    });
    expect(await verifyChainFiles([a, c])).toMatchObject({
      ok: false,
      file: c,
      line: 1,
      message: 'expected seq 4, found 7: records are missing (no line after it has seq 4)',
    });
  });
});

/** SHA-256 hex of a string's UTF-8 bytes, independent of src/chain. */
const sha256 = (text: string): string => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

/** Chain version 2 written by hand: the hash covers the line's bytes before `,"hash":`. */
function v2Line(rec: Record<string, unknown>, seq: number, prev: string): { line: string; hash: string } {
  const covered = JSON.stringify({ ...rec, seq, prev_hash: prev }).slice(0, -1);
  const hash = sha256(covered);
  return { line: `${covered},"hash":"${hash}"}`, hash };
}

describe('chain version 2 and version 1 side by side', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('writes version 2: each line of the sink is the rule computed independently, and verifies', async () => {
    const path = join(dir, 'events.jsonl');
    const sink = createJsonlSink({ path, fsync: 'never', maxBytes: 0 });
    sink.start!(collectProblems().ctx);
    for (let i = 1; i <= 5; i++) sink.write(makeEvent({ n: i, text: `é \u2028 ${i}` }), type);
    await sink.shutdown();
    const ls = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    let prev = GENESIS_HASH;
    for (const [i, l] of ls.entries()) {
      const rec = JSON.parse(l) as Record<string, unknown>;
      const { seq, prev_hash, hash, ...members } = rec;
      expect(seq).toBe(i + 1);
      expect(prev_hash).toBe(prev);
      expect(l).toBe(v2Line(members, i + 1, prev).line);
      expect(hash).toBe(sha256(l.slice(0, l.lastIndexOf(',"hash":'))));
      // Not the version-1 hash: the writer no longer hashes the canonical form.
      expect(hash).not.toBe(computeRecordHash(rec));
      prev = hash as string;
    }
    expect(await verifyChain(path)).toMatchObject({ ok: true, records: 5, lastHash: prev });
  });

  it('accepts hand-built version-2 lines, from genesis and as a continuation', async () => {
    const ls: string[] = [];
    let prev = GENESIS_HASH;
    for (let i = 1; i <= 4; i++) {
      const { line, hash } = v2Line({ n: i, b: { z: 1, a: 2 } }, i, prev);
      ls.push(line);
      prev = hash;
    }
    expect(await verifyChainLines(ls)).toMatchObject({ ok: true, records: 4, lastSeq: 4, lastHash: prev });
    expect(await verifyChainLines(ls.slice(2))).toMatchObject({ ok: true, records: 2, firstSeq: 3 });
    const { line } = chainRecordLine({ n: 1 }, 1, GENESIS_HASH);
    expect(line.endsWith('\n')).toBe(true);
    expect(await verifyChainLines([line.slice(0, -1)])).toMatchObject({ ok: true, records: 1 });
  });

  it('breaks a version-2 line at any edit of its bytes, even a reordered key or whitespace that version 1 accepts', async () => {
    const v2: string[] = [];
    let prev = GENESIS_HASH;
    for (let i = 1; i <= 5; i++) {
      const { line, hash } = v2Line({ a: i, b: 'x' }, i, prev);
      v2.push(line);
      prev = hash;
    }
    const edits: [string, (l: string) => string][] = [
      ['one flipped byte', (l) => l.replace('"b":"x"', '"b":"y"')],
      ['a reordered key', (l) => l.replace('"a":3,"b":"x"', '"b":"x","a":3')],
      ['a space after a colon', (l) => l.replace('"b":', '"b": ')],
      ['a space before the hash member', (l) => l.replace(',"hash":', ', "hash":')],
    ];
    for (const [what, edit] of edits) {
      const edited = v2.slice();
      edited[2] = edit(edited[2]!);
      expect(edited[2], what).not.toBe(v2[2]);
      expect(JSON.parse(edited[2]!), what).toBeTypeOf('object');
      expect(await verifyChainLines(edited), what).toMatchObject({ ok: false, line: 3, reason: 'hash_mismatch', records_checked: 2 });
    }
    // The same kinds of edit to a version-1 line keep its JSON value, which is what version 1 covers.
    const v1Lines = chainLines(5);
    const reordered = v1Lines.slice();
    const { n, ...rest } = JSON.parse(v1Lines[2]!) as Record<string, unknown>;
    reordered[2] = JSON.stringify({ ...rest, n });
    expect(reordered[2]).not.toBe(v1Lines[2]);
    expect(await verifyChainLines(reordered)).toMatchObject({ ok: true, records: 5 });
    const spaced = v1Lines.slice();
    spaced[2] = spaced[2]!.replace('"n":', '"n": ');
    expect(await verifyChainLines(spaced)).toMatchObject({ ok: true, records: 5 });
  });

  it('verifies a file of version-1 lines continued by the sink in version 2, as after an upgrade', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(
      path,
      chainLines(3)
        .map((l) => l + '\n')
        .join(''),
    );
    const sink = createJsonlSink({ path, fsync: 'never', maxBytes: 0 });
    sink.start!(collectProblems().ctx);
    for (let i = 0; i < 3; i++) sink.write(makeEvent({ n: i }), type);
    await sink.shutdown();
    const ls = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(ls).toHaveLength(6);
    expect((JSON.parse(ls[3]!) as { seq: number; prev_hash: string }).prev_hash).toBe((JSON.parse(ls[2]!) as { hash: string }).hash);
    expect(await verifyChain(path)).toMatchObject({ ok: true, records: 6, lastSeq: 6, firstSeq: 1 });
    // An edit in either part is still found at its line.
    writeFileSync(path, ls.map((l, i) => (i === 1 || i === 4 ? l.replace('"n":', '"n": ') : l) + '\n').join(''));
    expect(await verifyChain(path)).toMatchObject({ ok: false, line: 5, reason: 'hash_mismatch', records_checked: 4 });
  });

  it('verifies a rotated set whose older file is version 1 and newer file version 2', async () => {
    const old = chainLines(4);
    const last = JSON.parse(old[3]!) as { hash: string };
    const a = join(dir, 'events.jsonl.1');
    writeFileSync(a, old.map((l) => l + '\n').join(''));
    let prev = last.hash;
    const next: string[] = [];
    for (let seq = 5; seq <= 7; seq++) {
      const { line, hash } = v2Line({ n: seq }, seq, prev);
      next.push(line);
      prev = hash;
    }
    const b = join(dir, 'events.jsonl');
    writeFileSync(b, next.map((l) => l + '\n').join(''));
    expect(await verifyChainFiles([a, b])).toMatchObject({ ok: true, records: 7, lastSeq: 7, lastHash: prev });
  });

  it('keeps verifying the version-1 files in test/fixtures, written before version 2', async () => {
    for (const name of ['events.jsonl', 'agent-events.jsonl']) {
      const path = join('test', 'fixtures', 'query', 'events', name);
      const r = await verifyChain(path);
      expect(r, name).toMatchObject({ ok: true, firstSeq: 1 });
      const first = readFileSync(path, 'utf8').split('\n')[0]!;
      // They are version 1: the bytes before their hash do not hash to it.
      expect(sha256(first.slice(0, first.lastIndexOf(',"hash":')))).not.toBe((JSON.parse(first) as { hash: string }).hash);
    }
  });
});

describe('verifyChain sees the bytes of each line, not only their decoded text', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** Version-2 lines as the sink writes them: one holds a real U+FFFD (bytes EF BF BD). */
  async function sinkFile(payloads: unknown[]): Promise<Buffer> {
    const path = join(dir, 'sink.jsonl');
    const sink = createJsonlSink({ path, fsync: 'never', maxBytes: 0 });
    sink.start!(collectProblems().ctx);
    for (const p of payloads) sink.write(makeEvent(p), type);
    await sink.shutdown();
    return readFileSync(path);
  }
  const put = (name: string, content: Buffer | string): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  /** The file with line `n` (1-based) ending in \r\n instead of \n. */
  const crlfAt = (b: Buffer, n: number): Buffer => {
    const ls = b.toString('latin1').split('\n');
    ls[n - 1] += '\r';
    return Buffer.from(ls.join('\n'), 'latin1');
  };

  it('breaks a version-2 line that ends in \\r\\n with hash_mismatch at that line, as every line of a CRLF-converted file', async () => {
    const b = await sinkFile([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await verifyChain(put('ok.jsonl', b))).toMatchObject({ ok: true, records: 3 });
    const one = await verifyChain(put('one.jsonl', crlfAt(b, 2)));
    expect(one).toMatchObject({ ok: false, line: 2, reason: 'hash_mismatch', records_checked: 1 });
    expect(one.ok === false && one.message).toMatch(/\\r/);
    const all = put('all.jsonl', b.toString('latin1').replace(/\n/g, '\r\n'));
    expect(await verifyChain(all)).toMatchObject({ ok: false, line: 1, reason: 'hash_mismatch', records_checked: 0 });
  });

  it('breaks a version-2 line longer than one read (its bytes carried across reads) that ends in \\r\\n', async () => {
    const b = await sinkFile([{ n: 1 }, { big: 'é'.repeat(1_500_000) }, { n: 3 }]);
    expect(await verifyChain(put('ok.jsonl', b))).toMatchObject({ ok: true, records: 3 });
    expect(await verifyChain(put('crlf.jsonl', crlfAt(b, 2)))).toMatchObject({ ok: false, line: 2, reason: 'hash_mismatch' });
  });

  it('breaks a line whose real U+FFFD was replaced by the invalid byte FF, in version 2 and in version 1', async () => {
    const b = await sinkFile([{ n: 1 }, { s: 'ok \ufffd' }, { n: 3 }]);
    const fffd = Buffer.from([0xef, 0xbf, 0xbd]);
    const at = b.indexOf(fffd);
    const tampered = Buffer.concat([b.subarray(0, at), Buffer.from([0xff]), b.subarray(at + 3)]);
    expect(await verifyChain(put('v2.jsonl', b))).toMatchObject({ ok: true, records: 3 });
    const r = await verifyChain(put('v2.tampered', tampered));
    expect(r).toMatchObject({ ok: false, line: 2, reason: 'invalid_utf8', records_checked: 1 });
    expect(r.ok === false && r.message).toMatch(/UTF-8/);

    const v1: string[] = [];
    let prev = GENESIS_HASH;
    for (const [i, s] of ['a', 'ok \ufffd', 'c'].entries()) {
      const rec: Record<string, unknown> = { s, seq: i + 1, prev_hash: prev };
      rec.hash = prev = computeRecordHash(rec);
      v1.push(JSON.stringify(rec));
    }
    const v1b = Buffer.from(v1.join('\n') + '\n', 'utf8');
    const v1at = v1b.indexOf(fffd);
    expect(await verifyChain(put('v1.jsonl', v1b))).toMatchObject({ ok: true, records: 3 });
    const v1t = Buffer.concat([v1b.subarray(0, v1at), Buffer.from([0xff]), v1b.subarray(v1at + 3)]);
    expect(await verifyChain(put('v1.tampered', v1t))).toMatchObject({ ok: false, line: 2, reason: 'invalid_utf8', records_checked: 1 });
  });

  it('accepts version-1 lines ending in \\r\\n: the \\r is JSON whitespace, which version 1 does not cover', async () => {
    const v1 = chainLines(3);
    expect(await verifyChain(put('v1crlf.jsonl', v1.map((l) => l + '\r\n').join('')))).toMatchObject({ ok: true, records: 3, lastSeq: 3 });
  });

  it('checks the bytes of the Lines of readLines({ asWritten: true }) given to verifyChainLines', async () => {
    const b = await sinkFile([{ n: 1 }, { n: 2 }]);
    const path = put('crlf.jsonl', crlfAt(b, 2));
    expect(await verifyChainLines(readLines(path, { asWritten: true }))).toMatchObject({ ok: false, line: 2, reason: 'hash_mismatch' });
  });
});

describe('maxLineBytes', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('reads longer lines when raised, in every file of a rotated set, and names the limit when a line is longer', async () => {
    const whole = chainLines(4);
    const long: Record<string, unknown> = { pad: 'x'.repeat(300), seq: 5, prev_hash: JSON.parse(whole[3]!).hash };
    long.hash = computeRecordHash(long);
    const a = join(dir, 'events.jsonl.1');
    const b = join(dir, 'events.jsonl');
    writeFileSync(
      a,
      whole
        .slice(0, 2)
        .map((l) => l + '\n')
        .join(''),
    );
    writeFileSync(b, [...whole.slice(2), JSON.stringify(long)].map((l) => l + '\n').join(''));
    const short = await verifyChainFiles([a, b], { maxLineBytes: 200 });
    expect(short).toMatchObject({ ok: false, file: b, line: 3, reason: 'line_too_long', records_checked: 4 });
    expect(short.ok === false && short.message).toContain('200');
    expect(await verifyChainFiles([a, b], { maxLineBytes: 1000 })).toMatchObject({ ok: true, records: 5 });
    expect(await verifyChain(b, { maxLineBytes: 200 })).toMatchObject({ ok: false, line: 3, reason: 'line_too_long' });
  });

  it('refuses a maxLineBytes that is not a whole number ≥ 1 with a RangeError naming it', async () => {
    const p = join(dir, 'x.jsonl');
    writeFileSync(p, chainLines(1)[0] + '\n');
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(verifyChain(p, { maxLineBytes: bad }), String(bad)).rejects.toThrow(/maxLineBytes must be a whole number/);
    }
  });
});
