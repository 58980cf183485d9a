import { OTLPLogExporter as GrpcLogs } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogs } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogs } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraces } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraces } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraces } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleLogRecordExporter } from '@opentelemetry/sdk-logs';
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace';
import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import { createLogExporter, createSpanExporter, otlpProtocol } from '../../src/otel/exporters.js';
import { createOtelPipeline } from '../../src/otel/setup.js';
import { authCatalog } from '../fixtures-catalog.js';
import { startOtlpJsonReceiver } from '../package/otlp-receiver.js';

/*
 * OTEL_LOGS_EXPORTER / OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_PROTOCOL
 * (and its per-signal forms) as the OpenTelemetry specification defines
 * them, built into the OTel JS exporters.
 */
const made: { shutdown(): Promise<void> }[] = [];
const log = (env: Record<string, string>) => {
  const e = createLogExporter(env);
  if (e) made.push(e);
  return e;
};
const span = (env: Record<string, string>) => {
  const e = createSpanExporter(env);
  if (e) made.push(e);
  return e;
};
afterEach(async () => {
  await Promise.all(made.splice(0).map((e) => e.shutdown()));
  vi.restoreAllMocks();
});

describe('the OTLP protocol', () => {
  it("defaults to http/protobuf, the specification's default", () => {
    expect(otlpProtocol('logs', {})).toBe('http/protobuf');
    expect(log({})).toBeInstanceOf(ProtoLogs);
    expect(span({})).toBeInstanceOf(ProtoTraces);
  });

  it('honours http/json and grpc, and the per-signal variable over the general one', () => {
    expect(log({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeInstanceOf(JsonLogs);
    expect(span({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeInstanceOf(JsonTraces);
    expect(log({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBeInstanceOf(GrpcLogs);
    expect(span({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBeInstanceOf(GrpcTraces);
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' };
    expect(log(env)).toBeInstanceOf(JsonLogs);
    expect(span(env)).toBeInstanceOf(ProtoTraces);
  });

  it('refuses any other value at set-up, naming the variable and the allowed values', () => {
    expect(() => createLogExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' })).toThrow(
      'OTEL_EXPORTER_OTLP_PROTOCOL="http" is not an OTLP protocol; use one of http/protobuf, http/json, grpc',
    );
    expect(() => createSpanExporter({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'json' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="json".*http\/protobuf, http\/json, grpc/,
    );
  });
});

describe('the exporter names', () => {
  it('builds the console exporters for console, and none for none', () => {
    expect(log({ OTEL_LOGS_EXPORTER: 'console' })).toBeInstanceOf(ConsoleLogRecordExporter);
    expect(span({ OTEL_TRACES_EXPORTER: 'console' })).toBeInstanceOf(ConsoleSpanExporter);
    expect(createLogExporter({ OTEL_LOGS_EXPORTER: 'none' })).toBeNull();
    expect(createSpanExporter({ OTEL_TRACES_EXPORTER: 'otlp,none' })).toBeNull();
  });

  it('refuses an exporter factline does not build, listing the ones it does', () => {
    expect(() => createSpanExporter({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER="zipkin".*otlp, console, none/);
    expect(() => createLogExporter({ OTEL_LOGS_EXPORTER: 'otlp,stdout' })).toThrow(/"stdout".*otlp, console, none/);
  });

  it('exports to the console with OTEL_LOGS_EXPORTER=console, and to each exporter of a list', async () => {
    const dir = vi.spyOn(console, 'dir').mockImplementation(() => undefined);
    const pipeline = createOtelPipeline({ registerGlobals: false }, { OTEL_LOGS_EXPORTER: 'console', OTEL_TRACES_EXPORTER: 'none' });
    const events = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict' });
    events.emit('auth.user.logout:1', { user_id: 'u1', reason: 'user_initiated' });
    await events.shutdown();
    const printed = dir.mock.calls.map((c) => c[0] as { eventName?: string });
    expect(printed.map((p) => p.eventName)).toEqual(['auth.user.logout']);

    dir.mockClear();
    const receiver = await startOtlpJsonReceiver();
    try {
      // The endpoint comes from the env given, not from process.env.
      vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:9');
      const env = {
        OTEL_LOGS_EXPORTER: 'console, otlp',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      };
      const fanned = createOtelPipeline({ registerGlobals: false }, env);
      const events2 = createEmitter(authCatalog, { sinks: [fanned.sink], validation: 'strict' });
      events2.emit('auth.user.logout:1', { user_id: 'u2', reason: 'user_initiated' });
      await events2.shutdown();
      expect(dir.mock.calls.map((c) => (c[0] as { eventName?: string }).eventName)).toEqual(['auth.user.logout']);
      expect(receiver.logRecords().map((r) => r.eventName)).toEqual(['auth.user.logout']);
      // The OTel JS exporter built from an env reads its endpoint from that env too.
      const sdkExporter = createLogExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      const viaSdk = createOtelPipeline({ registerGlobals: false, logExporter: sdkExporter }, { OTEL_TRACES_EXPORTER: 'none' });
      const events3 = createEmitter(authCatalog, { sinks: [viaSdk.sink], validation: 'strict' });
      events3.emit('auth.user.logout:1', { user_id: 'u3', reason: 'user_initiated' });
      await events3.shutdown();
      expect(receiver.logRecords().map((r) => r.eventName)).toEqual(['auth.user.logout', 'auth.user.logout']);
    } finally {
      vi.unstubAllEnvs();
      await receiver.close();
    }
    const once = createLogExporter({ OTEL_LOGS_EXPORTER: 'console,console' })!;
    made.push(once);
    expect(once).toBeInstanceOf(ConsoleLogRecordExporter); // a repeated name is one exporter
  });
});

describe("the protocol of factline's own pipeline", () => {
  it('http/protobuf (the default) and http/json go through durable delivery in their body encoding, per signal; grpc through the SDK exporter with a warning', async () => {
    const receiver = await startOtlpJsonReceiver();
    const warn = vi.spyOn(diag, 'warn');
    try {
      for (const [env, logs, traces] of [
        [{}, 'application/x-protobuf', 'application/x-protobuf'],
        [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'application/json', 'application/json'],
        [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, 'application/json', 'application/x-protobuf'],
        [{ OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json' }, 'application/json', 'application/x-protobuf'],
      ] as const) {
        receiver.requests.length = 0;
        const pipeline = createOtelPipeline({ registerGlobals: false }, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
        expect(pipeline.delivery).toBeDefined();
        expect(pipeline.spanDelivery).toBeDefined();
        const events = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict' });
        events.emit('auth.user.logout:1', { user_id: 'u1', reason: 'user_initiated' });
        pipeline.tracerProvider.getTracer('protocol').startSpan('s').end();
        await events.shutdown();
        const typeOf = (path: string) => [...new Set(receiver.requests.filter((r) => r.path === path).map((r) => r.contentType))];
        expect([typeOf('/v1/logs'), typeOf('/v1/traces')], JSON.stringify(env)).toEqual([[logs], [traces]]);
      }
      expect(warn).not.toHaveBeenCalled();
      const grpc = createOtelPipeline({ registerGlobals: false }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
      expect([grpc.delivery, grpc.spanDelivery]).toEqual([undefined, undefined]);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL=grpc for logs: exported by the OpenTelemetry SDK'),
        expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL=grpc for traces'),
      ]);
      await grpc.shutdown();
    } finally {
      await receiver.close();
    }
  });
});
