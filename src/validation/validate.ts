import type { EventTypeInfo } from '../catalog/types.js';
import type { ValidationIssue } from './issue.js';
import { readJsonValue } from './json-value.js';
import { unknownKeys } from './unknown-keys.js';

/**
 * How `emit` treats a payload that does not match its schema:
 * - `strict` throws `FactlineValidationError` (for development and tests);
 * - `report` delivers the event flagged invalid, with the issues, and reports
 *   `FACTLINE_VALIDATION_FAILED`; it never throws and never drops the event;
 * - `off` skips the catalog's schema (fastest; the caller vouches). What JSON
 *   and OTLP cannot carry is still replaced and flagged in every mode.
 */
export type ValidationMode = 'strict' | 'report' | 'off';

/** The validation modes, for messages and option checks. */
export const VALIDATION_MODES: readonly ValidationMode[] = ['strict', 'report', 'off'];

export { DEFAULT_MAX_PAYLOAD_BYTES } from './limits.js';

export interface PayloadCheck {
  issues: ValidationIssue[];
  /** The payload's JSON, when the size check had to compute it. */
  json: string | undefined;
  /** The payload as read once, a plain JSON value (see `readJsonValue`). */
  value: unknown;
}

/**
 * Checks a payload that is already a plain JSON value (read by
 * `readJsonValue`, or parsed from a file): size against `maxBytes`, then the
 * catalog's zod schema, then the keys the schema would strip. `maxBytesBound`
 * is an upper bound of its JSON size, when known, to skip serialising it.
 * Returns the issues as data; throws nothing.
 */
export function checkJsonPayload(
  type: EventTypeInfo,
  value: unknown,
  maxBytes: number,
  maxBytesBound = Infinity,
): { issues: ValidationIssue[]; json: string | undefined } {
  let json: string | undefined;
  if (maxBytesBound > maxBytes) {
    json = JSON.stringify(value) ?? 'null';
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxBytes) {
      return {
        issues: [{ code: 'payload_too_large', path: [], message: `payload is ${bytes} bytes of JSON; the limit is ${maxBytes} (maxPayloadBytes)` }],
        json,
      };
    }
  }
  const result = type.schema.safeParse(value);
  const issues: ValidationIssue[] = result.success
    ? []
    : result.error.issues.map((i) => ({
        code: 'schema' as const,
        schemaCode: i.code,
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: i.message,
      }));
  const extra = unknownKeys(type.schema, value);
  return { issues: extra.length === 0 ? issues : [...issues, ...extra], json };
}

/**
 * The issues of a payload whose read found values JSON cannot carry
 * (`readIssues`, each at the path of a marker put in `value`): those, then
 * the schema and unknown-key issues of the rest (`checkJsonPayload`). A
 * schema issue at or under a marker's path is about the marker, not the
 * caller's value, and is left out; unknown keys are reported wherever they
 * are (a marker does not change which keys there are).
 */
export function checkMarkedPayload(
  type: EventTypeInfo,
  value: unknown,
  readIssues: readonly ValidationIssue[],
  maxBytes: number,
  maxBytesBound = Infinity,
): { issues: ValidationIssue[]; json: string | undefined } {
  const checked = checkJsonPayload(type, value, maxBytes, maxBytesBound);
  const marked = (path: readonly PropertyKey[]) => readIssues.some((r) => r.path.length <= path.length && r.path.every((p, i) => p === path[i]));
  const rest = checked.issues.filter((i) => i.code !== 'schema' || !marked(i.path));
  return { issues: [...readIssues, ...rest], json: checked.json };
}

/**
 * Everything `emit` checks about a payload, in order: what JSON cannot carry
 * (read once), size, the catalog's zod schema, keys the schema would strip;
 * the schema is checked beside the values JSON cannot carry too (see
 * {@link checkMarkedPayload}). Returns the issues as data; throws nothing.
 *
 * @example
 * checkPayload(catalog.get('auth.user.login:1')!, { user_id: 1 }, 65536).issues[0]?.code; // 'schema'
 */
export function checkPayload(type: EventTypeInfo, payload: unknown, maxBytes: number): PayloadCheck {
  const read = readJsonValue(payload);
  const checked =
    read.issues.length > 0
      ? checkMarkedPayload(type, read.value, read.issues, maxBytes, read.maxBytes)
      : checkJsonPayload(type, read.value, maxBytes, read.maxBytes);
  return { ...checked, value: read.value };
}
