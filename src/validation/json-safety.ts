import type { ValidationIssue } from './issue.js';
import { readJsonValue } from './json-value.js';

export { MAX_DEPTH } from './json-value.js';

/** What {@link checkJsonSafety} found. */
export interface SafetyReport {
  issues: ValidationIssue[];
  /** An upper bound of the payload's JSON size in UTF-8 bytes. */
  maxBytes: number;
}

/**
 * Finds every value that JSON (and so OTLP, Loki and `events.jsonl`) cannot
 * carry faithfully: cycles, BigInt, NaN and ±Infinity, functions and
 * symbols, Map/Set/class instances without `toJSON`, values whose getter,
 * proxy trap or `toJSON` throws, lone surrogates, keys that can pollute a
 * prototype, and nesting beyond `MAX_DEPTH`. Reads each value once.
 *
 * @example
 * checkJsonSafety({ n: NaN }).issues[0]?.code; // 'non_finite_number'
 */
export function checkJsonSafety(payload: unknown): SafetyReport {
  const r = readJsonValue(payload);
  return { issues: r.issues, maxBytes: r.maxBytes };
}
