import { V2_HASH_MEMBER, noteHash, sha256hex } from '../../chain/record.js';

/**
 * Encoders without `Buffer#write`'s argument checks (a few per cent of the
 * sink's time): Node 20 to 24 have `utf8Write` and `latin1Write` on Buffer's
 * prototype, which `write` calls after its checks; the public `write`
 * stands in should they go.
 */
type Encoder = (buf: Buffer, text: string, at: number) => number;
const proto = Buffer.prototype as unknown as { utf8Write?: (s: string, at: number) => number; latin1Write?: (s: string, at: number) => number };
const writeUtf8: Encoder =
  typeof proto.utf8Write === 'function' ? (buf, text, at) => proto.utf8Write!.call(buf, text, at) : (buf, text, at) => buf.write(text, at, 'utf8');
const writeLatin1: Encoder =
  typeof proto.latin1Write === 'function' ? (buf, text, at) => proto.latin1Write!.call(buf, text, at) : (buf, text, at) => buf.write(text, at, 'latin1');

/** Capacity at first; it doubles as a burst needs. */
const INITIAL_CAPACITY = 64 * 1024;
/** Capacity kept between batches: a batch is written once it reaches 1 MiB, plus room for one more line. */
const KEPT_CAPACITY = 2 * 1024 * 1024;

/**
 * The bytes of the lines of one batch, encoded once, where they are written
 * from: each line goes into one reused buffer as UTF-8 (no string per line,
 * no join, no second encoding), and a chain line's hash is taken over its
 * bytes right there, which are exactly the bytes written.
 */
export class LineBuffer {
  /** Bytes in use. */
  used = 0;
  /** Lines in use. */
  lines = 0;
  private buf = Buffer.allocUnsafe(INITIAL_CAPACITY);

  /** Room for `chars` more UTF-16 units of text (at most 3 bytes each) and `ascii` more bytes. */
  private reserve(chars: number, ascii: number): void {
    const need = this.used + chars * 3 + ascii;
    if (need <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }

  /** Appends a whole line (`\n` included); returns its length in bytes. */
  appendLine(line: string): number {
    this.reserve(line.length, 0);
    const n = writeUtf8(this.buf, line, this.used);
    this.used += n;
    this.lines++;
    return n;
  }

  /**
   * Appends a chain record whose covered part (chain version 2, everything
   * before `,"hash":`) is `head`, hashes those bytes, and ends the line with
   * the hash member and `\n`. Returns the hash and the line's length in bytes.
   */
  appendChained(head: string): { hash: string; bytes: number } {
    this.reserve(head.length, V2_HASH_MEMBER.length + 64 + 3);
    const start = this.used;
    const end = start + writeUtf8(this.buf, head, start);
    const hash = noteHash(sha256hex(this.buf.subarray(start, end)));
    this.used = end + writeLatin1(this.buf, V2_HASH_MEMBER + hash + '"}\n', end);
    this.lines++;
    return { hash, bytes: this.used - start };
  }

  /** The bytes of the batch; valid until the next append or {@link clear}. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  /** Empties the batch; a buffer grown for one very long line is let go. */
  clear(): void {
    this.used = 0;
    this.lines = 0;
    if (this.buf.length > KEPT_CAPACITY) this.buf = Buffer.allocUnsafe(KEPT_CAPACITY);
  }
}
