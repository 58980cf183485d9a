/*
 * Where the hash chain of an existing events file resumes: its last record,
 * which may be the line after the last `\n`. A crash inside the `write(2)`
 * of a batch leaves a line cut short there; an editor or a tool that strips
 * the final newline leaves a complete record without its `\n`. The first is
 * torn and moved aside; the second is an event like any other and must stay
 * in the chain. This module tells them apart with the verifier's rules, one
 * line at a time, reading only the end of the file.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { CHAIN_FIELD, GENESIS_HASH } from '../../chain/record.js';
import { verifyChainLine, type ChainBreakCode } from '../../chain/verify.js';
import { invalidUtf8, isLineProblem, lineTooLong, parseJsonLine } from '../../lines/json-line.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../lines/read-lines.js';
import { readRange, readTail, type FileTail } from './file.js';

/** `seq` and `hash` of a chain record line, or undefined when the line is not one. */
export function chainStateOf(line: string | undefined): { seq: number; hash: string } | undefined {
  if (line === undefined) return undefined;
  const r = parseJsonLine(line);
  if (isLineProblem(r)) return undefined; // not a record: not resumable
  const seq = r[CHAIN_FIELD.SEQ];
  const hash = r[CHAIN_FIELD.HASH];
  if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 && typeof hash === 'string') return { seq, hash };
  return undefined;
}

/** What the bytes after a file's last `\n` are. */
export type UnterminatedLine =
  /** A complete record (with the chain: one that follows the line before it): complete it with `\n`, resume from it. */
  | { complete: true; seq?: number; hash?: string }
  /** Not a complete record, or not one that can follow the line before: torn. `reason` is the verifier's code. */
  | { complete: false; reason: ChainBreakCode; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Judges the bytes after a file's last `\n` (`bytes`, not empty) given the
 * last complete line before them (`before`, without its `\n`; undefined when
 * there is none). Without the chain (`chain: false`), a line is complete
 * when it is valid UTF-8 and parses as a JSON object (no proper prefix of a
 * JSON object does). With it, the line must also be what the verifier
 * accepts after `before` (`verifyChainLine`, its codes and messages): chain
 * fields of the right types (`missing_field`), hashing to its `hash` under
 * chain version 2 or 1 (`hash_mismatch`), and following `before`: `seq` one
 * more (`seq_gap`) and `prev_hash` its `hash` (`prev_hash_mismatch`).
 * With no line before it, a record with `seq` 1 must have the genesis
 * `prev_hash`, and any other `seq` continues a rotated predecessor, as the
 * first line of a file may. After a line that is not a chain record, only a
 * record starting a chain (`seq` 1, genesis `prev_hash`) follows, as the
 * sink itself writes there.
 *
 * @example
 * judgeUnterminatedLine(Buffer.from('{"seq":1,"prev'), undefined, true);
 * // { complete: false, reason: 'not_json', message: 'not JSON: …' }
 */
export function judgeUnterminatedLine(bytes: Uint8Array, before: string | undefined, chain: boolean): UnterminatedLine {
  const torn = (reason: ChainBreakCode, message: string): UnterminatedLine => ({ complete: false, reason, message });
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const p = invalidUtf8();
    return torn('invalid_utf8', p.message);
  }
  // The shared parser; its message escapes control characters the parser quotes (a crash can leave NULs).
  const value = parseJsonLine(text);
  if (isLineProblem(value)) return torn(value.code as ChainBreakCode, value.message);
  if (!chain) return { complete: true };
  // The verifier's rules, as if this line came right after `before`.
  const after = chainStateOf(before);
  const checked = verifyChainLine(
    text,
    after !== undefined ? { expectSeq: after.seq + 1, expectPrevHash: after.hash } : before !== undefined ? { expectSeq: 1, expectPrevHash: GENESIS_HASH } : {}, // the file's only line: seq 1 from genesis, or continuing a rotated predecessor
  );
  return checked.ok ? { complete: true, seq: checked.lastSeq, hash: checked.lastHash } : torn(checked.reason, checked.message);
}

/** The end of an existing file, with a verdict on what follows its last `\n`. */
export interface ResumeTail extends FileTail {
  /** Present when the file does not end with `\n` (`tornBytes` > 0). */
  unterminated?: UnterminatedLine;
}

/**
 * {@link readTail}, and when bytes follow the last `\n`, whether they are a
 * complete record ({@link judgeUnterminatedLine}). A tail longer than a
 * reader holds (16 MiB) is torn (`line_too_long`) without being read.
 */
export function readResumeTail(fd: number, size: number, chain: boolean): ResumeTail {
  const tail = readTail(fd, size);
  if (tail.tornBytes === 0) return tail;
  if (tail.tornBytes > DEFAULT_MAX_LINE_BYTES) {
    return { ...tail, unterminated: { complete: false, reason: 'line_too_long', message: lineTooLong(tail.tornBytes, DEFAULT_MAX_LINE_BYTES).message } };
  }
  const bytes = readRange(fd, tail.completeEnd, size);
  return { ...tail, unterminated: judgeUnterminatedLine(bytes, tail.lastLine, chain) };
}

/**
 * `seq` and `hash` of the last record of a closed file (a rotated
 * predecessor), if any: its last line, also when that line lacks its `\n`
 * but is a complete record following the line before.
 */
export function chainStateOfFile(path: string): { seq: number; hash: string } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const tail = readResumeTail(fd, fstatSync(fd).size, true);
    const u = tail.unterminated;
    if (u?.complete && u.seq !== undefined && u.hash !== undefined) return { seq: u.seq, hash: u.hash };
    return chainStateOf(tail.lastLine);
  } finally {
    closeSync(fd);
  }
}
