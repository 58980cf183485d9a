import type { EventTypeInfo } from '../catalog/types.js';
import { DEFAULT_MAX_LINE_BYTES, readLines } from '../lines/read-lines.js';
import { isLineProblem, lineTooLong, parseJsonLine, type LineProblemCode } from '../lines/json-line.js';
import type { EmitOptions } from '../emitter/options.js';
import { formatPath, type IssueCode, type ValidationIssue } from '../validation/issue.js';
import { FactlineValidationError } from '../validation/error.js';
import { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES } from '../validation/validate.js';
import { compileParsedPayloadCheck, type ParsedPayloadCheck } from '../validation/parsed-payload.js';
import { INTENT_EVENT_ID_BY_WIRE_NAME, intentCatalog, type IntentEventId } from './catalog.js';
import { Timestamp } from './ids.js';
import { commonUtcTimeOn, isCommonUtcTime } from './utc-time.js';

/*
 * Reading Intent's flat `events.jsonl` (docs/intent.md) back: one line at a time,
 * problems as data with stable codes, never a throw for bad input.
 */

/** Why a line is not a valid Intent event. Stable codes. */
export type IntentLineIssueCode =
  /**
   * The line as a line, as every reader says it (docs/errors.md, "Line
   * problems"): `invalid_utf8` (a damaged line), `not_json`, `not_an_object`, `line_too_long` (longer than
   * the reader holds in memory, 16 MiB: not parsed).
   */
  | Exclude<LineProblemCode, 'not_an_event'>
  /** `event_type` is missing, not a string, or not one of Intent's 15. */
  | 'unknown_event_type'
  /** `timestamp` (or an envelope's `time`) is missing or not ISO 8601 with `Z` or an offset. */
  | 'invalid_timestamp'
  /** An envelope line with an `invalid` member: its writer delivered it flagged invalid (`factline validate`). */
  | 'flagged_invalid'
  /** From the payload check: `schema` (zod), `not_an_object`, `forbidden_key`, `payload_too_large`, … */
  | IssueCode;

/** One problem of one line. */
export interface IntentLineIssue {
  /** 1-based line number in the file. */
  line: number;
  /**
   * Where: a field path in the line (`confidence`, `tags[1]`, `context.server`),
   * `event_type`, `timestamp`, or `(line)` for the line as a whole (not JSON,
   * an unknown extra key).
   */
  field: string;
  code: IntentLineIssueCode;
  /** Human-readable reason. */
  message: string;
  /** For `code: 'schema'`: zod's issue code (`too_big`, `invalid_type`, `unrecognized_keys`, …). */
  schemaCode?: string;
}

/** A valid line. */
export interface IntentLine {
  ok: true;
  line: number;
  /** factline's EventID, e.g. `signal.signal.created:1`. */
  eventId: IntentEventId;
  type: EventTypeInfo;
  /** Every key of the line except `event_type` and `timestamp`, in the line's order. */
  payload: Record<string, unknown>;
  /** The line's `timestamp`, as written. */
  time: string;
}

/** An invalid line: every problem found, not only the first. */
export interface IntentLineError {
  ok: false;
  line: number;
  issues: IntentLineIssue[];
}

export type IntentLineResult = IntentLine | IntentLineError;

/** Intent's `event_type` strings in the catalog's entry order. */
export const INTENT_EVENT_TYPES: readonly string[] = Object.freeze(Object.keys(intentCatalog.entries).map((id) => intentCatalog.get(id)!.wireName));
const KNOWN = INTENT_EVENT_TYPES.join(', ');
const TIMESTAMP_EXAMPLE = '2026-03-30T14:23:45Z';

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The common UTC form on the date of the last such timestamp that the full
 * check accepted (none yet: undefined). A file's timestamps share their date
 * for thousands of lines, so most are checked by this one test alone.
 */
let onAcceptedDate: RegExp | undefined;

/** Whether `v` is an ISO 8601 date-time with `Z` or an offset that `Date` can read. */
export function isIsoTimestamp(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  if (onAcceptedDate?.test(v)) return true;
  const ok = Timestamp.safeParse(v).success && !Number.isNaN(Date.parse(v));
  if (ok && isCommonUtcTime(v)) onAcceptedDate = commonUtcTimeOn(v.slice(0, 10));
  return ok;
}

/**
 * Parses one line as a JSON object (`parseJsonLine`, the one line parser);
 * a line that is not one becomes a `(line)` issue (`not_json` with the
 * parser's message, or `not_an_object`).
 *
 * @example
 * parseJsonObjectLine('{"a":1', 5); // { ok: false, issue: { line: 5, field: '(line)', code: 'not_json', message: 'not JSON: …' } }
 */
export function parseJsonObjectLine(text: string, line = 1): { ok: true; record: Record<string, unknown> } | { ok: false; issue: IntentLineIssue } {
  const value = parseJsonLine(text);
  if (isLineProblem(value)) return { ok: false, issue: { line, field: '(line)', code: value.code as IntentLineIssueCode, message: value.message } };
  return { ok: true, record: value };
}

/**
 * A payload issue as a line issue. `prefix` is the payload's own place in the
 * line: none for a flat line (its fields are the line's), `payload` for an
 * envelope. A problem of the payload as a whole (an unknown extra key) is at
 * `(line)` in a flat line. zod says "expected string, received undefined"
 * (or, for an enum, "Invalid option") for an absent field; the reason says
 * plainly that it is missing.
 */
export function lineIssue(i: ValidationIssue, line: number, payload: unknown, prefix?: string): IntentLineIssue {
  const path = prefix === undefined ? i.path : [prefix, ...i.path];
  const field = path.length === 0 ? '(line)' : formatPath(path);
  const absent = i.code === 'schema' && i.path.length > 0 && !hasPath(payload, i.path);
  return {
    line,
    field,
    code: i.code,
    message: absent ? `missing required field; ${i.message}` : i.message,
    ...(i.schemaCode !== undefined ? { schemaCode: i.schemaCode } : {}),
  };
}

function hasPath(value: unknown, path: readonly (string | number)[]): boolean {
  let v = value;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  return true;
}

/**
 * Checks a parsed flat record: `event_type` one of Intent's, `timestamp`
 * ISO 8601, and the other keys (the payload) against the type's schema with
 * `checkPayload`, one issue per problem. Never throws.
 */
export function checkIntentRecord(record: Record<string, unknown>, line = 1, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES): IntentLineResult {
  const issues: IntentLineIssue[] = [];
  const { event_type: wire, timestamp, ...payload } = record;

  let type: EventTypeInfo | undefined;
  if (typeof wire !== 'string') {
    const found = wire === undefined ? 'missing event_type' : `event_type must be a string, found ${describeValue(wire)}`;
    issues.push({ line, field: 'event_type', code: 'unknown_event_type', message: `${found}; known: ${KNOWN}` });
  } else {
    const id = INTENT_EVENT_ID_BY_WIRE_NAME.get(wire);
    if (id === undefined) {
      issues.push({ line, field: 'event_type', code: 'unknown_event_type', message: `unknown event type ${JSON.stringify(wire)}; known: ${KNOWN}` });
    } else {
      type = intentCatalog.get(id)!;
    }
  }

  if (type !== undefined) {
    for (const i of checkPayload(type, payload, maxPayloadBytes).issues) issues.push(lineIssue(i, line, payload));
  }

  if (timestamp === undefined) {
    issues.push({ line, field: 'timestamp', code: 'invalid_timestamp', message: `missing; expected an ISO 8601 date-time like ${TIMESTAMP_EXAMPLE}` });
  } else if (!isIsoTimestamp(timestamp)) {
    issues.push({
      line,
      field: 'timestamp',
      code: 'invalid_timestamp',
      message: `${describeValue(timestamp)} is not an ISO 8601 date-time with Z or an offset, like ${TIMESTAMP_EXAMPLE}`,
    });
  }

  if (issues.length > 0 || type === undefined) return { ok: false, line, issues };
  return { ok: true, line, eventId: type.id as IntentEventId, type, payload, time: timestamp as string };
}

/** Each Intent type's fast accept of a parsed flat line, by `event_type`, compiled once. */
const FLAT_ACCEPTS: ReadonlyMap<string, ParsedPayloadCheck> = new Map(
  INTENT_EVENT_TYPES.flatMap((wire) => {
    const accept = compileParsedPayloadCheck(intentCatalog.get(INTENT_EVENT_ID_BY_WIRE_NAME.get(wire)!)!, ['event_type', 'timestamp']);
    return accept === undefined ? [] : [[wire, accept] as const];
  }),
);

/**
 * Whether a flat line, parsed from `text` (`textBytes` UTF-8 bytes, or a
 * bound), is certainly valid: true only when {@link checkIntentRecord}
 * would return `ok`. False means "not proven", not "invalid": run
 * `checkIntentRecord` for the issues. The common valid line costs zod's
 * compiled check and a look at the timestamp, with no copy of the payload.
 *
 * @example
 * const record = JSON.parse(text);
 * if (!isValidIntentRecord(record, text, Buffer.byteLength(text))) report(checkIntentRecord(record, n));
 */
export function isValidIntentRecord(record: Record<string, unknown>, text: string, textBytes: number, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES): boolean {
  const wire = record.event_type;
  if (typeof wire !== 'string') return false;
  const accept = FLAT_ACCEPTS.get(wire);
  return accept !== undefined && isIsoTimestamp(record.timestamp) && accept.accepts(record, text, textBytes, maxPayloadBytes);
}

/**
 * Parses one line of Intent's flat `events.jsonl`. `lineNumber` (default 1)
 * goes into every issue. Never throws.
 *
 * @example
 * parseIntentLine('{"event_type":"intent.accepted","intent_id":"INT-015","accepted_by":"@brien","confidence":0.92,"timestamp":"2026-03-30T14:30:00Z"}');
 * // { ok: true, line: 1, eventId: 'intent.intent.accepted:1', type, payload: { intent_id: 'INT-015', … }, time: '2026-03-30T14:30:00Z' }
 * const bad = parseIntentLine('{"event_type":"signal.exploded","timestamp":"2026-03-30T14:30:00Z"}', 7);
 * if (!bad.ok) bad.issues[0];
 * // { line: 7, field: 'event_type', code: 'unknown_event_type', message: 'unknown event type "signal.exploded"; known: signal.created, …' }
 */
export function parseIntentLine(line: string, lineNumber = 1): IntentLineResult {
  const parsed = parseJsonObjectLine(line, lineNumber);
  if (!parsed.ok) return { ok: false, line: lineNumber, issues: [parsed.issue] };
  return checkIntentRecord(parsed.record, lineNumber);
}

/**
 * Streams a flat `events.jsonl`, one parse result per non-blank line, with
 * its physical line number (blank lines are skipped but counted). Holds one
 * line at a time. A UTF-8 byte order mark before the first line is ignored.
 *
 * @throws (the iterator rejects) when the file cannot be read.
 *
 * @example
 * for await (const r of readIntentFile('events.jsonl')) if (!r.ok) console.error(r.issues);
 */
export async function* readIntentFile(path: string): AsyncGenerator<IntentLineResult, void, undefined> {
  // readLines drops a byte order mark before the first line.
  for await (const { line: n, text, truncated, bytes } of readLines(path)) {
    if (truncated) {
      yield { ok: false, line: n, issues: [{ line: n, field: '(line)', code: 'line_too_long', message: lineTooLong(bytes, DEFAULT_MAX_LINE_BYTES).message }] };
      continue;
    }
    if (text.trim() === '') continue;
    yield parseIntentLine(text, n);
  }
}

/**
 * What {@link importIntentEvents} needs of an emitter: one whose catalog has
 * Intent's events (`createEmitter(intentCatalog)`, or a combined catalog).
 */
export interface IntentEmitTarget {
  emit(id: IntentEventId, payload: never, options?: EmitOptions): unknown;
}

export interface IntentImportResult {
  /** Valid lines emitted. */
  imported: number;
  /** Lines not imported because of their issues (or rejected by the emitter's own checks). */
  invalid: number;
  /** Valid lines the emitter did not deliver: no sink wanted the type (filters), or its catalog lacks it. */
  notEmitted: number;
  /** Every issue of every invalid line, in file order. */
  issues: IntentLineIssue[];
}

/**
 * Imports an existing Intent `events.jsonl` as factline events: each valid
 * line is emitted with its `timestamp` as the event's `time` (an offset is
 * converted to UTC; precision below the millisecond is lost). Invalid lines
 * are not emitted and are returned with their issues, never dropped silently.
 *
 * @throws when the file cannot be read.
 *
 * @example
 * const r = await importIntentEvents('old/events.jsonl', createEmitter(intentCatalog, { sinks: [createJsonlSink()] }));
 * // { imported: 1845, invalid: 2, notEmitted: 0, issues: [{ line: 17, field: 'confidence', … }, …] }
 */
export async function importIntentEvents(path: string, emitter: IntentEmitTarget): Promise<IntentImportResult> {
  const result: IntentImportResult = { imported: 0, invalid: 0, notEmitted: 0, issues: [] };
  for await (const r of readIntentFile(path)) {
    if (!r.ok) {
      result.invalid++;
      result.issues.push(...r.issues);
      continue;
    }
    let delivered: unknown;
    try {
      delivered = emitter.emit(r.eventId, r.payload as never, { time: new Date(r.time) });
    } catch (e) {
      // A strict emitter with a smaller maxPayloadBytes, or a catalog without the type.
      if (!(e instanceof FactlineValidationError)) throw e;
      result.invalid++;
      for (const i of e.issues) result.issues.push(lineIssue(i, r.line, r.payload));
      continue;
    }
    if (delivered === undefined) result.notEmitted++;
    else result.imported++;
  }
  return result;
}
