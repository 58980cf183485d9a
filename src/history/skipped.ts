/**
 * Lines of local event files that are not events (skipped by the local
 * engine, counted in an answer's `data.stats.skipped` by line problem code,
 * docs/errors.md "Line problems"), said the same way by every command and
 * MCP tool: `skipped N lines that are not events (CODE N, …); first:
 * FILE:LINE: CODE: …`.
 */
import { printable } from '../lines/printable.js';
import type { LokiQueryResponse, QueryBackend } from '../query/types.js';

/** The sentence for the lines a local answer skipped (its `data.stats`), or undefined when it skipped none. */
export function skippedSummary(stats: unknown): string | undefined {
  const s = stats as { skipped?: Record<string, number>; skippedSamples?: { file: string; line: number; reason: string }[] } | undefined;
  if (!s?.skipped) return undefined;
  const parts = Object.entries(s.skipped).filter(([, n]) => n > 0);
  if (parts.length === 0) return undefined;
  const total = parts.reduce((a, [, n]) => a + n, 0);
  const first = s.skippedSamples?.[0];
  return `skipped ${total} line${total === 1 ? '' : 's'} that ${total === 1 ? 'is not an event' : 'are not events'} (${parts.map(([r, n]) => `${r} ${n}`).join(', ')})${first ? `; first: ${printable(first.file)}:${first.line}: ${first.reason}` : ''}`;
}

interface LocalStats {
  skipped?: Record<string, number>;
  files?: string[];
}

/**
 * `backend`, watched: every local answer's `data.stats` is kept, so that
 * after a command's (or tool call's) queries `summary()` says what was skipped. Each query
 * reads the same files, so the answer that skipped most stands for all
 * (summing would count a line once per query).
 */
export function watchSkips(backend: QueryBackend): { backend: QueryBackend; summary(): string | undefined; files(): string[] } {
  let most: { total: number; stats: unknown } = { total: 0, stats: undefined };
  const files = new Set<string>();
  const keep = (r: LokiQueryResponse): LokiQueryResponse => {
    const s = r.data.stats as LocalStats | undefined;
    for (const f of s?.files ?? []) files.add(f);
    const total = Object.values(s?.skipped ?? {}).reduce((a, b) => a + b, 0);
    if (total > most.total) most = { total, stats: s };
    return r;
  };
  return {
    backend: {
      kind: backend.kind,
      query: async (request) => keep(await backend.query(request)),
      queryRange: async (request) => keep(await backend.queryRange(request)),
      ...(backend.labels !== undefined ? { labels: backend.labels.bind(backend) } : {}),
    },
    summary: () => skippedSummary(most.stats),
    files: () => [...files],
  };
}
