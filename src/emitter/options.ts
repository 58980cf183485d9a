import type { EventSource } from '../envelope/source.js';
import type { Severity } from '../envelope/severity.js';
import type { ProblemHandler } from '../problems.js';
import type { Sink } from '../sinks/sink.js';
import type { ValidationMode } from '../validation/validate.js';
import type { EventTypeInfo } from '../catalog/types.js';

/** Which events reach the sinks at all; decided once per event type. */
export interface EventFilter {
  /** Events below this severity are dropped before any work. Default: none dropped. */
  minSeverity?: Severity;
  /** `%` patterns; when given, only matching EventIDs are emitted. */
  include?: readonly string[];
  /** `%` patterns of EventIDs never emitted. Applied after `include`. */
  exclude?: readonly string[];
}

export interface EmitterOptions {
  /**
   * Sinks that receive events, in order. Default: none (then every event is
   * filtered out; `setupFactline` adds the OTLP, file and console sinks).
   */
  sinks?: readonly Sink[];
  /**
   * Validation mode. Default: `FACTLINE_VALIDATION` when set, else `strict`
   * when `NODE_ENV` is `development` or `test` (catch mistakes where they are
   * made), else `report` (production: never throw, never drop).
   */
  validation?: ValidationMode;
  /** Source stamped on every event unless `emit` says otherwise. Default `{ type: 'runtime' }`. */
  source?: EventSource;
  /** Session id stamped on every event unless `emit` says otherwise. Default: none. */
  sessionId?: string;
  filter?: EventFilter;
  /** Largest payload, as UTF-8 JSON bytes. Default 65536 (64 KiB). */
  maxPayloadBytes?: number;
  /**
   * Salt for `pii: 'hash'` fields. Default: `FACTLINE_PII_SALT`, else empty
   * (hashes are then comparable across services, and guessable for small domains).
   */
  piiSalt?: string;
  /**
   * Receives factline's own run-time problems. Default: one stderr line per
   * problem code, then silence (counted in `stats().problems`).
   */
  onProblem?: ProblemHandler;
  /**
   * Called for every event, before the sinks: returns the domain trace key
   * the event belongs to and, optionally, the span within that trace it
   * belongs to. The Intent catalog links `intent_id` → `TRACE-*` and opens
   * its loop spans this way. `emit`'s `traceKey` option still wins over it;
   * it wins over the catalog's `traceKeyField`. Must not throw (a throw is
   * reported and ignored).
   */
  resolveTrace?: (type: EventTypeInfo, payload: unknown, timeMs: number) => TraceAssignment | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. For tests. */
  now?: () => number;
}

/** Where `resolveTrace` puts an event. */
export interface TraceAssignment {
  /** A domain trace key (`TRACE-015`); mapped to a W3C trace id. */
  traceKey: string;
  /** The span id within that trace the event belongs to. Default: the key's derived root span id. */
  spanId?: string;
}

/** Per-call options of `emit`. */
export interface EmitOptions {
  /** When the fact happened, if not now. `observed_time` stays now. */
  time?: Date | number;
  /** The event that caused this one: its instance id, or the event itself. */
  causedBy?: string | { id: string };
  source?: EventSource;
  sessionId?: string;
  /** A domain trace key (e.g. `TRACE-015`); overrides the catalog's `traceKeyField`. */
  traceKey?: string;
}

export function resolveValidationMode(explicit: ValidationMode | undefined, env: NodeJS.ProcessEnv = process.env): ValidationMode {
  if (explicit) return explicit;
  const fromEnv = env.FACTLINE_VALIDATION;
  if (fromEnv === 'strict' || fromEnv === 'report' || fromEnv === 'off') return fromEnv;
  if (fromEnv !== undefined && fromEnv !== '') {
    throw new Error(`FACTLINE_VALIDATION="${fromEnv}" is not a validation mode; use strict, report or off`);
  }
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test' ? 'strict' : 'report';
}
