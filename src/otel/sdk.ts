import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { apiVersion, logsInApi } from './logs-api.js';

/*
 * The OpenTelemetry SDK packages factline's own pipeline uses, loaded from
 * the service's install when the pipeline is built, never at import. They
 * are peer dependencies: a service that has the OpenTelemetry Node SDK
 * (`@opentelemetry/sdk-node`) already has each of them, of its own SDK
 * line, and factline uses that one copy (SDK 2: sdk-logs 0.2xx, sdk-trace
 * 2.x; SDK 3: sdk-logs 3.x, sdk-trace 3.x). A service that emits only
 * through its own SDK (`logger: 'global'`) never loads them.
 *
 * A package is resolved as an `import` would resolve it, then loaded with
 * a synchronous require of that file, so set-up stays synchronous and the
 * module is the one the service's own `import` gets: SDK 3 ships ES
 * modules beside CommonJS, and a require of the CommonJS build would give
 * factline a second copy of every class (`instanceof` fails across them);
 * Node >= 22.12 (SDK 3 needs 22.15) loads an ES module this way. SDK 2's
 * `import` resolves to its CommonJS build, which require loads on any Node.
 * The exports maps of SDK 3 refuse deep imports, so only the packages'
 * entry points (and the `./node-http` subpath of otlp-exporter-base, which
 * both lines export) are named.
 */

/** The packages, by name, with the module each one is. */
export interface SdkPackages {
  '@opentelemetry/sdk-logs': typeof import('@opentelemetry/sdk-logs');
  '@opentelemetry/sdk-trace': typeof import('@opentelemetry/sdk-trace');
  '@opentelemetry/resources': typeof import('@opentelemetry/resources');
  '@opentelemetry/core': typeof import('@opentelemetry/core');
  '@opentelemetry/context-async-hooks': typeof import('@opentelemetry/context-async-hooks');
  '@opentelemetry/otlp-exporter-base/node-http': typeof import('@opentelemetry/otlp-exporter-base/node-http');
  '@opentelemetry/otlp-transformer': typeof import('@opentelemetry/otlp-transformer');
  '@opentelemetry/exporter-logs-otlp-http': typeof import('@opentelemetry/exporter-logs-otlp-http');
  '@opentelemetry/exporter-trace-otlp-http': typeof import('@opentelemetry/exporter-trace-otlp-http');
  '@opentelemetry/exporter-logs-otlp-proto': typeof import('@opentelemetry/exporter-logs-otlp-proto');
  '@opentelemetry/exporter-trace-otlp-proto': typeof import('@opentelemetry/exporter-trace-otlp-proto');
  '@opentelemetry/exporter-logs-otlp-grpc': typeof import('@opentelemetry/exporter-logs-otlp-grpc');
  '@opentelemetry/exporter-trace-otlp-grpc': typeof import('@opentelemetry/exporter-trace-otlp-grpc');
}
export type SdkPackageName = keyof SdkPackages;

/** What `createOtelPipeline` loads at set-up; a missing one fails set-up, not the first export. */
export const PIPELINE_PACKAGES = [
  '@opentelemetry/sdk-logs',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/resources',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/otlp-exporter-base/node-http',
  '@opentelemetry/otlp-transformer',
] as const satisfies readonly SdkPackageName[];

/** The package a specifier belongs to (`@scope/name`). */
function packageOf(specifier: string): string {
  return specifier.split('/').slice(0, 2).join('/');
}

/**
 * The commands that install the OpenTelemetry Node SDK beside factline, the
 * same as README.md's "Use it in a service": `sdk3` for Node 22.15 or later
 * (`@opentelemetry/sdk-node` 0.30x, API 1.10), `sdk2` for Node 20.6 or
 * later (`@opentelemetry/sdk-node` 0.2xx with API 1.9). Either brings every
 * SDK package factline's own pipeline loads (`PIPELINE_PACKAGES`).
 */
export const SDK_INSTALL_COMMANDS = {
  sdk3: 'npm install @opentelemetry/sdk-node',
  sdk2: 'npm install "@opentelemetry/api@~1.9" "@opentelemetry/sdk-node@<0.300"',
} as const;

/** The oldest Node the SDK 3 line runs on (`engines` of `@opentelemetry/sdk-node` 0.30x). */
const SDK3_MIN_NODE = [22, 15] as const;

function nodeRunsSdk3(node: string): boolean {
  const [major = 0, minor = 0] = node.split('.').map(Number);
  return major > SDK3_MIN_NODE[0] || (major === SDK3_MIN_NODE[0] && minor >= SDK3_MIN_NODE[1]);
}

/**
 * The install command to give: the Node SDK of the line that matches the
 * installed `@opentelemetry/api` (1.10 and later: SDK 3; before: SDK 2,
 * whose packages are the 0.2xx and 2.x versions) and the running Node (the
 * SDK 3 line needs 22.15: on an older Node the SDK 2 line, with API 1.9).
 *
 * @example
 * sdkInstallAdvice(['@opentelemetry/sdk-logs'], { apiLogs: true, node: '20.19.0' });
 * // 'npm install "@opentelemetry/api@~1.9" "@opentelemetry/sdk-node@<0.300" (it brings every SDK package factline uses; …'
 */
export function sdkInstallAdvice(
  missing: readonly string[],
  runtime: { apiLogs: boolean; node: string } = { apiLogs: logsInApi(), node: process.versions.node },
): string {
  const packages = [...new Set(missing.map(packageOf))];
  if (runtime.apiLogs && nodeRunsSdk3(runtime.node)) {
    return `${SDK_INSTALL_COMMANDS.sdk3} (it brings every SDK package factline uses), or only npm install ${packages.join(' ')} (the SDK 3 line, as @opentelemetry/api ${apiVersion() ?? '>= 1.10'} asks)`;
  }
  const sdk2 = packages.map((p) => (/\/(sdk-logs|otlp-|exporter-)/.test(p) ? `"${p}@<0.300"` : `"${p}@^2"`));
  const why = runtime.apiLogs
    ? `the SDK 2 line: the SDK 3 line that @opentelemetry/api ${apiVersion() ?? '1.10'} belongs to needs Node ${SDK3_MIN_NODE.join('.')} or later, this is Node ${runtime.node}`
    : `the SDK 2 line, as @opentelemetry/api ${apiVersion() ?? '< 1.10'} asks`;
  if (runtime.apiLogs) sdk2.unshift('"@opentelemetry/api@~1.9"');
  return `${SDK_INSTALL_COMMANDS.sdk2} (it brings every SDK package factline uses; ${why}), or only npm install ${sdk2.join(' ')}`;
}

/** An SDK package factline's own pipeline needs is not installed. */
export class OtelSdkMissingError extends Error {
  constructor(
    readonly packageName: string,
    cause: unknown,
  ) {
    super(
      `factline: ${packageName} is not installed. factline's own OpenTelemetry pipeline ` +
        '(setupFactline with no OpenTelemetry SDK started, createOtelPipeline, createLogExporter, createSpanExporter) ' +
        `uses the service's OpenTelemetry SDK packages: ${sdkInstallAdvice([packageName])}. ` +
        "A service whose own SDK is started emits through it instead: pass logger: 'global'.",
      { cause },
    );
    this.name = 'OtelSdkMissingError';
  }
}

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/**
 * One SDK package, from the service's install (memoised).
 *
 * @throws OtelSdkMissingError at set-up when it is not installed; the message names the install command.
 * @example
 * const { LoggerProvider } = sdkPackage('@opentelemetry/sdk-logs');
 */
export function sdkPackage<K extends SdkPackageName>(name: K): SdkPackages[K] {
  let mod = loaded.get(name) as SdkPackages[K] | undefined;
  if (mod === undefined) {
    try {
      mod = require(fileURLToPath(import.meta.resolve(name))) as SdkPackages[K];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (
        (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') &&
        String((e as Error).message).includes(packageOf(name))
      ) {
        throw new OtelSdkMissingError(packageOf(name), e);
      }
      throw e;
    }
    loaded.set(name, mod);
  }
  return mod;
}
