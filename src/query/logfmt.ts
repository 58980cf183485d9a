/*
 * logfmt as Loki's decoder reads it (pkg/logql/log/logfmt/decode.go, a fork
 * of go-logfmt), step for step: `key=value`, `key="quoted \" value"`, a bare
 * `key`. After a syntax error the decoder skips to the next space and goes
 * on, so a non-strict parser still reads the pairs after it; the first error
 * is kept for `--strict`. Positions in messages are 1-based byte offsets of
 * the UTF-8 line, as Loki reports them.
 */

const SPACE = 0x20;
const EQ = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** One scanned key and value; `value` undefined for a bare key or an empty one. */
export class LogfmtDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  key: string | undefined;
  value: string | undefined;
  /** The decoder's last syntax error, as Loki words it (`logfmt syntax error at pos 17 : invalid quoted value`). */
  err: string | undefined;

  reset(line: string): void {
    this.buf = Buffer.from(line, 'utf8');
    this.pos = 0;
    this.err = undefined;
  }

  eol(): boolean {
    return this.pos >= this.buf.length;
  }

  private syntaxError(msg: string): void {
    this.err = `logfmt syntax error at pos ${this.pos + 1} : ${msg}`;
  }

  private unexpectedByte(c: number): void {
    // Go's %q of a byte: 'x' for printable ASCII.
    this.syntaxError(`unexpected ${goQuoteByte(c)}`);
  }

  private text(from: number, to: number): string {
    return this.buf.toString('utf8', from, to);
  }

  /** Loki's ScanKeyval: false when decoding stops at the end or an error (the key and value are then unset). */
  scanKeyval(): boolean {
    this.key = undefined;
    this.value = undefined;
    const line = this.buf;
    const n = line.length;
    // garbage
    let p = this.pos;
    while (p < n && line[p]! <= SPACE) p++;
    if (p >= n) {
      this.pos = n;
      return false;
    }
    this.pos = p;
    // key
    const start = this.pos;
    let multibyte = false;
    let i = this.pos;
    for (; i < n; i++) {
      const c = line[i]!;
      if (c === EQ) {
        this.pos = i;
        if (!this.takeKey(start, multibyte)) return this.skipValue();
        if (this.key === undefined) {
          this.unexpectedByte(c);
          return this.skipValue();
        }
        return this.equal();
      }
      if (c === QUOTE) {
        this.pos = i;
        this.unexpectedByte(c);
        return this.skipValue();
      }
      if (c <= SPACE) {
        this.pos = i;
        return this.takeKey(start, multibyte);
      }
      if (c >= 0x80) multibyte = true;
    }
    this.pos = n;
    return this.takeKey(start, multibyte);
  }

  /**
   * Takes the bytes from `start` to `this.pos` as the key, when there are
   * any; false after a syntax error (a multi-byte key that is not UTF-8).
   */
  private takeKey(start: number, multibyte: boolean): boolean {
    if (this.pos > start) {
      const key = this.text(start, this.pos);
      if (multibyte && key.includes('\ufffd')) {
        this.syntaxError('invalid key');
        return false;
      }
      this.key = key;
    }
    return true;
  }

  private equal(): boolean {
    const line = this.buf;
    const n = line.length;
    this.pos++;
    if (this.pos >= n) return true;
    const c0 = line[this.pos]!;
    if (c0 <= SPACE) return true;
    if (c0 === QUOTE) return this.qvalue();
    const start = this.pos;
    for (let i = this.pos; i < n; i++) {
      const c = line[i]!;
      if (c === EQ || c === QUOTE) {
        this.pos = i;
        this.unexpectedByte(c);
        return this.skipValue();
      }
      if (c <= SPACE) {
        this.pos = i;
        if (this.pos > start) this.value = this.text(start, this.pos);
        return true;
      }
    }
    this.pos = n;
    if (this.pos > start) this.value = this.text(start, this.pos);
    return true;
  }

  private skipValue(): false {
    const line = this.buf;
    for (let i = this.pos; i < line.length; i++) {
      if (line[i]! <= SPACE) {
        this.pos = i;
        return false;
      }
    }
    this.pos = line.length;
    return false;
  }

  private qvalue(): boolean {
    const line = this.buf;
    const n = line.length;
    let hasEsc = false;
    let esc = false;
    const start = this.pos;
    for (let i = this.pos + 1; i < n; i++) {
      const c = line[i]!;
      if (esc) esc = false;
      else if (c === BACKSLASH) {
        hasEsc = true;
        esc = true;
      } else if (c === QUOTE) {
        this.pos = i + 1;
        if (hasEsc) {
          const v = unquote(this.text(start + 1, this.pos - 1));
          if (v === undefined) {
            this.syntaxError('invalid quoted value');
            return false;
          }
          this.value = v;
        } else if (this.pos - 1 > start + 1) this.value = this.text(start + 1, this.pos - 1);
        return true;
      }
    }
    this.pos = n;
    this.syntaxError('unterminated quoted value');
    return false;
  }
}

function goQuoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === BACKSLASH) return "'\\\\'";
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `'\\x${c.toString(16).padStart(2, '0')}'`;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', "'": "'", b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function hex4(s: string, at: number): number {
  // getu4: `\uXXXX` at `at`, else -1.
  if (at + 6 > s.length || s[at] !== '\\' || s[at + 1] !== 'u') return -1;
  const h = s.slice(at + 2, at + 6);
  return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
}

/** The logfmt package's unquoteBytes (Go's encoding/json rules plus `\'`): undefined when the quoted text is invalid. */
function unquote(s: string): string | undefined {
  let out = '';
  let r = 0;
  while (r < s.length) {
    const c = s[r]!;
    if (c === '\\') {
      r++;
      if (r >= s.length) return undefined;
      const e = s[r]!;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        r++;
        continue;
      }
      if (e !== 'u') return undefined;
      r--;
      let rr = hex4(s, r);
      if (rr < 0) return undefined;
      r += 6;
      if (rr >= 0xd800 && rr < 0xe000) {
        const rr1 = hex4(s, r);
        if (rr < 0xdc00 && rr1 >= 0xdc00 && rr1 < 0xe000) {
          out += String.fromCharCode(rr, rr1);
          r += 6;
          continue;
        }
        rr = 0xfffd;
      }
      out += String.fromCharCode(rr);
      continue;
    }
    if (c === '"') return undefined;
    out += c;
    r++;
  }
  return out;
}

/** One key and value of a logfmt line, in line order. */
export interface LogfmtPair {
  key: string;
  value: string;
}

/**
 * All pairs Loki's non-strict parser reads from a line, in order, and the
 * decoder's first error (what `--strict` reports; a strict parser keeps only
 * the pairs before it: `pairsBeforeError`).
 */
export function decodeLogfmt(line: string): { pairs: LogfmtPair[]; error?: string; pairsBeforeError: number } {
  const dec = new LogfmtDecoder();
  dec.reset(line);
  const pairs: LogfmtPair[] = [];
  let error: string | undefined;
  let pairsBeforeError = -1;
  while (!dec.eol()) {
    const ok = dec.scanKeyval();
    if (!ok) {
      if (dec.err !== undefined && error === undefined) {
        error = dec.err;
        pairsBeforeError = pairs.length;
      }
      continue;
    }
    if (dec.key === undefined) continue;
    pairs.push({ key: dec.key, value: dec.value ?? '' });
  }
  return { pairs, ...(error !== undefined ? { error } : {}), pairsBeforeError: pairsBeforeError < 0 ? pairs.length : pairsBeforeError };
}
