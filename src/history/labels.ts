/**
 * Which labels exist and which values they take: the first questions before
 * writing LogQL (Loki's `labels` and `label/NAME/values` API, answered on both
 * backends).
 */
import { selector } from '../queries/logql.js';
import { queryRangeWithinLimit } from '../query/entries-limit.js';
import { ownLabel } from '../query/labels.js';
import { QueryError, type QueryBackend } from '../query/types.js';

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Lines read to find the names on lines (structured metadata): the newest ones. */
const SAMPLE_LINES = 500;

/** The answer of {@link listLabels}. */
export interface LabelNames {
  /** Index (stream) labels: cheap to select on, `{service_name="api"}`. */
  readonly indexed: string[];
  /** Names carried by the newest lines besides those: structured metadata (`event_name`, `factline_event_id`, …), filtered with `| name="value"`. */
  readonly onLines: string[];
  /** How many lines `onLines` was read from (the newest, at most 500). */
  readonly sampledLines: number;
}

interface Range {
  start: bigint;
  end: bigint;
  service?: string;
  signal?: AbortSignal;
}

/**
 * The label names in a range: the index labels (Loki's `/labels`), and the
 * structured metadata names the newest 500 lines carry (fewer where the
 * backend's `max_entries_limit_per_query` is lower).
 */
export async function listLabels(backend: QueryBackend, range: Range): Promise<LabelNames> {
  const signal = range.signal ? { signal: range.signal } : {};
  const indexed = backend.labels ? await backend.labels({ start: range.start, end: range.end, ...signal }) : [];
  const { response: r } = await queryRangeWithinLimit(backend, {
    query: selector(range.service),
    start: range.start,
    end: range.end,
    limit: SAMPLE_LINES,
    direction: 'backward',
    ...signal,
  });
  const names = new Set<string>();
  let sampledLines = 0;
  if (r.data.resultType === 'streams') {
    for (const s of r.data.result) {
      sampledLines += s.values.length;
      for (const n of Object.keys(s.stream)) names.add(n);
    }
  }
  const index = new Set(indexed);
  return { indexed, onLines: [...names].filter((n) => !index.has(n)).sort(), sampledLines };
}

/** One value of a label and how many lines carry it in the range. */
export interface LabelValue {
  readonly value: string;
  readonly lines: number;
}

/**
 * The values a label (index label or structured metadata) takes in a range,
 * with their line counts, most lines first:
 * `sum by (NAME) (count_over_time({service_name=~".+"} [RANGE]))` at `end`.
 *
 * @throws QueryError `bad_request` when `name` is not a label name.
 */
export async function labelValues(backend: QueryBackend, name: string, range: Range): Promise<LabelValue[]> {
  if (!LABEL_NAME.test(name)) throw new QueryError('bad_request', `label name must be letters, digits and _ (e.g. event_name), got ${JSON.stringify(name)}`);
  const seconds = (range.end - range.start) / 1_000_000_000n;
  const query = `sum by (${name}) (count_over_time(${selector(range.service)} [${seconds < 1n ? 1n : seconds}s]))`;
  const r = await backend.query({ query, time: range.end, ...(range.signal ? { signal: range.signal } : {}) });
  if (r.data.resultType !== 'vector') throw new QueryError('unavailable', `expected a vector for ${query}, got a ${r.data.resultType}`);
  // Own properties only: a label named `constructor` or `__proto__` is a label like any other, not Object.prototype's member.
  return r.data.result
    .flatMap((s) => {
      const value = ownLabel(s.metric, name);
      return value === undefined || value === '' ? [] : [{ value, lines: Number(s.value[1]) }];
    })
    .sort((a, b) => b.lines - a.lines || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
