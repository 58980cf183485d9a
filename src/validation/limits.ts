/*
 * The payload limits, in a module of their own: a reader that checks lines
 * without zod (`factline validate` on Intent's flat lines) needs them
 * without loading the payload copier and the schema checks.
 */

/** Deepest nesting copied; deeper values become a `too_deep` marker. */
export const MAX_DEPTH = 64;

/** Default largest payload, measured as UTF-8 JSON: 64 KiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
