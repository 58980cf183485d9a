/**
 * factline: typed event catalogs emitted as OpenTelemetry log records and
 * span events. Start with `defineCatalog` and `setupFactline`.
 */
export { setupFactline } from './setup.js';
export type { Factline, FactlineOptions } from './setup.js';

export { defineCatalog, combineCatalogs, CatalogError, lintCatalog } from './catalog/index.js';
export type { Catalog, CatalogDescription, CatalogEntry, EventDefinition, EventTypeInfo, LintWarning, PiiAction } from './catalog/index.js';

export { createEmitter, resolveValidationMode } from './emitter/index.js';
export type { EmitOptions, Emitter, EmitterOptions, EmitterStats, EventFilter, PayloadOf } from './emitter/index.js';

export {
  parseEventId,
  safeParseEventId,
  formatEventId,
  isEventId,
  eventId,
  matchesPattern,
  compilePattern,
  EventIdError,
  EVENT_ID_PATTERN,
  EVENT_ID_JSON_SCHEMA,
} from './eventid/index.js';
export type { EventId, EventIdString, EventIdErrorCode, EventIdProblem, EventPattern, ValidEventId } from './eventid/index.js';

export type { FactlineEvent, EventSource, EventSourceType, Severity, ValidationIssue, IssueCode } from './envelope/index.js';
export { severityForAction, formatIssues } from './envelope/index.js';

export { FactlineValidationError, checkJsonSafety } from './validation/index.js';
export type { ValidationMode } from './validation/index.js';

export type { RuntimeProblem, RuntimeProblemCode, ProblemHandler } from './problems.js';

export type { Sink, SinkContext, SinkStats } from './sinks/sink.js';
export type { DeliveryStats, DurableDeliveryOptions, SpoolOptions, BackoffOptions } from './delivery/index.js';
export { createJsonlSink, readEvents } from './sinks/jsonl/index.js';
export type { JsonlSink, JsonlSinkOptions, FsyncPolicy } from './sinks/jsonl/index.js';
export { createConsoleSink, formatEventLine } from './sinks/console/index.js';
export type { ConsoleSinkOptions } from './sinks/console/index.js';
export { verifyChain, verifyChainFiles, canonicalJson, computeRecordHash } from './chain/index.js';
export type { ChainVerifyResult } from './chain/index.js';

export { createOtelPipeline, createOtelSink, idsForTraceKey } from './otel/index.js';
export type { OtelPipeline, OtelPipelineOptions, OtelSinkOptions, SpanEventMode } from './otel/index.js';

export { ATTR, ENVELOPE_SCHEMA_VERSION, INSTRUMENTATION_SCOPE } from './wire.js';
export { VERSION } from './version.js';
