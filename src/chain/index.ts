/**
 * The hash chain of `events.jsonl`: every record carries `seq`, `prev_hash`
 * and `hash = sha256hex(canonicalJson(record without hash))`, so an edited,
 * deleted, repeated or reordered line is found by {@link verifyChain}
 * (docs/event-model.md, "Envelope").
 */
export { canonicalJson } from './canonical.js';
export { CHAIN_FIELD, GENESIS_HASH, computeRecordHash } from './record.js';
export type { ChainFields } from './record.js';
export { readLines, verifyChain, verifyChainFiles, verifyChainLines } from './verify.js';
export type { ChainBreakCode, ChainVerifyOptions, ChainVerifyResult } from './verify.js';
