import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, ProxyTracerProvider, trace, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchLogRecordProcessor, InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { apiVersion, logsApi } from '../../src/otel/logs-api.js';
import { apiMismatch, globalLoggerProviderRegistered, globalTracerProviderRegistered, hostLogger } from '../../src/otel/host.js';
import { setupFactline } from '../../src/setup.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { authCatalog } from '../fixtures-catalog.js';

const logs = logsApi();

/*
 * factline inside a service that has its own OpenTelemetry SDK, registered
 * globally the way NodeSDK's start() does, before or after factline's set-up.
 */
function hostSdk(options: { batch?: boolean } = {}) {
  const logExporter = new InMemoryLogRecordExporter();
  const spanExporter = new InMemorySpanExporter();
  const loggerProvider = new LoggerProvider({
    processors: [
      options.batch
        ? new BatchLogRecordProcessor({ exporter: logExporter, scheduledDelayMillis: 3_600_000 })
        : new SimpleLogRecordProcessor({ exporter: logExporter }),
    ],
  });
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] });
  return {
    logExporter,
    spanExporter,
    loggerProvider,
    tracerProvider,
    start() {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      trace.setGlobalTracerProvider(tracerProvider as ApiTracerProvider);
      logs.setGlobalLoggerProvider(loggerProvider);
    },
  };
}
const login = { user_id: 'u1', ip: '10.0.0.1', method: 'password', mfa: true } as const;

afterEach(() => {
  logs.disable();
  trace.disable();
  context.disable();
});

describe('the global providers', () => {
  it('are seen as registered only once an SDK registered them', () => {
    expect(globalLoggerProviderRegistered()).toBe(false);
    expect(globalTracerProviderRegistered()).toBe(false);
    hostSdk().start();
    expect(globalLoggerProviderRegistered()).toBe(true);
    expect(globalTracerProviderRegistered()).toBe(true);
  });
});

describe('hostLogger', () => {
  it('holds records until a LoggerProvider is registered, then delivers them first, in order', () => {
    const logger = hostLogger('factline', '0.0.0');
    logger.emit({ body: 'one' });
    logger.emit({ body: 'two' });
    expect(logger.held).toBe(2);
    const sdk = hostSdk();
    sdk.start();
    logger.emit({ body: 'three' });
    expect(sdk.logExporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['one', 'two', 'three']);
    expect(logger.held).toBe(0);
  });

  it('drops the oldest past maxHeld and says how many', () => {
    const drops: number[] = [];
    const logger = hostLogger('factline', '0.0.0', { maxHeld: 2, onDrop: (n) => drops.push(n) });
    for (const body of ['a', 'b', 'c']) logger.emit({ body });
    expect(drops).toEqual([1]);
    const sdk = hostSdk();
    sdk.start();
    expect(logger.held).toBe(0);
    expect(sdk.logExporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['b', 'c']);
  });
});

describe("setupFactline with the service's SDK", () => {
  it("set up before sdk.start(): every event reaches the service's pipeline, in the active span's trace", () => {
    const factline = setupFactline(authCatalog, { logger: 'global', validation: 'strict', shutdownOnExit: false });
    factline.emit('auth.user.logout:1', { user_id: 'u0', reason: 'before start' });
    const sdk = hostSdk();
    sdk.start();
    expect(factline.pipeline).toBeUndefined();
    const span = trace.getTracer('svc').startSpan('GET /login');
    context.with(trace.setSpan(context.active(), span), () => factline.emit('auth.user.login:1', login));
    span.end();
    const records = sdk.logExporter.getFinishedLogRecords();
    expect(records.map((r) => r.eventName)).toEqual(['auth.user.logout', 'auth.user.login']);
    expect(records[1]!.spanContext?.traceId).toBe(span.spanContext().traceId);
    expect(sdk.spanExporter.getFinishedSpans()[0]!.events.map((e) => e.name)).toEqual(['auth.user.login']);
  });

  it("flush() and shutdown() export what the service's batch processor holds, and leave the SDK running", async () => {
    const sdk = hostSdk({ batch: true });
    sdk.start();
    const factline = setupFactline(authCatalog, { logger: 'global', validation: 'strict', shutdownOnExit: false });
    factline.emit('auth.user.login:1', login);
    expect(sdk.logExporter.getFinishedLogRecords()).toHaveLength(0);
    await factline.flush();
    expect(sdk.logExporter.getFinishedLogRecords()).toHaveLength(1);
    factline.emit('auth.user.login:1', login);
    await factline.shutdown();
    expect(sdk.logExporter.getFinishedLogRecords()).toHaveLength(2);
    // The service's provider still works: factline did not shut it down.
    logs.getLogger('svc').emit({ body: 'after' });
    await sdk.loggerProvider.forceFlush();
    expect(sdk.logExporter.getFinishedLogRecords()).toHaveLength(3);
  });

  it('with a Logger passed in, flush() still flushes the global providers', async () => {
    const sdk = hostSdk({ batch: true });
    sdk.start();
    const factline = setupFactline(authCatalog, { logger: logs.getLogger('svc'), validation: 'strict', shutdownOnExit: false });
    factline.emit('auth.user.login:1', login);
    await factline.shutdown();
    expect(sdk.logExporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual(['auth.user.login']);
  });

  it('reports at flush the events still waiting for an SDK that was never started', async () => {
    const problems: RuntimeProblem[] = [];
    const factline = setupFactline(authCatalog, { logger: 'global', validation: 'strict', shutdownOnExit: false, onProblem: (p) => problems.push(p) });
    factline.emit('auth.user.login:1', login);
    await factline.flush();
    expect(problems.map((p) => [p.code, p.details])).toEqual([['FACTLINE_HOST_SDK_NOT_STARTED', { held: 1 }]]);
    expect(problems[0]!.message).toContain('sdk.start()');
  });

  it('uses an SDK registered before set-up instead of building a second pipeline', () => {
    const sdk = hostSdk();
    sdk.start();
    const factline = setupFactline(authCatalog, { validation: 'strict', shutdownOnExit: false });
    expect(factline.pipeline).toBeUndefined();
    factline.emit('auth.user.login:1', login);
    expect(sdk.logExporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual(['auth.user.login']);
  });

  it('keeps its own pipeline when asked to, or when the registered one is its own', async () => {
    const sdk = hostSdk();
    sdk.start();
    const own = setupFactline(authCatalog, { registerGlobals: false, logExporter: null, spanExporter: null, shutdownOnExit: false });
    expect(own.pipeline).toBeDefined();
    await own.shutdown();
    logs.disable();
    trace.disable();
    const first = setupFactline(authCatalog, { logExporter: null, spanExporter: null, shutdownOnExit: false });
    // The second sees the first's globals, and knows them for factline's own.
    const second = setupFactline(authCatalog, { shutdownOnExit: false });
    expect(first.pipeline).toBeDefined();
    expect(second.pipeline).toBeDefined();
    await Promise.all([first.shutdown(), second.shutdown()]);
  });
});

/*
 * Two copies of @opentelemetry/api: the service's SDK registered with one,
 * factline loaded the other. The other copy is the other SDK line's API of
 * this repository's two dependency sets (root: API 1.9 with SDK 2;
 * test/sdk3: API 1.10 with SDK 3), a real package registering its real
 * global; without the second set installed, the global is written as that
 * API writes it (`{ version, trace, ... }` under Symbol.for('opentelemetry.js.api.1')).
 */
describe('a service SDK registered with another copy of @opentelemetry/api', () => {
  const KEY = Symbol.for('opentelemetry.js.api.1');
  const here = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));
  const otherNodeModules = here.endsWith(join('test', 'sdk3', 'node_modules'))
    ? join(here, '..', '..', '..', 'node_modules')
    : join(here, '..', 'test', 'sdk3', 'node_modules');
  const loaded = apiVersion()!;

  function registerWithOtherCopy(): string {
    const g = globalThis as Record<symbol, unknown>;
    delete g[KEY];
    const dir = join(otherNodeModules, '@opentelemetry', 'api');
    if (existsSync(dir)) {
      const other = createRequire(join(otherNodeModules, 'x.js'))('@opentelemetry/api') as typeof import('@opentelemetry/api');
      expect(other.trace.setGlobalTracerProvider(new other.ProxyTracerProvider())).toBe(true);
    } else {
      g[KEY] = { version: loaded.startsWith('1.10.') ? '1.9.1' : '1.10.0', trace: new ProxyTracerProvider() };
    }
    return (g[KEY] as { version: string }).version;
  }
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[KEY];
  });

  it('reports FACTLINE_OTEL_API_MISMATCH with both versions at set-up and at flush, never "sdk.start() was never called"', async () => {
    const registered = registerWithOtherCopy();
    expect(registered).not.toBe(loaded);
    expect(apiMismatch()).toEqual({ loaded, registered });
    const problems: RuntimeProblem[] = [];
    const factline = setupFactline(authCatalog, { validation: 'strict', shutdownOnExit: false, onProblem: (p) => problems.push(p) });
    // factline does not build a pipeline of its own that could not register either.
    expect(factline.pipeline).toBeUndefined();
    factline.emit('auth.user.login:1', login);
    await factline.flush();
    expect(problems.map((p) => [p.code, p.details])).toEqual([
      ['FACTLINE_OTEL_API_MISMATCH', { loaded, registered }],
      ['FACTLINE_OTEL_API_MISMATCH', { loaded, registered, held: 1 }],
    ]);
    for (const p of problems) {
      expect(p.message).toContain(`@opentelemetry/api ${registered}`);
      expect(p.message).toContain(`@opentelemetry/api ${loaded}`);
      expect(p.message).toContain('npm ls @opentelemetry/api');
      expect(p.message).not.toContain('sdk.start()');
    }
  });

  it('sees no mismatch when the registered API is the one factline loaded', () => {
    trace.setGlobalTracerProvider(new ProxyTracerProvider());
    expect(apiMismatch()).toBeUndefined();
  });
});
