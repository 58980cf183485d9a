import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

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
  let hashed: Record<string, unknown> = record as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, CHAIN_FIELD.HASH)) {
    const { [CHAIN_FIELD.HASH]: _omit, ...rest } = record;
    hashed = rest;
  }
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}
