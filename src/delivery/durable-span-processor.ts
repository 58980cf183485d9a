import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { sdkPackage } from '../otel/sdk.js';
import type { RuntimeProblem } from '../problems.js';
import { DurableProcessor } from './durable-processor.js';
import type { DurableDeliveryOptions, SignalCodec } from './delivery-options.js';
import { TRACES_SHAPE } from './otlp-json.js';
import type { LogTransport } from './send-outcome.js';

const TRACES: SignalCodec<ReadableSpan> = {
  signal: 'traces',
  noun: 'spans',
  shape: TRACES_SHAPE,
  serialize: (spans, encoding) => {
    const t = sdkPackage('@opentelemetry/otlp-transformer');
    return (encoding === 'protobuf' ? t.ProtobufTraceSerializer : t.JsonTraceSerializer).serializeRequest(spans);
  },
  idOf: (span) => (typeof span.spanId === 'string' ? span.spanId : undefined),
};

/**
 * A `SpanProcessor` that keeps every ended, sampled span until the OTLP
 * endpoint has acknowledged it, in place of the SDK's `BatchSpanProcessor`:
 * the same store and forward as `DurableLogRecordProcessor`, with the spool
 * in `<spool.dir>/traces/`.
 *
 * @example
 * const processor = new DurableSpanProcessor(createOtlpHttpTransport({ url: 'http://localhost:4318/v1/traces', rejectedField: 'rejectedSpans' }));
 * const provider = new TracerProvider({ spanProcessors: [processor] }); // @opentelemetry/sdk-trace
 */
export class DurableSpanProcessor extends DurableProcessor<ReadableSpan> implements SpanProcessor {
  constructor(transport: LogTransport, options: DurableDeliveryOptions = {}, report?: (p: RuntimeProblem) => void) {
    super(TRACES, transport, options, report);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    // As the SDK's batch processor: an unsampled span is not exported.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.queue.add(span);
  }
}
