import { diag } from '@opentelemetry/api';
import type { Logger } from './logs-api.js';
import type { ProblemHandler } from '../problems.js';
import type { Sink } from '../sinks/sink.js';
import { VERSION } from '../version.js';
import { INSTRUMENTATION_SCOPE } from '../wire.js';
import {
  apiMismatch,
  apiMismatchMessage,
  flushGlobalProviders,
  globalLoggerProviderRegistered,
  globalTracerProviderRegistered,
  hostLogger,
  isFactlineProvider,
} from './host.js';
import type { OtelPipelineOptions } from './setup.js';
import { createOtelSink, type OtelSinkOptions } from './sink.js';

/** The set-up options that decide between factline's own pipeline and the service's SDK. */
export type HostSdkOptions = Pick<
  OtelPipelineOptions,
  'registerGlobals' | 'logExporter' | 'spanExporter' | 'logProcessors' | 'spanProcessors' | 'serviceName' | 'serviceVersion' | 'resourceAttributes'
>;

/*
 * The service's own SDK. When setupFactline would build its own pipeline
 * but another SDK has already registered the global providers (NodeSDK
 * started first), registering factline's too fails ("duplicate
 * registration") and its records would bypass the service's pipeline. So
 * factline uses the service's SDK instead, as with `logger: 'global'`, and
 * says so on the OpenTelemetry diag logger. Explicit exporters or
 * processors, or `registerGlobals: false`, keep factline's own pipeline.
 */
export function hostSdkInstead(options: HostSdkOptions): boolean {
  const ownPipelineAsked =
    options.registerGlobals === false ||
    options.logExporter !== undefined ||
    options.spanExporter !== undefined ||
    options.logProcessors !== undefined ||
    options.spanProcessors !== undefined;
  if (ownPipelineAsked || isFactlineProvider()) return false;
  // A service SDK registered with another copy of the API: factline's pipeline could not register
  // either; the host sink reports FACTLINE_OTEL_API_MISMATCH when it starts.
  if (apiMismatch() !== undefined) return true;
  if (!globalLoggerProviderRegistered() && !globalTracerProviderRegistered()) return false;
  const ignored = (['serviceName', 'serviceVersion', 'resourceAttributes'] as const).filter((k) => options[k] !== undefined);
  const ignoredNote = ignored.length > 0 ? ` (${ignored.join(', ')} ignored: the service's SDK sets the resource)` : '';
  const message =
    `factline: an OpenTelemetry SDK is already registered; emitting through it instead of building a pipeline${ignoredNote}. ` +
    "Pass logger: 'global' to say so, or registerGlobals: false to keep a separate pipeline.";
  if (ignored.length > 0) diag.warn(message);
  else diag.info(message);
  return true;
}

/**
 * The sink for the service's own SDK: factline's log records through
 * `logger` (`'global'`: the global LoggerProvider, whenever it is
 * registered), span events on the service's spans. `flush()` and
 * `shutdown()` force-flush the global providers and report events still
 * waiting for an SDK; neither shuts the service's SDK down.
 *
 * @example
 * createEmitter(catalog, { sinks: [hostSdkSink('global', {})] });
 */
export function hostSdkSink(logger: Logger | 'global', hooks: Omit<OtelSinkOptions, 'logger'>): Sink {
  let report: ProblemHandler | undefined;
  const resolved =
    logger === 'global'
      ? hostLogger(INSTRUMENTATION_SCOPE, VERSION, {
          onDrop: (dropped) => {
            const mismatch = apiMismatch();
            report?.(
              mismatch
                ? {
                    code: 'FACTLINE_OTEL_API_MISMATCH',
                    message: apiMismatchMessage(mismatch, `${dropped} log record(s) dropped past the 1024 held`),
                    sink: 'otel',
                    details: { ...mismatch, dropped },
                  }
                : {
                    code: 'FACTLINE_HOST_SDK_NOT_STARTED',
                    message: `no OpenTelemetry LoggerProvider registered yet; ${dropped} log record(s) dropped past the 1024 held. Start the service's SDK (sdk.start()).`,
                    sink: 'otel',
                    details: { dropped },
                  },
            );
          },
        })
      : logger;
  const sink = createOtelSink({ logger: resolved, ...hooks });
  const flush = async () => {
    await flushGlobalProviders();
    const held = 'held' in resolved ? (resolved as { held: number }).held : 0;
    const mismatch = apiMismatch();
    if (held > 0 && mismatch) {
      report?.({
        code: 'FACTLINE_OTEL_API_MISMATCH',
        message: apiMismatchMessage(mismatch, `${held} log record(s) wait for it`),
        sink: 'otel',
        details: { ...mismatch, held },
      });
    } else if (held > 0) {
      report?.({
        code: 'FACTLINE_HOST_SDK_NOT_STARTED',
        message: `${held} log record(s) still wait for an OpenTelemetry LoggerProvider: the service's SDK was never started (sdk.start())`,
        sink: 'otel',
        details: { held },
      });
    }
  };
  return {
    ...sink,
    start: (ctx) => {
      report = (p) => ctx.report(p);
      const mismatch = apiMismatch();
      if (mismatch)
        report({
          code: 'FACTLINE_OTEL_API_MISMATCH',
          message: apiMismatchMessage(mismatch, "factline's log records and span events would not reach it"),
          sink: 'otel',
          details: { ...mismatch },
        });
    },
    flush,
    // The service's SDK is the service's to shut down (sdk.shutdown()); factline only flushes it.
    shutdown: flush,
  };
}
