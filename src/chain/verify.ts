import { DEFAULT_MAX_LINE_BYTES, readLineBatches, type Line } from '../lines/read-lines.js';
import { invalidUtf8, isLineProblem, lineTooLong, parseJsonLine, type LineProblemCode } from '../lines/json-line.js';
import { CHAIN_FIELD, GENESIS_HASH, V2_HASH_MEMBER, V2_UNHASHED_LENGTH, computeRecordHash, sha256hex, verifiesV2 } from './record.js';

/**
 * Why a chain is broken at a line. Stable codes, listed in `docs/errors.md`:
 * the line problems every reader shares (`not_json`, `not_an_object`,
 * `invalid_utf8`, `line_too_long`; src/lines/json-line.ts), then the chain's own.
 */
export type ChainBreakCode =
  /**
   * The line is not JSON (`not_json`: a blank line, a torn line, garbage, a
   * UTF-8 byte order mark) or not a JSON object (`not_an_object`); its bytes
   * are not valid UTF-8 (`invalid_utf8`: every writer writes valid UTF-8, so
   * the line was altered); it is longer than the reader holds in memory
   * (`line_too_long`: `maxLineBytes`, 16 MiB by default): it is not parsed.
   */
  | Exclude<LineProblemCode, 'not_an_event'>
  /** `seq`, `prev_hash` or `hash` is absent or has the wrong type. */
  | 'missing_field'
  /**
   * The line hashes to its `hash` under neither chain version (its bytes,
   * version 2; its canonical JSON, version 1), or a version-2 line ends in
   * `\r\n` (its writer ends it with `\n` alone): it was edited.
   */
  | 'hash_mismatch'
  /**
   * `seq` is not the previous `seq` + 1: a record is missing (the `seq` due
   * is on no later line), out of order (it is, later: the message says
   * where), or repeated.
   */
  | 'seq_gap'
  /** `prev_hash` is not the previous record's `hash`. */
  | 'prev_hash_mismatch';

export type ChainVerifyResult =
  | {
      ok: true;
      /** Records verified. */
      records: number;
      /** `hash` of the last record (the expected/anchor `prev_hash` when there were none). */
      lastHash: string;
      /** `seq` of the last record (anchor `seq` − 1 when there were none). */
      lastSeq: number;
      /**
       * `seq` and `prev_hash` of the first record. A chain that starts here has
       * `firstSeq === 1` and `firstPrevHash === GENESIS_HASH`; anything else is
       * the continuation of a rotated (possibly deleted) predecessor.
       */
      firstSeq: number | undefined;
      firstPrevHash: string | undefined;
    }
  | {
      ok: false;
      /** 1-based line number of the FIRST broken line (within `file`, for a file set). */
      line: number;
      reason: ChainBreakCode;
      message: string;
      /** Records that verified before the broken line. */
      records_checked: number;
      /** The file holding the broken line (only from {@link verifyChain} and {@link verifyChainFiles}). */
      file?: string;
    };

export interface ChainVerifyOptions {
  /**
   * `seq` the first record must have. Default: none — the first record anchors
   * the chain (if its `seq` is 1, its `prev_hash` must still be {@link GENESIS_HASH}).
   * Pass `1` with `expectPrevHash: GENESIS_HASH` to insist the file starts a chain.
   */
  expectSeq?: number;
  /** `prev_hash` the first record must have (the last `hash` of the rotated predecessor). Default: none. */
  expectPrevHash?: string;
  /**
   * Longest line read, in bytes (without its line end); a longer line is
   * `line_too_long`. Applies to every file of {@link verifyChainFiles}.
   * Default 16 MiB ({@link DEFAULT_MAX_LINE_BYTES}). Files only: lines given
   * to {@link verifyChainLines} were read by the caller.
   */
  maxLineBytes?: number;
}

const ZERO_ANCHOR = { seq: 0, hash: GENESIS_HASH };

/**
 * The state of one verification: where the chain stands, and the first
 * break. {@link ChainCheck.line} checks one line and returns false at a
 * break; {@link ChainCheck.result} gives the outcome, the break included.
 */
class ChainCheck {
  private expectSeq: number | undefined;
  private expectPrev: string | undefined;
  private lineNo = 0;
  private records = 0;
  private firstSeq: number | undefined;
  private firstPrevHash: string | undefined;
  private broken: ChainVerifyResult | undefined;
  /**
   * After a `seq_gap` forward (found `found` where `seq` was due): the record
   * the lines after the break are searched for. Found later, the records are
   * out of order, not missing, and the message says where it is.
   */
  private wanted: { seq: number; found: number } | undefined;

  constructor(private readonly options: ChainVerifyOptions) {
    this.expectSeq = options.expectSeq;
    this.expectPrev = options.expectPrevHash;
  }

  private fail(reason: ChainBreakCode, message: string): false {
    this.broken = { ok: false, line: this.lineNo, reason, message, records_checked: this.records };
    return false;
  }

  /** A line longer than the reader holds (`limit` bytes, when known): never parsed. */
  tooLong(lineNo: number, bytes: number, limit?: number): false {
    this.lineNo = lineNo;
    return this.fail('line_too_long', lineTooLong(bytes, limit).message);
  }

  /**
   * Checks line `lineNo` (its text without the line end). `crDropped` and
   * `validUtf8` say how its bytes differed from the UTF-8 of `text` (see
   * `Line`); the defaults say they did not. False at a break.
   */
  line(lineNo: number, text: string, crDropped = false, validUtf8 = true): boolean {
    this.lineNo = lineNo;
    const r = parseJsonLine(text);
    if (isLineProblem(r)) return this.fail(r.code as ChainBreakCode, r.message);
    const seq = r[CHAIN_FIELD.SEQ];
    const prev = r[CHAIN_FIELD.PREV_HASH];
    const hash = r[CHAIN_FIELD.HASH];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      return this.fail('missing_field', `"${CHAIN_FIELD.SEQ}" must be an integer ≥ 1, found ${JSON.stringify(seq) ?? 'nothing'}`);
    }
    if (typeof prev !== 'string') return this.fail('missing_field', `"${CHAIN_FIELD.PREV_HASH}" is missing or not a string`);
    if (typeof hash !== 'string') return this.fail('missing_field', `"${CHAIN_FIELD.HASH}" is missing or not a string`);

    // Every writer of either version wrote valid UTF-8 (JSON.stringify
    // escapes lone surrogates). Invalid bytes decode to U+FFFD, so a hash of
    // the decoded text would prove the wrong bytes: the line changed.
    if (!validUtf8) return this.fail('invalid_utf8', invalidUtf8().message);
    // Version 2 (the bytes as written), else version 1 (the canonical JSON
    // value) for lines written before it: either proves the record unchanged.
    if (verifiesV2(text, hash)) {
      // Version 2 covers the line as written, and the writer ends it with
      // `\n` alone; the reader dropped a `\r` before it, which the hash of
      // the text cannot see. (Version 1 covers the JSON value, in which a
      // `\r` between lines is whitespace: a version-1 line keeps verifying.)
      if (crDropped) {
        return this.fail(
          'hash_mismatch',
          'the line ends in \\r\\n, and a version-2 line as written ends in \\n alone (its hash covers its bytes): the line was altered, e.g. by a conversion to CRLF line ends',
        );
      }
    } else {
      const v1 = computeRecordHash(r);
      if (v1 !== hash) {
        return this.fail('hash_mismatch', `content hashes to ${v2HashOf(text) ?? v1}, the record says ${hash}: the line was altered`);
      }
    }
    const expectSeq = this.expectSeq;
    if (expectSeq !== undefined && seq !== expectSeq) {
      if (seq < expectSeq) return this.fail('seq_gap', `expected seq ${expectSeq}, found ${seq}: a record is repeated or out of order`);
      // Missing, or moved after this line: look for it in the lines that follow (see look).
      this.wanted = { seq: expectSeq, found: seq };
      return this.fail('seq_gap', `expected seq ${expectSeq}, found ${seq}: records are missing (no line after it has seq ${expectSeq})`);
    }
    if (this.expectPrev === undefined && seq === 1) this.expectPrev = GENESIS_HASH;
    if (this.expectPrev !== undefined && prev !== this.expectPrev) {
      return this.fail('prev_hash_mismatch', `prev_hash is ${prev}, expected ${this.expectPrev}`);
    }
    if (this.records === 0) {
      this.firstSeq = seq;
      this.firstPrevHash = prev;
    }
    this.records++;
    this.expectSeq = seq + 1;
    this.expectPrev = hash;
    return true;
  }

  /** True while the lines after a forward `seq_gap` are searched for the record due there. */
  get searching(): boolean {
    return this.wanted !== undefined;
  }

  /**
   * Reads line `lineNo` after a forward `seq_gap`, for the record that was
   * due: when this line has its `seq`, the break is records out of order and
   * the search ends (false). A line that does not parse is passed over.
   */
  look(lineNo: number, text: string, file?: string): boolean {
    const w = this.wanted;
    if (w === undefined || this.broken === undefined || this.broken.ok) return false;
    const r = parseJsonLine(text);
    if (isLineProblem(r) || r[CHAIN_FIELD.SEQ] !== w.seq) return true;
    this.wanted = undefined;
    // `file`: the record is in a file of the set read after the broken one (the files are out of order).
    const where = file === undefined ? `comes later, at line ${lineNo}` : `is in ${file}, at line ${lineNo}, a file read after this one`;
    this.broken = { ...this.broken, message: `expected seq ${w.seq}, found ${w.found}: records are out of order: seq ${w.seq} ${where} (moved, not missing)` };
    return false;
  }

  result(): ChainVerifyResult {
    if (this.broken) return this.broken;
    const o = this.options;
    const anchor =
      o.expectSeq !== undefined || o.expectPrevHash !== undefined ? { seq: (o.expectSeq ?? 1) - 1, hash: o.expectPrevHash ?? GENESIS_HASH } : ZERO_ANCHOR;
    return {
      ok: true,
      records: this.records,
      lastHash: this.expectPrev ?? anchor.hash,
      lastSeq: this.expectSeq !== undefined ? this.expectSeq - 1 : anchor.seq,
      firstSeq: this.firstSeq,
      firstPrevHash: this.firstPrevHash,
    };
  }
}

/**
 * Checks one line as the first line of a verification with `options`: the
 * same rules, codes and messages as {@link verifyChainLines}, for a caller
 * that holds a single line (a sink judging the bytes after a file's last
 * `\n`). On success `lastSeq` and `lastHash` are the line's own.
 *
 * @example
 * verifyChainLine(text, { expectSeq: 35, expectPrevHash: hashOfLine34 }); // { ok: true, records: 1, lastSeq: 35, … }
 */
export function verifyChainLine(text: string, options: ChainVerifyOptions = {}): ChainVerifyResult {
  const check = new ChainCheck(options);
  check.line(1, text);
  return check.result();
}

/**
 * The version-2 hash of a line that has the version-2 shape (it ends with
 * a `"hash"` member of 64 hex digits), for the `hash_mismatch` message;
 * undefined for any other line.
 */
function v2HashOf(text: string): string | undefined {
  const at = text.length - V2_UNHASHED_LENGTH;
  if (at <= 0 || !text.startsWith(V2_HASH_MEMBER, at) || !text.endsWith('"}')) return undefined;
  return sha256hex(text.slice(0, at));
}

/**
 * Verifies a hash chain line by line and stops at the first broken line.
 * Holds one line at a time, so memory does not grow with the input. Takes
 * strings, or the `Line`s of `readLines` (a truncated one is `line_too_long`).
 * Read them with `readLines(path, { asWritten: true })`: only then are the
 * bytes checked (valid UTF-8, no `\r` before the `\n` of a version-2 line);
 * a string, or a `Line` read without it, is checked as its text alone.
 *
 * Checks, in order, for each line: it parses as a JSON object (`not_json`,
 * `not_an_object`, naming a UTF-8 byte order mark when there is one);
 * it has an integer `seq` ≥ 1 and string `prev_hash` and `hash`
 * (`missing_field`); its bytes are valid UTF-8 (`invalid_utf8`); it hashes to its `hash`
 * under chain version 2 (the bytes before its final `,"hash":` member, the
 * line ending in `\n` alone) or, failing that, version 1 (the canonical JSON
 * of the record without `hash`), else `hash_mismatch`;
 * its `seq` follows the previous one (`seq_gap`); its `prev_hash` is the
 * previous `hash` (`prev_hash_mismatch`). docs/event-model.md, "The hash
 * chain", states both versions.
 *
 * @example
 * const r = await verifyChainLines(['{"seq":1,...}', '{"seq":2,...}']);
 * if (!r.ok) console.error(`line ${r.line}: ${r.reason}: ${r.message}`);
 */
export async function verifyChainLines(
  lines: AsyncIterable<string | Line> | Iterable<string | Line>,
  options: ChainVerifyOptions = {},
): Promise<ChainVerifyResult> {
  const check = new ChainCheck(options);
  let lineNo = 0;
  for await (const item of lines) {
    if (typeof item === 'string') lineNo++;
    else lineNo = item.line;
    const text = typeof item === 'string' ? item : item.text;
    // After a forward seq_gap: is the record due there further on (out of order) or not (missing)?
    if (check.searching) {
      if ((typeof item === 'string' || !item.truncated) && !check.look(lineNo, text)) break;
      continue;
    }
    const ok =
      typeof item === 'string'
        ? check.line(lineNo, item)
        : item.truncated
          ? check.tooLong(lineNo, item.bytes)
          : check.line(lineNo, item.text, item.crDropped, item.validUtf8);
    if (!ok && !check.searching) break;
  }
  return check.result();
}

/**
 * Verifies the hash chain of one `events.jsonl` file, streaming it.
 *
 * @throws when the file cannot be read (ENOENT, EACCES): that is not a chain break.
 * @throws RangeError when `maxLineBytes` is not a whole number ≥ 1.
 *
 * @example
 * const r = await verifyChain('events.jsonl');
 * // { ok: true, records: 1000, lastHash: '9f…', lastSeq: 1000, … }
 * // { ok: false, line: 437, reason: 'hash_mismatch', message: '…', records_checked: 436, file: 'events.jsonl' }
 */
export async function verifyChain(path: string, options: ChainVerifyOptions = {}): Promise<ChainVerifyResult> {
  return (await checkFile(path, options)).result;
}

/** Longest line {@link verifyChain} reads: the option, checked, or the default. */
function maxLineBytesOf(options: ChainVerifyOptions): number {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) {
    // Else every line would read as too long (0, NaN), or none would (Infinity) and memory would decide.
    throw new RangeError(`maxLineBytes must be a whole number of bytes ≥ 1 (default ${DEFAULT_MAX_LINE_BYTES}), got ${String(maxLineBytes)}`);
  }
  return maxLineBytes;
}

/** {@link verifyChain}, and the check: still `searching` after a forward `seq_gap` whose record is not in this file. */
async function checkFile(path: string, options: ChainVerifyOptions): Promise<{ result: ChainVerifyResult; check: ChainCheck }> {
  // Lines end at \n only: U+2028 inside a JSON string is not a line end.
  // A batch per read, checked in one synchronous loop: no await per line.
  // asWritten: the reader says which lines are not exactly the UTF-8 of their text.
  const check = new ChainCheck(options);
  const maxLineBytes = maxLineBytesOf(options);
  outer: for await (const batch of readLineBatches(path, { maxLineBytes, asWritten: true })) {
    for (let i = 0; i < batch.length; i++) {
      const l = batch[i]!;
      if (check.searching) {
        // After a forward seq_gap: is the record due there further on (out of order) or not (missing)?
        if (!l.truncated && !check.look(l.line, l.text)) break outer;
        continue;
      }
      if (l.truncated ? !check.tooLong(l.line, l.bytes, maxLineBytes) : !check.line(l.line, l.text, l.crDropped, l.validUtf8)) {
        if (!check.searching) break outer;
      }
    }
  }
  const r = check.result();
  return { result: r.ok ? r : { ...r, file: path }, check };
}

/**
 * After a forward `seq_gap` in one file of a set whose record due is not in
 * that file: looks for it in the files read after it, so files out of order
 * (`events.jsonl.1` and `.2` swapped) are said to be, not records missing.
 */
async function lookInLaterFiles(check: ChainCheck, paths: readonly string[], options: ChainVerifyOptions): Promise<void> {
  const maxLineBytes = maxLineBytesOf(options);
  for (const path of paths) {
    for await (const batch of readLineBatches(path, { maxLineBytes })) {
      for (const l of batch) if (!l.truncated && !check.look(l.line, l.text, path)) return;
    }
  }
}

/**
 * Verifies a rotated set, oldest first (`events.jsonl.3`, `.2`, `.1`,
 * `events.jsonl`): each file must continue the chain where the previous one
 * stopped. `expectSeq` and `expectPrevHash` apply to the first file,
 * `maxLineBytes` to every file. On success `records` is the total; on
 * failure `file` and `line` locate the first break.
 *
 * @throws as {@link verifyChain} does.
 *
 * @example
 * await verifyChainFiles(['events.jsonl.2', 'events.jsonl.1', 'events.jsonl']);
 */
export async function verifyChainFiles(paths: readonly string[], options: ChainVerifyOptions = {}): Promise<ChainVerifyResult> {
  let total = 0;
  let firstSeq: number | undefined;
  let firstPrevHash: string | undefined;
  let next: ChainVerifyOptions = options;
  const read = options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {};
  let last: { hash: string; seq: number } | undefined;
  for (const [i, path] of paths.entries()) {
    const { result: r, check } = await checkFile(path, next);
    if (!r.ok) {
      if (!check.searching) return { ...r, records_checked: total + r.records_checked };
      await lookInLaterFiles(check, paths.slice(i + 1), read);
      const moved = check.result();
      return moved.ok ? moved : { ...moved, file: path, records_checked: total + r.records_checked };
    }
    if (firstSeq === undefined && r.records > 0) {
      firstSeq = r.firstSeq;
      firstPrevHash = r.firstPrevHash;
    }
    total += r.records;
    if (r.records > 0 || next.expectSeq !== undefined || next.expectPrevHash !== undefined) {
      last = { hash: r.lastHash, seq: r.lastSeq };
      next = { ...read, expectSeq: r.lastSeq + 1, expectPrevHash: r.lastHash };
    }
  }
  return {
    ok: true,
    records: total,
    lastHash: last?.hash ?? GENESIS_HASH,
    lastSeq: last?.seq ?? 0,
    firstSeq,
    firstPrevHash,
  };
}
