/**
 * The `loki` query backend: the same `QueryBackend` as the local engine, answered
 * by a Loki server over its HTTP API (`GET /loki/api/v1/query` and
 * `/loki/api/v1/query_range`, https://grafana.com/docs/loki/latest/reference/loki-http-api/).
 * The response is Loki's own JSON, passed through as it came.
 */
import { fetchWithCa } from './fetch-ca.js';
import {
  QueryError,
  abortedError,
  type InstantQueryRequest,
  type LabelsRequest,
  type LokiQueryResponse,
  type QueryBackend,
  type RangeQueryRequest,
} from './types.js';

/** Options of {@link createLokiBackend}. */
export interface LokiBackendOptions {
  /** Loki's base URL, e.g. `http://localhost:3100` (a path prefix such as `/loki-gw` is kept). */
  url: string;
  /** Extra request headers, e.g. `{ Authorization: 'Bearer …' }` (see also `lokiAuthFromEnv`). */
  headers?: Record<string, string>;
  /** The tenant for a multi-tenant Loki: sent as `X-Scope-OrgID`. */
  tenant?: string;
  /** Milliseconds before a request is abandoned. Default 30 000. */
  timeoutMs?: number;
  /** The `fetch` to use (tests, proxies). Default: the global one. */
  fetch?: typeof fetch;
  /**
   * PEM certificate(s) of the certificate authority an `https://` Loki's
   * certificate is checked against, instead of Node's bundled roots (a
   * private CA). Ignored when `fetch` is given.
   */
  ca?: string;
}

/** The environment variable naming the Loki a CLI command asks when no `--loki` is given. */
export const LOKI_URL_ENV = 'FACTLINE_LOKI_URL';

const DEFAULT_TIMEOUT_MS = 30_000;

/** Loki's error texts that mean "the LogQL does not parse" (it answers them with status 400). */
const SYNTAX = /parse error|syntax error|unexpected|invalid char|not a valid|unknown function/i;

function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueryError('bad_request', `Loki URL ${JSON.stringify(url)} is not a URL; write e.g. http://localhost:3100`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new QueryError('bad_request', `Loki URL ${JSON.stringify(url)} must start with http:// or https://`);
  }
  return parsed;
}

/** `1h30m`-free: Loki accepts a step as a float number of seconds. */
function stepParam(step: number): string {
  if (!Number.isFinite(step) || step <= 0) throw new QueryError('bad_request', `step must be a positive number of seconds, got ${step}`);
  return String(step);
}

function limitParam(limit: number): string {
  if (!Number.isInteger(limit) || limit <= 0) throw new QueryError('bad_request', `limit must be a whole number ≥ 1, got ${limit}`);
  return String(limit);
}

/**
 * A `QueryBackend` that asks a Loki server. Times are sent in Unix epoch
 * nanoseconds, as Loki reads them; `limit`, `direction` and `step` are
 * passed only when given, so Loki's own defaults apply otherwise.
 *
 * Errors reject with a `QueryError`:
 * - `syntax`: Loki refused the LogQL as unparseable (400), its text in the message;
 * - `bad_request`: any other 4xx (a limit above `max_entries_limit_per_query`,
 *   a range past `max_query_length`, …), Loki's text in the message;
 * - `unavailable`: Loki could not be reached, timed out, or answered 5xx or
 *   something that is not its JSON.
 *
 * @throws QueryError (`bad_request`) at set-up when `url` is not an http(s) URL.
 *
 * @example
 * const loki = createLokiBackend({ url: 'http://localhost:3100' });
 * const r = await loki.query({ query: 'sum(count_over_time({service_name="intent-demo"}[1h]))' });
 * // { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1764500000, '57'] }] } }
 */
export function createLokiBackend(options: LokiBackendOptions): QueryBackend {
  const base = checkUrl(options.url);
  const doFetch = options.fetch ?? (options.ca !== undefined ? fetchWithCa(options.ca) : fetch);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.tenant !== undefined) headers['X-Scope-OrgID'] = options.tenant;
  const prefix = base.pathname.replace(/\/+$/, '');
  const where = `Loki at ${base.origin}${prefix}`;

  async function get(path: string, params: URLSearchParams, signal: AbortSignal | undefined): Promise<LokiQueryResponse> {
    const body = await getJson(path, params, signal);
    const b = body as Partial<LokiQueryResponse>;
    if (b.status !== 'success' || typeof b.data !== 'object' || b.data === null || typeof b.data.resultType !== 'string') {
      throw new QueryError('unavailable', `${where} answered JSON that is not a query result: ${JSON.stringify(body).slice(0, 200)}`);
    }
    return b as LokiQueryResponse;
  }

  async function getJson(path: string, params: URLSearchParams, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted) throw abortedError();
    const url = new URL(base.href);
    url.pathname = `${prefix}${path}`;
    url.search = params.toString();
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await doFetch(url, { headers, signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]) });
    } catch (e) {
      if (signal?.aborted) throw abortedError();
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new QueryError('unavailable', `${where} cannot be reached: ${why}`);
    }
    const text = await response.text().catch((e: unknown) => {
      if (signal?.aborted) throw abortedError();
      throw new QueryError('unavailable', `${where}: reading the answer failed: ${(e as Error).message}`);
    });
    if (!response.ok) {
      const message = lokiMessage(text);
      if (response.status === 400 && SYNTAX.test(message)) throw new QueryError('syntax', `Loki: ${message}`, syntaxPosition(message));
      if (response.status >= 400 && response.status < 500) throw new QueryError('bad_request', `Loki (${response.status}): ${message}`);
      throw new QueryError('unavailable', `${where} answered ${response.status}: ${message}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new QueryError('unavailable', `${where} answered something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  return {
    kind: 'loki',
    query(request: InstantQueryRequest): Promise<LokiQueryResponse> {
      return Promise.resolve().then(() => {
        const p = new URLSearchParams({ query: request.query });
        if (request.time !== undefined) p.set('time', request.time.toString());
        if (request.limit !== undefined) p.set('limit', limitParam(request.limit));
        if (request.direction !== undefined) p.set('direction', request.direction);
        return get('/loki/api/v1/query', p, request.signal);
      });
    },
    queryRange(request: RangeQueryRequest): Promise<LokiQueryResponse> {
      return Promise.resolve().then(() => {
        if (request.end < request.start) throw new QueryError('bad_request', `end (${request.end}) is before start (${request.start})`);
        const p = new URLSearchParams({ query: request.query, start: request.start.toString(), end: request.end.toString() });
        if (request.step !== undefined) p.set('step', stepParam(request.step));
        if (request.limit !== undefined) p.set('limit', limitParam(request.limit));
        if (request.direction !== undefined) p.set('direction', request.direction);
        return get('/loki/api/v1/query_range', p, request.signal);
      });
    },
    async labels(request: LabelsRequest): Promise<string[]> {
      const body = (await getJson(
        '/loki/api/v1/labels',
        new URLSearchParams({ start: request.start.toString(), end: request.end.toString() }),
        request.signal,
      )) as { status?: unknown; data?: unknown };
      if (body.status !== 'success' || !Array.isArray(body.data))
        throw new QueryError('unavailable', `${where} answered JSON that is not a label list: ${JSON.stringify(body).slice(0, 200)}`);
      return (body.data as unknown[]).filter((x): x is string => typeof x === 'string').sort();
    },
  };
}

/** Loki answers errors as plain text, or as JSON `{status:"error", error:"…"}` / `{message}` from a gateway. */
function lokiMessage(text: string): string {
  const trimmed = text.trim();
  try {
    const j = JSON.parse(trimmed) as { error?: unknown; message?: unknown };
    if (typeof j.error === 'string') return j.error;
    if (typeof j.message === 'string') return j.message;
  } catch {
    // plain text, as Loki writes it
  }
  return trimmed === '' ? '(empty answer)' : trimmed.slice(0, 2000);
}

/** Loki's parse errors say `parse error at line 1, col 23: …`; the 0-based offset for a one-line query. */
function syntaxPosition(message: string): number | undefined {
  const m = /line (\d+), col (\d+)/.exec(message);
  return m && m[1] === '1' ? Number(m[2]) - 1 : undefined;
}
