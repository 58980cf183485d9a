import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SignalCodec } from './delivery-options.js';
import { parseRequest, recordsOf } from './otlp-json.js';
import { DEFAULT_FILE_MODE, dirModeOf, makeDirectory } from './spool.js';

/** Why records were dead-lettered: the endpoint's status and reason; `partial` for a partial success. */
export interface DeadLetterReason {
  reason: string;
  /** The endpoint's HTTP status; absent when factline itself set the records aside (a damaged spool file). */
  status?: number;
  /** Records a partial success rejected (OTLP does not say which). */
  partial?: number;
  /** Records the body holds when it cannot be read (from a damaged spool file's header). */
  records?: number;
  /** More fields for the line (e.g. the damaged file's name and what failed). */
  extra?: Record<string, unknown>;
}

/** Default bound of a dead-letter file, in bytes: past it the file is rotated to `<path>.1`. */
export const DEFAULT_DEAD_LETTER_MAX_BYTES = 32 * 1024 * 1024;

/** The request of a body, or undefined when it is not OTLP JSON (a spool file cut short). */
export function tryParse(body: Uint8Array): ReturnType<typeof parseRequest> | undefined {
  try {
    return parseRequest(body);
  } catch {
    return undefined;
  }
}

/** The instance ids that can still be read in a body that is not OTLP JSON any more. */
function idsInText(text: string): string[] {
  return [...text.matchAll(/"key":"factline\.event\.instance_id","value":\{"stringValue":"([^"]+)"\}/g)].map((m) => m[1]!);
}

/** Records a dead-letter line stands for: `records`, `rejected`, else 1. */
function recordsOfLine(line: string): number {
  try {
    const l = JSON.parse(line) as { records?: number; rejected?: number };
    return Number(l.records ?? l.rejected ?? 1) || 1;
  } catch {
    return 1;
  }
}

/** What writing dead letters did. */
export interface DeadLetterWrite {
  /** The ids of the records (also without a file). */
  ids: string[];
  /** The write error, when the file could not be written. */
  error?: unknown;
  /** Records whose lines were discarded by a rotation (the old `<path>.1` was replaced). */
  discarded?: number;
}

/**
 * Appends refused records to the dead-letter file, one JSON line each:
 * `{ time, endpoint, status, reason, instance_id, resource, scope, record }`
 * (the OTLP JSON of the record, as sent). A partial success is one line with
 * `rejected` and `candidate_instance_ids`; a body that is not OTLP JSON one
 * line with `records`, `body_base64` (its exact bytes) and the
 * `candidate_instance_ids` still readable in it.
 *
 * The file is bounded: when a write would take it past `maxBytes`, it is
 * renamed to `<path>.1` (replacing the previous `.1`, whose records are
 * counted in `discarded`) and a new file is started. Created with
 * `fileMode`. Never throws.
 */
export function writeDeadLetters<T>(
  path: string | undefined,
  endpoint: string,
  codec: SignalCodec<T>,
  body: Uint8Array,
  why: DeadLetterReason,
  limits: { maxBytes?: number; fileMode?: number } = {},
): DeadLetterWrite {
  const request = tryParse(body);
  const located = request ? recordsOf(request, codec.shape) : [];
  const text = request ? '' : Buffer.from(body).toString('utf8');
  const ids = request ? located.map((r) => codec.idOf(r.record) ?? '') : idsInText(text);
  if (path === undefined) return { ids };
  const time = new Date().toISOString();
  const base = { time, endpoint, ...(why.status !== undefined ? { status: why.status } : {}), reason: why.reason, ...why.extra };
  const lines = !request
    ? JSON.stringify({ ...base, records: why.records ?? ids.length, candidate_instance_ids: ids, body_base64: Buffer.from(body).toString('base64') }) + '\n'
    : why.partial !== undefined
      ? JSON.stringify({ ...base, rejected: why.partial, candidate_instance_ids: ids }) + '\n'
      : located.map((r, i) => JSON.stringify({ ...base, instance_id: ids[i], resource: r.resource, scope: r.scope, record: r.record }) + '\n').join('');
  const fileMode = limits.fileMode ?? DEFAULT_FILE_MODE;
  const maxBytes = limits.maxBytes ?? DEFAULT_DEAD_LETTER_MAX_BYTES;
  try {
    makeDirectory(dirname(path), dirModeOf(fileMode), 'dead-letter directory');
    let discarded: number | undefined;
    const size = existsSync(path) ? statSync(path).size : 0;
    if (size > 0 && size + Buffer.byteLength(lines) > maxBytes) {
      const old = `${path}.1`;
      if (existsSync(old)) {
        discarded = readFileSync(old, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .reduce((n, l) => n + recordsOfLine(l), 0);
      }
      renameSync(path, old);
    }
    appendFileSync(path, lines, { mode: fileMode });
    return { ids, ...(discarded !== undefined ? { discarded } : {}) };
  } catch (error) {
    return { ids, error };
  }
}
