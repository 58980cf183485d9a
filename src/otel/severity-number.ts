/*
 * In a module of its own, without the OpenTelemetry API: the catalog (and
 * with it every CLI command that reads events) needs these numbers, not the API.
 */

/**
 * The specification's severity numbers (1-24; 0 unspecified), the same
 * values as the `SeverityNumber` enum of `@opentelemetry/api` 1.10 and of
 * `@opentelemetry/api-logs`.
 */
export const SeverityNumber = {
  UNSPECIFIED: 0,
  TRACE: 1,
  TRACE2: 2,
  TRACE3: 3,
  TRACE4: 4,
  DEBUG: 5,
  DEBUG2: 6,
  DEBUG3: 7,
  DEBUG4: 8,
  INFO: 9,
  INFO2: 10,
  INFO3: 11,
  INFO4: 12,
  WARN: 13,
  WARN2: 14,
  WARN3: 15,
  WARN4: 16,
  ERROR: 17,
  ERROR2: 18,
  ERROR3: 19,
  ERROR4: 20,
  FATAL: 21,
  FATAL2: 22,
  FATAL3: 23,
  FATAL4: 24,
} as const;
export type SeverityNumber = (typeof SeverityNumber)[keyof typeof SeverityNumber];
