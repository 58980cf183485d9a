import { createHash } from 'node:crypto';
import type { ValidationIssue } from '../validation/issue.js';
import { readJsonValue } from '../validation/json-value.js';
import type { Route } from './route.js';

/** The payload as `emit` read it once, before the schema. */
export interface ReadPayload {
  /** A plain JSON value; the oversize stub when the payload is too large. */
  value: unknown;
  /** What could not be carried as given (markers in `value`), or the size issue. */
  issues: ValidationIssue[];
  /** `value` holds an integer outside int64. */
  wideIntegers: boolean;
  /** True when `value` is the oversize stub: the schema is not checked against it. */
  stub: boolean;
  /** An upper bound of `value`'s JSON size in bytes, or its exact size when measured. */
  maxBytes: number;
}

/** How much of an oversized payload's JSON the stub previews, in UTF-16 units. */
const PREVIEW_CHARS = 1024;

function preview(json: string): string {
  if (json.length <= PREVIEW_CHARS) return json;
  // Never end on half a surrogate pair: the preview must stay well-formed.
  const c = json.charCodeAt(PREVIEW_CHARS - 1);
  return json.slice(0, c >= 0xd800 && c <= 0xdbff ? PREVIEW_CHARS - 1 : PREVIEW_CHARS);
}

/**
 * Step 2 of `emit`: read the payload once into a plain JSON value, and keep
 * the record within `maxBytes`. A payload whose JSON (markers included) is
 * larger becomes `{ $factline_truncated, bytes, sha256, preview }`. Never throws.
 */
export function readPayload(payload: unknown, maxBytes: number): ReadPayload {
  const read = readJsonValue(payload);
  if (read.maxBytes <= maxBytes) return { value: read.value, issues: read.issues, wideIntegers: read.wideIntegers, stub: false, maxBytes: read.maxBytes };
  const json = JSON.stringify(read.value) ?? 'null';
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= maxBytes) return { value: read.value, issues: read.issues, wideIntegers: read.wideIntegers, stub: false, maxBytes: bytes };
  const issue: ValidationIssue = { code: 'payload_too_large', path: [], message: `payload is ${bytes} bytes of JSON; the limit is ${maxBytes} (maxPayloadBytes)` };
  return {
    value: { $factline_truncated: true, bytes, sha256: createHash('sha256').update(json).digest('hex'), preview: preview(json) },
    issues: [issue, ...read.issues],
    wideIntegers: false,
    stub: true,
    maxBytes: PREVIEW_CHARS * 6 + 200,
  };
}

/**
 * Applies a type's personal-data rules to the payload read by
 * {@link readPayload}, in place: that value belongs to the event, never to
 * the caller. `hash` → `sha256:<hex of salt + JSON(value)>`, `drop` → removed.
 */
export function applyPii(route: Route, value: unknown, salt: string): void {
  if (route.pii === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const o = value as Record<string, unknown>;
  for (const [field, action] of route.pii) {
    if (!Object.hasOwn(o, field)) continue;
    if (action === 'drop') delete o[field];
    else o[field] = 'sha256:' + createHash('sha256').update(salt + JSON.stringify(o[field])).digest('hex');
  }
}
