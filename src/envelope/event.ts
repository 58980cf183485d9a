import type { ValidationIssue } from './issue.js';
import type { Severity } from './severity.js';
import type { EventSource } from './source.js';

/**
 * One emitted event: the envelope (the event model of `docs/mapping.md`:
 * instance id, times, source, causation) around the payload the catalog typed. This is also the JSON shape of a
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
  /** The OpenTelemetry `service.name` of the emitting service (emitter option `serviceName`). */
  service_name: string;
  /** Name of the catalog that defines the event (`factline.catalog` on the wire). */
  catalog: string;
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
  /**
   * The payload as read once at `emit`: a plain JSON value, the same for
   * every sink (`docs/mapping.md`, "What is delivered").
   */
  payload: P;
  /**
   * Present only when the event is delivered flagged: the payload failed
   * validation in `report` mode, or a value or time could not be carried as
   * given. At most `MAX_CARRIED_ISSUES` issues are carried; `issues_total`
   * counts them all and is present when some were left out.
   */
  invalid?: { issues: ValidationIssue[]; issues_total?: number };
}
