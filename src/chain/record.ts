import * as crypto from 'node:crypto';
import { canonicalDiffers, canonicalJson, canonicalJsonWithout, canonicalPlainWith, writeCanonical } from './canonical.js';

/**
 * SHA-256 hex of a string's UTF-8 bytes. `crypto.hash` (Node ≥ 20.12) hashes
 * in one call without a Hash object; older Node 20 releases fall back to
 * `createHash`.
 */
const sha256hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash(alg: string, data: string, enc: 'hex'): string }).hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Names of the fields the hash chain adds after the envelope on every line of
 * `events.jsonl`. Wire strings: renaming one breaks every existing file.
 */
export const CHAIN_FIELD = {
  /** 1-based position of the record in the chain; continues across rotated files. */
  SEQ: 'seq',
  /** `hash` of the previous record, or {@link GENESIS_HASH} for the first record of a chain. */
  PREV_HASH: 'prev_hash',
  /** {@link computeRecordHash} of this record. */
  HASH: 'hash',
} as const;

/** `prev_hash` of the first record of a chain: 64 zeros (the width of a sha256 hex digest). */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields the hash chain adds to a record. */
export interface ChainFields {
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * The hash of a chain record: `sha256hex(canonicalJson(record without its "hash" field))`.
 * Every other field is covered, `seq` and `prev_hash` included, so a record
 * can be neither edited, renumbered nor moved without detection.
 *
 * @throws TypeError when the record holds a BigInt or a cycle (see {@link canonicalJson}).
 *
 * @example
 * const rec = { id: 'x', payload: { a: 1 }, seq: 1, prev_hash: GENESIS_HASH };
 * const line = JSON.stringify({ ...rec, hash: computeRecordHash(rec) });
 */
export function computeRecordHash(record: Readonly<Record<string, unknown>>): string {
  if (typeof record.toJSON === 'function') {
    // The record's own toJSON decides its form: hash the copy without "hash", as a whole.
    const { [CHAIN_FIELD.HASH]: _omit, ...rest } = record;
    return sha256hex(canonicalJson(rest));
  }
  // The canonical form of the record without "hash", with no copy of it.
  return sha256hex(canonicalJsonWithout(record, CHAIN_FIELD.HASH));
}

/**
 * The complete line of a chain record and its hash, serialising each member
 * once: `line` is exactly `JSON.stringify({ ...record, seq, prev_hash, hash })
 * + '\n'` and `hash` is {@link computeRecordHash} of `{ ...record, seq,
 * prev_hash }`. A member whose canonical form is its `JSON.stringify` form
 * (no keys to reorder, no `toJSON`) is serialised once for both; the others
 * twice. `record` must not hold `seq`, `prev_hash` or `hash`.
 *
 * @throws TypeError when the record holds a BigInt or a cycle (see {@link canonicalJson}).
 *
 * @example
 * const { line, hash } = chainRecordLine({ id: 'x', payload: { a: 1 } }, 1, GENESIS_HASH);
 * // line: '{"id":"x","payload":{"a":1},"seq":1,"prev_hash":"000…","hash":"…"}\n'
 */
export function chainRecordLine(record: Readonly<Record<string, unknown>>, seq: number, prevHash: string): { line: string; hash: string } {
  // Plain data (the envelope, Intent's flat form) is printed natively twice:
  // the line in the record's order, the canonical form from a sorted copy.
  const canonicalText = canonicalPlainWith(record, { [CHAIN_FIELD.SEQ]: seq, [CHAIN_FIELD.PREV_HASH]: prevHash });
  if (canonicalText !== undefined) {
    const hash = sha256hex(canonicalText);
    const body = JSON.stringify(record);
    const tail = `"${CHAIN_FIELD.SEQ}":${'' + seq},"${CHAIN_FIELD.PREV_HASH}":${JSON.stringify(prevHash)},"${CHAIN_FIELD.HASH}":"${hash}"}\n`;
    return { line: body.length > 2 ? body.slice(0, -1) + ',' + tail : '{' + tail, hash };
  }
  const keys = Object.keys(record);
  const canonical: string[] = new Array<string>(keys.length);
  let line = '{';
  let exact = typeof record.toJSON !== 'function';
  for (let i = 0; i < keys.length && exact; i++) {
    const k = keys[i]!;
    const v = record[k];
    const c = writeCanonical(v, k);
    if (canonicalDiffers.calledToJSON) exact = false;
    const quoted = JSON.stringify(k);
    if (c === undefined) {
      canonical[i] = '';
      continue;
    }
    canonical[i] = quoted + ':' + c;
    line += (line.length > 1 ? ',' : '') + quoted + ':' + (canonicalDiffers.reordered ? JSON.stringify(v) : c);
  }
  if (!exact) {
    // A toJSON may depend on its key argument: fall back to the two whole-record passes.
    const full: Record<string, unknown> = { ...record, [CHAIN_FIELD.SEQ]: seq, [CHAIN_FIELD.PREV_HASH]: prevHash };
    const hash = computeRecordHash(full);
    full[CHAIN_FIELD.HASH] = hash;
    return { line: JSON.stringify(full) + '\n', hash };
  }
  // The canonical form: the members, plus seq and prev_hash, sorted by key.
  const seqText = '' + seq;
  const prevText = JSON.stringify(prevHash);
  const members: [string, string][] = [];
  for (let i = 0; i < keys.length; i++) if (canonical[i] !== '') members.push([keys[i]!, canonical[i]!]);
  members.push([CHAIN_FIELD.SEQ, `"${CHAIN_FIELD.SEQ}":${seqText}`], [CHAIN_FIELD.PREV_HASH, `"${CHAIN_FIELD.PREV_HASH}":${prevText}`]);
  members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let text = '{';
  for (let i = 0; i < members.length; i++) text += (i > 0 ? ',' : '') + members[i]![1];
  const hash = sha256hex(text + '}');
  line += `${line.length > 1 ? ',' : ''}"${CHAIN_FIELD.SEQ}":${seqText},"${CHAIN_FIELD.PREV_HASH}":${prevText},"${CHAIN_FIELD.HASH}":"${hash}"}\n`;
  return { line, hash };
}
