import { QueryError, type LokiQueryResponse, type QueryBackend, type RangeQueryRequest } from './types.js';

/** Loki's refusal text, `... max_entries_limit_per_query (5000 > 1000)`: the limit asked for, then the backend's. */
const REFUSAL = /max_entries_limit_per_query \((\d+) > (\d+)\)/;

/**
 * The backend's `max_entries_limit_per_query` that `e` names, when `e` is
 * the refusal of a log query whose `limit` was above it (Loki's HTTP 400, or
 * the local engine's same message); else undefined.
 *
 * @example
 * refusedEntriesLimit(new QueryError('bad_request', 'Loki (400): max entries limit per query exceeded, limit > max_entries_limit_per_query (5000 > 1000)')); // 1000
 */
export function refusedEntriesLimit(e: unknown): number | undefined {
  if (!(e instanceof QueryError) || e.code !== 'bad_request') return undefined;
  const m = REFUSAL.exec(e.message);
  if (m === null) return undefined;
  const max = Number(m[2]);
  return Number.isSafeInteger(max) && max >= 1 ? max : undefined;
}

/**
 * A log query of factline's own (feedback's outcome pages, a chain's
 * effects, the label sample) run within the backend's entries limit: asked
 * with `request.limit`; refused because that is above the backend's
 * `max_entries_limit_per_query` (a Loki set lower than its default 5000, or
 * the local engine's `--max-entries-limit-per-query`), asked once more with
 * the limit the refusal names. The caller reads `limit` to know how many
 * lines a full answer holds. Not for a query whose limit a user gave: that
 * refusal is the user's to see, as Loki gives it.
 *
 * @example
 * const { response, limit } = await queryRangeWithinLimit(backend, { query: '{service_name="api"}', start: 0n, end: 10n ** 19n, limit: 5000 });
 * limit; // 5000, or a Loki's lower max_entries_limit_per_query (1000): a page of `limit` lines is full
 *
 * @returns the response and the limit it was asked with.
 * @throws QueryError as `backend.queryRange` does, the refusal included when the retry is refused too.
 */
export async function queryRangeWithinLimit(
  backend: QueryBackend,
  request: RangeQueryRequest & { limit: number },
): Promise<{ response: LokiQueryResponse; limit: number }> {
  try {
    return { response: await backend.queryRange(request), limit: request.limit };
  } catch (e) {
    const max = refusedEntriesLimit(e);
    if (max === undefined || max >= request.limit) throw e;
    return { response: await backend.queryRange({ ...request, limit: max }), limit: max };
  }
}
