import { context, diag, propagation, trace, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { LoggerProvider, LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { TracerProvider, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { logsApi } from './logs-api.js';
import { PIPELINE_PACKAGES, sdkPackage } from './sdk.js';
import { createOtlpLogExporter, createOtlpSpanExporter, exporterNames, otlpProtocol } from './exporters.js';
import { INSTRUMENTATION_SCOPE } from '../wire.js';
import { VERSION } from '../version.js';
import { createOtelSink, type OtelSinkOptions } from './sink.js';
import { KeyedIdGenerator } from './id-generator.js';
import type { ProblemHandler } from '../problems.js';
import type { Sink, SinkStats } from '../sinks/sink.js';
import { DurableLogRecordProcessor } from '../delivery/durable-log-record-processor.js';
import { DurableSpanProcessor } from '../delivery/durable-span-processor.js';
import type { DurableDeliveryOptions } from '../delivery/delivery-options.js';
import type { LogTransport } from '../delivery/send-outcome.js';
import type { SpoolOptions } from '../delivery/spool.js';
import { withProcessEnv } from './env.js';
import { createOtlpTransport } from './otlp-transport.js';

export interface OtelPipelineOptions {
  /**
   * `service.name` of the resource. Default: `OTEL_SERVICE_NAME`, else the
   * `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:node`.
   */
  serviceName?: string;
  /** `service.version` of the resource. Default: none. */
  serviceVersion?: string;
  /** More resource attributes; `OTEL_RESOURCE_ATTRIBUTES` is merged in too (it loses to these). */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * Log exporter. Default: OTLP/HTTP to `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`
   * or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs` (default
   * `http://localhost:4318/v1/logs`), headers and timeout from the standard
   * `OTEL_EXPORTER_OTLP_*` variables. `null` disables logs export.
   */
  logExporter?: LogRecordExporter | null;
  /** Span exporter; same defaults for traces (`/v1/traces`). `null` disables trace export. */
  spanExporter?: SpanExporter | null;
  /**
   * Processors instead of the default durable ones (`DurableLogRecordProcessor`,
   * `DurableSpanProcessor`; log batch size and delay from
   * `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE` / `OTEL_BLRP_SCHEDULE_DELAY`). Mostly
   * for tests, with the SDK's `SimpleLogRecordProcessor` and in-memory exporters.
   */
  logProcessors?: LogRecordProcessor[];
  spanProcessors?: SpanProcessor[];
  /**
   * Register the tracer provider, the async-hooks context manager and the
   * W3C propagator globally, so that `trace.getActiveSpan()` works across
   * `await`. Default true. Set false in a service that registers its own.
   */
  registerGlobals?: boolean;
  /**
   * Store and forward on disk for the OTLP log records (`<dir>/logs/`) and
   * spans (`<dir>/traces/`): `{ dir, maxBytes }` (`maxBytes` default 1 GiB
   * per signal). Default: `FACTLINE_SPOOL_DIR` when set,
   * else none (memory only, `delivery.maxBufferBytes`). Off by default
   * because a library must not write to the host's disk unasked, and a
   * spool belongs to one process (it is locked): each replica needs its own
   * directory, which only the deployment knows. `false` turns the variable off.
   */
  spool?: SpoolOptions | false;
  /**
   * Tuning of the durable delivery of OTLP log records and spans (batch
   * size, memory budget, timeouts, backoff; `deadLetterPath` is for log
   * records); see `DurableDeliveryOptions`. Applies to factline's own OTLP
   * export, not to a `logExporter` or `spanExporter` you pass. The body
   * encoding is not among them: it follows the protocol,
   * `OTEL_EXPORTER_OTLP_[LOGS_|TRACES_]PROTOCOL` (`http/protobuf` default, `http/json`).
   */
  delivery?: Omit<DurableDeliveryOptions, 'spool' | 'encoding'>;
  /** Span event options of the OTLP sink. */
  spanEvents?: OtelSinkOptions['spanEvents'];
  /** Hooks of the OTLP sink (the Intent catalog's span builder uses them). */
  spanFor?: OtelSinkOptions['spanFor'];
  afterEmit?: OtelSinkOptions['afterEmit'];
}

export interface OtelPipeline {
  readonly loggerProvider: LoggerProvider;
  /** The SDK's `TracerProvider` (`@opentelemetry/sdk-trace`, of the service's SDK line). */
  readonly tracerProvider: TracerProvider;
  /** The tracer provider's id generator; `withIds` gives a root span chosen ids. */
  readonly idGenerator: KeyedIdGenerator;
  /** The sink to give the emitter; its `stats()` are the delivery counters of the log records. */
  readonly sink: Sink;
  /** The durable processor of factline's own OTLP log export, when it built one. */
  readonly delivery: DurableLogRecordProcessor | undefined;
  /** The durable processor of factline's own OTLP span export, when it built one. */
  readonly spanDelivery: DurableSpanProcessor | undefined;
  /** Exports everything buffered. */
  forceFlush(): Promise<void>;
  /** Flushes, then shuts both providers down. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** What a batch processor calls on its exporter: the shape `LogRecordExporter` and `SpanExporter` share. */
interface ItemExporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * An exporter that reports a failed export of `exporter` as
 * `FACTLINE_EXPORT_FAILED` (once the emitter has started the sink) instead
 * of letting it disappear into the SDK's diagnostics. It composes, as the
 * SDK's processors do: `exporter` itself (possibly the service's own) is
 * left as it was.
 */
function reporting<T>(exporter: ItemExporter<T>, signal: 'logs' | 'traces', report: () => ProblemHandler | undefined): Required<ItemExporter<T>> {
  return {
    export(items, done) {
      exporter.export(items, (result) => {
        // ExportResultCode.SUCCESS is 0 on both SDK lines.
        if (result.code !== 0) {
          report()?.({
            code: 'FACTLINE_EXPORT_FAILED',
            message: `exporting ${items.length} ${signal === 'logs' ? 'log records' : 'spans'} failed: ${result.error?.message ?? 'unknown error'}`,
            sink: 'otel',
            details: { signal, items: items.length },
            cause: result.error,
          });
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** `OTEL_SDK_DISABLED=true` turns every exporter off, as the specification requires. */
function sdkDisabled(env: NodeJS.ProcessEnv): boolean {
  return (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
}

/*
 * The batch processors' sizes from the specification's OTEL_BLRP_* (logs)
 * and OTEL_BSP_* (spans) variables, read here and passed as options: the
 * SDK 3 line's processors read no variables at all (nor does sdk-logs 0.2xx),
 * and on SDK 2's span processor options read from the same variables change nothing.
 */
function batchFromEnv(
  env: NodeJS.ProcessEnv,
  prefix: 'OTEL_BLRP' | 'OTEL_BSP' = 'OTEL_BLRP',
): { scheduledDelayMillis?: number; exportTimeoutMillis?: number; maxQueueSize?: number; maxExportBatchSize?: number } {
  const out: Record<string, number> = {};
  const read = (name: string, key: string) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) out[key] = n;
    else diag.warn(`factline: ${name}="${raw}" is not a positive integer; using the default`);
  };
  read(`${prefix}_SCHEDULE_DELAY`, 'scheduledDelayMillis');
  read(`${prefix}_EXPORT_TIMEOUT`, 'exportTimeoutMillis');
  read(`${prefix}_MAX_QUEUE_SIZE`, 'maxQueueSize');
  read(`${prefix}_MAX_EXPORT_BATCH_SIZE`, 'maxExportBatchSize');
  return out;
}
const blrpFromEnv = (env: NodeJS.ProcessEnv) => batchFromEnv(env, 'OTEL_BLRP');

/**
 * The arguments of a durable processor for factline's own OTLP export of a
 * signal: its transport, and the spool from the option, else
 * `FACTLINE_SPOOL_DIR`. The processor throws at set-up when the spool
 * directory is held by another process.
 */
function durableArgs(
  options: OtelPipelineOptions,
  env: NodeJS.ProcessEnv,
  signal: 'logs' | 'traces',
  protocol: 'http/protobuf' | 'http/json',
  report: ProblemHandler,
): [LogTransport, DurableDeliveryOptions, ProblemHandler] {
  const spoolDir = env.FACTLINE_SPOOL_DIR?.trim();
  const spool = options.spool === false ? undefined : (options.spool ?? (spoolDir ? { dir: spoolDir } : undefined));
  const blrp = signal === 'logs' ? blrpFromEnv(env) : {};
  const { transport, timeoutMillis } = createOtlpTransport(signal, env);
  const { deadLetterPath, encoding: _ignored, ...delivery } = (options.delivery ?? {}) as DurableDeliveryOptions;
  return [
    transport,
    {
      timeoutMillis,
      encoding: protocol === 'http/protobuf' ? 'protobuf' : 'json',
      ...(blrp.maxExportBatchSize !== undefined ? { maxExportBatchSize: blrp.maxExportBatchSize } : {}),
      ...(blrp.scheduledDelayMillis !== undefined ? { scheduledDelayMillis: blrp.scheduledDelayMillis } : {}),
      ...delivery,
      // The dead-letter path names a file of log records; spans refused go beside the spool.
      ...(signal === 'logs' && deadLetterPath !== undefined ? { deadLetterPath } : {}),
      ...(spool ? { spool } : {}),
    },
    report,
  ];
}

/*
 * How each exporter name of OTEL_LOGS_EXPORTER / OTEL_TRACES_EXPORTER is
 * served. `otlp` over OTLP/HTTP, `http/protobuf` (the specification's
 * default, and factline's) or `http/json`, goes through the durable
 * processor (store and forward, dead letters: src/delivery/), which sends
 * each batch in the protocol's body encoding. An explicit `grpc` is
 * honoured with the OTel JS exporter under the SDK's batch processor,
 * which has no spool: a warning says so once at set-up (docs/collector.md,
 * "Delivery guarantees").
 */
function otlpProtocolOf(signal: 'logs' | 'traces', env: NodeJS.ProcessEnv) {
  const protocol = otlpProtocol(signal, env);
  if (protocol === 'grpc') {
    diag.warn(
      `factline: OTEL_EXPORTER_OTLP_PROTOCOL=grpc for ${signal}: exported by the OpenTelemetry SDK's grpc exporter without factline's durable delivery (spool, dead letters); use http/protobuf (the default) or http/json to keep it`,
    );
  }
  return protocol;
}

/**
 * An OpenTelemetry SDK pipeline for a service that has none: a resource
 * with `service.name`, durable store-and-forward processors exporting logs
 * and traces over OTLP/HTTP (`src/delivery/`), and the standard `OTEL_*` variables honoured
 * (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_*`,
 * `OTEL_LOGS_EXPORTER`, `OTEL_TRACES_EXPORTER`, `OTEL_BLRP_*`, `OTEL_BSP_*`,
 * `OTEL_SDK_DISABLED`), all read from `env` (default `process.env`),
 * those the SDK reads itself included. A service that already has an SDK
 * does not need this: it passes its own logger to `createOtelSink`.
 *
 * @example
 * const pipeline = createOtelPipeline({ serviceName: 'checkout' });
 * const events = createEmitter(catalog, { sinks: [pipeline.sink] });
 * process.on('SIGTERM', () => pipeline.shutdown());
 */
export function createOtelPipeline(options: OtelPipelineOptions = {}, env: NodeJS.ProcessEnv = process.env): OtelPipeline {
  // The SDK's own parts (resource detector, processors, exporters) read process.env as they are built.
  return withProcessEnv(env, () => buildPipeline(options, env));
}

function buildPipeline(options: OtelPipelineOptions, env: NodeJS.ProcessEnv): OtelPipeline {
  // Every SDK package the pipeline may use, loaded now: a missing one fails set-up with the install command.
  for (const name of PIPELINE_PACKAGES) sdkPackage(name);
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = sdkPackage('@opentelemetry/resources');
  const { BatchLogRecordProcessor, ConsoleLogRecordExporter, LoggerProvider } = sdkPackage('@opentelemetry/sdk-logs');
  const { TracerProvider, BatchSpanProcessor, ConsoleSpanExporter } = sdkPackage('@opentelemetry/sdk-trace');
  const fromEnv = detectResources({ detectors: [envDetector] });
  const explicit: Record<string, string | number | boolean> = { ...options.resourceAttributes };
  if (options.serviceName !== undefined) explicit['service.name'] = options.serviceName;
  if (options.serviceVersion !== undefined) explicit['service.version'] = options.serviceVersion;
  const resource = defaultResource().merge(fromEnv).merge(resourceFromAttributes(explicit));

  const disabled = sdkDisabled(env);
  // Problems found while the processors are built (a damaged spool file at
  // load) are held until the emitter starts the sink, then reported.
  const early: Parameters<ProblemHandler>[0][] = [];
  let report: ProblemHandler | undefined;
  const reporter = (): ProblemHandler => report ?? ((p) => void early.push(p));
  let logProcessors = options.logProcessors;
  let durable: DurableLogRecordProcessor | undefined;
  if (logProcessors === undefined) {
    const names = disabled ? [] : exporterNames('logs', env);
    if (options.logExporter !== undefined) {
      // A LogRecordExporter of the service's own choosing keeps the SDK's batch processor.
      const exporter = options.logExporter;
      logProcessors =
        exporter && names.length > 0 ? [new BatchLogRecordProcessor({ exporter: reporting(exporter, 'logs', reporter), ...blrpFromEnv(env) })] : [];
    } else {
      logProcessors = names.map((name) => {
        const protocol = name === 'otlp' ? otlpProtocolOf('logs', env) : undefined;
        if (protocol === 'http/protobuf' || protocol === 'http/json') {
          durable = new DurableLogRecordProcessor(...durableArgs(options, env, 'logs', protocol, (p) => reporter()?.(p)));
          return durable;
        }
        const exporter = protocol === undefined ? new ConsoleLogRecordExporter() : createOtlpLogExporter(protocol, env);
        return new BatchLogRecordProcessor({ exporter: reporting(exporter, 'logs', reporter), ...blrpFromEnv(env) });
      });
    }
  }
  let spanProcessors = options.spanProcessors;
  let spanDelivery: DurableSpanProcessor | undefined;
  if (spanProcessors === undefined) {
    const names = disabled ? [] : exporterNames('traces', env);
    if (options.spanExporter !== undefined) {
      // A SpanExporter of the service's own choosing keeps the SDK's batch processor.
      const exporter = options.spanExporter;
      spanProcessors =
        exporter && names.length > 0 ? [new BatchSpanProcessor({ exporter: reporting(exporter, 'traces', reporter), ...batchFromEnv(env, 'OTEL_BSP') })] : [];
    } else {
      spanProcessors = names.map((name) => {
        const protocol = name === 'otlp' ? otlpProtocolOf('traces', env) : undefined;
        if (protocol === 'http/protobuf' || protocol === 'http/json') {
          spanDelivery = new DurableSpanProcessor(...durableArgs(options, env, 'traces', protocol, (p) => reporter()?.(p)));
          return spanDelivery;
        }
        const exporter = protocol === undefined ? new ConsoleSpanExporter() : createOtlpSpanExporter(protocol, env);
        return new BatchSpanProcessor({ exporter: reporting(exporter, 'traces', reporter), ...batchFromEnv(env, 'OTEL_BSP') });
      });
    }
  }

  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors });
  const idGenerator = new KeyedIdGenerator();
  const tracerProvider = new TracerProvider({ resource, spanProcessors, idGenerator });
  if (options.registerGlobals !== false) {
    const { AsyncLocalStorageContextManager } = sdkPackage('@opentelemetry/context-async-hooks');
    const { W3CTraceContextPropagator } = sdkPackage('@opentelemetry/core');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider as ApiTracerProvider);
    logsApi().setGlobalLoggerProvider(loggerProvider);
  }
  const sink = createOtelSink({
    logger: loggerProvider.getLogger(INSTRUMENTATION_SCOPE, VERSION),
    ...(options.spanEvents !== undefined ? { spanEvents: options.spanEvents } : {}),
    ...(options.spanFor !== undefined ? { spanFor: options.spanFor } : {}),
    ...(options.afterEmit !== undefined ? { afterEmit: options.afterEmit } : {}),
  });

  let written = 0;
  const stats = (): SinkStats => {
    if (!durable) return { emitted: written, delivered: 0, pending: 0, spooled: 0, deadLettered: 0, dropped: 0 };
    const d = durable.stats();
    return { ...d, emitted: written };
  };
  let closing: Promise<void> | undefined;
  const forceFlush = async () => {
    await Promise.all([loggerProvider.forceFlush(), tracerProvider.forceFlush()]);
  };
  return {
    loggerProvider,
    tracerProvider,
    idGenerator,
    delivery: durable,
    spanDelivery,
    sink: {
      ...sink,
      write(event, type, timeMs, observedMs) {
        written++;
        sink.write(event, type, timeMs, observedMs);
      },
      stats,
      start: (ctx) => {
        report = (p) => ctx.report(p);
        for (const p of early.splice(0)) ctx.report(p);
      },
      flush: forceFlush,
      shutdown: () => shutdown(),
    },
    forceFlush,
    shutdown: () => shutdown(),
  };
  function shutdown(): Promise<void> {
    closing ??= (async () => {
      // Each provider's shutdown flushes its processors once: a forceFlush
      // before it would wait out the flush timeout twice with the endpoint down.
      await Promise.all([loggerProvider.shutdown(), tracerProvider.shutdown()]);
    })();
    return closing;
  }
}
