/**
 * How the CLI reaches a Loki behind authentication: credentials and extra
 * headers come from the environment, never from the command line (where
 * `ps` and shell history would show them); the CA from a file.
 *
 * | variable | sends |
 * |---|---|
 * | `FACTLINE_LOKI_BEARER_TOKEN` | `Authorization: Bearer <token>` |
 * | `FACTLINE_LOKI_USERNAME`, `FACTLINE_LOKI_PASSWORD` | `Authorization: Basic base64(user:password)` (Grafana Cloud: the instance id and an access token) |
 * | `FACTLINE_LOKI_HEADERS` | extra headers, `name=value,name2=value2`, values percent-decoded (the format of `OTEL_EXPORTER_OTLP_HEADERS`) |
 * | `FACTLINE_LOKI_CA` | a PEM file of the CA an https Loki's certificate is checked against (as `--loki-ca`) |
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './options.js';

export const LOKI_AUTH_ENV = {
  BEARER_TOKEN: 'FACTLINE_LOKI_BEARER_TOKEN',
  USERNAME: 'FACTLINE_LOKI_USERNAME',
  PASSWORD: 'FACTLINE_LOKI_PASSWORD',
  HEADERS: 'FACTLINE_LOKI_HEADERS',
  CA: 'FACTLINE_LOKI_CA',
} as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The request headers the environment asks for.
 *
 * @throws UsageError when a bearer token and a username are both set, a username lacks its password, or a header is malformed.
 */
export function lokiHeadersFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = env[LOKI_AUTH_ENV.HEADERS];
  if (raw !== undefined && raw.trim() !== '') {
    for (const item of raw.split(',')) {
      if (item.trim() === '') continue;
      const eq = item.indexOf('=');
      const name = eq === -1 ? '' : item.slice(0, eq).trim();
      if (!HEADER_NAME.test(name))
        throw new UsageError(
          `${LOKI_AUTH_ENV.HEADERS} must be name=value pairs separated by commas (X-Team=core,X-Env=prod); ${JSON.stringify(item.trim().slice(0, 40))} is not one`,
        );
      // Node's fetch drops a header of this name without a word (it lands on an object's prototype); say so rather than send a request without it.
      if (name === '__proto__') throw new UsageError(`${LOKI_AUTH_ENV.HEADERS}: Node's fetch cannot send a header named __proto__; rename it`);
      let value: string;
      try {
        value = decodeURIComponent(item.slice(eq + 1).trim());
      } catch {
        throw new UsageError(`${LOKI_AUTH_ENV.HEADERS}: the value of ${name} is not valid percent-encoding`);
      }
      headers[name] = value;
    }
  }
  const token = env[LOKI_AUTH_ENV.BEARER_TOKEN];
  const user = env[LOKI_AUTH_ENV.USERNAME];
  const password = env[LOKI_AUTH_ENV.PASSWORD];
  if (token && user) throw new UsageError(`${LOKI_AUTH_ENV.BEARER_TOKEN} and ${LOKI_AUTH_ENV.USERNAME} exclude each other: set one way to authenticate`);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (user) {
    if (password === undefined) throw new UsageError(`${LOKI_AUTH_ENV.USERNAME} is set without ${LOKI_AUTH_ENV.PASSWORD}`);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }
  return headers;
}

/** The CA file's PEM text (`--loki-ca`, else `FACTLINE_LOKI_CA`), or undefined. @throws UsageError when it cannot be read or holds no certificate. */
export function lokiCaFrom(path: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = path ?? (env[LOKI_AUTH_ENV.CA] || undefined);
  if (file === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--loki-ca ${file}: ${(e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--loki-ca ${file}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
