import * as crypto from 'node:crypto';
import { canonicalJson, canonicalJsonWithout } from './canonical.js';

/**
 * SHA-256 hex of a string's UTF-8 bytes, or of bytes as they are.
 * `crypto.hash` (Node ≥ 20.12) hashes in one call without a Hash object;
 * older Node 20 releases fall back to `createHash`.
 */
export const sha256hex: (data: string | Uint8Array) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => (crypto as unknown as { hash(alg: string, data: string | Uint8Array, enc: 'hex'): string }).hash('sha256', data, 'hex')
    : (data) => (typeof data === 'string' ? crypto.createHash('sha256').update(data, 'utf8') : crypto.createHash('sha256').update(data)).digest('hex');

/**
 * Names of the fields the hash chain adds after the envelope on every line of
 * `events.jsonl`. Wire strings: renaming one breaks every existing file.
 */
export const CHAIN_FIELD = {
  /** 1-based position of the record in the chain; continues across rotated files. */
  SEQ: 'seq',
  /** `hash` of the previous record, or {@link GENESIS_HASH} for the first record of a chain. */
  PREV_HASH: 'prev_hash',
  /** The record's own hash: {@link chainRecordLine} (version 2) or {@link computeRecordHash} (version 1). */
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
 * What ends every version-2 line after the hash digits: the closing quote
 * and brace (the `\n` is the line end, not part of the line).
 */
const V2_CLOSE = '"}';
/** What precedes the hash digits at the end of a version-2 line. */
export const V2_HASH_MEMBER = `,"${CHAIN_FIELD.HASH}":"`;
/**
 * Length, in characters and in bytes (all ASCII), of the part of a version-2
 * line that its hash does not cover: `,"hash":"` + 64 hex digits + `"}`.
 */
export const V2_UNHASHED_LENGTH = V2_HASH_MEMBER.length + 64 + V2_CLOSE.length;

/** A SHA-256 hex digest as the writer prints it: 64 lowercase hex digits. */
export function isHashHex(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * Version 1 of the chain hash, which files written before version 2 carry:
 * `sha256hex(canonicalJson(record without its "hash" field))` (keys sorted,
 * docs/event-model.md, "The hash chain"). It covers the record's JSON
 * *value*: a tool that re-serialises the line (other key order, other
 * whitespace) keeps it. The writer no longer uses it; verifiers fall back to
 * it for lines that do not match version 2.
 *
 * @throws TypeError when the record holds a BigInt or a cycle (see {@link canonicalJson}).
 *
 * @example
 * const rec = { id: 'x', payload: { a: 1 }, seq: 1, prev_hash: GENESIS_HASH };
 * const v1line = JSON.stringify({ ...rec, hash: computeRecordHash(rec) });
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
 * The last hash a writer computed ({@link noteHash}): the next record's
 * `prev_hash`, known to be hex without looking at its 64 digits again.
 */
let lastHash = '';

/** Tells {@link chainRecordHead} that `hash` (a SHA-256 hex digest just computed) needs no escaping. */
export function noteHash(hash: string): string {
  lastHash = hash;
  return hash;
}

/** `"` + a prev_hash + `"`: hex digests need no escaping; anything else (a resumed odd file) is escaped. */
function quotedHash(h: string): string {
  return h === lastHash || isHashHex(h) ? '"' + h + '"' : JSON.stringify(h);
}

/**
 * The complete line of a chain record (version 2) and its hash, with one
 * `JSON.stringify` of the record and one SHA-256. The line is
 *
 *     {…members…,"seq":N,"prev_hash":"<64 hex>","hash":"<64 hex>"}\n
 *
 * where `{…members…` is `JSON.stringify(record)` without its closing brace,
 * and `hash` is the SHA-256 hex of the UTF-8 bytes of the line up to, not
 * including, its final `,"hash":` member: `{…members…,"seq":N,"prev_hash":"<64 hex>"`
 * exactly as written. So the hash covers every byte before it, `seq` and
 * `prev_hash` included: a record can be neither edited (not even its key
 * order or whitespace), renumbered nor moved without detection.
 * `record` must not hold `seq`, `prev_hash` or `hash`.
 *
 * @throws TypeError when the record holds a BigInt or a cycle, or its JSON
 *   form (through a `toJSON`) is not an object.
 *
 * @example
 * const { line, hash } = chainRecordLine({ id: 'x', payload: { a: 1 } }, 1, GENESIS_HASH);
 * // line: '{"id":"x","payload":{"a":1},"seq":1,"prev_hash":"000…","hash":"…"}\n'
 * // hash: sha256hex('{"id":"x","payload":{"a":1},"seq":1,"prev_hash":"000…"')
 */
export function chainRecordLine(record: Readonly<Record<string, unknown>>, seq: number, prevHash: string): { line: string; hash: string } {
  const head = chainRecordHead(record, seq, prevHash);
  const hash = noteHash(sha256hex(head));
  return { line: head + V2_HASH_MEMBER + hash + V2_CLOSE + '\n', hash };
}

/**
 * The part of a version-2 chain line its hash covers, as {@link chainRecordLine}
 * writes it: `{…members…,"seq":N,"prev_hash":"<64 hex>"`. For a writer that
 * encodes this text once and hashes the bytes it encoded.
 *
 * @throws TypeError as {@link chainRecordLine} does.
 *
 * @example
 * chainRecordHead({ a: 1 }, 2, GENESIS_HASH); // '{"a":1,"seq":2,"prev_hash":"000…000"'
 */
export function chainRecordHead(record: Readonly<Record<string, unknown>>, seq: number, prevHash: string): string {
  const body = JSON.stringify(record) as string | undefined;
  if (typeof body !== 'string' || body.charCodeAt(0) !== 0x7b /* { */) {
    throw new TypeError(`a chain record must serialise to a JSON object, not ${body === undefined ? 'nothing' : body.slice(0, 20)}`);
  }
  return chainHeadOf(body, seq, prevHash);
}

/**
 * {@link chainRecordHead} from the record's JSON text `body` (a JSON object,
 * as `JSON.stringify` prints it), for a writer that serialises the record its
 * own way.
 */
export function chainHeadOf(body: string, seq: number, prevHash: string): string {
  return (body.length > 2 ? body.slice(0, -1) + ',"' : '{"') + CHAIN_FIELD.SEQ + '":' + seq + ',"' + CHAIN_FIELD.PREV_HASH + '":' + quotedHash(prevHash);
}

/**
 * Whether a line (without its `\n`) verifies under version 2: it ends with
 * exactly `,"hash":"<hash>"}` and SHA-256 of the UTF-8 bytes of what
 * precedes that is `hash`. (The text is hashed as decoded: hashing the bytes
 * as read instead measured no faster.)
 */
export function verifiesV2(text: string, hash: string): boolean {
  const n = text.length;
  if (n <= V2_UNHASHED_LENGTH || !isHashHex(hash)) return false;
  if (text.charCodeAt(n - 1) !== 0x7d || text.charCodeAt(n - 2) !== 0x22) return false;
  const at = n - V2_UNHASHED_LENGTH;
  if (!text.startsWith(V2_HASH_MEMBER, at) || !text.startsWith(hash, at + V2_HASH_MEMBER.length)) return false;
  return sha256hex(text.slice(0, at)) === hash;
}
