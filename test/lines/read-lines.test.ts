import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines, type Line } from '../../src/lines/read-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'factline-lines-'));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}.jsonl`);
  writeFileSync(p, content);
  return p;
}
async function all(path: string, options = {}): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of readLines(path, options)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('marks a line whose bytes are not UTF-8 (validUtf8 false), whatever the chunk size, and no other line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\ufeff{"a":"é"}\n', 'utf8'),
      Buffer.from([0x7b, 0x22, 0x62, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]), // {"b":"\xff"}
      Buffer.from('{"c":"ok"}\r\n', 'utf8'),
      Buffer.from([0xc3, 0x0a]), // half of é
      Buffer.from('{"d":"ü"}', 'utf8'), // no final \n
    ]);
    for (const chunkBytes of [1, 2, 3, 5, 7, 1024]) {
      const lines = await all(file(bytes), { chunkBytes });
      expect(
        lines.map((l) => l.validUtf8),
        `chunk ${chunkBytes}`,
      ).toEqual([undefined, false, undefined, false, undefined]);
      expect(lines[0]!.text).toBe('{"a":"é"}');
      expect(lines[1]!.text).toBe('{"b":"\ufffd"}');
    }
    const damagedBom = Buffer.concat([Buffer.from('\ufeff', 'utf8'), Buffer.from([0xff, 0x0a])]);
    expect((await all(file(damagedBom))).map((l) => [l.text, l.validUtf8])).toEqual([['\ufffd', false]]);
  });

  it('ends lines at \\n only, keeping U+2028, U+2029 and U+0085 inside the line', async () => {
    const text = ['{"a":"x\u2028y"}', '{"b":"\u2029"}', '{"c":"\u0085"}'];
    for (const chunkBytes of [1, 2, 3, 7, 1024]) {
      const lines = await all(file(text.join('\n') + '\n'), { chunkBytes });
      expect(lines.map((l) => l.text)).toEqual(text);
      expect(lines.map((l) => l.line)).toEqual([1, 2, 3]);
    }
  });

  it('drops a \\r before \\n, also when the two fall in different reads', async () => {
    for (const chunkBytes of [1, 2, 4, 64]) {
      expect((await all(file('ab\r\ncd\r\n'), { chunkBytes })).map((l) => l.text)).toEqual(['ab', 'cd']);
    }
  });

  it('yields a last line without \\n and nothing for an empty file', async () => {
    expect((await all(file('a\nb'))).map((l) => l.text)).toEqual(['a', 'b']);
    expect(await all(file(''))).toEqual([]);
    expect((await all(file('\n\n'))).map((l) => l.text)).toEqual(['', '']);
  });

  it('gives each line its byte offset and length, multi-byte characters split across reads included', async () => {
    const text = 'é€😀\nzz\n';
    for (const chunkBytes of [1, 3, 5, 100]) {
      const lines = await all(file(text), { chunkBytes });
      expect(lines).toEqual([
        { line: 1, text: 'é€😀', offset: 0, bytes: 9, truncated: false },
        { line: 2, text: 'zz', offset: 10, bytes: 2, truncated: false },
      ]);
    }
  });

  it('marks a line longer than maxLineBytes as truncated with its head, and goes on with the next', async () => {
    const long = 'x'.repeat(100);
    for (const chunkBytes of [7, 50, 1000]) {
      const lines = await all(file(`a\n${long}\nb\n`), { chunkBytes, maxLineBytes: 10 });
      expect(lines).toEqual([
        { line: 1, text: 'a', offset: 0, bytes: 1, truncated: false },
        { line: 2, text: 'x'.repeat(10), offset: 2, bytes: 100, truncated: true },
        { line: 3, text: 'b', offset: 103, bytes: 1, truncated: false },
      ]);
    }
  });

  it('starts at a byte offset with the line number it is given', async () => {
    const lines = await all(file('aa\nbb\ncc\n'), { start: 3, firstLine: 2 });
    expect(lines.map((l) => [l.line, l.text, l.offset])).toEqual([
      [2, 'bb', 3],
      [3, 'cc', 6],
    ]);
  });

  it('adds nothing to a line unless asked for its bytes (asWritten)', async () => {
    const lines = await all(file('ab\r\n\xff\n'));
    expect(lines.map((l) => Object.keys(l).sort())).toEqual([
      ['bytes', 'line', 'offset', 'text', 'truncated'],
      ['bytes', 'line', 'offset', 'text', 'truncated'],
    ]);
  });

  it('with asWritten, says of each line whether a \r was dropped and whether its bytes are valid UTF-8, in one read or across reads', async () => {
    const content = Buffer.concat([
      Buffer.from('ok \ufffd\n', 'utf8'), // a real U+FFFD: valid
      Buffer.from('crlf\r\n'),
      Buffer.from([0x62, 0xff, 0x0a]), // b, an invalid byte
      Buffer.from([0xed, 0xa0, 0x80, 0x0d, 0x0a]), // a UTF-8-encoded surrogate (invalid), then \r\n
      Buffer.from('é€😀\n', 'utf8'),
      Buffer.from('last\r'), // no \n: the \r is part of the last line
    ]);
    const path = file(content);
    for (const chunkBytes of [1, 2, 3, 5, 1024]) {
      const lines = await all(path, { chunkBytes, asWritten: true });
      expect(
        lines.map((l) => [l.text, l.crDropped, l.validUtf8]),
        `chunkBytes ${chunkBytes}`,
      ).toEqual([
        ['ok \ufffd', false, true],
        ['crlf', true, true],
        ['b\ufffd', false, false],
        ['\ufffd\ufffd\ufffd', true, false],
        ['é€😀', false, true],
        ['last', true, true],
      ]);
    }
  });

  it('reads every mix of ASCII, multi-byte, invalid bytes, \\r\\n and long lines as decoding each line alone does, for every read size', async () => {
    // Each line decoded alone is the reference: the reader decodes a read's whole lines at once and slices them.
    const parts = [
      Buffer.from('{"a":1}'),
      Buffer.from('é😀ü'),
      Buffer.from([0x7b, 0xff, 0xc3, 0x7d]),
      Buffer.from('x\r'),
      Buffer.from(''),
      Buffer.from('y'.repeat(40)),
    ];
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 30; round++) {
      const lines: Buffer[] = [];
      for (let i = 0; i < 12; i++) lines.push(Buffer.concat(Array.from({ length: 1 + next(3) }, () => parts[next(parts.length)]!)));
      const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
      const path = join(dir, `mix-${round}.jsonl`);
      writeFileSync(path, bytes);
      const maxLineBytes = 30;
      const want = lines.map((l, i) => {
        const end = l.length > 0 && l[l.length - 1] === 0x0d ? l.length - 1 : l.length;
        const truncated = l.length > maxLineBytes;
        return { line: i + 1, text: truncated ? l.toString('utf8', 0, maxLineBytes) : l.toString('utf8', 0, end), bytes: l.length, truncated };
      });
      for (const chunkBytes of [1, 2, 3, 5, 7, 16, 64, 4096]) {
        const got = (await all(path, { chunkBytes, maxLineBytes })).map(({ line, text, bytes: b, truncated }) => ({ line, text, bytes: b, truncated }));
        expect(got, `round ${round}, chunkBytes ${chunkBytes}`).toEqual(want);
      }
    }
  });

  it('rejects when the file cannot be opened', async () => {
    await expect(all(join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
