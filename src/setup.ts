import type { Logger } from '@opentelemetry/api-logs';
import type { Catalog } from './catalog/define.js';
import type { CatalogEntry } from './catalog/types.js';
import { createEmitter, type Emitter } from './emitter/emitter.js';
import type { EmitterOptions } from './emitter/options.js';
import { createOtelPipeline, type OtelPipeline, type OtelPipelineOptions } from './otel/setup.js';
import { createOtelSink, type OtelSinkOptions } from './otel/sink.js';
import { createConsoleSink, type ConsoleSinkOptions } from './sinks/console/index.js';
import { createJsonlSink, type JsonlSinkOptions } from './sinks/jsonl/index.js';
import type { Sink } from './sinks/sink.js';

export interface FactlineOptions extends Omit<EmitterOptions, 'sinks'>, Omit<OtelPipelineOptions, 'spanEvents'> {
  /**
   * Export through OpenTelemetry. `true` (the default) builds an SDK pipeline
   * with OTLP/HTTP exporters (`createOtelPipeline`); `false` exports nothing.
   * Ignored when `logger` is given.
   */
  otlp?: boolean;
  /**
   * A logger from the service's own OpenTelemetry SDK. When given, factline
   * builds no pipeline of its own and emits through it; span events go to
   * the active span of the service's tracer as usual.
   */
  logger?: Logger;
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
   * true. Signals are the application's to handle: call `shutdown()` from
   * your SIGTERM handler.
   */
  shutdownOnExit?: boolean;
}

export interface Factline<D extends Record<string, CatalogEntry>> extends Emitter<D> {
  /** The SDK pipeline factline built, when it built one. */
  readonly pipeline: OtelPipeline | undefined;
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
  const sinks: Sink[] = [];
  let pipeline: OtelPipeline | undefined;
  const spanEvents = options.spanEvents !== undefined ? { spanEvents: options.spanEvents } : {};
  if (options.logger) {
    sinks.push(
      createOtelSink({
        logger: options.logger,
        ...spanEvents,
        ...(options.spanFor !== undefined ? { spanFor: options.spanFor } : {}),
        ...(options.afterEmit !== undefined ? { afterEmit: options.afterEmit } : {}),
      }),
    );
  } else if (options.otlp !== false) {
    pipeline = createOtelPipeline({ ...options, ...spanEvents });
    sinks.push(pipeline.sink);
  }
  if (options.file) {
    sinks.push(createJsonlSink(typeof options.file === 'string' ? { path: options.file } : options.file === true ? {} : options.file));
  }
  if (options.console) {
    sinks.push(createConsoleSink(options.console === true ? {} : options.console));
  }
  sinks.push(...(options.sinks ?? []));
  const emitter = createEmitter(catalog, { ...options, sinks });
  if (options.shutdownOnExit !== false) {
    process.once('beforeExit', () => void emitter.shutdown());
  }
  return Object.assign(emitter, { pipeline });
}
