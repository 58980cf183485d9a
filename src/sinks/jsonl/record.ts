import type { FactlineEvent } from '../../envelope/event.js';
import { CHAIN_FIELD, chainRecordHead } from '../../chain/record.js';

/**
 * The envelope as the object written on a line, its fields in the wire order
 * of `FactlineEvent` (the order `docs/mapping.md` lists). Absent
 * optional fields are left out rather than written as `null`.
 *
 * @example
 * JSON.stringify(envelopeRecord(event)); // '{"schema_version":1,"id":"…","event_id":"auth.user.login:1",…}'
 */
export function envelopeRecord(e: FactlineEvent): Record<string, unknown> {
  const r: Record<string, unknown> = {
    schema_version: e.schema_version,
    id: e.id,
    event_id: e.event_id,
    time: e.time,
    observed_time: e.observed_time,
    service_name: e.service_name,
    catalog: e.catalog,
    source: e.source,
    severity: e.severity,
  };
  if (e.trace_id !== undefined) r.trace_id = e.trace_id;
  if (e.span_id !== undefined) r.span_id = e.span_id;
  if (e.trace_key !== undefined) r.trace_key = e.trace_key;
  if (e.causation_id !== undefined) r.causation_id = e.causation_id;
  if (e.session_id !== undefined) r.session_id = e.session_id;
  r.payload = e.payload;
  if (e.invalid !== undefined) r.invalid = e.invalid;
  return r;
}

const CHAIN_KEYS = [CHAIN_FIELD.SEQ, CHAIN_FIELD.PREV_HASH, CHAIN_FIELD.HASH] as const;

/**
 * The part of `record`'s chain line that its hash covers (`chainRecordHead`):
 * its own keys, then `seq` and `prev_hash`. Chain-named keys of `record`
 * are deleted first (it is the sink's own object).
 *
 * @throws TypeError for a BigInt or a cycle in the record. Nothing has been
 * written at that point; the caller reports and drops the event.
 */
export function chainedHead(record: Record<string, unknown>, seq: number, prevHash: string): string {
  // A `format` may return keys of these names: drop them so that the chain
  // fields come last, in this order, and a stale "hash" is not hashed.
  // (Checked first: a delete turns the object into a slow dictionary.)
  for (const k of CHAIN_KEYS) if (Object.prototype.hasOwnProperty.call(record, k)) delete record[k];
  return chainRecordHead(record, seq, prevHash);
}
