import { V2_HASH_MEMBER, noteHash, sha256hex } from '../../chain/record.js';

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
    const n = this.buf.write(line, this.used, 'utf8');
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
    const end = start + this.buf.write(head, start, 'utf8');
    const hash = noteHash(sha256hex(this.buf.subarray(start, end)));
    this.used = end + this.buf.write(V2_HASH_MEMBER + hash + '"}\n', end, 'latin1');
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
