import { readLines, type Line } from '../lines/read-lines.js';
import { CHAIN_FIELD, GENESIS_HASH, computeRecordHash } from './record.js';

/** Why a chain is broken at a line. Stable codes, listed in `docs/errors.md`. */
export type ChainBreakCode =
  /** The line is not a JSON object (a blank line, a torn line, garbage). */
  | 'bad_json'
  /** The line is longer than the reader holds in memory (16 MiB by default): it is not parsed. */
  | 'line_too_long'
  /** `seq`, `prev_hash` or `hash` is absent or has the wrong type. */
  | 'missing_field'
  /** The record's content does not hash to its `hash`: it was edited. */
  | 'hash_mismatch'
  /** `seq` is not the previous `seq` + 1: a record is missing, repeated or moved. */
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
}

const ZERO_ANCHOR = { seq: 0, hash: GENESIS_HASH };

/**
 * Verifies a hash chain line by line and stops at the first broken line.
 * Holds one line at a time, so memory does not grow with the input. Takes
 * strings, or the `Line`s of `readLines` (a truncated one is `line_too_long`).
 *
 * Checks, in order, for each line: it parses as a JSON object (`bad_json`);
 * it has an integer `seq` ≥ 1 and string `prev_hash` and `hash`
 * (`missing_field`); it hashes to its `hash` (`hash_mismatch`); its `seq`
 * follows the previous one (`seq_gap`); its `prev_hash` is the previous
 * `hash` (`prev_hash_mismatch`).
 *
 * @example
 * const r = await verifyChainLines(['{"seq":1,...}', '{"seq":2,...}']);
 * if (!r.ok) console.error(`line ${r.line}: ${r.reason}: ${r.message}`);
 */
export async function verifyChainLines(
  lines: AsyncIterable<string | Line> | Iterable<string | Line>,
  options: ChainVerifyOptions = {},
): Promise<ChainVerifyResult> {
  let expectSeq = options.expectSeq;
  let expectPrev = options.expectPrevHash;
  let lineNo = 0;
  let records = 0;
  let firstSeq: number | undefined;
  let firstPrevHash: string | undefined;
  const fail = (reason: ChainBreakCode, message: string): ChainVerifyResult => ({
    ok: false,
    line: lineNo,
    reason,
    message,
    records_checked: records,
  });

  for await (const item of lines) {
    lineNo = typeof item === 'string' ? lineNo + 1 : item.line;
    if (typeof item !== 'string' && item.truncated) {
      return fail('line_too_long', `the line is ${item.bytes} bytes, longer than the reader holds; it was not parsed`);
    }
    const line = typeof item === 'string' ? item : item.text;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      return fail('bad_json', `not JSON: ${(e as Error).message}`);
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      return fail('bad_json', 'not a JSON object');
    }
    const r = rec as Record<string, unknown>;
    const seq = r[CHAIN_FIELD.SEQ];
    const prev = r[CHAIN_FIELD.PREV_HASH];
    const hash = r[CHAIN_FIELD.HASH];
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      return fail('missing_field', `"${CHAIN_FIELD.SEQ}" must be an integer ≥ 1, found ${JSON.stringify(seq) ?? 'nothing'}`);
    }
    if (typeof prev !== 'string') return fail('missing_field', `"${CHAIN_FIELD.PREV_HASH}" is missing or not a string`);
    if (typeof hash !== 'string') return fail('missing_field', `"${CHAIN_FIELD.HASH}" is missing or not a string`);

    const computed = computeRecordHash(r);
    if (computed !== hash) {
      return fail('hash_mismatch', `content hashes to ${computed}, the record says ${hash}: the line was altered`);
    }
    if (expectSeq !== undefined && seq !== expectSeq) {
      return fail('seq_gap', `expected seq ${expectSeq}, found ${seq}: ${seq > expectSeq ? 'records are missing' : 'a record is repeated or out of order'}`);
    }
    if (expectPrev === undefined && seq === 1) expectPrev = GENESIS_HASH;
    if (expectPrev !== undefined && prev !== expectPrev) {
      return fail('prev_hash_mismatch', `prev_hash is ${prev}, expected ${expectPrev}`);
    }
    if (records === 0) {
      firstSeq = seq;
      firstPrevHash = prev;
    }
    records++;
    expectSeq = seq + 1;
    expectPrev = hash;
  }

  const anchor = options.expectSeq !== undefined || options.expectPrevHash !== undefined
    ? { seq: (options.expectSeq ?? 1) - 1, hash: options.expectPrevHash ?? GENESIS_HASH }
    : ZERO_ANCHOR;
  return {
    ok: true,
    records,
    lastHash: expectPrev ?? anchor.hash,
    lastSeq: expectSeq !== undefined ? expectSeq - 1 : anchor.seq,
    firstSeq,
    firstPrevHash,
  };
}

/**
 * Verifies the hash chain of one `events.jsonl` file, streaming it.
 *
 * @throws when the file cannot be read (ENOENT, EACCES): that is not a chain break.
 *
 * @example
 * const r = await verifyChain('events.jsonl');
 * // { ok: true, records: 1000, lastHash: '9f…', lastSeq: 1000, … }
 * // { ok: false, line: 437, reason: 'hash_mismatch', message: '…', records_checked: 436, file: 'events.jsonl' }
 */
export async function verifyChain(path: string, options: ChainVerifyOptions = {}): Promise<ChainVerifyResult> {
  // Lines end at \n only: U+2028 inside a JSON string is not a line end.
  const r = await verifyChainLines(readLines(path), options);
  return r.ok ? r : { ...r, file: path };
}

/**
 * Verifies a rotated set, oldest first (`events.jsonl.3`, `.2`, `.1`,
 * `events.jsonl`): each file must continue the chain where the previous one
 * stopped. `options` applies to the first file. On success `records` is the
 * total; on failure `file` and `line` locate the first break.
 *
 * @example
 * await verifyChainFiles(['events.jsonl.2', 'events.jsonl.1', 'events.jsonl']);
 */
export async function verifyChainFiles(paths: readonly string[], options: ChainVerifyOptions = {}): Promise<ChainVerifyResult> {
  let total = 0;
  let firstSeq: number | undefined;
  let firstPrevHash: string | undefined;
  let next: ChainVerifyOptions = options;
  let last: { hash: string; seq: number } | undefined;
  for (const path of paths) {
    const r = await verifyChain(path, next);
    if (!r.ok) return { ...r, records_checked: total + r.records_checked };
    if (firstSeq === undefined && r.records > 0) {
      firstSeq = r.firstSeq;
      firstPrevHash = r.firstPrevHash;
    }
    total += r.records;
    if (r.records > 0 || next.expectSeq !== undefined || next.expectPrevHash !== undefined) {
      last = { hash: r.lastHash, seq: r.lastSeq };
      next = { expectSeq: r.lastSeq + 1, expectPrevHash: r.lastHash };
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
