export { createOtelPipeline } from './setup.js';
export type { OtelPipeline, OtelPipelineOptions } from './setup.js';
export { createOtelSink } from './sink.js';
export type { OtelSinkOptions } from './sink.js';
export { toLogRecord, toSpanEvent, eventAttributes, payloadAttributes, int64Safe, msToHrTime } from './mapping.js';
export type { SpanEventMode } from './mapping.js';
export { idsForTraceKey } from './trace-key.js';
export { KeyedIdGenerator } from './id-generator.js';
