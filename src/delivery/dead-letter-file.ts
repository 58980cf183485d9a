import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SignalCodec } from './delivery-options.js';
import { parseRequest, recordsOf } from './otlp-json.js';

/** Why records were dead-lettered: the endpoint's status and reason; `partial` for a partial success. */
export interface DeadLetterReason {
  reason: string;
  status: number;
  /** Records a partial success rejected (OTLP does not say which). */
  partial?: number;
}

/** The request of a body, or undefined when it is not OTLP JSON (a spool file cut short). */
export function tryParse(body: Uint8Array): ReturnType<typeof parseRequest> | undefined {
  try {
    return parseRequest(body);
  } catch {
    return undefined;
  }
}

/**
 * Appends refused records to the dead-letter file, one JSON line each:
 * `{ time, endpoint, status, reason, instance_id, resource, scope, record }`
 * (the OTLP JSON of the record, as sent). A partial success is one line with
 * `rejected` and `candidate_instance_ids`; a body that is not OTLP JSON one
 * line with `unreadable_body`. Returns the records' ids (also without a
 * file), and the write error if there was one; never throws.
 */
export function writeDeadLetters<T>(path: string | undefined, endpoint: string, codec: SignalCodec<T>, body: Uint8Array, why: DeadLetterReason): { ids: string[]; error?: unknown } {
  const request = tryParse(body);
  const located = request ? recordsOf(request, codec.shape) : [];
  const ids = located.map((r) => codec.idOf(r.record) ?? '');
  if (path === undefined) return { ids };
  const time = new Date().toISOString();
  const base = { time, endpoint, status: why.status, reason: why.reason };
  const lines = !request
    ? JSON.stringify({ ...base, unreadable_body: Buffer.from(body).toString('utf8') }) + '\n'
    : why.partial !== undefined
      ? JSON.stringify({ ...base, rejected: why.partial, candidate_instance_ids: ids }) + '\n'
      : located.map((r, i) => JSON.stringify({ ...base, instance_id: ids[i], resource: r.resource, scope: r.scope, record: r.record }) + '\n').join('');
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, lines);
    return { ids };
  } catch (error) {
    return { ids, error };
  }
}
