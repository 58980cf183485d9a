import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { apiVersion, logsApi, logsInApi, type LogRecord, type Logger } from './logs-api.js';

/*
 * The service's own OpenTelemetry SDK ("the host SDK"), reached only through
 * the API's globals, so that factline works whether it is set up before or
 * after the host calls `sdk.start()`, and even when the host's SDK loaded
 * another copy of the Logs API (the global is shared by every copy of the
 * same API major version; a copy's ProxyLogger is not).
 */

/**
 * The key under which every copy of `@opentelemetry/api` 1.x keeps its
 * globals (`{ version, trace, context, propagation, logs (1.10+), ... }`).
 */
const GLOBAL_API_KEY = Symbol.for('opentelemetry.js.api.1');
/** The key under which every copy of `@opentelemetry/api-logs` 0.x (SDK 2) keeps the global LoggerProvider. */
const GLOBAL_API_LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');

function globalApi(): { version?: unknown; logs?: unknown } | undefined {
  return (globalThis as Record<symbol, { version?: unknown; logs?: unknown } | undefined>)[GLOBAL_API_KEY];
}

/**
 * True once some SDK has registered a global LoggerProvider (NodeSDK does in
 * `start()`): in `@opentelemetry/api` 1.10+ (SDK 3) or `@opentelemetry/api-logs` (SDK 2).
 */
export function globalLoggerProviderRegistered(): boolean {
  return typeof (globalThis as Record<symbol, unknown>)[GLOBAL_API_LOGS_KEY] === 'function' || globalApi()?.logs !== undefined;
}

/** Two versions of `@opentelemetry/api`: the one factline loaded, and the one the service's SDK registered with. */
export interface ApiMismatch {
  loaded: string;
  registered: string;
}

/**
 * The versions, when the `@opentelemetry/api` factline loaded cannot use
 * the globals another copy registered: by the API's own rule (same major,
 * and the registered minor not newer than the loaded one), and also when
 * one side keeps the Logs API in `@opentelemetry/api` (1.10+, SDK 3) and
 * the other in `@opentelemetry/api-logs` (SDK 2). Undefined when nothing
 * is registered yet or the two agree.
 *
 * @example
 * apiMismatch(); // { loaded: '1.9.1', registered: '1.10.0' } beside SDK 3 with a second copy of the API
 */
export function apiMismatch(): ApiMismatch | undefined {
  const registered = globalApi()?.version;
  const loaded = apiVersion();
  if (typeof registered !== 'string' || loaded === undefined || registered === loaded) return undefined;
  const [lMajor, lMinor] = loaded.split('.').map(Number) as [number, number];
  const [rMajor, rMinor] = registered.split('.').map(Number) as [number, number];
  const compatible = lMajor === rMajor && rMinor <= lMinor;
  const sameLogsHome = rMinor >= 10 === logsInApi();
  return compatible && sameLogsHome ? undefined : { loaded, registered };
}

/** The message of `FACTLINE_OTEL_API_MISMATCH`: both versions and the fix. */
export function apiMismatchMessage(m: ApiMismatch, what: string): string {
  return `the service's OpenTelemetry SDK registered with @opentelemetry/api ${m.registered}, but factline loaded @opentelemetry/api ${m.loaded}, another copy that cannot see it: ${what}. Install one copy, the service's: "npm ls @opentelemetry/api" shows both; reinstall without --legacy-peer-deps (factline's peer range admits API 1.9 with SDK 2 and API 1.10 with SDK 3), then "npm dedupe".`;
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
  const loggerProvider = globalLoggerProviderRegistered() ? (logsApi().getLoggerProvider() as { forceFlush?: () => Promise<void> }) : undefined;
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
    // A provider registered through another copy of the API is out of reach: records stay held and
    // the host sink reports FACTLINE_OTEL_API_MISMATCH, instead of going to a no-op logger.
    if (resolved === undefined && globalLoggerProviderRegistered() && apiMismatch() === undefined) {
      resolved = logsApi().getLogger(name, version);
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
      const logger = resolve();
      return logger === undefined ? true : (logger.enabled?.(opts) ?? true);
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
  return own.has(delegate) || (globalLoggerProviderRegistered() && own.has(logsApi().getLoggerProvider()));
}
