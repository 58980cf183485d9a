import { isAscii, isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * The one reader of line-delimited files (`events.jsonl`, Intent's flat file)
 * that every consumer uses: the chain verifier, `readEvents`, `validate`,
 * the query engine.
 *
 * Lines end at `\n` only (a `\r` before it is dropped). U+2028, U+2029 and
 * U+0085 are characters inside a line, never line ends: JSON allows them raw
 * in strings, and `node:readline` on newer Node versions splits there, which
 * would turn one valid event into two broken lines.
 *
 * The text is decoded with replacement (an invalid byte becomes U+FFFD), as
 * every consumer but one wants. The chain verifier must also see what the
 * decoding hides: it asks with `asWritten` whether a `\r` was dropped and
 * whether the bytes were valid UTF-8 (docs/event-model.md, "The hash chain").
 */

/** One line of a file. */
export interface Line {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The line's text, decoded as UTF-8, without its `\n` (or `\r\n`). */
  readonly text: string;
  /** Byte offset of the line's first byte in the file. */
  readonly offset: number;
  /** Length of the line in bytes, without its line end. */
  readonly bytes: number;
  /**
   * True when the line was longer than `maxLineBytes`: `text` then holds
   * only its first `maxLineBytes` bytes and the rest was skipped unread
   * into memory. A consumer reports such a line; it never parses it.
   */
  readonly truncated: boolean;
  /**
   * Only with `asWritten`: true when the line ended in `\r` (before its `\n`,
   * or at the end of the file) and `text` lacks it.
   */
  readonly crDropped?: boolean;
  /**
   * Whether the line's bytes are valid UTF-8. When false, `text` holds
   * U+FFFD where they were not, and does not encode back to them: the line
   * was damaged (every writer writes UTF-8), and readers report it as
   * `invalid_utf8`. With `asWritten` set on every line; without it, set
   * (false) only on a line that is not UTF-8 (one check per read of a
   * chunk that is not ASCII). Unset for a truncated line.
   */
  readonly validUtf8?: boolean;
}

export interface ReadLinesOptions {
  /** Byte offset to start at (the start of a line). Default 0. */
  start?: number;
  /** Line number of the line at `start`. Default 1. */
  firstLine?: number;
  /**
   * Longest line held in memory, in bytes. A longer line is yielded with
   * `truncated: true` and its first `maxLineBytes` bytes. Default 16 MiB.
   */
  maxLineBytes?: number;
  /** Size of each read, in bytes. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * Also say of each line whether it is exactly the UTF-8 encoding of its
   * `text` ({@link Line.crDropped}, {@link Line.validUtf8}), for a consumer
   * that checks bytes (the chain verifier). Default false: lines carry
   * neither field and cost nothing more.
   */
  asWritten?: boolean;
  /**
   * Read from this open file instead of opening `path` (which then only
   * names it); the handle is left open. A follower keeps reading the file
   * it opened after the path was renamed to another file.
   */
  handle?: FileHandle;
}

/*
 * Lines are instances of two classes, not object literals: every line of a
 * read then has one hidden class, so the optimised code of the reader and of
 * its consumers does not deoptimise and compile again as the first batches
 * come in (object literals built at several places did, three times per
 * read of a large file).
 */

/** A line as read without `asWritten`. Its fields are set in the constructor alone (`declare`: no class field initialiser runs first). */
class TextLine implements Line {
  declare readonly line: number;
  declare readonly text: string;
  declare readonly offset: number;
  declare readonly bytes: number;
  declare readonly truncated: boolean;
  constructor(line: number, text: string, offset: number, bytes: number, truncated: boolean) {
    this.line = line;
    this.text = text;
    this.offset = offset;
    this.bytes = bytes;
    this.truncated = truncated;
  }
}

/** A line as read without `asWritten` whose bytes are not UTF-8: `validUtf8` false. */
class DamagedLine extends TextLine {
  declare readonly validUtf8: false;
  constructor(line: number, text: string, offset: number, bytes: number) {
    super(line, text, offset, bytes, false);
    this.validUtf8 = false;
  }
}

/** A line as read with `asWritten`: with `crDropped` and `validUtf8`. */
class WrittenLine implements Line {
  declare readonly line: number;
  declare readonly text: string;
  declare readonly offset: number;
  declare readonly bytes: number;
  declare readonly truncated: boolean;
  declare readonly crDropped: boolean;
  declare readonly validUtf8: boolean;
  constructor(line: number, text: string, offset: number, bytes: number, truncated: boolean, crDropped: boolean, validUtf8: boolean) {
    this.line = line;
    this.text = text;
    this.offset = offset;
    this.bytes = bytes;
    this.truncated = truncated;
    this.crDropped = crDropped;
    this.validUtf8 = validUtf8;
  }
}

/** Default longest line held in memory: 16 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Streams a file's lines in batches (one batch per read of `chunkBytes`),
 * which is what a fast consumer iterates. A last line without `\n` is
 * yielded too; an empty file yields nothing. Stopping early (`break`, a
 * throw) closes the file.
 *
 * @throws (the iterator rejects) when the file cannot be opened or read.
 *
 * @example
 * for await (const batch of readLineBatches('events.jsonl')) for (const l of batch) use(l.text);
 */
export async function* readLineBatches(path: string, options: ReadLinesOptions = {}): AsyncGenerator<Line[], void, undefined> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const asWritten = options.asWritten === true;
  const handle = options.handle ?? (await open(path, 'r'));
  // A UTF-8 byte order mark opens the text of the file's first line, not its data.
  let atStart = (options.start ?? 0) === 0 && !asWritten;
  const withoutBom = (out: Line[]): Line[] => {
    if (atStart && out.length > 0) {
      atStart = false;
      const l = out[0]!;
      if (l.offset === 0 && l.text.charCodeAt(0) === 0xfeff)
        out[0] =
          l.validUtf8 === false
            ? new DamagedLine(l.line, l.text.slice(1), l.offset, l.bytes)
            : new TextLine(l.line, l.text.slice(1), l.offset, l.bytes, l.truncated);
    }
    return out;
  };
  try {
    let position = options.start ?? 0;
    let lineNo = options.firstLine ?? 1;
    // Bytes of the current (unfinished) line carried over from earlier reads.
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let lineStart = position;
    let dropping = false; // the current line passed maxLine: count its bytes, keep none
    let droppedHead: Buffer | undefined;
    const buf = Buffer.allocUnsafe(chunkBytes);

    const finish = (tail: Buffer, out: Line[]): void => {
      if (dropping) {
        out.push(new TextLine(lineNo++, droppedHead!.toString('utf8'), lineStart, carryBytes + tail.length, true));
      } else {
        const whole = carry.length === 0 ? tail : Buffer.concat([...carry, tail]);
        const bytes = whole.length;
        const end = bytes > 0 && whole[bytes - 1] === CR ? bytes - 1 : bytes;
        const text = whole.toString('utf8', 0, end);
        out.push(
          asWritten
            ? new WrittenLine(lineNo++, text, lineStart, bytes, false, end < bytes, isUtf8(whole.subarray(0, end)))
            : isAscii(whole) || isUtf8(whole)
              ? new TextLine(lineNo++, text, lineStart, bytes, false)
              : new DamagedLine(lineNo++, text, lineStart, bytes),
        );
      }
      carry = [];
      carryBytes = 0;
      dropping = false;
      droppedHead = undefined;
    };

    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkBytes, position);
      if (bytesRead === 0) break;
      const out: Line[] = [];
      let from = 0;
      // asWritten: one UTF-8 check of all the whole lines of this chunk,
      // which then holds for each (a line ends at `\n`, an ASCII byte, so no
      // character spans two lines); a line is checked alone only when it fails.
      let linesValid = false;
      if (asWritten) {
        const lastNl = buf.lastIndexOf(LF, bytesRead - 1);
        if (lastNl >= 0) linesValid = isUtf8(buf.subarray(carry.length === 0 && !dropping ? 0 : buf.indexOf(LF) + 1, lastNl));
      }
      if (!asWritten) {
        if (carry.length > 0 || dropping) {
          const nl = buf.indexOf(LF, 0);
          if (nl >= 0 && nl < bytesRead) {
            appendPart(buf.subarray(0, nl));
            finish(Buffer.alloc(0), out);
            from = nl + 1;
            lineStart = position + from;
          }
        }
        const lastNl = carry.length > 0 || dropping ? -1 : buf.lastIndexOf(LF, bytesRead - 1);
        if (lastNl >= from) {
          const pushed = out.length;
          pushDecodedLines(buf, from, lastNl, position, lineNo, maxLine, out);
          lineNo += out.length - pushed;
          from = lastNl + 1;
          lineStart = position + from;
        }
      }
      for (;;) {
        const nl = buf.indexOf(LF, from);
        if (nl < 0 || nl >= bytesRead) break;
        if (carry.length === 0 && !dropping) {
          // The fast path: a whole line inside this chunk.
          const end = nl > from && buf[nl - 1] === CR ? nl - 1 : nl;
          const bytes = nl - from;
          if (bytes <= maxLine) {
            if (asWritten) {
              out.push(
                new WrittenLine(lineNo++, buf.toString('utf8', from, end), lineStart, bytes, false, end < nl, linesValid || isUtf8(buf.subarray(from, end))),
              );
            } else {
              const line = buf.subarray(from, end);
              out.push(
                isAscii(line) || isUtf8(line)
                  ? new TextLine(lineNo++, buf.toString('utf8', from, end), lineStart, bytes, false)
                  : new DamagedLine(lineNo++, buf.toString('utf8', from, end), lineStart, bytes),
              );
            }
          } else {
            out.push(new TextLine(lineNo++, buf.toString('utf8', from, from + maxLine), lineStart, bytes, true));
          }
        } else {
          appendPart(buf.subarray(from, nl));
          finish(Buffer.alloc(0), out);
        }
        from = nl + 1;
        lineStart = position + from;
      }
      if (from < bytesRead) appendPart(buf.subarray(from, bytesRead));
      position += bytesRead;
      if (out.length > 0) yield withoutBom(out);
    }
    if (carryBytes > 0 || dropping) {
      const out: Line[] = [];
      finish(Buffer.alloc(0), out);
      yield withoutBom(out);
    }

    function appendPart(part: Buffer): void {
      if (dropping) {
        carryBytes += part.length;
        return;
      }
      if (carryBytes + part.length > maxLine) {
        const head = Buffer.concat([...carry, part]).subarray(0, maxLine);
        droppedHead = Buffer.from(head);
        dropping = true;
        carry = [];
        carryBytes += part.length;
        return;
      }
      // Copy: `buf` is reused by the next read.
      carry.push(Buffer.from(part));
      carryBytes += part.length;
    }
  } finally {
    if (options.handle === undefined) await handle.close();
  }
}

/**
 * Pushes to `out` the whole lines of `buf` from byte `from` up to the `\n`
 * at `lastNl`, numbered from `lineNo`, the first at byte `position + from`
 * of the file. One decode of them all, sliced per line: a `\n` byte is never
 * part of a UTF-8 sequence (nor of the U+FFFD a bad one decodes to), so the
 * n-th `\n` of the bytes is the n-th of the text, and each slice is what
 * decoding the line alone gives. A function of its own, so that V8
 * optimises this loop and not the whole reader.
 */
function pushDecodedLines(buf: Buffer, from: number, lastNl: number, position: number, lineNo: number, maxLine: number, out: Line[]): void {
  const text = buf.toString('utf8', from, lastNl + 1);
  // ASCII text: a character is a byte, so no second search in the bytes.
  const ascii = isAscii(buf.subarray(from, lastNl + 1));
  // Valid UTF-8 as a whole: then every line is (a line ends at `\n`, which no multi-byte character holds); else each line is checked.
  const valid = ascii || isUtf8(buf.subarray(from, lastNl + 1));
  const base = from;
  let c = 0;
  for (;;) {
    const cnl = text.indexOf('\n', c);
    if (cnl < 0) break;
    const nl = ascii ? base + cnl : buf.indexOf(LF, from);
    const bytes = nl - from;
    if (bytes <= maxLine) {
      const cend = cnl > c && text.charCodeAt(cnl - 1) === 0x0d ? cnl - 1 : cnl;
      if (valid || isUtf8(buf.subarray(from, nl))) out.push(new TextLine(lineNo++, text.slice(c, cend), position + from, bytes, false));
      else out.push(new DamagedLine(lineNo++, text.slice(c, cend), position + from, bytes));
    } else {
      out.push(new TextLine(lineNo++, buf.toString('utf8', from, from + maxLine), position + from, bytes, true));
    }
    c = cnl + 1;
    from = nl + 1;
  }
}

/**
 * The lines of a file, one at a time, as {@link readLineBatches} reads them.
 *
 * @example
 * for await (const { line, text } of readLines('events.jsonl')) console.log(line, text.length);
 */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<Line, void, undefined> {
  for await (const batch of readLineBatches(path, options)) yield* batch;
}
