import { sdkPackage } from './sdk.js';
import { createOtlpHttpTransport } from '../delivery/otlp-http-transport.js';
import type { LogTransport } from '../delivery/send-outcome.js';
import { readFileSync } from 'node:fs';
import type { OtlpTls } from '../delivery/otlp-http-transport.js';
import { withProcessEnv } from './env.js';

/**
 * The transport of factline's own OTLP export of one signal: OTLP/HTTP
 * (each request with its batch's `Content-Type`, protobuf or JSON) to the endpoint, headers, compression and timeout the standard variables
 * name (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` / `_TRACES_ENDPOINT`, or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs` / `/v1/traces`, default
 * `http://localhost:4318`; `OTEL_EXPORTER_OTLP_[SIGNAL_]HEADERS`,
 * `_COMPRESSION`, `_TIMEOUT`), read from `env` (default `process.env`) by
 * the OTel JS exporter's own configuration code, and the TLS files of an
 * `https:` endpoint ({@link otlpTlsFromEnv}). The one place that
 * chooses how records leave the process.
 *
 * @throws Error at set-up when a TLS variable names a file that cannot be read ({@link otlpTlsFromEnv}).
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
      tls: otlpTlsFromEnv(signal, env),
      headers: config.headers,
      compression: config.compression,
      rejectedField: signal === 'logs' ? 'rejectedLogRecords' : 'rejectedSpans',
    }),
    timeoutMillis: config.timeoutMillis,
  };
}

/**
 * The TLS files the standard variables name for one signal, read once at
 * set-up: `OTEL_EXPORTER_OTLP_<SIGNAL>_CERTIFICATE` (else
 * `OTEL_EXPORTER_OTLP_CERTIFICATE`), the PEM file of the certificates an
 * https endpoint's certificate is checked against; `…_CLIENT_CERTIFICATE`
 * and `…_CLIENT_KEY`, the client's PEM certificate chain and key for
 * mutual TLS. Used for `https:` endpoints only, as the OTel JS exporters
 * do.
 *
 * @throws Error at set-up naming the variable when its file cannot be
 *   read, or when a client certificate is given without its key (or the
 *   key without the certificate).
 * @example
 * otlpTlsFromEnv('logs', { OTEL_EXPORTER_OTLP_CERTIFICATE: '/etc/otel/ca.pem' }); // { ca: <the file's bytes> }
 */
export function otlpTlsFromEnv(signal: 'logs' | 'traces', env: NodeJS.ProcessEnv = process.env): OtlpTls {
  const read = (suffix: string): Buffer | undefined => {
    const specific = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${suffix}`;
    const name = env[specific]?.trim() ? specific : `OTEL_EXPORTER_OTLP_${suffix}`;
    const path = env[name]?.trim();
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`factline: ${name}=${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  const ca = read('CERTIFICATE');
  const cert = read('CLIENT_CERTIFICATE');
  const key = read('CLIENT_KEY');
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error(
      `factline: OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY (or their ${signal.toUpperCase()} forms) go together for mutual TLS; only the ${cert === undefined ? 'key' : 'certificate'} is set`,
    );
  }
  return { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined ? { cert } : {}), ...(key !== undefined ? { key } : {}) };
}
