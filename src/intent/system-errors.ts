import type { Emitter } from '../emitter/emitter.js';
import type { RuntimeProblem, RuntimeProblemCode } from '../problems.js';
import type { IntentEntries } from './catalog.js';

/**
 * `error_type` of the `system.error` events factline emits about itself,
 * by problem code. The `error_code` is the problem code (docs/errors.md).
 */
export const SYSTEM_ERROR_TYPES: Readonly<Record<RuntimeProblemCode, string>> = {
  FACTLINE_VALIDATION_FAILED: 'VALIDATION_ERROR',
  FACTLINE_EVENT_REJECTED: 'VALIDATION_ERROR',
  FACTLINE_EVENT_DEPRECATED: 'VALIDATION_ERROR',
  FACTLINE_EXPORT_FAILED: 'EXPORT_FAILURE',
  FACTLINE_EXPORT_PARTIAL: 'EXPORT_FAILURE',
  FACTLINE_DEAD_LETTERED: 'EXPORT_FAILURE',
  FACTLINE_BUFFER_FULL: 'EXPORT_FAILURE',
  FACTLINE_SPOOL_FULL: 'EXPORT_FAILURE',
  FACTLINE_SPOOL_NOT_WRITABLE: 'FILE_ERROR',
  FACTLINE_UNDELIVERED_AT_SHUTDOWN: 'EXPORT_FAILURE',
  FACTLINE_SPOOL_FILE_DAMAGED: 'FILE_ERROR',
  FACTLINE_SPOOL_RECOVERED: 'FILE_ERROR',
  FACTLINE_BATCH_PARKED: 'EXPORT_FAILURE',
  FACTLINE_DEAD_LETTER_DISCARDED: 'EXPORT_FAILURE',
  FACTLINE_FILE_NOT_WRITABLE: 'FILE_ERROR',
  FACTLINE_FILE_TORN_LINE: 'FILE_ERROR',
  FACTLINE_FILE_UNTERMINATED_LINE: 'FILE_ERROR',
  FACTLINE_SINK_FAILED: 'SINK_ERROR',
  FACTLINE_SINK_CLOSED: 'SINK_ERROR',
  FACTLINE_EVENT_UNSERIALISABLE: 'SINK_ERROR',
  FACTLINE_CHAIN_RESTARTED: 'FILE_ERROR',
  FACTLINE_TRACE_HOOK_FAILED: 'SINK_ERROR',
  FACTLINE_HOST_SDK_NOT_STARTED: 'EXPORT_FAILURE',
  FACTLINE_OTEL_API_MISMATCH: 'EXPORT_FAILURE',
  FACTLINE_HANDLER_FAILED: 'SINK_ERROR',
};

/**
 * Turns factline's own run-time problems into `system.error` events, at most
 * one per problem code per `minIntervalMs` (default 10 s: an export that
 * keeps failing must not flood the pipeline it cannot reach). A problem
 * about a `system.error` event itself is not re-emitted.
 */
export function emitSystemErrors(emitter: Emitter<IntentEntries>, minIntervalMs = 10_000, now: () => number = Date.now): () => void {
  const last = new Map<string, number>();
  let inside = false;
  return emitter.onProblem((p: RuntimeProblem) => {
    if (inside || p.event_id === 'system.error.raised:1') return;
    const t = now();
    const prev = last.get(p.code);
    if (prev !== undefined && t - prev < minIntervalMs) return;
    last.set(p.code, t);
    inside = true;
    try {
      const context: Record<string, unknown> = {};
      if (p.event_id !== undefined) context.event_id = p.event_id;
      if (p.sink !== undefined) context.sink = p.sink;
      if (p.details !== undefined) {
        for (const [k, v] of Object.entries(p.details)) if (k !== 'payload') context[k] = v;
      }
      emitter.emit('system.error.raised:1', {
        error_type: SYSTEM_ERROR_TYPES[p.code],
        error_code: p.code,
        message: p.message,
        ...(p.cause instanceof Error && p.cause.stack ? { stack: p.cause.stack } : {}),
        context,
      });
    } finally {
      inside = false;
    }
  });
}
