import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import type { RuntimeProblem } from '../problems.js';
import { idsForTraceKey } from '../trace/trace-key.js';
import { describeThrown } from '../validation/json-value.js';
import type { EmitterOptions } from './options.js';

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
  if (sc !== undefined && isSpanContextValid(sc) && (event.trace_id === undefined || sc.traceId === event.trace_id)) {
    event.trace_id = sc.traceId;
    event.span_id = sc.spanId;
  }
}
