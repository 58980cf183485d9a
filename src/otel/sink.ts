import { context, trace, TraceFlags, type Span, type Context } from '@opentelemetry/api';
import type { Logger } from './logs-api.js';
import { hostLogger } from './host.js';
import type { EventTypeInfo } from '../catalog/types.js';
import type { FactlineEvent } from '../envelope/event.js';
import type { Sink } from '../sinks/sink.js';
import { INSTRUMENTATION_SCOPE } from '../wire.js';
import { toLogRecord, toSpanEvent, type SpanEventMode } from './mapping.js';
import { VERSION } from '../version.js';

export interface OtelSinkOptions {
  /**
   * The logger to emit to. Default: factline's logger of the global
   * LoggerProvider, looked up once an SDK has registered one (records
   * emitted before are held until then), so the sink may be created before
   * the service's `sdk.start()`.
   */
  logger?: Logger;
  /**
   * What span events carry: `payload` (envelope attributes and payload
   * fields), `envelope` (envelope attributes only), or `false` (no span
   * events). Default `payload`.
   */
  spanEvents?: SpanEventMode;
  /**
   * The span an event's span event goes on, when it is not the active span
   * (the Intent catalog's contract spans). Default: the active span only.
   */
  spanFor?: (event: FactlineEvent, type: EventTypeInfo) => Span | undefined;
  /** Called after each log record, with the span the event was added to (the Intent catalog ends its spans here). */
  afterEmit?: (event: FactlineEvent, type: EventTypeInfo, span: Span | undefined) => void;
}

/**
 * The thin wiring of the mapping onto the OpenTelemetry API: one log record
 * per event, in the context of the event's trace, and a span event on the
 * active span when it belongs to that trace.
 *
 * @example
 * createEmitter(catalog, { sinks: [createOtelSink({ logger: myProvider.getLogger('svc') })] });
 */
export function createOtelSink(options: OtelSinkOptions = {}): Sink {
  const logger = options.logger ?? hostLogger(INSTRUMENTATION_SCOPE, VERSION);
  const spanEvents = options.spanEvents ?? 'payload';
  const afterEmit = options.afterEmit;
  const spanFor = options.spanFor;

  return {
    name: 'otel',
    write(event, type, timeMs, observedMs) {
      let ctx: Context = context.active();
      const active = trace.getSpan(ctx);
      const activeSc = active?.spanContext();
      if (event.trace_id !== undefined && event.span_id !== undefined && (activeSc === undefined || activeSc.spanId !== event.span_id)) {
        // A trace derived from a trace key: give the record that trace's context.
        ctx = trace.setSpanContext(ctx, { traceId: event.trace_id, spanId: event.span_id, traceFlags: TraceFlags.SAMPLED, isRemote: true });
      }
      const record = toLogRecord(event, type, timeMs, observedMs);
      record.context = ctx;
      logger.emit(record);
      let target = spanFor?.(event, type);
      if (target === undefined && active !== undefined && active.isRecording() && activeSc!.traceId === event.trace_id) target = active;
      if (spanEvents !== false && target !== undefined) {
        const se = toSpanEvent(event, type, spanEvents, timeMs);
        target.addEvent(se.name, se.attributes, se.time);
      }
      afterEmit?.(event, type, target);
    },
  };
}
