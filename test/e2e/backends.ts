/** Small clients for the real Loki and Tempo HTTP APIs used by the end-to-end suite, and the demo run they check. */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { runIntentLoop } from '../../examples/intent-loop.js';
import type { EmitterStats } from '../../src/emitter/index.js';

export interface E2eEnv {
  lokiUrl: string;
  tempoUrl: string;
  /** The Collector's OTLP/HTTP endpoint the demo ships to. */
  otlpEndpoint: string;
}

/** The environment the suite needs, or the reason it cannot run. */
export function e2eEnv(env = process.env): E2eEnv | string {
  const lokiUrl = env.FACTLINE_LOKI_URL;
  const tempoUrl = env.FACTLINE_TEMPO_URL;
  if (!lokiUrl || !tempoUrl) {
    return 'FACTLINE_LOKI_URL and FACTLINE_TEMPO_URL are not set: start the stack (docker compose up -d) and set FACTLINE_LOKI_URL=http://localhost:3100 FACTLINE_TEMPO_URL=http://localhost:3200';
  }
  return {
    lokiUrl: lokiUrl.replace(/\/$/, ''),
    tempoUrl: tempoUrl.replace(/\/$/, ''),
    otlpEndpoint: (env.FACTLINE_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/$/, ''),
  };
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

export interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

export interface LokiResult<T> {
  status: string;
  data: { resultType: string; result: T[] };
}

/** A LogQL query over a time range; structured metadata comes back merged into each stream's labels. */
export function lokiQueryRange<T = LokiStream>(env: E2eEnv, query: string, startMs: number, endMs: number, limit = 1000): Promise<LokiResult<T>> {
  const q = new URLSearchParams({ query, start: String(startMs * 1e6), end: String(endMs * 1e6), limit: String(limit), direction: 'forward' });
  return getJson(`${env.lokiUrl}/loki/api/v1/query_range?${q}`) as Promise<LokiResult<T>>;
}

/** An instant LogQL metric query. */
export function lokiQuery(env: E2eEnv, query: string, timeMs: number): Promise<LokiResult<{ metric: Record<string, string>; value: [number, string] }>> {
  const q = new URLSearchParams({ query, time: String(timeMs * 1e6) });
  return getJson(`${env.lokiUrl}/loki/api/v1/query?${q}`) as Promise<LokiResult<{ metric: Record<string, string>; value: [number, string] }>>;
}

export function lokiLabels(env: E2eEnv, startMs: number, endMs: number): Promise<{ data: string[] }> {
  return getJson(`${env.lokiUrl}/loki/api/v1/labels?start=${startMs * 1e6}&end=${endMs * 1e6}`) as Promise<{ data: string[] }>;
}

export interface TempoSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  status?: { code?: string; message?: string };
  attributes?: { key: string; value: Record<string, unknown> }[];
  events?: { name: string; attributes?: { key: string; value: Record<string, unknown> }[] }[];
}

/** A trace by id (OTLP/JSON, ids in base64 as Tempo returns them). */
export async function tempoTrace(env: E2eEnv, traceIdHex: string): Promise<TempoSpan[]> {
  const r = (await getJson(`${env.tempoUrl}/api/v2/traces/${traceIdHex}`)) as { trace?: { resourceSpans: { scopeSpans: { spans: TempoSpan[] }[] }[] } };
  return (r.trace?.resourceSpans ?? []).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

export interface TempoSearchResult {
  traces: { traceID: string; rootServiceName?: string; spanSets?: { spans: { spanID: string; attributes?: unknown[] }[] }[] }[];
}

/** A TraceQL search over a time range. */
export function tempoSearch(env: E2eEnv, traceql: string, startMs: number, endMs: number): Promise<TempoSearchResult> {
  // spss: spans per span set; Tempo's default of 3 would cut a loop's 6 spans.
  const q = new URLSearchParams({ q: traceql, start: String(Math.floor(startMs / 1000)), end: String(Math.ceil(endMs / 1000)), limit: '50', spss: '20' });
  return getJson(`${env.tempoUrl}/api/search?${q}`) as Promise<TempoSearchResult>;
}

/** Tempo strips leading zeros from trace ids in search results; compare padded. */
export function normaliseTraceId(id: string): string {
  return id.padStart(32, '0').toLowerCase();
}

export function b64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

/** Polls until `check` returns a value or the deadline passes; the last error is rethrown. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, deadlineMs = 120_000, everyMs = 2000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * One run of the demo loop, shipped to the Collector under its own service
 * name and trace key (so that runs against the same backends do not see each
 * other's data), flushed and shut down. Returns the emitter's final stats.
 */
export async function runDemoInto(env: E2eEnv, run: { service: string; traceKey: string; start: number }): Promise<EmitterStats> {
  const intent = await runIntentLoop({
    start: run.start,
    traceKey: run.traceKey,
    serviceName: run.service,
    logExporter: new OTLPLogExporter({ url: `${env.otlpEndpoint}/v1/logs` }),
    spanExporter: new OTLPTraceExporter({ url: `${env.otlpEndpoint}/v1/traces` }),
    validation: 'strict',
    shutdownOnExit: false,
    registerGlobals: false,
  });
  await intent.shutdown();
  return intent.stats();
}
