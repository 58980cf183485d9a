/**
 * The hash chain of `events.jsonl`: every record carries `seq`, `prev_hash`
 * and `hash`, so an edited, deleted, repeated or reordered line is found by
 * {@link verifyChain}. Version 2 (written now): `hash` is the SHA-256 hex of
 * the line's UTF-8 bytes up to, not including, its final `,"hash":` member;
 * version 1 (older files, still verified): of the canonical JSON of the
 * record without `hash` (docs/event-model.md, "The hash chain").
 */
export { canonicalJson } from './canonical.js';
export { CHAIN_FIELD, GENESIS_HASH, computeRecordHash } from './record.js';
export type { ChainFields } from './record.js';
export { verifyChain, verifyChainFiles, verifyChainLines } from './verify.js';
export type { ChainBreakCode, ChainVerifyOptions, ChainVerifyResult } from './verify.js';
