import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import type { RuntimeProblem } from '../problems.js';
import { idsForTraceKey } from '../trace/trace-key.js';
import { describeThrown } from '../validation/json-value.js';
import type { EmitterOptions } from './options.js';

/** The span context last found valid, with the ids it held then. */
let lastValid: SpanContext | undefined;
let lastTraceId = '';
let lastSpanId = '';

/**
 * `isSpanContextValid`, remembering the last valid context: every event of
 * one request meets the same context object, and the check (two regular
 * expressions) is then one comparison. The ids are compared too, in case
 * the object was changed since.
 */
function validSpanContext(sc: SpanContext): boolean {
  if (sc === lastValid && sc.traceId === lastTraceId && sc.spanId === lastSpanId) return true;
  if (!isSpanContextValid(sc)) return false;
  lastValid = sc;
  lastTraceId = sc.traceId;
  lastSpanId = sc.spanId;
  return true;
}

/**
 * Step 5 of `emit`: the trace and span ids of an event. The trace key comes
 * from `emit`'s `traceKey`, else the `resolveTrace` hook, else the catalog's
 * `traceKeyField` in the payload as read. The active span wins for the span
 * id; a trace key wins for the trace id (so that every process agrees on
 * it), hence the active span is used only when it belongs to that trace or
 * there is no key.
 */
export function assignTrace(
  event: FactlineEvent,
  info: EventTypeInfo,
  payload: unknown,
  timeMs: number,
  traceKeyOption: string | undefined,
  resolveTrace: EmitterOptions['resolveTrace'],
  report: (p: RuntimeProblem) => void,
): void {
  let traceKey = traceKeyOption;
  let spanId: string | undefined;
  if (resolveTrace !== undefined) {
    try {
      const assigned = resolveTrace(info, payload, timeMs);
      if (assigned !== undefined && (traceKey === undefined || traceKey === assigned.traceKey)) {
        traceKey = assigned.traceKey;
        spanId = assigned.spanId;
      }
    } catch (e) {
      report({ code: 'FACTLINE_TRACE_HOOK_FAILED', message: `resolveTrace threw: ${describeThrown(e)}`, event_id: info.id, cause: e });
    }
  }
  if (traceKey === undefined && info.traceKeyField !== undefined && typeof payload === 'object' && payload !== null) {
    const v = (payload as Record<string, unknown>)[info.traceKeyField];
    if (typeof v === 'string' && v !== '') traceKey = v;
  }
  if (typeof traceKey === 'string') {
    const ids = idsForTraceKey(traceKey);
    event.trace_key = traceKey;
    event.trace_id = ids.traceId;
    event.span_id = spanId ?? ids.spanId;
  }
  const sc = trace.getSpan(context.active())?.spanContext();
  if (sc !== undefined && validSpanContext(sc) && (event.trace_id === undefined || sc.traceId === event.trace_id)) {
    event.trace_id = sc.traceId;
    event.span_id = sc.spanId;
  }
}
