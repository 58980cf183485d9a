import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intentFlatFormat } from '../../src/intent/flat-format.js';
import { factlineEnvelopeFormat } from '../../src/query/index.js';

/** The line formats of files that mix Intent's flat lines with factline's envelopes (what the factline command reads). */
export const BOTH_FORMATS = [intentFlatFormat, factlineEnvelopeFormat];

/** A temporary directory for one test file's event files. */
export function tempDir(prefix = 'factline-query-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Unix epoch nanoseconds of an ISO time. */
export function ns(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}

let n = 0;

/** One factline envelope line (as the JSONL sink writes it, chain fields included). */
export function envelope(fields: {
  event_id: string;
  time: string;
  payload: unknown;
  severity?: string;
  source?: Record<string, unknown>;
  service_name?: string;
  catalog?: string;
  trace_id?: string;
  span_id?: string;
  session_id?: string;
  invalid?: unknown;
}): string {
  const i = ++n;
  return JSON.stringify({
    schema_version: 1,
    id: `0198a000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    event_id: fields.event_id,
    time: fields.time,
    observed_time: fields.time,
    source: fields.source ?? { type: 'runtime' },
    severity: fields.severity ?? 'INFO',
    ...(fields.service_name !== undefined ? { service_name: fields.service_name } : {}),
    ...(fields.catalog !== undefined ? { catalog: fields.catalog } : {}),
    ...(fields.trace_id !== undefined ? { trace_id: fields.trace_id } : {}),
    ...(fields.span_id !== undefined ? { span_id: fields.span_id } : {}),
    ...(fields.session_id !== undefined ? { session_id: fields.session_id } : {}),
    payload: fields.payload,
    ...(fields.invalid !== undefined ? { invalid: fields.invalid } : {}),
    seq: i,
    prev_hash: 'sha256:' + '0'.repeat(64),
    hash: 'sha256:' + '1'.repeat(64),
  });
}

export function writeLines(path: string, lines: readonly string[]): string {
  writeFileSync(path, lines.map((l) => l + '\n').join(''));
  return path;
}
