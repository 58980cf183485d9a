/**
 * Problems are data: a flat list of issues keyed by a stable `code` (the
 * model is zod 4's issue union), readable by the CLI, by `system.error`
 * events and by tests alike. `docs/errors.md` lists every code.
 */
import type { EventIdErrorCode } from '../eventid/errors.js';

export type IssueCode =
  // the EventID itself
  | 'invalid_event_id'
  | 'unknown_event'
  // the payload as a JavaScript value (read once, before the schema)
  | 'not_an_object'
  | 'cyclic_reference'
  | 'bigint'
  | 'non_finite_number'
  | 'function'
  | 'symbol'
  | 'forbidden_key'
  | 'unsupported_value'
  | 'unreadable_value'
  | 'lone_surrogate'
  | 'too_deep'
  | 'payload_too_large'
  // the payload against the catalog's zod schema
  | 'schema'
  | 'unknown_key'
  // the envelope: `emit`'s `time` option
  | 'invalid_time'
  | 'implausible_time'
  // the envelope: `emit`'s `causedBy` and `sessionId` options
  | 'invalid_envelope_id'
  // the envelope: `emit`'s `source` option
  | 'invalid_source';

export interface ValidationIssue {
  /** Stable machine-readable code. */
  code: IssueCode;
  /**
   * Path to the offending value inside the payload; `[]` for the payload
   * itself and for issues that are not about the payload (the EventID,
   * `emit`'s options: see `option`).
   */
  path: (string | number)[];
  /** Human-readable explanation that names the problem. */
  message: string;
  /** For `code: 'schema'`, zod's own issue code (`invalid_type`, `too_small`, ...). */
  schemaCode?: string;
  /**
   * For `code: 'invalid_event_id'`, the EventID grammar's code for the rule
   * the id breaks (`uppercase`, `missing_part`, `version_zero`, ...; the
   * list is `EVENT_ID_ERROR_CODES`, docs/eventid.md has the rules).
   */
  eventIdCode?: EventIdErrorCode;
  /**
   * For the time codes: the value `emit` was given, as epoch milliseconds
   * when it is a finite number, else as text (`"Invalid Date"`), so that
   * the fact's own time is kept although the record carries another.
   */
  input?: number | string;
  /**
   * For the issues of `emit`'s options (`invalid_time`, `implausible_time`,
   * `invalid_envelope_id`, `invalid_source`): the option at fault, `time`,
   * `causedBy`, `sessionId` or `source`. Messages locate such an issue at
   * `(options.<option>)`.
   */
  option?: EmitOptionName;
}

/** The `emit` options an issue can be about. */
export type EmitOptionName = 'time' | 'causedBy' | 'sessionId' | 'source';
