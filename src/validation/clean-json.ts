import { MAX_DEPTH } from './limits.js';

/*
 * What `readJsonValue` checks of a value `JSON.parse` returned, without zod:
 * the part of the fast accepts (`parsed-payload.ts`, the Intent flat-line
 * accept) that no schema proves. Kept apart so that a reader that checks
 * lines without loading zod (`factline validate` on Intent's flat lines) can use it.
 */

/** Keys `readJsonValue` flags as `forbidden_key`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Bytes of `readJsonValue`'s size bound per byte of JSON text. Every token
 * of the text counts at most this many: a number (one byte or more) counts
 * 24, a string or key of n text bytes counts at most 6n, `true` 5, `{}` 2,
 * an array element one more than the bytes it takes. A payload whose text
 * is at most maxBytes / 24 bytes long is never sized by `checkJsonPayload`.
 */
export const BOUND_PER_TEXT_BYTE = 24;

/** `String.prototype.isWellFormed`: false when `s` holds a lone UTF-16 surrogate (no UTF-8 form). */
export const wellFormed = (s: string): boolean => s.isWellFormed();

/**
 * Whether `readJsonValue` finds nothing to flag in a value `JSON.parse`
 * returned: well-formed strings and keys, no forbidden key, finite numbers,
 * objects nested at most MAX_DEPTH - 1 below the payload. No copy, no path.
 */
export function isCleanParsedJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      return wellFormed(v);
    case 'number':
      return v - v === 0; // false for NaN and ±Infinity
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false; // JSON.parse never returns one; let the full check say what it is
  }
  if (v === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isCleanParsedJson(v[i], depth + 1)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if ((k.length === 9 || k.length === 11) && FORBIDDEN_KEYS.has(k)) return false;
    if (!wellFormed(k) || !isCleanParsedJson(o[k], depth + 1)) return false;
  }
  return true;
}
