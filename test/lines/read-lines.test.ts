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

  it('rejects when the file cannot be opened', async () => {
    await expect(all(join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
