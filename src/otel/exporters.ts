import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { withProcessEnv } from './env.js';
import { sdkPackage } from './sdk.js';

/** The values of `OTEL_LOGS_EXPORTER` / `OTEL_TRACES_EXPORTER` factline builds exporters for. */
export const EXPORTER_NAMES = ['otlp', 'console', 'none'] as const;
/** The values of `OTEL_EXPORTER_OTLP_PROTOCOL` (and its `_LOGS_` / `_TRACES_` forms) the specification defines. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

type Signal = 'logs' | 'traces';
type Env = Record<string, string | undefined>;

/*
 * Each exporter package is loaded only when chosen (src/otel/sdk.ts), from
 * the service's install: the gRPC one brings @grpc/grpc-js, which a
 * service exporting over HTTP need not install or load.
 */
/** `ExportResultCode.SUCCESS` of `@opentelemetry/core`, the same on both SDK lines. */
const SUCCESS = 0;

/**
 * The OTLP protocol for one signal: `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL`,
 * else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf` (the
 * specification's default).
 *
 * @throws Error at set-up when the value is not one of `http/protobuf`, `http/json`, `grpc`.
 * @example
 * otlpProtocol('logs', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }); // 'grpc'
 */
export function otlpProtocol(signal: Signal, env: Env = process.env, fallback: OtlpProtocol = 'http/protobuf'): OtlpProtocol {
  const specific = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`;
  const name = env[specific]?.trim() ? specific : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = env[name]?.trim() || fallback;
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(value)) {
    throw new Error(`factline: ${name}="${value}" is not an OTLP protocol; use one of ${OTLP_PROTOCOLS.join(', ')} (default http/protobuf)`);
  }
  return value as OtlpProtocol;
}

/**
 * The exporter names listed in `OTEL_<SIGNAL>_EXPORTER` (comma-separated,
 * default `otlp`), checked; `[]` when the list holds `none`.
 *
 * @throws Error at set-up for a name other than `otlp`, `console`, `none`.
 */
export function exporterNames(signal: Signal, env: Env): string[] {
  const variable = signal === 'logs' ? 'OTEL_LOGS_EXPORTER' : 'OTEL_TRACES_EXPORTER';
  const names = [
    ...new Set(
      (env[variable] ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== ''),
    ),
  ];
  for (const n of names) {
    if (!(EXPORTER_NAMES as readonly string[]).includes(n)) {
      throw new Error(
        `factline: ${variable}="${env[variable]}" names the exporter "${n}", which factline does not build; use one or more of ${EXPORTER_NAMES.join(', ')} (default otlp), or pass ${signal === 'logs' ? 'logExporter' : 'spanExporter'} yourself`,
      );
    }
  }
  if (names.length === 0) return ['otlp'];
  // As in the OpenTelemetry SDK: "none" anywhere in the list turns the signal off.
  return names.includes('none') ? [] : names;
}

/** One exporter that hands every batch to each of several, for `OTEL_LOGS_EXPORTER=otlp,console`. */
function fanOut<E extends LogRecordExporter | SpanExporter>(exporters: E[]): E {
  if (exporters.length === 1) return exporters[0]!;
  const all = exporters as Array<{ export(items: unknown[], done: (r: ExportResult) => void): void; shutdown(): Promise<void>; forceFlush?(): Promise<void> }>;
  return {
    export(items: unknown[], done: (r: ExportResult) => void) {
      let pending = all.length;
      let failed: ExportResult | undefined;
      for (const e of all) {
        e.export(items, (r) => {
          if (r.code !== SUCCESS) failed ??= r;
          if (--pending === 0) done(failed ?? { code: SUCCESS });
        });
      }
    },
    shutdown: async () => {
      await Promise.all(all.map((e) => e.shutdown()));
    },
    forceFlush: async () => {
      await Promise.all(all.map((e) => e.forceFlush?.()));
    },
  } as unknown as E;
}

/**
 * The log exporter the standard variables ask for, as the OpenTelemetry
 * SDK reads them: `OTEL_LOGS_EXPORTER` (`otlp` default, `console`, `none`;
 * a comma-separated list exports to each) and, for `otlp`, the protocol
 * from `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (`http/protobuf` default, `http/json`, `grpc`). Endpoint, headers,
 * timeout and compression are read by the OTLP exporter itself from the
 * same `env` (`OTEL_EXPORTER_OTLP_*`).
 *
 * @returns the exporter, or `null` when the variable says `none`.
 * @throws Error at set-up for an exporter name or protocol outside those lists; the message lists the allowed values.
 * @example
 * const exporter = createLogExporter({ OTEL_LOGS_EXPORTER: 'console' }); // a ConsoleLogRecordExporter
 */
export function createLogExporter(env: Env = process.env): LogRecordExporter | null {
  const exporters = exporterNames('logs', env).map(
    (name): LogRecordExporter =>
      name === 'console' ? new (sdkPackage('@opentelemetry/sdk-logs').ConsoleLogRecordExporter)() : createOtlpLogExporter(otlpProtocol('logs', env), env),
  );
  return exporters.length === 0 ? null : fanOut(exporters);
}

/** The OTel JS OTLP log exporter of one protocol; endpoint, headers and timeout from `OTEL_EXPORTER_OTLP_*` in `env` (default `process.env`). */
export function createOtlpLogExporter(protocol: OtlpProtocol, env: Env = process.env): LogRecordExporter {
  return withProcessEnv(env, (): LogRecordExporter => {
    switch (protocol) {
      case 'http/json':
        return new (sdkPackage('@opentelemetry/exporter-logs-otlp-http').OTLPLogExporter)();
      case 'grpc':
        return new (sdkPackage('@opentelemetry/exporter-logs-otlp-grpc').OTLPLogExporter)();
      case 'http/protobuf':
        return new (sdkPackage('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter)();
    }
  });
}

/**
 * The span exporter the standard variables ask for: `OTEL_TRACES_EXPORTER`
 * and `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`,
 * with the same values and defaults as {@link createLogExporter}.
 *
 * @returns the exporter, or `null` when the variable says `none`.
 * @throws Error at set-up for an exporter name or protocol outside those lists.
 * @example
 * const exporter = createSpanExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }); // OTLP/gRPC, localhost:4317 by default
 */
export function createSpanExporter(env: Env = process.env): SpanExporter | null {
  const exporters = exporterNames('traces', env).map(
    (name): SpanExporter =>
      name === 'console' ? new (sdkPackage('@opentelemetry/sdk-trace').ConsoleSpanExporter)() : createOtlpSpanExporter(otlpProtocol('traces', env), env),
  );
  return exporters.length === 0 ? null : fanOut(exporters);
}

/** The OTel JS OTLP span exporter of one protocol; endpoint, headers and timeout from `OTEL_EXPORTER_OTLP_*` in `env` (default `process.env`). */
export function createOtlpSpanExporter(protocol: OtlpProtocol, env: Env = process.env): SpanExporter {
  return withProcessEnv(env, (): SpanExporter => {
    switch (protocol) {
      case 'http/json':
        return new (sdkPackage('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)();
      case 'grpc':
        return new (sdkPackage('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter)();
      case 'http/protobuf':
        return new (sdkPackage('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter)();
    }
  });
}
