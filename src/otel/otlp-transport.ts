import { sdkPackage } from './sdk.js';
import { createOtlpHttpTransport } from '../delivery/otlp-http-transport.js';
import type { LogTransport } from '../delivery/send-outcome.js';
import { withProcessEnv } from './env.js';

/**
 * The transport of factline's own OTLP export of one signal: OTLP/HTTP
 * (each request with its batch's `Content-Type`, protobuf or JSON) to the endpoint, headers, compression and timeout the standard variables
 * name (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` / `_TRACES_ENDPOINT`, or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs` / `/v1/traces`, default
 * `http://localhost:4318`; `OTEL_EXPORTER_OTLP_[SIGNAL_]HEADERS`,
 * `_COMPRESSION`, `_TIMEOUT`), read from `env` (default `process.env`) by
 * the OTel JS exporter's own configuration code. The one place that
 * chooses how records leave the process.
 *
 * @example
 * const { transport, timeoutMillis } = createOtlpTransport('logs'); // transport.endpoint === 'http://localhost:4318/v1/logs'
 * createOtlpTransport('traces', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).transport.endpoint; // 'http://collector:4318/v1/traces'
 */
export function createOtlpTransport(signal: 'logs' | 'traces', env: NodeJS.ProcessEnv = process.env): { transport: LogTransport; timeoutMillis: number } {
  const { convertLegacyHttpOptions } = sdkPackage('@opentelemetry/otlp-exporter-base/node-http');
  const config = withProcessEnv(env, () =>
    convertLegacyHttpOptions({}, signal === 'logs' ? 'LOGS' : 'TRACES', signal === 'logs' ? 'v1/logs' : 'v1/traces', { 'Content-Type': 'application/json' }),
  );
  return {
    transport: createOtlpHttpTransport({
      url: config.url,
      headers: config.headers,
      compression: config.compression,
      rejectedField: signal === 'logs' ? 'rejectedLogRecords' : 'rejectedSpans',
    }),
    timeoutMillis: config.timeoutMillis,
  };
}
