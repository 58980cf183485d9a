import { createHash } from 'node:crypto';

/** One harvested query: where it comes from in Loki v3.7.6 and its text, stream selectors rewritten. */
export interface ConformanceCase {
  origin: string;
  original: string;
  query: string;
}

export interface ConformanceWindow {
  logStart: string;
  logEnd: string;
  metricStart: string;
  metricEnd: string;
  time: string;
}

/** Log queries: the newest 100 lines over the whole window; metric queries: every minute of the fifteen. */
export function conformanceRequests(
  query: string,
  w: ConformanceWindow,
): { kind: 'range'; params: Record<string, string>; log: boolean } | { kind: 'instant'; params: Record<string, string> } {
  const log = query.trimStart().startsWith('{') || /^\(\s*\{/.test(query.trimStart());
  if (log) return { kind: 'range', log: true, params: { query, start: w.logStart, end: w.logEnd, limit: '100', direction: 'backward' } };
  return { kind: 'range', log: false, params: { query, start: w.metricStart, end: w.metricEnd, step: '60' } };
}

export function lineHash(line: string): string {
  return createHash('sha256').update(line).digest('hex').slice(0, 16);
}

/** A Loki response with stats dropped and log lines replaced by their hash (the fixture stays small). */
export function compactResponse(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as { data?: { stats?: unknown; resultType?: string; result?: { values: [string, string][] }[] } };
  if (b.data === undefined) return body;
  delete b.data.stats;
  if (b.data.resultType === 'streams') for (const s of b.data.result ?? []) s.values = s.values.map(([t, l]) => [t, lineHash(l)]);
  return body;
}
