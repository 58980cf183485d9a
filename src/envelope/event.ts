import type { ValidationIssue } from './issue.js';
import type { Severity } from './severity.js';
import type { EventSource } from './source.js';

/**
 * One emitted event: the envelope (seed 003's `Event`, seed 004's causation
 * id) around the payload the catalog typed. This is also the JSON shape of a
 * line of `events.jsonl`, before the hash chain fields are added.
 *
 * Field names are wire names: see `docs/mapping.md`.
 */
export interface FactlineEvent<P = unknown> {
  /** Version of this envelope shape (`ENVELOPE_SCHEMA_VERSION`). */
  schema_version: number;
  /** Unique, time-sortable instance id (UUIDv7). */
  id: string;
  /** The EventID, `domain.entity.action:version`. */
  event_id: string;
  /** When the fact happened (ISO 8601, UTC, millisecond precision). */
  time: string;
  /** When factline recorded it; equal to `time` unless the caller supplied `time`. */
  observed_time: string;
  source: EventSource;
  severity: Severity;
  /** W3C trace id (32 lowercase hex) of the active or derived trace. */
  trace_id?: string;
  /** W3C span id (16 lowercase hex) of the active span. */
  span_id?: string;
  /** A domain trace key that is not a W3C id (Intent's `TRACE-015`). */
  trace_key?: string;
  /** `id` of the event that caused this one. */
  causation_id?: string;
  session_id?: string;
  /** The payload exactly as the caller gave it (after JSON-safety checks). */
  payload: P;
  /** Present only when the payload failed validation in `report` mode. */
  invalid?: { issues: ValidationIssue[] };
}
