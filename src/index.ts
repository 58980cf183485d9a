/**
 * factline: typed event catalogs emitted as OpenTelemetry log records and
 * span events. Start with `defineCatalog` and `setupFactline` (README, "Use
 * it in a service").
 *
 * The root exports what a service needs: the set-up, the catalog, the
 * EventID helpers, the types of events and problems, and the lower-level
 * pieces the README names (`createEmitter`, the sinks, the OTel pipeline and
 * sink, the durable processors for a service's own SDK, the chain verifier). Everything else is reached through its own
 * entry point: `factline/eventid`, `factline/otel`, `factline/intent`,
 * `factline/query-builders`. test/exports.test.ts pins every entry point's names.
 */
export { setupFactline } from './setup.js';
export type { Factline, FactlineOptions } from './setup.js';
export { EXIT_UNDELIVERED, stopOnSignals } from './signals.js';
export type { SignalShutdownOptions } from './signals.js';

export { defineCatalog, combineCatalogs, CatalogError, lintCatalog } from './catalog/index.js';
export type {
  Catalog,
  CatalogDescription,
  CatalogEntry,
  EventDefinition,
  EventTypeAttributes,
  EventTypeInfo,
  LintWarning,
  PiiAction,
} from './catalog/index.js';
export { lockCatalog, checkCatalog, formatCatalogLock, parseCatalogLock, assertCatalogLocked, CatalogLockError, weaverRegistry } from './catalog/index.js';
export type { CatalogLock, LockedEvent, CatalogCheck, CatalogChange, CatalogChangeKind, WeaverRegistry, WeaverExportOptions } from './catalog/index.js';

export { createEmitter, hashPiiValue } from './emitter/index.js';
export type { EmitOptions, Emitter, EmitterOptions, EmitterStats, EventFilter, PayloadOf } from './emitter/index.js';

export { parseEventId, safeParseEventId, formatEventId, isEventId, eventId, matchesPattern, EventIdError, EVENT_ID_JSON_SCHEMA } from './eventid/index.js';
export type { EventId, EventIdString, EventIdErrorCode, EventIdProblem, EventPattern, ValidEventId } from './eventid/index.js';

export type { FactlineEvent, EventSource, EventSourceType, Severity, ValidationIssue, IssueCode, EmitOptionName } from './envelope/index.js';

export { FactlineValidationError } from './validation/index.js';
export type { ValidationMode } from './validation/index.js';

export type { ProblemDetails, ProblemHandler, RuntimeProblem, RuntimeProblemCode, RuntimeProblemOf } from './problems.js';

export type { Sink, SinkContext, SinkStats } from './sinks/sink.js';
export { DurableLogRecordProcessor, DurableSpanProcessor, createOtlpHttpTransport } from './delivery/index.js';
export type {
  DeliveryStats,
  DurableDeliveryOptions,
  SpoolOptions,
  BackoffOptions,
  LogTransport,
  SendOutcome,
  OtlpHttpTransportOptions,
  OtlpEncoding,
} from './delivery/index.js';
export { createJsonlSink, readEvents } from './sinks/jsonl/index.js';
export type { JsonlSink, JsonlSinkOptions, FsyncPolicy } from './sinks/jsonl/index.js';
export { createConsoleSink } from './sinks/console/index.js';
export type { ConsoleSinkOptions } from './sinks/console/index.js';
export { verifyChain, verifyChainFiles } from './chain/index.js';
export type { ChainVerifyResult } from './chain/index.js';

export { createOtelPipeline, createOtelSink, createLogExporter, createSpanExporter } from './otel/index.js';
export type { OtelPipeline, OtelPipelineOptions, OtelSinkOptions, SpanEventMode } from './otel/index.js';

export { VERSION } from './version.js';
