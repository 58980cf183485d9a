import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { logs, type LogRecord, type Logger } from '@opentelemetry/api-logs';

/*
 * The service's own OpenTelemetry SDK ("the host SDK"), reached only through
 * the API's globals, so that factline works whether it is set up before or
 * after the host calls `sdk.start()`, and even when the host's SDK loaded
 * another copy of `@opentelemetry/api-logs` (the global is shared by every
 * copy of the same API major version; a copy's ProxyLogger is not).
 */

/** The key under which every copy of `@opentelemetry/api-logs` 0.x keeps the global LoggerProvider. */
const GLOBAL_LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');

/** True once some SDK has called `logs.setGlobalLoggerProvider` (NodeSDK does in `start()`). */
export function globalLoggerProviderRegistered(): boolean {
  return typeof (globalThis as Record<symbol, unknown>)[GLOBAL_LOGS_KEY] === 'function';
}

/** True once some SDK has registered a global TracerProvider (NodeSDK does in `start()`). */
export function globalTracerProviderRegistered(): boolean {
  const provider = trace.getTracerProvider();
  if (!(provider instanceof ProxyTracerProvider)) return true;
  // A fresh proxy's delegate is the API's no-op provider: the same object means nothing is registered.
  return provider.getDelegate() !== new ProxyTracerProvider().getDelegate();
}

/** `forceFlush` of the registered global LoggerProvider and TracerProvider, where they have one. */
export async function flushGlobalProviders(): Promise<void> {
  const loggerProvider = globalLoggerProviderRegistered() ? (logs.getLoggerProvider() as { forceFlush?: () => Promise<void> }) : undefined;
  const tp = trace.getTracerProvider();
  const tracerProvider = (tp instanceof ProxyTracerProvider ? tp.getDelegate() : tp) as { forceFlush?: () => Promise<void> };
  await Promise.all([loggerProvider?.forceFlush?.(), tracerProvider.forceFlush?.()]);
}

export interface HostLogger extends Logger {
  /** Records held because no LoggerProvider was registered yet when they were emitted. */
  readonly held: number;
  /** Records dropped because more than `maxHeld` were waiting. */
  readonly dropped: number;
}

/**
 * A logger of the global LoggerProvider, looked up when the first record
 * is emitted after an SDK registered one, so that set-up order does not
 * matter. Records emitted before that are held (up to `maxHeld`, oldest
 * dropped first, `onDrop` called) and emitted, in order and with their own
 * timestamps and contexts, as soon as a provider is registered.
 *
 * @example
 * const logger = hostLogger('factline', '0.1.0');   // before sdk.start(): held
 * sdk.start();                                       // next emit replays them into the host's pipeline
 */
export function hostLogger(name: string, version: string, options: { maxHeld?: number; onDrop?: (dropped: number) => void } = {}): HostLogger {
  const maxHeld = options.maxHeld ?? 1024;
  let resolved: Logger | undefined;
  let held: LogRecord[] = [];
  let dropped = 0;
  const resolve = (): Logger | undefined => {
    if (resolved === undefined && globalLoggerProviderRegistered()) {
      resolved = logs.getLogger(name, version);
      const waiting = held;
      held = [];
      for (const r of waiting) resolved.emit(r);
    }
    return resolved;
  };
  return {
    emit(record) {
      const logger = resolve();
      if (logger !== undefined) return logger.emit(record);
      if (held.length >= maxHeld) {
        held.shift();
        dropped++;
        options.onDrop?.(dropped);
      }
      held.push(record);
    },
    enabled(opts) {
      // Before a provider exists the answer is "yes": the record is held, not lost.
      return resolve()?.enabled(opts) ?? true;
    },
    get held() {
      resolve();
      return held.length;
    },
    get dropped() {
      return dropped;
    },
  };
}

/*
 * Providers factline's own pipeline registered globally. A later
 * setupFactline in the same process must not take them for the service's
 * SDK.
 */
const own = new WeakSet<object>();

/** Remembers providers of a factline pipeline that registered them globally. */
export function markFactlineProvider(...providers: object[]): void {
  for (const p of providers) own.add(p);
}

/** True when the registered global providers are ones factline's own pipeline registered. */
export function isFactlineProvider(): boolean {
  const tp = trace.getTracerProvider();
  const delegate = tp instanceof ProxyTracerProvider ? tp.getDelegate() : tp;
  return own.has(delegate) || (globalLoggerProviderRegistered() && own.has(logs.getLoggerProvider()));
}
