import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import type { RuntimeProblem } from '../problems.js';
import type { Sink } from '../sinks/sink.js';
import { describeThrown } from '../validation/json-value.js';

/**
 * Last step of `emit`: hands the event to every sink that wants its type,
 * once each, in order. A sink that throws is reported as
 * `FACTLINE_SINK_FAILED`; the others still get the event.
 */
export function fanOut(
  sinks: readonly Sink[],
  event: FactlineEvent,
  info: EventTypeInfo,
  timeMs: number,
  observedMs: number,
  report: (p: RuntimeProblem) => void,
): void {
  for (let i = 0; i < sinks.length; i++) {
    const sink = sinks[i]!;
    try {
      sink.write(event, info, timeMs, observedMs);
    } catch (e) {
      report({ code: 'FACTLINE_SINK_FAILED', message: `sink "${sink.name}" threw: ${describeThrown(e)}`, event_id: info.id, sink: sink.name, cause: e });
    }
  }
}
