/**
 * What several commands share: argument parsing (node:util `parseArgs`),
 * the query backend (`--file` or `--loki`), the time range (`--since`,
 * `--from`, `--to`) and usage errors.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createLokiBackend, LOKI_URL_ENV } from '../query/loki.js';
import type { LocalBackendOptions } from '../query/local-backend.js';
import { DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY, DEFAULT_MAX_QUERY_SERIES, QueryError, type QueryBackend, type QueryErrorCode } from '../query/types.js';
import { DURATION_EXAMPLES, readRange, refusedTime } from '../history/range.js';
import { loadTool } from './tools.js';
import { jsonError, type CliIo } from './io.js';

export { jsonError, wantsJson } from './io.js';
import { lokiCaFrom, lokiHeadersFromEnv } from './loki-auth.js';
import { UsageError, positiveInt } from './usage.js';
export { skippedSummary } from '../history/skipped.js';

export { nonNegativeInt, positiveInt, UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` with positionals, throwing {@link UsageError} with node's own
 * message (`Unknown option '--x'`) on bad input.
 */
export function parse<O extends Options>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/**
 * How a querying command ends on an error: a {@link UsageError} prints
 * `factline NAME: message`, a blank line and the command's help, exit 2; a
 * `QueryError` prints `factline NAME: ` and `describe(error)` (default: its
 * message), exit 2 when its code is one of `usageCodes` (default
 * `bad_request`: the request was wrong) and 1 otherwise (the engine could not
 * answer). With `json`, the error is {@link jsonError}'s line on stdout
 * instead (code `usage`, or the QueryError's code), with the same exit
 * status. Anything else is rethrown: a bug, not an answer.
 *
 * @example
 * commandFailed('chain', 'Usage: factline chain ID ...', new UsageError('missing ID'), processIo); // 2, the message and the help on stderr
 */
export function commandFailed(
  name: string,
  help: string,
  e: unknown,
  io: CliIo,
  describe: (e: QueryError) => string = (q) => q.message,
  usageCodes: readonly QueryErrorCode[] = ['bad_request'],
  json = false,
): number {
  if (e instanceof UsageError) {
    if (json) io.out(jsonError('usage', e.message));
    else io.err(`factline ${name}: ${e.message}\n\n${help}`);
    return 2;
  }
  if (e instanceof QueryError) {
    if (json) io.out(jsonError(e.code, e.message, e.position));
    else io.err(`factline ${name}: ${describe(e)}`);
    return usageCodes.includes(e.code) ? 2 : 1;
  }
  throw e;
}

/**
 * How the user typed option `long` (or its one-letter `short`) in `args`, as
 * a message should name it: `-n` for `-n 5` or `-n5`, else `--lines`. The
 * last occurrence wins, as it does for the value.
 *
 * @example
 * typedOption(['-n', 'x', 'events.jsonl'], 'lines', 'n'); // '-n'
 */
export function typedOption(args: readonly string[], long: string, short?: string): string {
  let typed = `--${long}`;
  for (const a of args) {
    if (a === '--') break;
    if (a === `--${long}` || a.startsWith(`--${long}=`)) typed = `--${long}`;
    else if (short !== undefined && /^-[^-]/.test(a) && a.slice(1).includes(short)) typed = `-${short}`;
  }
  return typed;
}

/** The backend options every querying command takes. */
export const BACKEND_OPTIONS = {
  file: { type: 'string', multiple: true },
  loki: { type: 'string' },
  'loki-tenant': { type: 'string' },
  'loki-ca': { type: 'string' },
  'max-query-series': { type: 'string' },
  'max-entries-limit-per-query': { type: 'string' },
} as const satisfies Options;

export const BACKEND_HELP = `  --file F          an events file (with its rotated F.1, F.2, ...) or a glob such as
                    'logs/*.jsonl'; repeat for more. The default engine: local, no server.
  --loki URL        ask this Loki instead (default: $${LOKI_URL_ENV} when set)
  --loki-tenant T   X-Scope-OrgID for a multi-tenant Loki
  --loki-ca FILE    PEM file of the CA an https Loki's certificate is checked against
                    (default: $FACTLINE_LOKI_CA when set)
                    Credentials come from the environment only: FACTLINE_LOKI_BEARER_TOKEN,
                    or FACTLINE_LOKI_USERNAME and FACTLINE_LOKI_PASSWORD (basic auth);
                    FACTLINE_LOKI_HEADERS adds headers (name=value,name2=value2)
  --max-query-series N  local engine: the most series a metric query returns before it
                    fails as Loki fails it (Loki's max_query_series; default 10000, as the
                    shipped collector-config/loki.yaml sets)
  --max-entries-limit-per-query N  local engine: the most lines one log query may ask
                    for; a query asking for more (query's --limit, feedback's --last) fails
                    as Loki fails it, and factline's own queries keep within it (Loki's
                    max_entries_limit_per_query; default 5000, Loki's own, which the
                    shipped collector-config/loki.yaml keeps)`;

/** The backend the options name: `--loki` (or `FACTLINE_LOKI_URL` when no `--file` is given), else the local files. */
export function backendFrom(
  values: {
    file?: string[];
    loki?: string;
    'loki-tenant'?: string;
    'loki-ca'?: string;
    'max-query-series'?: string;
    'max-entries-limit-per-query'?: string;
  },
  onSkip?: (file: string, line: number, reason: string) => void,
): QueryBackend {
  const files = values.file ?? [];
  if (values.loki !== undefined && files.length > 0) throw new UsageError('--file and --loki exclude each other: query the local files or Loki');
  if (values.loki !== undefined && values.loki.trim() === '') throw new UsageError('--loki needs a URL, e.g. --loki http://localhost:3100');
  const url = values.loki ?? (files.length === 0 ? process.env[LOKI_URL_ENV] : undefined);
  if (url !== undefined && url !== '') {
    // Loki applies its own limits (its max_query_series and max_entries_limit_per_query settings).
    const why = values.loki === undefined ? ` (${LOKI_URL_ENV} is set, so the query goes to Loki; give --file F for the local engine)` : '';
    for (const name of ['max-query-series', 'max-entries-limit-per-query'] as const)
      if (values[name] !== undefined)
        throw new UsageError(`--${name} sets a limit of the local engine; Loki applies its own ${name.replaceAll('-', '_')} setting${why}`);
    const headers = lokiHeadersFromEnv();
    const ca = lokiCaFrom(values['loki-ca']);
    return createLokiBackend({
      url,
      headers,
      ...(ca !== undefined ? { ca } : {}),
      ...(values['loki-tenant'] !== undefined ? { tenant: values['loki-tenant'] } : {}),
    });
  }
  if (files.length === 0) throw new UsageError(`no events to query: give --file F (e.g. --file .factline/events.jsonl) or --loki URL (or set ${LOKI_URL_ENV})`);
  const maxQuerySeries = positiveInt(values['max-query-series'], '--max-query-series', DEFAULT_MAX_QUERY_SERIES);
  const maxEntriesLimitPerQuery = positiveInt(values['max-entries-limit-per-query'], '--max-entries-limit-per-query', DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY);
  return localBackend({ files, maxQuerySeries, maxEntriesLimitPerQuery, ...(onSkip ? { onSkip } : {}) });
}

/**
 * The local engine, loaded at the first query (`loadTool('query-runner')`):
 * its LogQL parser and RE2 are optional packages (`@factline/tools`), and
 * a command that never queries (verify, validate, stats, tail, catalog) must
 * not need them. A missing one rejects the query with `ToolMissingError`.
 * The files may hold factline's envelope lines and Intent's flat lines: the
 * engine reads both formats (Intent's format loads its wire-name table only,
 * not the Intent catalog).
 */
function localBackend(options: Omit<LocalBackendOptions, 'formats'>): QueryBackend {
  let backend: Promise<QueryBackend> | undefined;
  const get = () =>
    (backend ??= Promise.all([loadTool('query-runner'), import('../intent/flat-format.js')]).then(([m, intent]) =>
      m.createLocalBackend({ ...options, formats: [intent.intentFlatFormat, m.factlineEnvelopeFormat] }),
    ));
  return {
    kind: 'local',
    query: async (request) => (await get()).query(request),
    queryRange: async (request) => (await get()).queryRange(request),
    labels: async (request) => {
      const b = await get();
      if (b.labels === undefined) throw new Error('the local engine lists no labels');
      return b.labels(request);
    },
  };
}

/** The time options of querying commands. */
export const TIME_OPTIONS = {
  since: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const satisfies Options;

export const TIME_HELP = `  --since D         the D before --to (or now): 30s, 15m, 1h, 7d, 1h30m (default 1h; metric queries: the range to step over)
  --from T --to T   an absolute range: RFC 3339 with its offset (2026-03-30T14:00:00Z,
                    2026-03-30T16:00:00+02:00) or Unix seconds (1774879200)`;

const FLAG = { since: '--since', start: '--from', end: '--to' } as const;

/**
 * The range the time options name, in Unix epoch ns: `--from` (or the
 * `--since` before `--to`; default `defaultSince`) up to `--to` (default
 * now). The rule is the MCP tools' too ({@link readRange}); a bad value is a
 * {@link UsageError} naming the option.
 */
export function rangeFrom(
  values: { since?: string; from?: string; to?: string },
  defaultSince = '1h',
  now: bigint = BigInt(Date.now()) * 1_000_000n,
): { start: bigint; end: bigint } {
  const r = readRange({ since: values.since, start: values.from, end: values.to }, defaultSince, now);
  if (!('problem' in r)) return r;
  const p = r.problem;
  switch (p.code) {
    case 'since_with_start':
      throw new UsageError('--since and --from exclude each other');
    case 'bad_duration':
      throw new UsageError(`${FLAG[p.field]} needs a duration like ${DURATION_EXAMPLES}, got ${JSON.stringify(p.text)}`);
    case 'bad_time':
      throw new UsageError(refusedTime(FLAG[p.field], p.text));
    case 'end_before_start':
      throw new UsageError(`--to (${values.to ?? 'now'}) is before --from (${values.from})`);
  }
}

/** Shows a "scanning…" counter on a terminal's stderr while a long query runs; returns the stop function. */
export function progress(enabled: boolean, write: (s: string) => void, what: string): () => void {
  if (!enabled) return () => {};
  const began = Date.now();
  const timer = setInterval(() => write(`${what}... ${Math.round((Date.now() - began) / 1000)} s`), 1000);
  timer.unref();
  return () => clearInterval(timer);
}
