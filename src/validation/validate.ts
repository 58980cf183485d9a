import type { ValidationIssue } from '../envelope/issue.js';
import type { EventTypeInfo } from '../catalog/types.js';
import { checkJsonSafety } from './json-safety.js';

/**
 * How `emit` treats a payload that does not match its schema:
 * - `strict` throws `FactlineValidationError` (for development and tests);
 * - `report` delivers the event flagged invalid, with the issues, and reports
 *   `FACTLINE_VALIDATION_FAILED`; it never throws and never drops the event;
 * - `off` skips validation and JSON-safety checks (fastest; the caller vouches).
 */
export type ValidationMode = 'strict' | 'report' | 'off';

/** Default largest payload, measured as UTF-8 JSON: 64 KiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

export interface PayloadCheck {
  issues: ValidationIssue[];
  /** The payload's JSON, when the size check had to compute it. */
  json: string | undefined;
  usesToJson: boolean;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Everything `emit` checks about a payload, in order: JSON safety, size, then
 * the catalog's zod schema. Returns the issues as data; throws nothing.
 */
export function checkPayload(type: EventTypeInfo, payload: unknown, maxBytes: number): PayloadCheck {
  const safety = checkJsonSafety(payload);
  if (safety.issues.length > 0) return { issues: safety.issues, json: undefined, usesToJson: safety.usesToJson };
  let json: string | undefined;
  if (safety.maxBytes > maxBytes) {
    json = JSON.stringify(payload) ?? 'null';
    const bytes = byteLength(json);
    if (bytes > maxBytes) {
      return {
        issues: [{ code: 'payload_too_large', path: [], message: `payload is ${bytes} bytes of JSON; the limit is ${maxBytes} (maxPayloadBytes)` }],
        json,
        usesToJson: safety.usesToJson,
      };
    }
  }
  const result = type.schema.safeParse(payload);
  if (result.success) return { issues: [], json, usesToJson: safety.usesToJson };
  return {
    issues: result.error.issues.map((i) => ({
      code: 'schema' as const,
      schemaCode: i.code,
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.message,
    })),
    json,
    usesToJson: safety.usesToJson,
  };
}
