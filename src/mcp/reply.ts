/**
 * Bounded replies. Every tool result is held to a byte budget (the reply's
 * JSON-RPC result serialized as UTF-8): an agent's context and the client's
 * message cap (the TypeScript SDK's is 10 MiB, past which it closes the
 * session) are finite. A reply that had to be cut says so in its text and in
 * `structuredContent.cut`, and a query carries a cursor to ask for the rest.
 *
 * The text is a readable summary; the data is put once, in
 * `structuredContent`.
 */
import type { LokiLogEntry, LokiMatrixSeries, LokiQueryData, LokiStream, LokiVectorSample } from '../query/types.js';

/** Default reply budget: 64 KiB. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024;
/** The smallest budget accepted: room for a summary, a cursor and one cut line. */
export const MIN_MAX_REPLY_BYTES = 4 * 1024;

/** A tool result as the SDK takes it. */
export interface Reply {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export const bigintSafe = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));

/** The bytes a result takes on the wire (its JSON, UTF-8). */
export function replyBytes(reply: Reply): number {
  return Buffer.byteLength(JSON.stringify(reply), 'utf8');
}

/**
 * The largest prefix of `items` whose reply fits `budget` bytes: `render(k)`
 * builds the reply showing the first `k` items (and saying when `k` is short
 * of all). Binary search over `k`, so about log2(n) renderings.
 * `most` bounds `k` from above when the caller knows more cannot fit.
 * Returns the reply and `k`; `k` may be 0 when not even one item fits.
 */
export function fitPrefix(count: number, render: (k: number) => Reply, budget: number, most = count): { reply: Reply; shown: number } {
  const top = Math.min(count, most);
  const all = render(top);
  if (replyBytes(all) <= budget) return { reply: all, shown: top };
  let lo = 0;
  let hi = top - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (replyBytes(render(mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return { reply: render(lo), shown: lo };
}

/** One log line of a streams answer, in the answer's order. */
interface FlatEntry {
  stream: number;
  entry: LokiLogEntry;
}

/** An answer prepared for paging: its items in order, once. */
export interface PagedAnswer {
  /** Log lines, series, or 1 for a scalar. */
  readonly count: number;
  /** The items `from` to `to` (exclusive), as an answer of the same shape. */
  slice(from: number, to: number): LokiQueryData;
  /** A lower bound of the bytes item `i` takes in a reply (its JSON). */
  bytes(i: number): number;
}

/**
 * Orders an answer's items for paging. Log lines are taken in time order,
 * newest first for `backward` (Loki's default), oldest first for `forward`,
 * and a page groups them back into their streams (in the answer's stream
 * order); series are taken in the answer's order.
 */
export function pageAnswer(data: LokiQueryData, direction: 'forward' | 'backward'): PagedAnswer {
  switch (data.resultType) {
    case 'streams': {
      const flat: FlatEntry[] = [];
      for (const [i, s] of data.result.entries()) for (const entry of s.values) flat.push({ stream: i, entry });
      const sign = direction === 'backward' ? -1 : 1;
      const times = new Map<FlatEntry, bigint>(flat.map((f) => [f, BigInt(f.entry[0])]));
      flat.sort((a, b) => {
        const ta = times.get(a)!;
        const tb = times.get(b)!;
        return ta === tb ? a.stream - b.stream : (ta < tb ? -1 : 1) * sign;
      });
      return {
        count: flat.length,
        bytes: (i) => flat[i]!.entry[1].length + flat[i]!.entry[0].length + 6,
        slice(from, to) {
          const byStream = new Map<number, LokiLogEntry[]>();
          for (const f of flat.slice(from, to)) {
            const list = byStream.get(f.stream) ?? [];
            list.push(f.entry);
            byStream.set(f.stream, list);
          }
          const result: LokiStream[] = [...byStream.keys()].sort((a, b) => a - b).map((i) => ({ stream: data.result[i]!.stream, values: byStream.get(i)! }));
          return { resultType: 'streams', result };
        },
      };
    }
    case 'vector':
      return {
        count: data.result.length,
        bytes: () => 0,
        slice: (from, to) => ({ resultType: 'vector', result: data.result.slice(from, to) as LokiVectorSample[] }),
      };
    case 'matrix':
      return {
        count: data.result.length,
        bytes: () => 0,
        slice: (from, to) => ({ resultType: 'matrix', result: data.result.slice(from, to) as LokiMatrixSeries[] }),
      };
    case 'scalar':
      return { count: 1, bytes: () => 0, slice: () => ({ resultType: 'scalar', result: data.result }) };
  }
}

/** One log line too long for the whole budget, cut to `chars` characters with a marker saying how much was left out. */
export function cutLongLine(data: LokiQueryData, chars: number): LokiQueryData {
  if (data.resultType !== 'streams') return data;
  return {
    resultType: 'streams',
    result: data.result.map((s) => ({
      stream: s.stream,
      values: s.values.map(
        ([t, line]) =>
          [t, line.length > chars ? `${line.slice(0, chars)}… [cut: ${Buffer.byteLength(line.slice(chars), 'utf8')} more bytes]` : line] as LokiLogEntry,
      ),
    })),
  };
}

/** What a query cursor carries: the whole request, fixed in time, and where the next page starts. */
export interface QueryCursor {
  query: string;
  /** Unix epoch ns as decimal strings. */
  start: string;
  end: string;
  limit: number;
  direction: 'forward' | 'backward';
  /** Items already returned. */
  offset: number;
}

/** An opaque cursor: base64url of the request's JSON. */
export function encodeCursor(c: QueryCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...c }), 'utf8').toString('base64url');
}

/** @throws Error naming the problem when the text is not a cursor this server wrote. */
export function decodeCursor(text: string): QueryCursor {
  let c: Partial<QueryCursor> & { v?: unknown };
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as typeof c;
  } catch {
    throw new Error('cursor is not one this server returned; pass the cursor string of the previous reply unchanged');
  }
  if (
    c.v !== 1 ||
    typeof c.query !== 'string' ||
    typeof c.start !== 'string' ||
    typeof c.end !== 'string' ||
    !/^-?\d+$/.test(c.start) ||
    !/^-?\d+$/.test(c.end) ||
    !Number.isInteger(c.limit) ||
    !Number.isInteger(c.offset) ||
    (c.offset as number) < 0 ||
    (c.direction !== 'forward' && c.direction !== 'backward')
  ) {
    throw new Error('cursor is not one this server returned; pass the cursor string of the previous reply unchanged');
  }
  return c as QueryCursor;
}
