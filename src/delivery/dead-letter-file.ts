import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SignalCodec } from './delivery-options.js';
import { ATTR } from '../wire.js';
import { LOGS_SHAPE, parseRequest, recordsOf, type ExportRequestJson, type RequestShape } from './otlp-json.js';
import { decodeProtobufRequest, instanceIdsInProtobuf, type OtlpEncoding } from './otlp-protobuf.js';
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
  /** The body is kept as its bytes (`body_base64`), never read as a request: a damaged spool file. */
  raw?: boolean;
  /** More fields for the line (e.g. the damaged file's name and what failed). */
  extra?: Record<string, unknown>;
}

/** Default bound of a dead-letter file, in bytes: past it the file is rotated to `<path>.1`. */
export const DEFAULT_DEAD_LETTER_MAX_BYTES = 32 * 1024 * 1024;

/**
 * The OTLP JSON request of a body in its encoding (a protobuf body decoded
 * to the OTLP JSON of the same records), or undefined when it cannot be
 * read as one (a spool file cut short or altered).
 */
export function tryParse(body: Uint8Array, encoding: OtlpEncoding = 'json', shape: RequestShape = LOGS_SHAPE): ExportRequestJson | undefined {
  try {
    if (encoding === 'protobuf') return decodeProtobufRequest(body, shape);
    const request = parseRequest(body);
    return typeof request === 'object' && request !== null && !Array.isArray(request) ? request : undefined;
  } catch {
    return undefined;
  }
}

/** The instance ids that can still be read in a body that cannot be read whole any more. */
function idsIn(body: Uint8Array, encoding: OtlpEncoding | undefined): string[] {
  const ids: string[] = [];
  if (encoding !== 'json') ids.push(...instanceIdsInProtobuf(body, ATTR.EVENT_INSTANCE_ID));
  if (encoding !== 'protobuf') {
    const text = Buffer.from(body).toString('utf8');
    ids.push(...[...text.matchAll(/"key":"factline\.event\.instance_id","value":\{"stringValue":"([^"]+)"\}/g)].map((m) => m[1]!));
  }
  return ids;
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
 * (the OTLP JSON of the record: as sent, or, for a protobuf body, decoded
 * to the OTLP JSON the JSON serializer makes of the same record). A
 * partial success is one line with `rejected` and `candidate_instance_ids`;
 * a body that cannot be read one line with `records`, `encoding`,
 * `body_base64` (its exact bytes) and the `candidate_instance_ids` still
 * readable in it.
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
  encoding?: OtlpEncoding,
): DeadLetterWrite {
  const request = why.raw ? undefined : tryParse(body, encoding ?? 'json', codec.shape);
  const located = request ? recordsOf(request, codec.shape) : [];
  const ids = request ? located.map((r) => codec.idOf(r.record) ?? '') : idsIn(body, encoding);
  if (path === undefined) return { ids };
  const time = new Date().toISOString();
  const base = { time, endpoint, ...(why.status !== undefined ? { status: why.status } : {}), reason: why.reason, ...why.extra };
  const lines = !request
    ? JSON.stringify({
        ...base,
        records: why.records ?? ids.length,
        ...(encoding ? { encoding } : {}),
        candidate_instance_ids: ids,
        body_base64: Buffer.from(body).toString('base64'),
      }) + '\n'
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
