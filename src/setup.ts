import { checkOptionNames, optionNames } from './option-names.js';
import type { Logger } from './otel/logs-api.js';
import type { Catalog } from './catalog/define.js';
import type { CatalogEntry } from './catalog/types.js';
import { createEmitter, type Emitter } from './emitter/emitter.js';
import { checkEmitterOptions, piiKeyFor, type EmitterOptions } from './emitter/options.js';
import { createOtelPipeline, type OtelPipeline, type OtelPipelineOptions } from './otel/setup.js';
import type { OtelSinkOptions } from './otel/sink.js';
import { createConsoleSink, type ConsoleSinkOptions } from './sinks/console/index.js';
import { createJsonlSink, type JsonlSinkOptions } from './sinks/jsonl/index.js';
import type { Sink } from './sinks/sink.js';
import { markFactlineProvider } from './otel/host.js';
import { hostSdkInstead, hostSdkSink } from './otel/host-sink.js';
import { stopOnSignals, type SignalShutdownOptions } from './signals.js';
import { checkDeliveryOptions, checkSpoolOption, describeValue } from './delivery/delivery-options.js';

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the options `setupFactline` adds to the emitter's, at set-up, so
 * that a typo or an empty value fails at once with a message naming the
 * option and what it accepts, instead of behaving like a default (an empty
 * `file` path used to write no events file at all).
 *
 * @throws Error naming the option, the value and the accepted values.
 * @example
 * checkSetupOptions({ file: '' });
 * // Error: file: "" is not allowed; pass true, false, a non-empty path or { path, fsync, ... }
 */
export function checkSetupOptions(o: FactlineOptions): void {
  const fail = (name: string, v: unknown, want: string): never => {
    throw new Error(`${name}: ${describeValue(v)} is not allowed; ${want}`);
  };
  // A name setupFactline does not know (a typo, an option of another function) is refused, not ignored: plain JavaScript has no type check.
  checkOptionNames(o, SETUP_OPTIONS, '', 'setupFactline');
  if (isObject(o.console)) checkOptionNames(o.console, CONSOLE_OPTION_NAMES, 'console.', 'the console sink');
  for (const name of ['otlp', 'shutdownOnExit', 'registerGlobals'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') fail(name, o[name], 'pass true or false');
  }
  if (o.logger !== undefined && o.logger !== 'global' && !(isObject(o.logger) && typeof (o.logger as { emit?: unknown }).emit === 'function')) {
    fail('logger', o.logger, 'pass "global" or a Logger of your OpenTelemetry SDK (an object with emit)');
  }
  if (o.spanEvents !== undefined && o.spanEvents !== 'payload' && o.spanEvents !== 'envelope' && o.spanEvents !== false) {
    fail('spanEvents', o.spanEvents, 'use "payload", "envelope" or false');
  }
  if (o.file !== undefined && typeof o.file !== 'boolean' && !isObject(o.file) && !(typeof o.file === 'string' && o.file.trim() !== '')) {
    fail('file', o.file, 'pass true, false, a non-empty path or { path, fsync, ... }');
  }
  if (o.console !== undefined && typeof o.console !== 'boolean' && !isObject(o.console))
    fail('console', o.console, 'pass true, false or { stream, color, ... }');
  if (o.serviceVersion !== undefined && (typeof o.serviceVersion !== 'string' || o.serviceVersion.trim() === '')) {
    fail('serviceVersion', o.serviceVersion, 'pass a non-empty string');
  }
  if (o.resourceAttributes !== undefined && !isObject(o.resourceAttributes)) fail('resourceAttributes', o.resourceAttributes, 'pass an object of attributes');
  if (o.spool !== undefined && o.spool !== false) checkSpoolOption(o.spool, 'spool');
  if (o.delivery !== undefined) checkDeliveryOptions(o.delivery, 'delivery.');
}

/** Every option name of {@link FactlineOptions} (a missing or extra one fails to compile: src/option-names.ts). */
const SETUP_OPTIONS = optionNames<FactlineOptions>()([
  // the emitter's
  'validation',
  'source',
  'sessionId',
  'serviceName',
  'filter',
  'maxPayloadBytes',
  'piiKey',
  'piiSalt',
  'onProblem',
  'now',
  // the OpenTelemetry pipeline's
  'serviceVersion',
  'resourceAttributes',
  'logExporter',
  'spanExporter',
  'logProcessors',
  'spanProcessors',
  'registerGlobals',
  'spool',
  'delivery',
  // setupFactline's own
  'otlp',
  'logger',
  'spanEvents',
  'file',
  'console',
  'sinks',
  'shutdownOnExit',
]);
const CONSOLE_OPTION_NAMES = optionNames<ConsoleSinkOptions>()(['stream', 'color', 'maxValueLength', 'minSeverity', 'time', 'name']);

export interface FactlineOptions extends Omit<EmitterOptions, 'sinks' | 'resolveTrace'>, Omit<OtelPipelineOptions, 'spanEvents' | 'spanFor' | 'afterEmit'> {
  /**
   * Export through OpenTelemetry. `true` (the default) builds an SDK pipeline
   * (`createOtelPipeline`) with the exporters the `OTEL_*` variables ask for:
   * OTLP/HTTP through factline's durable processors, in binary protobuf by
   * default (`http/protobuf`, as in the specification) or OTLP JSON when
   * `OTEL_EXPORTER_OTLP_PROTOCOL` says `http/json` (`grpc`: through the
   * SDK's exporter, without the spool), or uses the service's SDK when one
   * is already registered; `false` exports nothing. Ignored when `logger` is given.
   */
  otlp?: boolean;
  /**
   * Emit through the service's own OpenTelemetry SDK instead of building a
   * pipeline. `'global'`: the global LoggerProvider the service's SDK
   * registers (NodeSDK does in `start()`), looked up at the first emit after
   * it is registered, so `setupFactline` may run before `sdk.start()`;
   * events emitted before that are held (up to 1024) and then delivered. Or
   * a `Logger` of the service's SDK. Either way span events go to the
   * service's active span; `flush()` and `shutdown()` force-flush the
   * global LoggerProvider and TracerProvider but never shut them down.
   */
  logger?: Logger | 'global';
  /** Span events: `payload` (default), `envelope`, or `false`. */
  spanEvents?: OtelSinkOptions['spanEvents'];
  /** Also append to a hash-chained `events.jsonl`: `true` for the defaults, or a path, or options. Default: off. */
  file?: boolean | string | JsonlSinkOptions;
  /** Also print the one-line text form: `true` for stdout, or options. Default: off. */
  console?: boolean | ConsoleSinkOptions;
  /** More sinks, after the built-in ones. */
  sinks?: readonly Sink[];
  /**
   * Flush and shut down when the event loop empties (`beforeExit`). Default
   * true. A service that listens never empties its loop: use
   * `shutdownOnSignals()` for SIGTERM.
   */
  shutdownOnExit?: boolean;
}

export interface Factline<D extends Record<string, CatalogEntry>> extends Emitter<D> {
  /** The SDK pipeline factline built, when it built one. */
  readonly pipeline: OtelPipeline | undefined;
  /**
   * Stops the process on SIGTERM / SIGINT: `beforeShutdown` (close the
   * server), factline's `shutdown()`, `afterShutdown` (e.g. `sdk.shutdown()`),
   * then `process.exit`. Returns a function that removes the handlers.
   *
   * @example
   * factline.shutdownOnSignals({ beforeShutdown: () => new Promise((r) => server.close(r)), afterShutdown: () => sdk.shutdown() });
   */
  shutdownOnSignals(options?: SignalShutdownOptions): () => void;
}

/**
 * Where a built-in catalog places its events in a trace and which spans
 * they go on (the Intent catalog's loop spans). Not a public option: a
 * catalog that needs them wires them through {@link setupWithTraceHooks};
 * experts use `createEmitter`'s `resolveTrace` and `createOtelSink`'s
 * `spanFor` / `afterEmit` directly.
 */
export interface TraceHooks {
  resolveTrace?: EmitterOptions['resolveTrace'];
  spanFor?: OtelSinkOptions['spanFor'];
  afterEmit?: OtelSinkOptions['afterEmit'];
}

/**
 * The one call most services need: an emitter for the catalog with an
 * OpenTelemetry pipeline (or the service's own logger) and, optionally, the
 * `events.jsonl` file and the console. Throws only here, at set-up.
 *
 * @example
 * const factline = setupFactline(catalog, { serviceName: 'checkout', file: 'events.jsonl', console: true });
 * factline.emit('auth.user.login:1', { user_id, ip, method: 'password', mfa: true });
 * await factline.shutdown();
 */
export function setupFactline<D extends Record<string, CatalogEntry>>(catalog: Catalog<D>, options: FactlineOptions = {}): Factline<D> {
  return setupWithTraceHooks(catalog, options, {});
}

/**
 * Records a shutdown leaves undelivered: still pending or spooled after it,
 * plus those it dropped, over the sinks and the span delivery.
 */
function undeliveredCounter(
  emitter: { stats(): { sinks: Record<string, { pending: number; spooled: number; dropped: number } | undefined> } },
  pipeline: OtelPipeline | undefined,
) {
  const all = () => [...Object.values(emitter.stats().sinks), pipeline?.spanDelivery?.stats()].filter((s) => s !== undefined);
  let droppedBefore = 0;
  return {
    before() {
      droppedBefore = all().reduce((n, s) => n + s.dropped, 0);
    },
    after() {
      const now = all();
      return now.reduce((n, s) => n + s.pending + s.spooled + s.dropped, 0) - droppedBefore;
    },
  };
}

/** `setupFactline` with a built-in catalog's trace hooks; internal to the package. */
export function setupWithTraceHooks<D extends Record<string, CatalogEntry>>(
  catalog: Catalog<D>,
  options: FactlineOptions,
  traceHooks: TraceHooks,
): Factline<D> {
  // Options that fail set-up fail before a pipeline (and its spool lock) exists.
  checkEmitterOptions(options);
  checkSetupOptions(options);
  piiKeyFor(catalog as Catalog, options);
  const sinks: Sink[] = [];
  let pipeline: OtelPipeline | undefined;
  const spanEvents = options.spanEvents !== undefined ? { spanEvents: options.spanEvents } : {};
  const hooks = {
    ...spanEvents,
    ...(traceHooks.spanFor !== undefined ? { spanFor: traceHooks.spanFor } : {}),
    ...(traceHooks.afterEmit !== undefined ? { afterEmit: traceHooks.afterEmit } : {}),
  };
  if (options.logger !== undefined || (options.otlp !== false && hostSdkInstead(options))) {
    sinks.push(hostSdkSink(options.logger ?? 'global', hooks));
  } else if (options.otlp !== false) {
    pipeline = createOtelPipeline({ ...options, ...hooks });
    if (options.registerGlobals !== false) markFactlineProvider(pipeline.loggerProvider, pipeline.tracerProvider);
    sinks.push(pipeline.sink);
  }
  if (options.file) {
    sinks.push(createJsonlSink(typeof options.file === 'string' ? { path: options.file } : options.file === true ? {} : options.file));
  }
  if (options.console) {
    sinks.push(createConsoleSink(options.console === true ? {} : options.console));
  }
  sinks.push(...(options.sinks ?? []));
  const emitter = createEmitter(catalog, { ...options, sinks, ...(traceHooks.resolveTrace !== undefined ? { resolveTrace: traceHooks.resolveTrace } : {}) });
  if (options.shutdownOnExit !== false) {
    process.once('beforeExit', () => void emitter.shutdown());
  }
  return Object.assign(emitter, {
    pipeline,
    shutdownOnSignals: (o?: SignalShutdownOptions) => stopOnSignals(() => emitter.shutdown(), o, undeliveredCounter(emitter, pipeline)),
  });
}
