import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { createOtlpHttpTransport } from '../delivery/otlp-http-transport.js';
import type { LogTransport } from '../delivery/send-outcome.js';

/**
 * The transport of factline's own OTLP log export: OTLP/HTTP JSON to the
 * endpoint, headers, compression and timeout the standard variables name
 * (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` +
 * `/v1/logs`, default `http://localhost:4318/v1/logs`;
 * `OTEL_EXPORTER_OTLP_[LOGS_]HEADERS`, `_COMPRESSION`, `_TIMEOUT`), read by
 * the OTel JS exporter's own configuration code. The one place that chooses
 * how log records leave the process.
 *
 * @example
 * const { transport, timeoutMillis } = createLogTransport(); // transport.endpoint === 'http://localhost:4318/v1/logs'
 */
export function createLogTransport(): { transport: LogTransport; timeoutMillis: number } {
  const config = convertLegacyHttpOptions({}, 'LOGS', 'v1/logs', { 'Content-Type': 'application/json' });
  return {
    transport: createOtlpHttpTransport({ url: config.url, headers: config.headers, compression: config.compression }),
    timeoutMillis: config.timeoutMillis,
  };
}
