/*
 * logfmt as Loki's decoder reads it (a fork of go-logfmt): `key=value`,
 * `key="quoted \" value"`, a bare `key` with no value. Keys are runs of
 * characters above space other than `=` and `"`.
 */

/** One key and value of a logfmt line, in line order. */
export interface LogfmtPair {
  key: string;
  value: string;
}

/**
 * Splits a logfmt line into pairs; `error` is set (and the pairs so far
 * returned) when the line is not valid logfmt, with the decoder's message.
 */
export function decodeLogfmt(line: string): { pairs: LogfmtPair[]; error?: string } {
  const pairs: LogfmtPair[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) <= 0x20) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c <= 0x20 || c === 0x3d || c === 0x22) break;
      i++;
    }
    const key = line.slice(keyStart, i);
    if (key === '') {
      return { pairs, error: `logfmt syntax error at pos ${i + 1} on line 1: unexpected '${line[i]}'` };
    }
    if (i >= n || line.charCodeAt(i) <= 0x20) {
      pairs.push({ key, value: '' });
      continue;
    }
    if (line[i] === '"') return { pairs, error: `logfmt syntax error at pos ${i + 1} on line 1: unexpected '"'` };
    i++; // '='
    if (i >= n || line.charCodeAt(i) <= 0x20) {
      pairs.push({ key, value: '' });
      continue;
    }
    if (line[i] === '"') {
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const ch = line[i]!;
        if (ch === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(line.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          value += map[e] ?? e;
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (!closed) return { pairs, error: `logfmt syntax error at pos ${n + 1} on line 1: unterminated quoted value` };
      pairs.push({ key, value });
      continue;
    }
    const valueStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c <= 0x20) break;
      if (c === 0x3d || c === 0x22) return { pairs, error: `logfmt syntax error at pos ${i + 1} on line 1: unexpected '${line[i]}'` };
      i++;
    }
    pairs.push({ key, value: line.slice(valueStart, i) });
  }
  return { pairs };
}
