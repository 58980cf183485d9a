/**
 * Why {@link unquote} refused a literal: `syntax` when Go's
 * `strconv.Unquote` refuses it too (Loki answers a parse error),
 * `not_utf8` when Go accepts it but its `\x` or octal escapes make bytes
 * that are not UTF-8 text, which a JavaScript string cannot hold (the local
 * engine reads UTF-8 lines only, so such a string could never match one).
 */
export class UnquoteError extends Error {
  constructor(
    readonly reason: 'syntax' | 'not_utf8',
    message: string,
  ) {
    super(message);
    this.name = 'UnquoteError';
  }
}

const SIMPLE: Readonly<Record<string, number>> = { a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22 };
const HEX = /^[0-9a-fA-F]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Go's `strconv.Unquote` for LogQL strings and Go-template string
 * literals (Loki unquotes both with it): `"..."` with Go's escapes, or
 * `` `...` `` raw (carriage returns removed, as Go does).
 *
 * Go's rules, each refused with {@link UnquoteError} `syntax`: a newline
 * or an unescaped `"` inside `"..."`; an unknown escape (`\q`, `\'`);
 * `\x` without two hex digits; `\u`/`\U` without four/eight, or naming a
 * surrogate or a code point past U+10FFFF; an octal escape without three
 * digits or past `\377`. `\x` and octal escapes are bytes, not characters,
 * as in Go: `"\xc3\xa9"` is `é`; bytes that are not UTF-8 (`"\xff"`) are
 * refused as `not_utf8`.
 *
 * @throws UnquoteError
 * @example
 * unquote('"b\\"c\\u00e9\\x41"'); // 'b"céA'
 * unquote('"\\303\\251"'); // 'é'
 */
export function unquote(s: string): string {
  if (s.startsWith('`')) {
    if (s.length < 2 || !s.endsWith('`') || s.slice(1, -1).includes('`')) throw new UnquoteError('syntax', `invalid raw string ${s}`);
    return s.slice(1, -1).replaceAll('\r', '');
  }
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) throw new UnquoteError('syntax', `invalid string ${s}`);
  const body = s.slice(1, -1);
  if (body.includes('\n')) throw new UnquoteError('syntax', `a newline in the string ${s}`);
  if (!body.includes('\\')) {
    if (body.includes('"')) throw new UnquoteError('syntax', `an unescaped " in the string ${s}`);
    return body;
  }
  // Bytes, because Go's \x and octal escapes are bytes: the whole is decoded as UTF-8 at the end.
  const bytes: number[] = [];
  const bad = (what: string): never => {
    throw new UnquoteError('syntax', `invalid escape ${what} in ${s}`);
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"') throw new UnquoteError('syntax', `an unescaped " in the string ${s}`);
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      if (cp > 0xffff) i++;
      pushUtf8(bytes, cp);
      continue;
    }
    const e = body[++i];
    if (e === undefined) bad('\\');
    else if (Object.hasOwn(SIMPLE, e)) bytes.push(SIMPLE[e]!);
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (hex.length !== 2 || !HEX.test(hex)) bad(`\\x${hex}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (hex.length !== len || !HEX.test(hex)) bad(`\\${e}${hex}`);
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) bad(`\\${e}${hex} (not a Unicode scalar value)`);
      pushUtf8(bytes, cp);
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 0xff) bad(`\\${oct}`);
      bytes.push(Number.parseInt(oct, 8));
      i += 2;
    } else bad(`\\${e}`);
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new UnquoteError(
      'not_utf8',
      `the escapes of ${s} make bytes that are not UTF-8 text; the local engine reads UTF-8 lines only, so write the character itself or its \\u escape`,
    );
  }
}

/** Appends a code point's UTF-8 bytes (a lone surrogate of the source as U+FFFD, as Go would have read its bytes). */
function pushUtf8(out: number[], cp: number): void {
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}
