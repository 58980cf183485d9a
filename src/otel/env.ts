/**
 * Runs `read` with `env` as `process.env`, and puts the real one back
 * before returning (or throwing). The OpenTelemetry JS exporters and their
 * configuration code (`@opentelemetry/otlp-exporter-base`,
 * `@opentelemetry/core`'s `getStringFromEnv`) read the `OTEL_EXPORTER_OTLP_*`
 * variables from `process.env` only, synchronously, when an exporter or a
 * configuration is built; this is how an `env` given to factline reaches
 * them. `read` must be synchronous: nothing else runs while it does.
 *
 * @example
 * const url = withProcessEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, () => process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
 */
export function withProcessEnv<T>(env: NodeJS.ProcessEnv, read: () => T): T {
  if (env === process.env) return read();
  const real = process.env;
  process.env = env;
  try {
    return read();
  } finally {
    process.env = real;
  }
}
