import * as api from '@opentelemetry/api';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/*
 * The OpenTelemetry Logs API, from whichever place the service's SDK uses:
 * `@opentelemetry/api` itself from 1.10 on (SDK 3), else the separate
 * `@opentelemetry/api-logs` 0.x package (SDK 2). The types below are the
 * Logs API's own shapes (the specification's LogRecord, Logger and
 * SeverityNumber), declared here so that factline's public types name no
 * package that only one SDK line installs; a Logger of either line fits them.
 */

/** A log record attribute or body value (OpenTelemetry `AnyValue`). */
export type AnyValueScalar = string | number | boolean;
export type AnyValueArray = Array<AnyValue>;
export interface AnyValueMap {
  [attributeKey: string]: AnyValue;
}
export type AnyValue = AnyValueScalar | Uint8Array | AnyValueArray | AnyValueMap | null | undefined;

import { SeverityNumber } from './severity-number.js';

export { SeverityNumber };

/** A log record as a Logger's `emit` takes it. */
export interface LogRecord {
  eventName?: string;
  timestamp?: api.TimeInput;
  observedTimestamp?: api.TimeInput;
  severityNumber?: SeverityNumber;
  severityText?: string;
  body?: AnyValue;
  attributes?: AnyValueMap;
  exception?: unknown;
  context?: api.Context;
}

/** A Logger of the Logs API: the SDK's, or a stand-in that holds records until one exists. */
export interface Logger {
  emit(logRecord: LogRecord): void;
  enabled?(options?: { context?: api.Context; severityNumber?: SeverityNumber; eventName?: string }): boolean;
}

/** What factline uses of the Logs API's global entry point (`logs`). */
export interface LogsApi {
  getLogger(name: string, version?: string): Logger;
  getLoggerProvider(): object;
  setGlobalLoggerProvider(provider: object): boolean | object;
  disable(): void;
}

const require = createRequire(import.meta.url);
let cached: LogsApi | undefined;

/**
 * The Logs API's `logs` entry point: `logs` of `@opentelemetry/api` 1.10
 * and later, else `logs` of `@opentelemetry/api-logs`.
 *
 * @throws Error at set-up when neither is installed; the message names what to install.
 */
export function logsApi(): LogsApi {
  if (cached) return cached;
  const fromApi = (api as { logs?: LogsApi }).logs;
  if (fromApi) return (cached = fromApi);
  try {
    return (cached = (require('@opentelemetry/api-logs') as { logs: LogsApi }).logs);
  } catch (e) {
    throw new Error(
      `factline: no OpenTelemetry Logs API: @opentelemetry/api ${apiVersion() ?? '(unknown version)'} has none before 1.10, and @opentelemetry/api-logs is not installed. With the SDK 2 line (sdk-node 0.2xx) install @opentelemetry/api-logs 0.2xx beside it; with SDK 3 install @opentelemetry/api >= 1.10.`,
      { cause: e },
    );
  }
}

/** True when the Logs API lives in `@opentelemetry/api` itself (1.10 and later: SDK 3). */
export function logsInApi(): boolean {
  return (api as { logs?: unknown }).logs !== undefined;
}

let version: string | null | undefined;

/**
 * The version of the `@opentelemetry/api` copy factline loaded, read from
 * its package.json beside the resolved entry file (the package's exports
 * map does not list `./package.json`); undefined when it cannot be read.
 */
export function apiVersion(): string | undefined {
  if (version === undefined) {
    version = null;
    try {
      let dir = dirname(require.resolve('@opentelemetry/api'));
      for (let i = 0; i < 5; i++, dir = dirname(dir)) {
        try {
          const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
          if (manifest.name === '@opentelemetry/api' && typeof manifest.version === 'string') {
            version = manifest.version;
            break;
          }
        } catch {
          // no package.json at this level (the build's own directories)
        }
      }
    } catch {
      version = null;
    }
  }
  return version ?? undefined;
}
